package echoauth_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/memstore"
	"github.com/restauth/restauth/echoauth"
)

// flakyStore fails or panics on token look-ups on demand.
type flakyStore struct {
	core.Store
	mode atomic.Value // "", "fail" or "panic"
}

func (s *flakyStore) UserByToken(ctx context.Context, digest string) (*core.User, *core.Token, error) {
	switch s.mode.Load() {
	case "fail":
		return nil, nil, errors.New("connection refused")
	case "panic":
		panic("store exploded")
	}
	return s.Store.UserByToken(ctx, digest)
}

// rejection is one request the middleware rejects, and its status.
type rejection struct {
	name   string
	status int
	header []string // Authorization etc.
	mode   string   // flakyStore mode while it is sent
}

// hookFixture is one configuration under test: a core service, a valid
// token for alice, and the rejections it produces.
type hookFixture struct {
	store      *flakyStore
	cfg        core.Config
	key        string
	rejections []rejection
}

func newHookFixture(t *testing.T, methods ...core.Method) *hookFixture {
	t.Helper()
	f := &hookFixture{store: &flakyStore{Store: memstore.New()}}
	f.cfg = testConfig(t)
	f.cfg.Store = f.store // each server below builds its own core service over it
	f.cfg.Methods = methods
	f.cfg.Logger = slog.New(slog.DiscardHandler) // the panic's stack
	// The store changes behind the services' backs: read it every time.
	f.cfg.RevocationStaleness = core.ReadEveryRequest
	if slices.Contains(methods, core.MethodSession) {
		f.cfg.Session.Store = memstore.NewSessionStore()
		f.cfg.SecretKey = []byte("0f9e8d7c6b5a49382716051f2e3d4c5b6a79881726354453")
	}
	ca, err := core.New(f.cfg)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle(ca.Prefix(), ca.Handler())
	f.key = loginKey(t, mux, ca, ca.Prefix()) // alice, in the shared store
	first := http.StatusUnauthorized
	if methods[0] == core.MethodSession {
		first = http.StatusForbidden
	}
	f.rejections = []rejection{
		{name: "anonymous", status: first},
		{name: "bad token", status: first, header: []string{"Authorization", "Token deadbeef"}},
		{name: "store down", status: http.StatusServiceUnavailable, header: []string{"Authorization", "Token " + f.key}, mode: "fail"},
		{name: "store panics", status: http.StatusInternalServerError, header: []string{"Authorization", "Token " + f.key}, mode: "panic"},
	}
	return f
}

// echoServer serves /secret behind mw (built on a), with e's error
// handler, over real HTTP. reached counts the requests that got through.
func echoServer(t *testing.T, e *echo.Echo, mw echo.MiddlewareFunc, reached *atomic.Int32) *httptest.Server {
	t.Helper()
	e.GET("/secret", func(c echo.Context) error {
		reached.Add(1)
		name := ""
		if u, ok := echoauth.User(c); ok {
			name = u.Username
		}
		return c.String(http.StatusOK, "hello "+name)
	}, mw)
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return srv
}

// fetch sends GET path with header pairs and returns the answer; the
// per-request Date header is dropped.
func fetch(t *testing.T, f *hookFixture, base, path string, rj rejection) (int, http.Header, string) {
	t.Helper()
	f.store.mode.Store(rj.mode)
	defer f.store.mode.Store("")
	req, err := http.NewRequest(http.MethodGet, base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(rj.header); i += 2 {
		req.Header.Set(rj.header[i], rj.header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	resp.Header.Del("Date")
	return resp.StatusCode, resp.Header, string(b)
}

// Without an ErrorHandler the answer is core's, byte for byte the one of
// core's own net/http middleware, and Echo's error handler never runs.
func TestRejectionDefaultUnchanged(t *testing.T) {
	for _, methods := range [][]core.Method{{core.MethodToken}, {core.MethodSession, core.MethodToken}} {
		f := newHookFixture(t, methods...)
		ref, err := core.New(f.cfg)
		if err != nil {
			t.Fatal(err)
		}
		mux := http.NewServeMux()
		mux.Handle("/secret", ref.RequireUser(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})))
		refSrv := httptest.NewServer(mux)
		t.Cleanup(refSrv.Close)

		e := echo.New()
		var handled atomic.Bool
		e.HTTPErrorHandler = func(error, echo.Context) { handled.Store(true) }
		a, err := echoauth.Register(e, f.cfg)
		if err != nil {
			t.Fatal(err)
		}
		var reached atomic.Int32
		srv := echoServer(t, e, a.RequireUser(), &reached)

		for _, rj := range f.rejections {
			wantCode, wantHeader, wantBody := fetch(t, f, refSrv.URL, "/secret", rj)
			code, header, body := fetch(t, f, srv.URL, "/secret", rj)
			if wantCode != rj.status {
				t.Fatalf("%v %s: reference answered %d, want %d", methods, rj.name, wantCode, rj.status)
			}
			if code != wantCode || body != wantBody || !equalHeaders(header, wantHeader) {
				t.Errorf("%v %s:\n echoauth %d %v %s\n net/http %d %v %s", methods, rj.name, code, header, body, wantCode, wantHeader, wantBody)
			}
		}
		if handled.Load() || reached.Load() != 0 {
			t.Errorf("%v: HTTPErrorHandler ran: %v, handler reached %d times", methods, handled.Load(), reached.Load())
		}
	}
}

func equalHeaders(a, b http.Header) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !slices.Equal(v, b[k]) {
			return false
		}
	}
	return true
}

