package social

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/restauth/restauth/core"
)

// Config configures social login.
type Config struct {
	// Providers are mounted in this order, each under its ID. At least
	// one; IDs must be unique and not "socialaccounts".
	Providers []Provider

	// EmailAuthentication lets a provider identity that is not linked
	// yet log in to the existing local account with the same email, and
	// links it there (allauth's SOCIALACCOUNT_EMAIL_AUTHENTICATION with
	// auto-connect), but only when the provider asserts the address is
	// verified and the local account's address is verified too. Without
	// it, or when either side is unverified, signing up with an address
	// an account already has answers 400 "User is already registered
	// with this e-mail address." Default false: an address alone never
	// opens an existing account.
	EmailAuthentication bool
}

// Social is social login for a core.Auth: a core.Extension to put in
// core.Config.Extensions. Its endpoints, under the prefix, per provider:
//
//	POST <provider>/          log in, or sign up (like login/)
//	POST <provider>/connect/  link the identity to the caller (authenticated)
//
// and once:
//
//	GET  socialaccounts/                  the caller's linked identities
//	POST socialaccounts/<id>/disconnect/  unlink one
//
// The store must implement core.SocialAccountStore.
type Social struct {
	cfg       Config
	providers []Provider
}

// New checks cfg and returns the extension.
func New(cfg Config) (*Social, error) {
	if len(cfg.Providers) == 0 {
		return nil, errors.New("social: no providers")
	}
	seen := map[string]bool{}
	for i, p := range cfg.Providers {
		if p == nil {
			return nil, fmt.Errorf("social: Providers[%d] is nil", i)
		}
		id := p.ID()
		switch {
		case !validProviderID(id):
			return nil, fmt.Errorf("social: provider ID %q: use 1 to 30 of a-z, 0-9, - and _", id)
		case id == "socialaccounts":
			return nil, errors.New(`social: provider ID "socialaccounts" is the accounts endpoint's`)
		case seen[id]:
			return nil, fmt.Errorf("social: provider ID %q listed twice", id)
		}
		seen[id] = true
	}
	cfg.Providers = append([]Provider(nil), cfg.Providers...)
	return &Social{cfg: cfg, providers: cfg.Providers}, nil
}

// Providers returns the configured providers, in order.
func (s *Social) Providers() []Provider { return append([]Provider(nil), s.providers...) }

// Authorizer is implemented by providers whose authorization step a
// client makes itself (OIDC, GitHub): it tells the client where to send
// the user.
type Authorizer interface {
	Authorization(ctx context.Context) (AuthorizationInfo, error)
}

// Authorizations returns the AuthorizationInfo of every provider that has
// one, for a single-page app's "Sign in with …" buttons. A provider whose
// discovery fails is left out and its error returned with the rest.
func (s *Social) Authorizations(ctx context.Context) ([]AuthorizationInfo, error) {
	var out []AuthorizationInfo
	var errs []error
	for _, p := range s.providers {
		az, ok := p.(Authorizer)
		if !ok {
			continue
		}
		info, err := az.Authorization(ctx)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, info)
	}
	return out, errors.Join(errs...)
}

// Endpoints implements core.Extension.
func (s *Social) Endpoints(a *core.Auth) ([]core.Endpoint, error) {
	cfg := a.Config()
	store, ok := cfg.Store.(core.SocialAccountStore)
	if !ok {
		return nil, fmt.Errorf("social: the store (%T) does not implement core.SocialAccountStore", cfg.Store)
	}
	h := &handler{s: s, auth: a, cfg: cfg, store: store}
	var eps []core.Endpoint
	for _, p := range s.providers {
		eps = append(eps,
			core.Endpoint{Path: p.ID() + "/", Name: "Social Login", Access: core.AccessAnonymous, LogsIn: true,
				Operations: h.loginOps(p), Serve: func(c *core.Call) error { return h.serveLogin(c, p) }},
			core.Endpoint{Path: p.ID() + "/connect/", Name: "Social Connect", Access: core.AccessAuthenticated, LogsIn: true,
				Operations: h.connectOps(p), Serve: func(c *core.Call) error { return h.serveConnect(c, p) }},
		)
	}
	eps = append(eps,
		core.Endpoint{Path: "socialaccounts/", Name: "Social Account List", Access: core.AccessAuthenticated,
			Operations: h.listOps(), Serve: h.serveList},
		core.Endpoint{Path: "socialaccounts/{id}/disconnect/", Name: "Social Account Disconnect", Access: core.AccessAuthenticated,
			Operations: h.disconnectOps(), Serve: h.serveDisconnect},
	)
	return eps, nil
}

// operationName turns a provider ID into the part of an operation ID:
// "my-idp" → "MyIdp".
func operationName(id string) string {
	var b strings.Builder
	up := true
	for _, c := range id {
		if c == '-' || c == '_' {
			up = true
			continue
		}
		if up && c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		up = false
		b.WriteRune(c)
	}
	return b.String()
}
