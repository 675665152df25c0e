package core

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strings"
)

// Extension adds endpoints under Config.Prefix, served like restauth's
// own: the same request cycle (content negotiation, OPTIONS, 405 with
// Allow, authentication, CSRF for cookie authentication, the request
// deadline, 503 for store failures, panics answered 500) and the same
// route table, so Routes, Handler and the adapters mount them with no
// code of their own. Social login (the social module) is one: it mounts
// <provider>/, <provider>/connect/ and socialaccounts/ this way, without
// core knowing about OAuth.
//
// New calls Endpoints once, after the service is built and before any
// request, and fails when it returns an error or an invalid endpoint.
// Endpoints may keep a for use at request time.
type Extension interface {
	Endpoints(a *Auth) ([]Endpoint, error)
}

// EndpointAccess says who may call an extension endpoint. The zero value
// is invalid, so that no endpoint becomes public by omission.
type EndpointAccess int

const (
	// AccessAnonymous ignores credentials, like login/: anyone may call
	// it. When cookies carry authentication, an unsafe request from a
	// foreign origin is refused (login CSRF), as on login/.
	AccessAnonymous EndpointAccess = iota + 1
	// AccessAuthenticated requires valid credentials, like user/: the
	// configured methods authenticate the request (with Django's CSRF
	// checks for cookie authentication) and anonymous or invalid
	// credentials are refused with 401 or 403.
	AccessAuthenticated
)

// Endpoint is one endpoint of an Extension.
type Endpoint struct {
	// Path is relative to Config.Prefix and ends with "/", like Route.Path.
	// Segments are literal ([A-Za-z0-9._~-]) or a placeholder {name} that
	// matches any one non-empty segment, read with Call.PathValue:
	// "socialaccounts/{id}/disconnect/". It must not be a path restauth
	// mounts itself, or another extension's.
	Path string
	// Name is the endpoint's name in OPTIONS answers ("Social Login").
	Name string
	// Operations describes each method the endpoint serves (GET, POST,
	// PUT, PATCH, DELETE) for the OpenAPI document, each with its own ID;
	// its keys are the methods served, as for restauth's endpoints, so an
	// endpoint cannot serve what it does not describe. HEAD (with GET)
	// and OPTIONS are added; every other method gets 405.
	Operations map[string]Operation
	// Access says who may call it. Required.
	Access EndpointAccess
	// LogsIn marks an endpoint that may log the caller in with Call.Login:
	// like login/, every answer carries a fresh csrftoken cookie when
	// cookies carry authentication (Django rotates the token at login, so
	// a token planted before the login is worthless after it).
	LogsIn bool
	// Serve handles a request that passed the cycle. It writes the answer
	// itself (WriteJSON, Call.Login) and returns nil, or returns an error
	// that restauth answers as it answers its own: an *Error as it is
	// (NonFieldError, NewDetailError, …), ErrUnavailable or the request
	// deadline as 503, anything else as a logged 500.
	Serve func(c *Call) error
}

// Call is one request to an extension endpoint.
type Call struct {
	auth   *Auth
	req    *request
	params map[string]string
}

// Request returns the request, whose context carries the request
// deadline (Config.RequestTimeout).
func (c *Call) Request() *http.Request { return c.req.r }

// ResponseWriter returns where the answer goes.
func (c *Call) ResponseWriter() http.ResponseWriter { return c.req.w }

// Principal returns the authenticated caller of an AccessAuthenticated
// endpoint; nil on an AccessAnonymous one.
func (c *Call) Principal() *Principal { return c.req.principal }

// PathValue returns the segment the placeholder {name} of the endpoint's
// Path matched, or "" when there is no such placeholder.
func (c *Call) PathValue(name string) string { return c.params[name] }

