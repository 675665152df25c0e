package social

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/oauth2"
)

// GitHubConfig configures GitHub (OAuth 2.0, no OpenID Connect).
type GitHubConfig struct {
	// ID names the provider; default "github".
	ID string
	// ClientID and ClientSecret are the OAuth app's. Both required: the
	// secret also serves to check that an access token was issued to
	// this app.
	ClientID, ClientSecret string
	// RedirectURI is the callback URL the client used, sent again at the
	// code exchange (dj-rest-auth's callback_url).
	RedirectURI string
	// Scopes a client should request; default read:user and user:email.
	Scopes []string
	// WebURL is GitHub's web site (authorization and code exchange),
	// default https://github.com; APIURL its REST API, default
	// https://api.github.com. Set both for GitHub Enterprise Server.
	WebURL, APIURL string
	// HTTPClient makes the calls; default one with DefaultHTTPTimeout.
	HTTPClient *http.Client
}

// GitHub is GitHub's OAuth 2.0 flow. It accepts an authorization code
// (exchanged with the app's secret, with PKCE's verifier when the client
// sends one) or an access token, which it first checks was issued to
// this app (GitHub's "check a token" API, authenticated with the app's
// credentials): a token another app obtained for the user is refused.
// The identity is GitHub's numeric user id; the email is the primary
// address from /user/emails with GitHub's verified flag (the profile's
// public email, unverified, when the token may not read the addresses).
type GitHub struct {
	cfg    GitHubConfig
	client *http.Client
	oauth  oauth2.Config
}

// NewGitHub checks cfg and returns the provider.
func NewGitHub(cfg GitHubConfig) (*GitHub, error) {
	if cfg.ID == "" {
		cfg.ID = "github"
	}
	if !validProviderID(cfg.ID) {
		return nil, fmt.Errorf("social: provider ID %q: use 1 to 30 of a-z, 0-9, - and _", cfg.ID)
	}
	if cfg.ClientID == "" || cfg.ClientSecret == "" {
		return nil, fmt.Errorf("social: %s: ClientID and ClientSecret are required", cfg.ID)
	}
	if cfg.WebURL == "" {
		cfg.WebURL = "https://github.com"
	}
	if cfg.APIURL == "" {
		cfg.APIURL = "https://api.github.com"
	}
	cfg.WebURL, cfg.APIURL = strings.TrimSuffix(cfg.WebURL, "/"), strings.TrimSuffix(cfg.APIURL, "/")
	for name, u := range map[string]string{"WebURL": cfg.WebURL, "APIURL": cfg.APIURL} {
		if err := checkEndpointURL("social: "+cfg.ID+": "+name, u); err != nil {
			return nil, err
		}
	}
	if len(cfg.Scopes) == 0 {
		cfg.Scopes = []string{"read:user", "user:email"}
	}
	return &GitHub{cfg: cfg, client: defaultClient(cfg.HTTPClient), oauth: oauth2.Config{
		ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, RedirectURL: cfg.RedirectURI, Scopes: cfg.Scopes,
		Endpoint: oauth2.Endpoint{
			AuthURL:   cfg.WebURL + "/login/oauth/authorize",
			TokenURL:  cfg.WebURL + "/login/oauth/access_token",
			AuthStyle: oauth2.AuthStyleInParams,
		},
	}}, nil
}

// ID implements Provider.
func (g *GitHub) ID() string { return g.cfg.ID }

// Identify implements Provider.
func (g *GitHub) Identify(ctx context.Context, cr Credentials) (*Identity, error) {
	token := cr.AccessToken
	switch {
	case cr.Code != "":
		var opts []oauth2.AuthCodeOption
		if cr.CodeVerifier != "" {
			opts = append(opts, oauth2.VerifierOption(cr.CodeVerifier))
		}
		tok, err := g.oauth.Exchange(context.WithValue(ctx, oauth2.HTTPClient, g.client), cr.Code, opts...)
		if err != nil {
			return nil, exchangeError(g.cfg.ID, err)
		}
		token = tok.AccessToken
	case token != "":
		if err := g.checkToken(ctx, token); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("%w: %s takes code or access_token", ErrNoCredentials, g.cfg.ID)
	}
	return g.user(ctx, token)
}

