package core

import "net/http"

// Guard authenticates r with the configured chain for an application route.
// When required is true, an anonymous request is rejected. On rejection
// Guard has already written the response (401/403 in dj-rest-auth's shape,
// or 503 when the store failed) and returns ok=false; otherwise it returns
// the request with the principal stored in its context (see UserFrom) and
// ok=true. Adapters build their middleware on it.
func (a *Auth) Guard(w http.ResponseWriter, r *http.Request, required bool) (*http.Request, *Principal, bool) {
	p, err := a.authenticateWithin(w, r)
	if err == nil && p == nil && required {
		err = NewAuthError(a.msgs.Text(MsgNotAuthenticated))
	}
	if err != nil {
		setSecurityHeaders(w.Header())
		a.WriteError(w, r, err)
		return r, nil, false
	}
	if p != nil {
		r = r.WithContext(WithPrincipal(r.Context(), p))
	}
	return r, p, true
}

// RequireUser is net/http middleware that lets only authenticated requests
// through to next; handlers read the user with UserFrom(r.Context()).
func (a *Auth) RequireUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r, _, ok := a.Guard(w, r, true); ok {
			next.ServeHTTP(w, r)
		}
	})
}

// Authenticated is net/http middleware that authenticates when credentials
// are present and lets anonymous requests through; invalid credentials are
// still rejected, as DRF does.
func (a *Auth) Authenticated(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r, _, ok := a.Guard(w, r, false); ok {
			next.ServeHTTP(w, r)
		}
	})
}

// authenticateWithin runs Authenticate under Config.RequestTimeout (a
// lazyDeadline: no timer unless a store waits); the application handler
// that follows keeps the request's own context.
// A panic in an authenticator or the stores it calls is answered as a
// generic 500 instead of breaking the connection.
func (a *Auth) authenticateWithin(w http.ResponseWriter, r *http.Request) (p *Principal, err error) {
	defer func() {
		if perr := a.recovered(r, recover()); perr != nil {
			p, err = nil, perr
		}
	}()
	ctx := withLazyDeadline(r.Context(), a.cfg.RequestTimeout)
	defer ctx.release()
	return a.authenticate(ctx, w, r)
}
