package core

import (
	"context"
	"errors"
	"fmt"
	"net/http"
)

// Principal is the result of a successful authentication: who, and by
// which credential.
type Principal struct {
	// User is the authenticated, active user.
	User *User
	// Method is the authentication method that accepted the request.
	Method Method
	// Credential identifies the credential that was used, in a form that
	// can revoke it (MethodToken: the token digest; MethodJWT: the refresh
	// family, "" for a token minted elsewhere). It is never the secret
	// itself.
	Credential string
	// Stateless is true when User was built from token claims alone
	// (JWTConfig.Stateless): only User.ID is known.
	Stateless bool
}

// Authenticator turns the credentials of one method into a Principal.
//
// Authenticate returns:
//   - (nil, nil) when the request carries no credentials of this kind, so
//     the next authenticator in the chain is tried (DRF's "return None");
//   - (p, nil) when the credentials are valid;
//   - (nil, *Error of KindAuthentication) when credentials of this kind are
//     present but invalid; the chain stops there;
//   - (nil, other error) when a backing store failed; the request is
//     answered 503 and never treated as anonymous.
type Authenticator interface {
	// w lets a method refresh its cookie (a session's idle timer); it is
	// never used to answer the request.
	Authenticate(w http.ResponseWriter, r *http.Request) (*Principal, error)
	// Challenge is the WWW-Authenticate value this method offers
	// ("Token", `Bearer realm="api"`), or "" when it has none (sessions).
	Challenge() string
}

// Authenticate runs the configured authenticators in order. It returns
// (nil, nil) for an anonymous request.
func (a *Auth) Authenticate(w http.ResponseWriter, r *http.Request) (*Principal, error) {
	return a.authenticate(r.Context(), w, r)
}

// contextAuthenticator is an Authenticator whose store calls run under a
// context given apart from the request. restauth's own authenticators
// implement it, so that the middleware bounds their store calls with
// Config.RequestTimeout without copying the request to carry the
// deadline.
type contextAuthenticator interface {
	authenticateContext(ctx context.Context, w http.ResponseWriter, r *http.Request) (*Principal, error)
}

// authenticate is Authenticate with the store calls under ctx.
func (a *Auth) authenticate(ctx context.Context, w http.ResponseWriter, r *http.Request) (*Principal, error) {
	var withCtx *http.Request // r carrying ctx, for an authenticator that needs it
	for _, au := range a.chain {
		var (
			p   *Principal
			err error
		)
		if ca, ok := au.(contextAuthenticator); ok {
			p, err = ca.authenticateContext(ctx, w, r)
		} else {
			if withCtx == nil {
				withCtx = requestWithContext(r, ctx)
			}
			p, err = au.Authenticate(w, withCtx)
		}
		if err != nil || p != nil {
			return p, err
		}
	}
	return nil, nil
}

// requestWithContext returns r carrying ctx, copying r only when its
// context is another one.
func requestWithContext(r *http.Request, ctx context.Context) *http.Request {
	if r.Context() == ctx {
		return r
	}
	return r.WithContext(ctx)
}

// challenge is the WWW-Authenticate value of the first authenticator.
func (a *Auth) challenge() string {
	if len(a.chain) == 0 {
		return ""
	}
	return a.chain[0].Challenge()
}

// isAuthFailure reports whether err is a credentials problem (as opposed
// to a store failure).
func isAuthFailure(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Kind == KindAuthentication
}

// WithMethods returns a view of a that authenticates with the given
// methods only, in the given order (which also decides 401 vs 403), for
// protecting some application routes with another chain than the
// endpoints'. Every method must be configured on a. The view shares a's
// configuration, store and endpoints.
func (a *Auth) WithMethods(methods ...Method) (*Auth, error) {
	if len(methods) == 0 {
		return nil, errors.New("restauth: WithMethods needs at least one method")
	}
	byMethod := map[Method]Authenticator{}
	for i, m := range a.cfg.Methods {
		byMethod[m] = a.chain[i]
	}
	view := *a
	view.chain = nil
	for _, m := range methods {
		au, ok := byMethod[m]
		if !ok {
			return nil, fmt.Errorf("restauth: WithMethods: method %q is not configured", m)
		}
		view.chain = append(view.chain, au)
	}
	return &view, nil
}