// checkToken asks GitHub whether token belongs to this app: POST
// /applications/{client_id}/token with the app's credentials answers 200
// for its own tokens and 404 for any other (or a revoked one).
func (g *GitHub) checkToken(ctx context.Context, token string) error {
	body, _ := json.Marshal(map[string]string{"access_token": token})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost,
		g.cfg.APIURL+"/applications/"+url.PathEscape(g.cfg.ClientID)+"/token", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.SetBasicAuth(g.cfg.ClientID, g.cfg.ClientSecret)
	req.Header.Set("Content-Type", "application/json")
	var info struct {
		App struct {
			ClientID string `json:"client_id"`
		} `json:"app"`
	}
	if err := g.do(req, &info); err != nil {
		return err
	}
	if info.App.ClientID != "" && info.App.ClientID != g.cfg.ClientID {
		return refused(g.cfg.ID, errors.New("the access token belongs to another app"))
	}
	return nil
}

// user reads the identity of token: /user, then /user/emails.
func (g *GitHub) user(ctx context.Context, token string) (*Identity, error) {
	var u struct {
		ID    json.Number `json:"id"`
		Login string      `json:"login"`
		Name  string      `json:"name"`
		Email string      `json:"email"`
		HTML  string      `json:"html_url"`
		Photo string      `json:"avatar_url"`
	}
	if err := g.get(ctx, token, "/user", &u); err != nil {
		return nil, err
	}
	uid, err := strconv.ParseInt(u.ID.String(), 10, 64)
	if err != nil || uid <= 0 {
		return nil, unavailable(g.cfg.ID, errors.New("/user has no numeric id"))
	}
	id := &Identity{UID: strconv.FormatInt(uid, 10), Username: u.Login,
		Extra: map[string]any{"id": uid, "login": u.Login}}
	for k, v := range map[string]string{"name": u.Name, "html_url": u.HTML, "avatar_url": u.Photo} {
		if v != "" {
			id.Extra[k] = v
		}
	}
	id.FirstName, id.LastName, _ = strings.Cut(strings.TrimSpace(u.Name), " ")
	var emails []struct {
		Email    string `json:"email"`
		Primary  bool   `json:"primary"`
		Verified bool   `json:"verified"`
	}
	switch err := g.get(ctx, token, "/user/emails", &emails); {
	case err == nil:
		for _, e := range emails {
			if e.Primary {
				id.Email, id.EmailVerified = e.Email, e.Verified
			}
		}
	case errors.Is(err, ErrInvalidCredentials):
		// No user:email scope: only the public profile address, which
		// GitHub does not say is verified.
		id.Email = u.Email
	default:
		return nil, err
	}
	if id.Email != "" {
		id.Extra["email"] = id.Email
		id.Extra["email_verified"] = id.EmailVerified
	}
	return id, nil
}

// get reads the API path with token into v.
func (g *GitHub) get(ctx context.Context, token, path string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, g.cfg.APIURL+path, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	return g.do(req, v)
}

// do sends req to GitHub's API and decodes a 200 answer into v: a 4xx is
// the token's fault (ErrInvalidCredentials), anything else GitHub's.
func (g *GitHub) do(req *http.Request, v any) error {
	req.Header.Set("Accept", "application/vnd.github+json")
	req.Header.Set("X-GitHub-Api-Version", "2022-11-28")
	resp, err := g.client.Do(req)
	if err != nil {
		if ctxErr := req.Context().Err(); ctxErr != nil {
			return unavailable(g.cfg.ID, ctxErr)
		}
		return unavailable(g.cfg.ID, fmt.Errorf("%s %s unreachable", req.Method, req.URL.Path))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	switch {
	case err != nil:
		return unavailable(g.cfg.ID, err)
	case resp.StatusCode >= 400 && resp.StatusCode < 500:
		return refused(g.cfg.ID, fmt.Errorf("%s %s answered %d", req.Method, req.URL.Path, resp.StatusCode))
	case resp.StatusCode != http.StatusOK:
		return unavailable(g.cfg.ID, fmt.Errorf("%s %s answered %d", req.Method, req.URL.Path, resp.StatusCode))
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return unavailable(g.cfg.ID, fmt.Errorf("%s %s: unreadable answer", req.Method, req.URL.Path))
	}
	return nil
}

// Authorization returns GitHub's AuthorizationInfo.
func (g *GitHub) Authorization(context.Context) (AuthorizationInfo, error) {
	return AuthorizationInfo{Provider: g.cfg.ID, AuthURL: g.oauth.Endpoint.AuthURL, ClientID: g.cfg.ClientID,
		RedirectURI: g.cfg.RedirectURI, Scopes: append([]string(nil), g.cfg.Scopes...)}, nil
}
