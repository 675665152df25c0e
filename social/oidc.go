package social

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/go-jose/go-jose/v4"
	"golang.org/x/oauth2"
)

// OIDCConfig configures an OpenID Connect provider. Google, Microsoft and
// Apple return one preset for their provider.
type OIDCConfig struct {
	// ID names the provider: "oidc", "google". Required.
	ID string
	// Issuer is the provider's issuer URL; its discovery document is read
	// from Issuer + "/.well-known/openid-configuration" at the first
	// request (a failure answers 503 and is retried at the next one).
	// https, or http on a loopback host for a development provider.
	Issuer string
	// ClientID and ClientSecret are this application's credentials at
	// the provider. ClientID is required; ClientSecret only for the code
	// flow (unless ClientSecretFunc mints it).
	ClientID, ClientSecret string
	// ClientSecretFunc, when set, returns the client secret for each code
	// exchange instead of ClientSecret (Apple's is a signed JWT).
	ClientSecretFunc func(ctx context.Context) (string, error)
	// RedirectURI is the redirect URI the client used in its
	// authorization request, sent again at the code exchange
	// (dj-rest-auth's callback_url). Required for the code flow.
	RedirectURI string
	// Scopes are those a client should request; default openid, email
	// and profile. They matter to AuthorizationInfo only: the server does
	// not make the authorization request.
	Scopes []string
	// Audiences are further client IDs whose ID tokens are accepted, as
	// aud or azp: the application's native apps, whose tokens the
	// provider issues to their own client ID (Apple's bundle ID, Google's
	// Android and iOS clients). Tokens for any other audience are refused.
	Audiences []string
	// AuthStyle says how the client secret is sent at the code exchange;
	// default: as the provider's discovery document lists, and when it
	// lists both HTTP Basic and the body, Basic first, then the body.
	AuthStyle oauth2.AuthStyle
	// HTTPClient makes the calls to the provider (discovery, keys, code
	// exchange); default one with DefaultHTTPTimeout.
	HTTPClient *http.Client
	// Now is the clock for expiry and issue times; default time.Now.
	Now func() time.Time

	// issuerTemplate, when set, is the discovery document's templated
	// issuer of a multi-tenant provider (Microsoft's common endpoint):
	// each token's iss must be it with {tenantid} replaced by its tid.
	issuerTemplate string
}

// OIDC is an OpenID Connect provider. It accepts an authorization code
// (exchanged at the provider with PKCE's verifier when the client sends
// one) or an ID token, and checks the ID token itself: signature against
// the provider's published keys (fetched again when no held key
// verifies it, so key rotation needs nothing; a key the provider no longer
// publishes is refused), algorithm (asymmetric only; "none" and
// HMAC are refused), issuer, audience and authorized party, expiry,
// issue time, and the nonce when the client sends one. A bare access
// token is refused: nothing in it says which application it was issued
// to, so accepting it would let any application a user signed in to
// replay the user's token here.
type OIDC struct {
	cfg    OIDCConfig
	client *http.Client
	now    func() time.Time

	mu       sync.Mutex
	provider *oidc.Provider // nil until discovery succeeded
	keys     *keySet
	verifier oidc.Config
	algs     []jose.SignatureAlgorithm
	oauth    oauth2.Config
	authURL  string
}

