package echoauth_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/authtest"
	"github.com/restauth/restauth/echoauth"
	"github.com/restauth/restauth/echoauth/echoauthtest"
)

func TestRequire(t *testing.T) {
	authtest.RunRequire(t, echoauthtest.RequireServer)
}

// withNotStaff adds the rejection of an authenticated caller who is not
// staff (alice) to f's rejections.
func withNotStaff(f *hookFixture) []rejection {
	return append(slices.Clone(f.rejections),
		rejection{name: "not staff", status: http.StatusForbidden, header: []string{"Authorization", "Token " + f.key}})
}

// Without an ErrorHandler, RequireStaff answers byte for byte as core's
// net/http Require(core.IsStaff), and Echo's error handler never runs.
func TestRequireDefaultUnchanged(t *testing.T) {
	for _, methods := range [][]core.Method{{core.MethodToken}, {core.MethodSession, core.MethodToken}} {
		f := newHookFixture(t, methods...)
		ref, err := core.New(f.cfg)
		if err != nil {
			t.Fatal(err)
		}
		refSrv := httptest.NewServer(ref.Require(core.IsStaff)(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})))
		t.Cleanup(refSrv.Close)

		e := echo.New()
		var handled atomic.Bool
		e.HTTPErrorHandler = func(error, echo.Context) { handled.Store(true) }
		a, err := echoauth.Register(e, f.cfg)
		if err != nil {
			t.Fatal(err)
		}
		var reached atomic.Int32
		srv := echoServer(t, e, a.RequireStaff(), &reached)
		for _, rj := range withNotStaff(f) {
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

// With an ErrorHandler, every rejection of Allow, the 403 of a refused
// caller included, goes to it as an *echo.HTTPError holding the resolved
// *core.Error, with core's headers already set; Optional does not let
// anonymous callers past Allow.
func TestRequireErrorHandler(t *testing.T) {
	f := newHookFixture(t, core.MethodToken)
	ref, err := core.New(f.cfg)
	if err != nil {
		t.Fatal(err)
	}
	refSrv := httptest.NewServer(ref.Require(core.IsStaff)(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})))
	t.Cleanup(refSrv.Close)

	e := echo.New()
	e.HTTPErrorHandler = func(err error, c echo.Context) {
		var he *echo.HTTPError
		var ce *core.Error
		if !errors.As(err, &he) || !errors.As(err, &ce) || he.Code != ce.Status {
			_ = c.String(http.StatusTeapot, "unexpected error")
			return
		}
		_ = c.JSON(he.Code, map[string]any{"error": map[string]any{"status": ce.Status, "detail": ce.Detail}})
	}
	a, err := echoauth.Register(e, f.cfg)
	if err != nil {
		t.Fatal(err)
	}
	var hooked, reached atomic.Int32
	srv := echoServer(t, e, a.MiddlewareWithConfig(echoauth.MiddlewareConfig{
		Allow:    core.IsStaff,
		Optional: true, // ignored: Allow needs a user
		ErrorHandler: func(c echo.Context, err error) error {
			hooked.Add(1)
			return err
		},
	}), &reached)
	rejections := withNotStaff(f)
	for _, rj := range rejections {
		_, refHeader, refBody := fetch(t, f, refSrv.URL, "/secret", rj)
		code, header, body := fetch(t, f, srv.URL, "/secret", rj)
		var detail struct{ Detail string }
		if err := json.Unmarshal([]byte(refBody), &detail); err != nil {
			t.Fatal(err)
		}
		want := `{"error":{"detail":` + mustJSON(t, detail.Detail) + `,"status":` + mustJSON(t, rj.status) + "}}\n"
		if code != rj.status || body != want {
			t.Errorf("%s: %d %s, want %d %s", rj.name, code, body, rj.status, want)
		}
		for _, k := range []string{"WWW-Authenticate", "Retry-After", "Cache-Control", "X-Content-Type-Options", "Vary"} {
			if !slices.Equal(header[k], refHeader[k]) {
				t.Errorf("%s: %s = %q, want core's %q", rj.name, k, header[k], refHeader[k])
			}
		}
	}
	if int(hooked.Load()) != len(rejections) || reached.Load() != 0 {
		t.Errorf("ErrorHandler ran %d times for %d rejections; handler reached %d times", hooked.Load(), len(rejections), reached.Load())
	}

	// Promoted, alice passes, and the hook is not called.
	alice, err := f.store.UserByUsername(t.Context(), "alice")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.Store.(core.StaffStore).SetStaff(t.Context(), alice.ID, true, false); err != nil {
		t.Fatal(err)
	}
	code, _, body := fetch(t, f, srv.URL, "/secret", rejection{header: []string{"Authorization", "Token " + f.key}})
	if code != http.StatusOK || body != "hello alice" || int(hooked.Load()) != len(rejections) {
		t.Errorf("staff alice: %d %s, hook calls %d", code, body, hooked.Load())
	}
}