// An ErrorHandler that returns the error hands the rejection to the
// application's HTTPErrorHandler, which gets the status, dj-rest-auth's
// body and the headers.
func TestErrorHandlerToHTTPErrorHandler(t *testing.T) {
	for _, methods := range [][]core.Method{{core.MethodToken}, {core.MethodSession, core.MethodToken}} {
		f := newHookFixture(t, methods...)
		ref, err := core.New(f.cfg)
		if err != nil {
			t.Fatal(err)
		}
		e := echo.New()
		var hooked atomic.Int32
		e.HTTPErrorHandler = func(err error, c echo.Context) {
			// The application's own envelope, built from what it is given.
			var he *echo.HTTPError
			var ce *core.Error
			if !errors.As(err, &he) || !errors.As(err, &ce) {
				_ = c.String(http.StatusTeapot, "unexpected error type")
				return
			}
			_ = c.JSON(he.Code, map[string]any{"error": map[string]any{"status": ce.Status, "detail": ce.Detail}})
		}
		a, err := echoauth.Register(e, f.cfg)
		if err != nil {
			t.Fatal(err)
		}
		var reached atomic.Int32
		srv := echoServer(t, e, a.MiddlewareWithConfig(echoauth.MiddlewareConfig{
			ErrorHandler: func(c echo.Context, err error) error {
				hooked.Add(1)
				return err
			},
		}), &reached)

		refSrv := httptest.NewServer(ref.RequireUser(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})))
		t.Cleanup(refSrv.Close)
		for _, rj := range f.rejections {
			_, refHeader, refBody := fetch(t, f, refSrv.URL, "/secret", rj)
			code, header, body := fetch(t, f, srv.URL, "/secret", rj)
			var detail struct{ Detail string }
			if err := json.Unmarshal([]byte(refBody), &detail); err != nil {
				t.Fatal(err)
			}
			want := `{"error":{"detail":` + mustJSON(t, detail.Detail) + `,"status":` + mustJSON(t, rj.status) + "}}\n"
			if code != rj.status || body != want {
				t.Errorf("%v %s: %d %s, want %d %s", methods, rj.name, code, body, rj.status, want)
			}
			for _, k := range []string{"WWW-Authenticate", "Retry-After", "Cache-Control", "X-Content-Type-Options", "Vary"} {
				if !slices.Equal(header[k], refHeader[k]) {
					t.Errorf("%v %s: %s = %q, want core's %q", methods, rj.name, k, header[k], refHeader[k])
				}
			}
		}
		if int(hooked.Load()) != len(f.rejections) || reached.Load() != 0 {
			t.Errorf("%v: ErrorHandler ran %d times for %d rejections; handler reached %d times", methods, hooked.Load(), len(f.rejections), reached.Load())
		}
		// A successful request never sees the hook.
		code, _, body := fetch(t, f, srv.URL, "/secret", rejection{header: []string{"Authorization", "Token " + f.key}})
		if code != http.StatusOK || body != "hello alice" || int(hooked.Load()) != len(f.rejections) {
			t.Errorf("%v: valid token: %d %s, hook calls %d", methods, code, body, hooked.Load())
		}
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Echo's DefaultHTTPErrorHandler renders the handed error as dj-rest-auth's
// body too: the *core.Error inside is a json.Marshaler.
func TestErrorHandlerDefaultHTTPErrorHandler(t *testing.T) {
	f := newHookFixture(t, core.MethodToken)
	e := echo.New()
	a, err := echoauth.Register(e, f.cfg)
	if err != nil {
		t.Fatal(err)
	}
	var reached atomic.Int32
	srv := echoServer(t, e, a.MiddlewareWithConfig(echoauth.MiddlewareConfig{
		ErrorHandler: func(c echo.Context, err error) error { return err },
	}), &reached)
	code, header, body := fetch(t, f, srv.URL, "/secret", f.rejections[1])
	if code != http.StatusUnauthorized || body != `{"detail":"Invalid token."}`+"\n" || header.Get("WWW-Authenticate") != "Token" {
		t.Errorf("bad token through Echo's default error handler: %d %q %v", code, body, header)
	}
	code, header, body = fetch(t, f, srv.URL, "/secret", f.rejections[2])
	if code != http.StatusServiceUnavailable || !strings.HasPrefix(body, `{"detail":`) || header.Get("Retry-After") == "" {
		t.Errorf("store down through Echo's default error handler: %d %q %v", code, body, header)
	}
}

