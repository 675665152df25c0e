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
	// Claims are the custom claims of the access token that authenticated
	// the request (those JWTConfig.Claims added, or a Django service wrote),
	// with numbers as json.Number; nil for other methods and for tokens
	// without custom claims. Read them, never write them: the map may be
	// shared with other requests carrying the same token.
	Claims map[string]any

	// tokenKey is the DB token's key, kept only when the store keeps keys
	// themselves (TokenKeyStore), to delete it at logout. Never logged.
	tokenKey string
	// ctx is the request context the middleware carries the principal
	// in (attach).
	ctx principalContext
}

// principalWithUser lets a Principal and the user it points to share one
// allocation: authentication copies the user out of the login-state cache
// on every request, and this saves one allocation of each.
type principalWithUser struct {
	Principal
	user User
}

// authenticator turns the credentials of one method into a Principal.
// The chain is built from Config.Methods; the three methods are restauth's
// own and not pluggable (an application with another scheme authenticates
// it in its own middleware and stores the principal with WithPrincipal).
//
// authenticate returns:
//   - (nil, nil) when the request carries no credentials of this kind, so
//     the next authenticator in the chain is tried (DRF's "return None");
//   - (p, nil) when the credentials are valid;
//   - (nil, *Error of KindAuthentication) when credentials of this kind are
//     present but invalid; the chain stops there;
//   - (nil, other error) when a backing store failed; the request is
//     answered 503 and never treated as anonymous.
//
// Store calls run under ctx, which carries Config.RequestTimeout, given
// apart from r so that the middleware need not copy the request to carry
// the deadline. w lets a method refresh its cookie (a session's idle
// timer); it is never used to answer the request.
type authenticator interface {
	authenticate(ctx context.Context, w http.ResponseWriter, r *http.Request) (*Principal, error)
	// challenge is the WWW-Authenticate value this method offers
	// ("Token", `Bearer realm="api"`), or "" when it has none (sessions).
	challenge() string
}

// authenticate runs the configured authenticators in order, their store
// calls under ctx. It returns (nil, nil) for an anonymous request.
func (a *Auth) authenticate(ctx context.Context, w http.ResponseWriter, r *http.Request) (*Principal, error) {
	for _, au := range a.chain {
		if p, err := au.authenticate(ctx, w, r); err != nil || p != nil {
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
	return a.chain[0].challenge()
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
	byMethod := map[Method]authenticator{}
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