// Form decodes the request body as restauth's endpoints do (JSON, form or
// multipart; Config.MaxBodyBytes; DRF's parse errors) and returns a Form
// reading it with the configured message catalog.
func (c *Call) Form() (*Form, error) {
	body, err := DecodeBody(c.req.w, c.req.r, c.auth.cfg.MaxBodyBytes, c.auth.msgs)
	if err != nil {
		return nil, err
	}
	return NewForm(body, c.auth.msgs), nil
}

// Limit names a rate limit of ThrottleConfig that an extension endpoint
// can apply to its caller's IP.
type Limit int

const (
	// LimitLogin counts one login attempt against ThrottleConfig.LoginPerIP,
	// in the counter login/ uses: password and other logins from one
	// address share the limit.
	LimitLogin Limit = iota + 1
	// LimitRegister counts one new account against
	// ThrottleConfig.RegisterPerIP, in registration/'s counter.
	LimitRegister
)

// Limit counts the request against limit l for the client IP and returns
// the 429 to answer when it is over (DRF's text, Retry-After), or nil.
func (c *Call) Limit(l Limit) error {
	a, r := c.auth, c.req.r
	switch l {
	case LimitLogin:
		return a.hit(r, a.cfg.Throttle.LoginPerIP, "login-ip", a.ClientIP(r).String())
	case LimitRegister:
		return a.hit(r, a.cfg.Throttle.RegisterPerIP, "register-ip", a.ClientIP(r).String())
	}
	return fmt.Errorf("restauth: unknown Limit %d", l)
}

// LoginOptions tune Call.Login.
type LoginOptions struct {
	// Status is the status of a login answer with a body; default 200.
	// (Sessions alone answer 204, as login/ does.)
	Status int
	// Provider names how the user proved who they are ("github"), for
	// the login event's Provider; "" for none.
	Provider string
}

// Login logs u in exactly as login/ does once a password matched: it
// refuses an inactive user (400, login/'s generic "Unable to log in with
// provided credentials.") and, with VerifyMandatory, a user whose email
// is not verified ("E-mail is not verified."); otherwise it records the
// login, issues a credential for every configured method and writes
// login/'s answer (the key, the JWT pair, user and cookies, the session),
// reporting EventLogin either way. It exists only on Call because a login
// belongs to restauth's request cycle: the deadline bounds the writes, the
// csrftoken is rotated (Endpoint.LogsIn), and the event knows the client
// IP. Whatever Login minted before a failure is revoked again. The user
// is read again from the store first, so a stale copy cannot log in a
// user deactivated meanwhile.
func (c *Call) Login(u *User, opts LoginOptions) error {
	a, ctx := c.auth, c.req.r.Context()
	refuse := func(reason, msg string) error {
		a.logEvent(ctx, slog.LevelInfo, "restauth: login failed",
			Event{Type: EventLogin, Outcome: OutcomeFailure, UserID: u.ID, Reason: reason, Provider: opts.Provider}, slog.String("reason", reason))
		return NonFieldError(a.msgs.Text(msg))
	}
	fresh, err := a.cfg.Store.UserByID(ctx, u.ID)
	switch {
	case errors.Is(err, ErrNotFound), err == nil && !fresh.IsActive:
		return refuse("inactive", MsgInvalidCredentials)
	case err != nil:
		return unavailable(err)
	case a.cfg.EmailVerification == VerifyMandatory && !fresh.EmailVerified:
		return refuse("unverified", MsgEmailNotVerified)
	}
	status := opts.Status
	if status == 0 {
		status = http.StatusOK
	}
	c.req.provider = opts.Provider
	return a.completeLogin(c.req, fresh, status, "")
}

// Report reports e, an event of the extension's own (a provider identity
// linked or unlinked), like restauth's events: one audit record through
// Config.Logger (event, outcome, user id, client IP, provider) and a
// delivery to Config.OnEvent. IP and Time are filled in.
func (c *Call) Report(e Event) {
	msg := "restauth: " + strings.ReplaceAll(string(e.Type), "_", " ")
	c.auth.logEvent(c.req.r.Context(), slog.LevelInfo, msg, e)
}