// An ErrorHandler can answer itself (here a redirect to a login page for
// a browser) and return nil; one that returns nil without answering gets
// core's answer rather than an empty 200.
func TestErrorHandlerWritesOwnResponse(t *testing.T) {
	f := newHookFixture(t, core.MethodToken)
	e := echo.New()
	var handled atomic.Bool
	e.HTTPErrorHandler = func(error, echo.Context) { handled.Store(true) }
	a, err := echoauth.Register(e, f.cfg)
	if err != nil {
		t.Fatal(err)
	}
	var reached atomic.Int32
	srv := echoServer(t, e, a.MiddlewareWithConfig(echoauth.MiddlewareConfig{
		ErrorHandler: func(c echo.Context, err error) error {
			if c.Request().Header.Get("X-Silent") != "" {
				return nil
			}
			c.Response().Header().Del("WWW-Authenticate")
			return c.Redirect(http.StatusSeeOther, "/login?next=/secret")
		},
	}), &reached)
	client := srv.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := client.Get(srv.URL + "/secret")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login?next=/secret" || resp.Header.Get("WWW-Authenticate") != "" {
		t.Errorf("hook's redirect: %d Location %q WWW-Authenticate %q", resp.StatusCode, resp.Header.Get("Location"), resp.Header.Get("WWW-Authenticate"))
	}

	silent := rejection{header: []string{"X-Silent", "1", "Authorization", "Token deadbeef"}}
	code, header, body := fetch(t, f, srv.URL, "/secret", silent)
	if code != http.StatusUnauthorized || body != `{"detail":"Invalid token."}` || header.Get("WWW-Authenticate") != "Token" ||
		header.Get("Content-Type") != "application/json" || header.Get("Cache-Control") != "no-store" {
		t.Errorf("hook returning nil without answering: %d %q %v", code, body, header)
	}
	if handled.Load() || reached.Load() != 0 {
		t.Errorf("HTTPErrorHandler ran: %v, handler reached %d times", handled.Load(), reached.Load())
	}
}

// OptionalUser with an ErrorHandler: anonymous callers pass without the
// hook, invalid credentials still go to it.
func TestErrorHandlerOptional(t *testing.T) {
	f := newHookFixture(t, core.MethodToken)
	e := echo.New()
	a, err := echoauth.Register(e, f.cfg)
	if err != nil {
		t.Fatal(err)
	}
	var calls atomic.Int32
	var reached atomic.Int32
	srv := echoServer(t, e, a.MiddlewareWithConfig(echoauth.MiddlewareConfig{
		Optional: true,
		ErrorHandler: func(c echo.Context, err error) error {
			calls.Add(1)
			return c.String(http.StatusTeapot, "hooked")
		},
	}), &reached)
	if code, _, body := fetch(t, f, srv.URL, "/secret", f.rejections[0]); code != http.StatusOK || body != "hello " || calls.Load() != 0 {
		t.Errorf("anonymous: %d %q, hook calls %d", code, body, calls.Load())
	}
	if code, _, body := fetch(t, f, srv.URL, "/secret", f.rejections[1]); code != http.StatusTeapot || body != "hooked" || calls.Load() != 1 {
		t.Errorf("bad token: %d %q, hook calls %d", code, body, calls.Load())
	}
}
