package core

import (
	"net/http"
	"strings"
)

// access says whether an endpoint authenticates the request.
type access int

const (
	// accessNone: credentials are ignored (login). dj-rest-auth
	// authenticates here too, so a stale token blocks login; we do not.
	accessNone access = iota
	// accessOptional: credentials are used when valid and ignored when
	// stale (logout).
	accessOptional
	// accessRequired: anonymous and invalid credentials are rejected.
	accessRequired
)

// request is what an endpoint's handler receives.
type request struct {
	w http.ResponseWriter
	r *http.Request
	// principal is the authenticated caller, or nil.
	principal *Principal
	// staleCredentials is true when credentials were sent but rejected on an
	// accessOptional endpoint.
	staleCredentials bool
	// provider is the identity provider of a login by an extension
	// (Call.Login), reported with the login event; "" for login/.
	provider string
}

// endpoint is one dj-rest-auth view: allowed methods, authentication, and
// the handler. It implements DRF's request cycle: content negotiation (406),
// OPTIONS, method check (405 with Allow), HEAD, authentication, and the
// handler, with panics answered as generic 500s.
type endpoint struct {
	auth    *Auth
	name    string
	methods []string // e.g. GET, PUT, PATCH; HEAD and OPTIONS are implied
	allow   string
	access  access
	handle  func(req *request) error
	// rotateCSRF issues a new csrftoken cookie on every answer (login),
	// not only when the request lacks one.
	rotateCSRF bool
	// static marks an answer that depends on the configuration only
	// (openapi.json): no csrftoken cookie, no store.
	static bool
	// ops describes each method of methods for the OpenAPI document
	// (HEAD and OPTIONS may be left out).
	ops map[string]Operation
}

// describedEndpoint creates one of core's endpoints, serving the methods
// that ops describes, so that what is served and what the OpenAPI
// document describes come from one table.
func describedEndpoint(a *Auth, name string, acc access, handle func(*request) error, ops map[string]Operation) *endpoint {
	var methods []string
	for _, m := range operationMethods {
		if _, ok := ops[m]; ok {
			methods = append(methods, m)
		}
	}
	e := newEndpoint(a, name, acc, handle, methods...)
	e.ops = ops
	return e
}

func newEndpoint(a *Auth, name string, acc access, handle func(*request) error, methods ...string) *endpoint {
	allow := append([]string(nil), methods...)
	for _, m := range methods {
		if m == http.MethodGet {
			allow = append(allow, http.MethodHead)
		}
	}
	allow = append(allow, http.MethodOptions)
	return &endpoint{auth: a, name: name, methods: methods, allow: strings.Join(allow, ", "), access: acc, handle: handle}
}

func (e *endpoint) allows(method string) bool {
	for _, m := range e.methods {
		if m == method || (method == http.MethodHead && m == http.MethodGet) {
			return true
		}
	}
	return false
}

// ServeHTTP implements http.Handler.
func (e *endpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a := e.auth
	defer func() {
		if err := a.recovered(r, recover()); err != nil {
			a.WriteError(w, r, err)
		}
	}()
	// RequestTimeout bounds the request without a timer until something
	// waits on it (a store round trip, the hashing limiter): a GET user/
	// served from the login-state cache never does.
	ctx := withLazyDeadline(withEventRequest(r.Context(), r), a.cfg.RequestTimeout)
	defer ctx.release()
	r = r.WithContext(ctx)
	setEndpointHeaders(w.Header(), e.allow)
	if r.Method == http.MethodHead {
		w = headOnly{w}
	}
	if !acceptsJSON(r.Header.Values("Accept")) {
		WriteJSON(w, http.StatusNotAcceptable, NewDetailError(http.StatusNotAcceptable, a.msgs.Text(MsgNotAcceptable)))
		return
	}
	if r.Method == http.MethodOptions {
		WriteJSON(w, http.StatusOK, e.metadata())
		return
	}
	if !e.allows(r.Method) {
		a.WriteError(w, r, NewDetailError(http.StatusMethodNotAllowed, a.msgs.Format(MsgMethodNotAllowed, "method", r.Method)))
		return
	}
	if a.usesCSRFCookie() && !e.static {
		a.ensureCSRFCookie(w, r, e.rotateCSRF)
	}
	req := &request{w: w, r: r}
	if e.access == accessNone {
		if err := a.anonymousCSRF(r); err != nil {
			a.WriteError(w, r, err)
			return
		}
	}
	if e.access != accessNone {
		p, err := a.authenticate(r.Context(), w, r)
		switch {
		case err != nil && e.access == accessOptional && isAuthFailure(err):
			req.staleCredentials = true
		case err != nil:
			a.WriteError(w, r, err)
			return
		case p == nil && e.access == accessRequired:
			a.WriteError(w, r, NewAuthError(a.msgs.Text(MsgNotAuthenticated)))
			return
		}
		req.principal = p
	}
	if err := e.handle(req); err != nil {
		a.WriteError(w, r, err)
	}
}

// metadata is a trimmed version of DRF's OPTIONS answer.
func (e *endpoint) metadata() map[string]any {
	return map[string]any{
		"name":    e.name,
		"renders": []string{"application/json"},
		"parses":  []string{"application/json", "application/x-www-form-urlencoded", "multipart/form-data"},
	}
}

// acceptsJSON reports whether the Accept header values allow a JSON answer.
// No header accepts anything. text/html is tolerated (browsers send it with
// */*; DRF would render its browsable API, which restauth does not have).
// The header is walked with strings.Cut, not split into slices: every
// request to an endpoint passes here.
func acceptsJSON(values []string) bool {
	if len(values) == 0 {
		return true
	}
	for _, v := range values {
		for rest, more := v, true; more; {
			var part string
			part, rest, more = strings.Cut(rest, ",")
			mt, params, hasParams := strings.Cut(part, ";")
			if hasParams && qZero(params) {
				continue
			}
			if jsonMediaRange(strings.TrimSpace(mt)) {
				return true
			}
		}
	}
	return false
}

// jsonMediaRange reports whether a media range (trimmed) admits JSON,
// ignoring ASCII case (no Unicode letter lower-cases into these ASCII
// names, so this is the same as comparing strings.ToLower(mt)).
func jsonMediaRange(mt string) bool {
	for _, ok := range [...]string{"", "*/*", "application/*", "application/json", "text/html"} {
		if asciiEqualFold(mt, ok) {
			return true
		}
	}
	return false
}

// qZero reports whether the parameters of a media range (what follows its
// first ';', themselves separated by ';') give it q=0; only the first q
// parameter counts.
func qZero(params string) bool {
	for rest, more := params, true; more; {
		var p string
		p, rest, more = strings.Cut(rest, ";")
		k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
		if strings.EqualFold(k, "q") {
			v = strings.TrimRight(strings.TrimSpace(v), "0")
			return v == "" || v == "." || v == "0." || v == "0"
		}
	}
	return false
}
