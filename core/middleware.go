package core

import "net/http"

// Guard authenticates r with the configured chain for an application route.
// When required is true, an anonymous request is rejected. On rejection
// Guard has already written the response (401/403 in dj-rest-auth's shape,
// or 503 when the store failed) and returns ok=false; otherwise it returns
// the request with the principal stored in its context (see UserFrom) and
// ok=true. Adapters build their middleware on it; [Auth.Check] is the same
// decision without the writing, for frameworks that render errors
// themselves.
func (a *Auth) Guard(w http.ResponseWriter, r *http.Request, required bool) (*http.Request, *Principal, bool) {
	r, p, err := a.guard(w, r, required)
	if err != nil {
		setSecurityHeaders(w.Header())
		a.WriteError(w, r, err)
		return r, nil, false
	}
	return r, p, true
}

// Check is [Auth.Guard] without the answer: it decides the same way but
// writes no response, so that a framework's own error handling can render
// the rejection (echoauth hands it to Echo's HTTPErrorHandler). It returns
// the request with the principal stored in its context (nil for an
// anonymous caller when required is false), or a non-nil error, which is
// always an *Error already resolved to its answer:
//
//   - Kind is KindStatus and Status the final status: 401 or 403 for
//     missing or invalid credentials (by the first configured method, as
//     WriteError decides), 503 when a store failed or RequestTimeout ran
//     out, 500 for a panic in an authenticator;
//   - Header holds every header of that answer: WWW-Authenticate for a
//     401, Retry-After for a 503, and the Cache-Control: no-store,
//     X-Content-Type-Options: nosniff and Vary: Accept that restauth sends
//     on all its answers;
//   - its JSON encoding is dj-rest-auth's body, e.g.
//     {"detail":"Invalid token."}.
//
// A store failure or panic is logged by Check, as WriteError would; the
// returned error never carries its cause. WriteError(w, r, err) on a fresh
// response writes the same status, headers and body as Guard. As with
// Guard, an authenticator may set headers on w (a refreshed session
// cookie) before the decision.
func (a *Auth) Check(w http.ResponseWriter, r *http.Request, required bool) (*http.Request, *Principal, error) {
	r, p, err := a.guard(w, r, required)
	if err != nil {
		return r, nil, a.rejection(r, err)
	}
	return r, p, nil
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

// OptionalUser is net/http middleware that authenticates when credentials
// are present and lets anonymous requests through to next, as DRF does
// for AllowAny views: invalid credentials are still rejected. UserFrom
// reports false for an anonymous caller.
func (a *Auth) OptionalUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r, _, ok := a.Guard(w, r, false); ok {
			next.ServeHTTP(w, r)
		}
	})
}

// guard is the decision shared by Guard and Check: the request carrying
// the principal, or the unresolved reason for the rejection.
func (a *Auth) guard(w http.ResponseWriter, r *http.Request, required bool) (*http.Request, *Principal, error) {
	p, err := a.authenticateWithin(w, r)
	if err == nil && p == nil && required {
		err = NewAuthError(a.msgs.Text(MsgNotAuthenticated))
	}
	if err != nil {
		return r, nil, err
	}
	if p != nil {
		r = r.WithContext(p.attach(r.Context()))
	}
	return r, p, nil
}

// rejection resolves a middleware rejection into a new *Error that
// answers it on its own: the status WriteError would write, and every
// header of that answer (security headers included). The *Error err may
// hold is copied, never modified: authenticators may return shared values.
func (a *Auth) rejection(r *http.Request, err error) *Error {
	status, challenge, body := a.answer(r, err)
	out := *body
	out.Kind, out.Status, out.Header = KindStatus, status, body.Header.Clone()
	if challenge != "" {
		headerOf(&out).Set("WWW-Authenticate", challenge)
	}
	setSecurityHeaders(headerOf(&out))
	return &out
}

// headerOf returns e.Header, allocating it on first use.
func headerOf(e *Error) http.Header {
	if e.Header == nil {
		e.Header = make(http.Header, 4)
	}
	return e.Header
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
