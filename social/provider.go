package social

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"time"
)

// Provider proves who a client is at one identity provider: it turns the
// credentials the client posted (an authorization code, an ID token, an
// access token) into the identity they stand for, checking them with the
// provider. OIDC (with the Google, Microsoft and Apple presets) and
// GitHub are the providers of this package; an application may write
// its own.
type Provider interface {
	// ID names the provider in paths (<ID>/, <ID>/connect/) and in the
	// stored social accounts: lower-case letters, digits, "-" and "_".
	ID() string
	// Identify checks cr with the provider and returns the identity, or
	// an error wrapping ErrNoCredentials, ErrCodeExchange,
	// ErrInvalidCredentials or ErrProviderUnavailable (any other error
	// is answered 500). It runs under the request's deadline.
	Identify(ctx context.Context, cr Credentials) (*Identity, error)
}

// Credentials are what the client posted to <provider>/ or
// <provider>/connect/, each "" when absent.
type Credentials struct {
	// AccessToken is a token the provider issued to this application.
	AccessToken string
	// Code is an authorization code the client obtained, exchanged with
	// the provider at the provider's redirect URI (dj-rest-auth's
	// callback_url); CodeVerifier is the PKCE verifier of the
	// authorization request that obtained it.
	Code, CodeVerifier string
	// IDToken is an OpenID Connect ID token.
	IDToken string
	// Nonce is the nonce the client put in its authorization request;
	// when given, the ID token must carry it.
	Nonce string
}

// Identity is who the credentials belong to, as the provider says.
type Identity struct {
	// UID is the provider's stable identifier (OIDC "sub", GitHub's
	// numeric id). Required.
	UID string
	// Email is the identity's address at the provider, "" when it shares
	// none; EmailVerified says whether the provider asserts it is
	// verified.
	Email         string
	EmailVerified bool
	// Username suggests a username for a new account (GitHub's login,
	// preferred_username); one is generated from the email otherwise.
	Username string
	// FirstName and LastName fill a new account's names.
	FirstName, LastName string
	// Extra is stored as the social account's extra data (a JSON
	// object): what the provider said about the identity, never tokens.
	Extra map[string]any
}

// The errors of Provider.Identify, each answered with dj-rest-auth's
// message (see the package documentation).
var (
	// ErrNoCredentials: the request lacks the credentials this provider
	// accepts. 400 "Incorrect input. access_token or code is required."
	ErrNoCredentials = errors.New("social: no usable credentials")
	// ErrCodeExchange: the provider refused the authorization code
	// (unknown, used, expired, wrong verifier). 400 "Failed to exchange
	// code for access token".
	ErrCodeExchange = errors.New("social: code exchange refused")
	// ErrInvalidCredentials: the provider refused the token, or the ID
	// token failed a check (signature, issuer, audience, expiry, nonce).
	// 400 "Incorrect value".
	ErrInvalidCredentials = errors.New("social: credentials refused")
	// ErrProviderUnavailable: the provider could not be reached or
	// failed (5xx, timeout, unreadable answer). 503 with Retry-After: it
	// is not the client's fault.
	ErrProviderUnavailable = errors.New("social: provider unavailable")
)

// DefaultHTTPTimeout bounds each call to a provider when Config.HTTPClient
// is unset; the request deadline (core.Config.RequestTimeout) bounds them
// all together.
const DefaultHTTPTimeout = 10 * time.Second

// defaultClient returns c, or a client with DefaultHTTPTimeout that does
// not follow redirects (a provider's API answers, it does not redirect).
func defaultClient(c *http.Client) *http.Client {
	if c != nil {
		return c
	}
	return &http.Client{
		Timeout: DefaultHTTPTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// checkEndpointURL refuses an endpoint URL that is not https, except on a
// loopback host (a development provider): over plain HTTP anyone on the
// path could hand out keys and identities.
func checkEndpointURL(name, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Errorf("%s %q is not an absolute URL", name, raw)
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if isLoopback(u.Hostname()) {
			return nil
		}
		return fmt.Errorf("%s %q must use https (plain http only on a loopback host)", name, raw)
	}
	return fmt.Errorf("%s %q must use https", name, raw)
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// validProviderID reports whether id can name a provider.
func validProviderID(id string) bool {
	if id == "" || len(id) > 30 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// unavailable wraps err (a transport failure, a 5xx) as
// ErrProviderUnavailable, naming the provider.
func unavailable(provider string, err error) error {
	return fmt.Errorf("%w: %s: %v", ErrProviderUnavailable, provider, err)
}

// refused wraps err as ErrInvalidCredentials, naming the provider.
func refused(provider string, err error) error {
	return fmt.Errorf("%w: %s: %v", ErrInvalidCredentials, provider, err)
}