// SendEmailConfirmation mails u the link that verifies its email, the
// mail registration/ sends, when accounts mail is configured (a Mailer and
// a SecretKey), u has an email and it is not verified yet; otherwise it
// does nothing. Like every account mail, a delivery failure is logged, not
// returned.
func (a *Auth) SendEmailConfirmation(ctx context.Context, u *User) {
	if a.accounts == nil || a.mailer == nil || u.Email == "" || u.EmailVerified {
		return
	}
	a.sendConfirmation(ctx, u)
}

// extensionEndpoint is a validated Endpoint with its placeholders.
type extensionEndpoint struct {
	Endpoint
	segments []string // Path split at "/", without the trailing empty one
}

// loadExtensions asks every extension for its endpoints and validates
// them; buildRoutes mounts them after restauth's own.
func (a *Auth) loadExtensions() error {
	taken := map[string]bool{}
	for _, p := range endpointPaths() {
		taken[p] = true
	}
	var errs []error
	for i, ext := range a.cfg.Extensions {
		if ext == nil {
			errs = append(errs, fmt.Errorf("extension Extensions[%d] is nil", i))
			continue
		}
		eps, err := ext.Endpoints(a)
		if err != nil {
			errs = append(errs, fmt.Errorf("extension Extensions[%d] (%T): %w", i, ext, err))
			continue
		}
		for _, ep := range eps {
			x, err := validateEndpoint(ep)
			if err == nil && taken[shapeOf(x.segments)] {
				err = fmt.Errorf("path %q is already mounted", ep.Path)
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("extension Extensions[%d] (%T): endpoint %q: %w", i, ext, ep.Path, err))
				continue
			}
			taken[shapeOf(x.segments)] = true
			a.extensions = append(a.extensions, x)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("restauth: invalid config: %w", err)
	}
	return nil
}

// shapeOf is the path of segs with every placeholder written "{}", so
// that "a/{id}/" and "a/{pk}/" clash.
func shapeOf(segs []string) string {
	var b strings.Builder
	for _, s := range segs {
		if _, ok := placeholderName(s); ok {
			s = "{}"
		}
		b.WriteString(s)
		b.WriteByte('/')
	}
	return b.String()
}

// validateEndpoint checks ep and splits its path.
func validateEndpoint(ep Endpoint) (*extensionEndpoint, error) {
	if ep.Serve == nil {
		return nil, errors.New("the endpoint has no Serve")
	}
	if ep.Access != AccessAnonymous && ep.Access != AccessAuthenticated {
		return nil, errors.New("its Access must be AccessAnonymous or AccessAuthenticated")
	}
	if len(ep.Operations) == 0 {
		return nil, errors.New("no Operations: an endpoint serves the methods it describes")
	}
	for m, op := range ep.Operations {
		if !slices.Contains(operationMethods, m) {
			return nil, fmt.Errorf("method %q is not one of %s", m, strings.Join(operationMethods, ", "))
		}
		if op.ID == "" {
			return nil, fmt.Errorf("the %s operation has no ID", m)
		}
	}
	if !strings.HasSuffix(ep.Path, "/") || strings.HasPrefix(ep.Path, "/") || ep.Path == "/" {
		return nil, errors.New("its Path must be relative and end with '/'")
	}
	segs := strings.Split(strings.TrimSuffix(ep.Path, "/"), "/")
	names := map[string]bool{}
	for _, s := range segs {
		if name, ok := placeholderName(s); ok {
			if names[name] {
				return nil, fmt.Errorf("placeholder {%s} appears twice", name)
			}
			names[name] = true
			continue
		}
		if !validPrefix("/" + s + "/") {
			return nil, fmt.Errorf("segment %q is neither plain ([A-Za-z0-9._~-]) nor a {name} placeholder", s)
		}
	}
	ep.Operations = maps.Clone(ep.Operations)
	return &extensionEndpoint{Endpoint: ep, segments: segs}, nil
}

