package social

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/restauth/restauth/core/envconfig"
)

// FromEnv builds social login from the starters' environment (see
// core/envconfig for the list): GitHub from RESTAUTH_GITHUB_CLIENT_ID and
// RESTAUTH_GITHUB_CLIENT_SECRET, mounted as github/ (RESTAUTH_GITHUB_URL
// names a GitHub Enterprise Server instead of github.com); Google from
// RESTAUTH_GOOGLE_CLIENT_ID (and RESTAUTH_GOOGLE_CLIENT_SECRET for the
// code flow), mounted as google/; a generic OpenID Connect provider from
// RESTAUTH_OIDC_ISSUER and RESTAUTH_OIDC_CLIENT_ID (and
// RESTAUTH_OIDC_CLIENT_SECRET), mounted as oidc/. Each takes an optional
// _REDIRECT_URI, the redirect URI its clients use (dj-rest-auth's
// callback_url). RESTAUTH_SOCIAL_EMAIL_LINKING=on sets
// Config.EmailAuthentication. client, when not nil, makes the calls to
// the providers.
//
// It returns nil and no error when no provider is configured, and an
// error naming the variable for a provider configured in part.
func FromEnv(getenv func(string) string, client *http.Client) (*Social, error) {
	env := func(name string) string { return strings.TrimSpace(getenv(name)) }
	var providers []Provider
	if id, secret := env(envconfig.VarGitHubClientID), env(envconfig.VarGitHubClientSecret); id != "" || secret != "" {
		if id == "" || secret == "" {
			return nil, fmt.Errorf("social: set both %s and %s", envconfig.VarGitHubClientID, envconfig.VarGitHubClientSecret)
		}
		ghc := GitHubConfig{ClientID: id, ClientSecret: secret, RedirectURI: env(envconfig.VarGitHubRedirectURI), HTTPClient: client}
		if base := strings.TrimSuffix(env(envconfig.VarGitHubURL), "/"); base != "" {
			ghc.WebURL, ghc.APIURL = base, base+"/api/v3" // GitHub Enterprise Server
		}
		gh, err := NewGitHub(ghc)
		if err != nil {
			return nil, err
		}
		providers = append(providers, gh)
	}
	if id, secret := env(envconfig.VarGoogleClientID), env(envconfig.VarGoogleClientSecret); id != "" || secret != "" {
		if id == "" {
			return nil, fmt.Errorf("social: %s is set without %s", envconfig.VarGoogleClientSecret, envconfig.VarGoogleClientID)
		}
		cfg := Google(id, secret, env(envconfig.VarGoogleRedirectURI))
		cfg.HTTPClient = client
		g, err := NewOIDC(cfg)
		if err != nil {
			return nil, err
		}
		providers = append(providers, g)
	}
	issuer, id, secret := env(envconfig.VarOIDCIssuer), env(envconfig.VarOIDCClientID), env(envconfig.VarOIDCClientSecret)
	if issuer != "" || id != "" || secret != "" {
		if issuer == "" || id == "" {
			return nil, fmt.Errorf("social: set both %s and %s", envconfig.VarOIDCIssuer, envconfig.VarOIDCClientID)
		}
		o, err := NewOIDC(OIDCConfig{ID: "oidc", Issuer: issuer, ClientID: id, ClientSecret: secret,
			RedirectURI: env(envconfig.VarOIDCRedirectURI), HTTPClient: client})
		if err != nil {
			return nil, err
		}
		providers = append(providers, o)
	}
	linking := false
	switch v := strings.ToLower(env(envconfig.VarSocialEmailLinking)); v {
	case "", "off":
	case "on":
		linking = true
	default:
		return nil, fmt.Errorf("social: %s=%q: want on or off", envconfig.VarSocialEmailLinking, v)
	}
	if len(providers) == 0 {
		return nil, nil
	}
	return New(Config{Providers: providers, EmailAuthentication: linking})
}