// NewOIDC checks cfg and returns the provider; it makes no request.
func NewOIDC(cfg OIDCConfig) (*OIDC, error) {
	if !validProviderID(cfg.ID) {
		return nil, fmt.Errorf("social: provider ID %q: use 1 to 30 of a-z, 0-9, - and _", cfg.ID)
	}
	if err := checkEndpointURL("social: "+cfg.ID+": Issuer", cfg.Issuer); err != nil {
		return nil, err
	}
	if cfg.ClientID == "" {
		return nil, fmt.Errorf("social: %s: ClientID is required", cfg.ID)
	}
	if len(cfg.Scopes) == 0 {
		cfg.Scopes = []string{oidc.ScopeOpenID, "email", "profile"}
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return &OIDC{cfg: cfg, client: defaultClient(cfg.HTTPClient), now: now}, nil
}

// ID implements Provider.
func (p *OIDC) ID() string { return p.cfg.ID }

// signingAlgs are the ID token algorithms accepted, whatever the
// discovery document lists: asymmetric ones only, so that neither
// "none" nor an HMAC keyed with public material can pass.
var signingAlgs = []string{
	oidc.RS256, oidc.RS384, oidc.RS512, oidc.PS256, oidc.PS384, oidc.PS512,
	oidc.ES256, oidc.ES384, oidc.ES512, oidc.EdDSA,
}

// discover returns the provider's metadata, reading it at the first call
// that succeeds.
func (p *OIDC) discover(ctx context.Context) (oauth2.Config, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.provider != nil {
		return p.oauth, nil
	}
	dctx := oidc.ClientContext(ctx, p.client)
	if p.cfg.issuerTemplate != "" {
		dctx = oidc.InsecureIssuerURLContext(dctx, p.cfg.issuerTemplate)
	}
	prov, err := oidc.NewProvider(dctx, p.cfg.Issuer)
	if err != nil {
		return oauth2.Config{}, unavailable(p.cfg.ID, fmt.Errorf("discovery: %w", err))
	}
	ep := prov.Endpoint()
	if err := checkEndpointURL("token endpoint", ep.TokenURL); err != nil {
		return oauth2.Config{}, unavailable(p.cfg.ID, err)
	}
	var meta struct {
		JWKS        string   `json:"jwks_uri"`
		Algs        []string `json:"id_token_signing_alg_values_supported"`
		AuthMethods []string `json:"token_endpoint_auth_methods_supported"`
	}
	_ = prov.Claims(&meta)
	if err := checkEndpointURL("jwks_uri", meta.JWKS); err != nil {
		return oauth2.Config{}, unavailable(p.cfg.ID, err)
	}
	algs := slices.DeleteFunc(slices.Clone(meta.Algs), func(a string) bool { return !slices.Contains(signingAlgs, a) })
	if len(algs) == 0 {
		algs = []string{oidc.RS256}
	}
	ep.AuthStyle = p.cfg.AuthStyle
	if ep.AuthStyle == oauth2.AuthStyleAutoDetect {
		basic, post := slices.Contains(meta.AuthMethods, "client_secret_basic"), slices.Contains(meta.AuthMethods, "client_secret_post")
		switch {
		case post && !basic:
			ep.AuthStyle = oauth2.AuthStyleInParams
		case basic && !post, len(meta.AuthMethods) == 0: // basic is the default (RFC 8414)
			ep.AuthStyle = oauth2.AuthStyleInHeader
		}
		// Both listed: x/oauth2 tries HTTP Basic, then the body.
	}
	p.provider = prov
	p.keys = newKeySet(meta.JWKS, p.client)
	p.verifier = oidc.Config{
		SkipClientIDCheck:    true, // aud and azp are checked against every accepted client ID below
		SkipIssuerCheck:      p.cfg.issuerTemplate != "",
		SupportedSigningAlgs: algs,
		Now:                  p.now,
	}
	p.algs = make([]jose.SignatureAlgorithm, len(algs))
	for i, a := range algs {
		p.algs[i] = jose.SignatureAlgorithm(a)
	}
	p.oauth = oauth2.Config{ClientID: p.cfg.ClientID, ClientSecret: p.cfg.ClientSecret, Endpoint: ep,
		RedirectURL: p.cfg.RedirectURI, Scopes: p.cfg.Scopes}
	p.authURL = ep.AuthURL
	return p.oauth, nil
}

// Identify implements Provider: a code is exchanged and the ID token of
// the answer checked; an ID token is checked as it is.
func (p *OIDC) Identify(ctx context.Context, cr Credentials) (*Identity, error) {
	switch {
	case cr.Code != "":
		return p.exchange(ctx, cr)
	case cr.IDToken != "":
		return p.verify(ctx, cr.IDToken, cr.AccessToken, cr.Nonce)
	}
	return nil, fmt.Errorf("%w: %s takes code or id_token", ErrNoCredentials, p.cfg.ID)
}

// exchange trades the code for tokens and checks the ID token received.
func (p *OIDC) exchange(ctx context.Context, cr Credentials) (*Identity, error) {
	conf, err := p.discover(ctx)
	if err != nil {
		return nil, err
	}
	if p.cfg.ClientSecretFunc != nil {
		if conf.ClientSecret, err = p.cfg.ClientSecretFunc(ctx); err != nil {
			return nil, fmt.Errorf("social: %s: client secret: %w", p.cfg.ID, err)
		}
	}
	var opts []oauth2.AuthCodeOption
	if cr.CodeVerifier != "" {
		opts = append(opts, oauth2.VerifierOption(cr.CodeVerifier))
	}
	tok, err := conf.Exchange(oidc.ClientContext(ctx, p.client), cr.Code, opts...)
	if err != nil {
		return nil, exchangeError(p.cfg.ID, err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return nil, refused(p.cfg.ID, errors.New("the token response has no id_token"))
	}
	return p.verify(ctx, raw, tok.AccessToken, cr.Nonce)
}

// exchangeError sorts a failed code exchange: an OAuth error answer (a
// 4xx, or GitHub's 200 with an "error" member) is the code's fault, a 5xx
// the provider's. The provider's answer is never quoted: it may echo the
// code.
func exchangeError(provider string, err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) && re.Response != nil {
		status := re.Response.StatusCode
		if status < 500 {
			return fmt.Errorf("%w: %s: %d %q", ErrCodeExchange, provider, status, re.ErrorCode)
		}
		return unavailable(provider, fmt.Errorf("token endpoint answered %d", status))
	}
	// A transport failure (it names the URL, never the posted code) or
	// an answer that is not a token response.
	return unavailable(provider, err)
}

// verify checks an ID token (and accessToken against its at_hash, when
// both are there) and returns its identity.
func (p *OIDC) verify(ctx context.Context, raw, accessToken, nonce string) (*Identity, error) {
	if _, err := p.discover(ctx); err != nil {
		return nil, err
	}
	p.mu.Lock()
	keys := &keySetCall{set: p.keys, algs: p.algs}
	verifier := oidc.NewVerifier(p.cfg.Issuer, keys, &p.verifier)
	p.mu.Unlock()
	tok, err := verifier.Verify(ctx, raw)
	if err != nil {
		if ctx.Err() != nil {
			return nil, unavailable(p.cfg.ID, ctx.Err())
		}
		if errors.Is(keys.err, errKeysUnavailable) {
			return nil, unavailable(p.cfg.ID, keys.err)
		}
		return nil, refused(p.cfg.ID, err)
	}
	var claims idClaims
	if err := tok.Claims(&claims); err != nil {
		return nil, refused(p.cfg.ID, err)
	}
	if err := p.checkClaims(tok, &claims, nonce); err != nil {
		return nil, refused(p.cfg.ID, err)
	}
	if accessToken != "" && tok.AccessTokenHash != "" {
		if err := tok.VerifyAccessToken(accessToken); err != nil {
			return nil, refused(p.cfg.ID, err)
		}
	}
	return claims.identity(tok.Subject), nil
}

// clockSkew is how far in the future an issue time may lie.
const clockSkew = 5 * time.Minute

// checkClaims checks what go-oidc leaves to the caller: audience and
// authorized party against the accepted client IDs, the issue time, the
// nonce, the subject, and a multi-tenant issuer.
func (p *OIDC) checkClaims(tok *oidc.IDToken, c *idClaims, nonce string) error {
	accepted := append([]string{p.cfg.ClientID}, p.cfg.Audiences...)
	if !slices.ContainsFunc(tok.Audience, func(a string) bool { return slices.Contains(accepted, a) }) {
		return errors.New("the ID token is for another audience")
	}
	if len(tok.Audience) > 1 && c.AZP == "" {
		return errors.New("the ID token has several audiences and no azp")
	}
	if c.AZP != "" && !slices.Contains(accepted, c.AZP) {
		return errors.New("the ID token was issued to another party (azp)")
	}
	if c.IssuedAt == nil {
		return errors.New("the ID token has no iat")
	}
	if time.Unix(*c.IssuedAt, 0).After(p.now().Add(clockSkew)) {
		return errors.New("the ID token was issued in the future")
	}
	if nonce != "" && subtle.ConstantTimeCompare([]byte(nonce), []byte(tok.Nonce)) != 1 {
		return errors.New("the ID token's nonce is not the client's")
	}
	if tok.Subject == "" || len(tok.Subject) > 191 {
		return errors.New("the ID token's sub is empty or too long")
	}
	if p.cfg.issuerTemplate != "" {
		if !plainTenant(c.TID) || tok.Issuer != strings.ReplaceAll(p.cfg.issuerTemplate, "{tenantid}", c.TID) {
			return errors.New("the ID token's issuer is not its tenant's")
		}
	}
	return nil
}

// idClaims are the ID token claims restauth reads.
type idClaims struct {
	AZP               string   `json:"azp"`
	IssuedAt          *int64   `json:"iat"`
	TID               string   `json:"tid"`
	Email             string   `json:"email"`
	EmailVerified     flexBool `json:"email_verified"`
	PreferredUsername string   `json:"preferred_username"`
	Name              string   `json:"name"`
	GivenName         string   `json:"given_name"`
	FamilyName        string   `json:"family_name"`
	Picture           string   `json:"picture"`
	Locale            string   `json:"locale"`
}

// identity builds the Identity of the token's subject sub.
func (c *idClaims) identity(sub string) *Identity {
	id := &Identity{
		UID:           sub,
		Email:         c.Email,
		EmailVerified: bool(c.EmailVerified) && c.Email != "",
		Username:      c.PreferredUsername,
		FirstName:     c.GivenName,
		LastName:      c.FamilyName,
		Extra:         map[string]any{"sub": sub},
	}
	for k, v := range map[string]string{"email": c.Email, "preferred_username": c.PreferredUsername, "name": c.Name,
		"given_name": c.GivenName, "family_name": c.FamilyName, "picture": c.Picture, "locale": c.Locale} {
		if v != "" {
			id.Extra[k] = v
		}
	}
	if c.Email != "" {
		id.Extra["email_verified"] = id.EmailVerified
	}
	if id.Username == "" && c.Email == "" {
		id.Username = c.GivenName
	}
	return id
}

// flexBool reads a JSON boolean, or the strings "true" and "false" that
// some providers (Apple) send instead.
type flexBool bool

func (b *flexBool) UnmarshalJSON(data []byte) error {
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	switch x := v.(type) {
	case bool:
		*b = flexBool(x)
	case string:
		*b = flexBool(strings.EqualFold(x, "true"))
	default:
		*b = false
	}
	return nil
}

// AuthorizationInfo is what a client needs to send a user to the
// provider's authorization page itself: the endpoint, this application's
// client ID, the redirect URI and the scopes to request. None of it is
// secret. The client adds state, a nonce and a PKCE challenge, then posts
// the code (and the verifier and nonce) to <provider>/.
type AuthorizationInfo struct {
	Provider    string   `json:"provider"`
	AuthURL     string   `json:"authorization_endpoint"`
	ClientID    string   `json:"client_id"`
	RedirectURI string   `json:"redirect_uri"`
	Scopes      []string `json:"scopes"`
}

// Authorization returns the provider's AuthorizationInfo, reading the
// discovery document if needed.
func (p *OIDC) Authorization(ctx context.Context) (AuthorizationInfo, error) {
	if _, err := p.discover(ctx); err != nil {
		return AuthorizationInfo{}, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return AuthorizationInfo{Provider: p.cfg.ID, AuthURL: p.authURL, ClientID: p.cfg.ClientID,
		RedirectURI: p.cfg.RedirectURI, Scopes: slices.Clone(p.cfg.Scopes)}, nil
}

// plainTenant reports whether tid is a tenant ID that can stand in an
// issuer URL: a GUID or domain, never a placeholder or a path.
func plainTenant(tid string) bool {
	if tid == "" || len(tid) > 64 {
		return false
	}
	for _, c := range tid {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}