// placeholderName returns name for a "{name}" segment whose name is a Go
// identifier-like word.
func placeholderName(seg string) (string, bool) {
	name, ok := strings.CutPrefix(seg, "{")
	if !ok {
		return "", false
	}
	name, ok = strings.CutSuffix(name, "}")
	if !ok || name == "" {
		return "", false
	}
	for _, c := range name {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return "", false
		}
	}
	return name, true
}

// mountExtensions adds the extension endpoints to the route table, after
// restauth's own (New calls it after buildRoutes).
func (a *Auth) mountExtensions() {
	for _, x := range a.extensions {
		acc := accessNone
		if x.Access == AccessAuthenticated {
			acc = accessRequired
		}
		e := describedEndpoint(a, x.Name, acc, func(req *request) error {
			return x.Serve(&Call{auth: a, req: req, params: x.bind(req.r.URL.Path)})
		}, x.Operations)
		e.rotateCSRF = x.LogsIn
		if strings.Contains(x.Path, "{") {
			a.patterns = append(a.patterns, patternEndpoint{segments: x.segments, e: e})
		} else {
			a.endpoint[x.Path] = e
		}
		a.routes = append(a.routes, Route{Path: x.Path, Handler: e, Methods: strings.Split(e.allow, ", "), Operations: e.ops})
	}
}

// bind reads the placeholders' values from the last segments of path, so
// that it works wherever the prefix is mounted (a Gin group, an Echo
// group, a net/http mux).
func (x *extensionEndpoint) bind(path string) map[string]string {
	var params map[string]string
	got := strings.Split(strings.TrimSuffix(path, "/"), "/")
	if len(got) < len(x.segments) {
		return nil
	}
	got = got[len(got)-len(x.segments):]
	for i, s := range x.segments {
		if name, ok := placeholderName(s); ok {
			if params == nil {
				params = map[string]string{}
			}
			params[name] = got[i]
		}
	}
	return params
}

// patternEndpoint is an endpoint whose path has placeholders, for Handler.
type patternEndpoint struct {
	segments []string
	e        *endpoint
}

// matchSegments reports whether the relative path rel (with its trailing
// slash) matches segs, placeholders matching any non-empty segment.
func matchSegments(segs []string, rel string) bool {
	got := strings.Split(strings.TrimSuffix(rel, "/"), "/")
	if len(got) != len(segs) {
		return false
	}
	for i, s := range segs {
		if got[i] == "" {
			return false
		}
		if _, ok := placeholderName(s); !ok && s != got[i] {
			return false
		}
	}
	return true
}

// PathWith returns the route's Path with every {name} placeholder segment
// (extension endpoints may have them, see Endpoint.Path) replaced by
// param(name): ":"+name for Gin and Echo. A path without placeholders
// comes back unchanged.
func (rt Route) PathWith(param func(name string) string) string {
	if !strings.Contains(rt.Path, "{") {
		return rt.Path
	}
	segs := strings.Split(rt.Path, "/")
	for i, s := range segs {
		if name, ok := placeholderName(s); ok {
			segs[i] = param(name)
		}
	}
	return strings.Join(segs, "/")
}

// Match reports whether rel, a path relative to the prefix with its
// trailing slash ("socialaccounts/7/disconnect/"), is the route's path,
// each placeholder matching one non-empty segment. Adapters use it to
// answer a method the route does not serve with its 405.
func (rt Route) Match(rel string) bool {
	if !strings.Contains(rt.Path, "{") {
		return rel == rt.Path
	}
	return matchSegments(strings.Split(strings.TrimSuffix(rt.Path, "/"), "/"), rel)
}

// LoginAnswer describes, for an extension's Operations, what Call.Login
// answers on success when called with status: the status it really
// answers (204 when sessions are the only method), the response, and the
// cookies a login may set.
func (a *Auth) LoginAnswer(status int) (int, Response, []string) {
	st, r := a.loginAnswer(status)
	return st, r, a.loginCookies()
}
