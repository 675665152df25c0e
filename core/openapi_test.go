package core_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/authtest/openapicheck"
	"github.com/restauth/restauth/core/mail"
	"github.com/restauth/restauth/core/memstore"
)

const openAPITestSecret = "openapi-test-secret-key-0123456789abcdef"

// openAPIConfigs are configurations whose documents differ: every method
// alone and together, the account flows on and off, and the settings the
// document reflects.
func openAPIConfigs() map[string]func(*core.Config) {
	mailer := func(c *core.Config) {
		c.SecretKey = []byte(openAPITestSecret)
		c.Accounts.Mailer = mail.NewOutbox()
		c.Accounts.FrontendURL = "https://app.example"
	}
	session := func(c *core.Config) { c.Session.Store = memstore.NewSessionStore() }
	return map[string]func(*core.Config){
		"token": func(*core.Config) {},
		"token+accounts": func(c *core.Config) {
			mailer(c)
			c.UserFields.Render = func(context.Context, *core.User) (map[string]any, error) { return map[string]any{"phone": "1"}, nil }
			c.RegistrationFields.Parse = func(context.Context, *core.Form) (core.Save, error) { return nil, nil }
		},
		"jwt": func(c *core.Config) {
			mailer(c)
			c.Methods = []core.Method{core.MethodJWT}
			c.JWT.NotHTTPOnly, c.JWT.ReturnExpiration = true, true
		},
		"jwt-header-only": func(c *core.Config) {
			c.SecretKey = []byte(openAPITestSecret)
			c.Methods = []core.Method{core.MethodJWT}
			c.JWT.DisableCookies = true
			c.JWT.HeaderTypes = []string{"JWT"}
			c.JWT.DisableRotation = true
		},
		"session": func(c *core.Config) {
			mailer(c)
			session(c)
			c.Methods = []core.Method{core.MethodSession}
			c.EmailVerification = core.VerifyNone
			c.LogoutOnGet = true
			c.Prefix = "/auth/v1/"
			c.Session.CookieName = "sid"
			c.CSRF.HeaderName = "X-Csrf"
		},
		"all": func(c *core.Config) {
			mailer(c)
			session(c)
			c.Methods = []core.Method{core.MethodSession, core.MethodJWT, core.MethodToken}
			c.EmailOnly = true
			c.EmailVerification = core.VerifyMandatory
			c.JWT.AccessCookie, c.JWT.RefreshCookie = "jwt-access", "jwt-refresh"
			c.SkipOldPasswordCheck = true
			c.Throttle.Disabled = true
		},
		"no-registration": func(c *core.Config) {
			mailer(c)
			c.Accounts.DisableRegistration = true
		},
	}
}

// newOpenAPIAuth builds a service from the named configuration.
func newOpenAPIAuth(t *testing.T, adjust func(*core.Config)) *core.Auth {
	t.Helper()
	cfg := core.Config{Store: memstore.New(), Logger: slog.New(slog.DiscardHandler)}
	adjust(&cfg)
	a, err := core.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Close(context.Background()) })
	return a
}

// TestOpenAPIDescribesRoutes: in every configuration the document is a
// valid OpenAPI 3.1 document (openapicheck.Load checks the structure and
// compiles every schema) whose paths are exactly the mounted routes, each
// with exactly the methods the route serves; no route lacks a
// description and nothing unmounted is described.
func TestOpenAPIDescribesRoutes(t *testing.T) {
	for name, adjust := range openAPIConfigs() {
		t.Run(name, func(t *testing.T) {
			a := newOpenAPIAuth(t, adjust)
			raw, err := a.OpenAPI()
			if err != nil {
				t.Fatal(err)
			}
			doc, err := openapicheck.Load(raw)
			if err != nil {
				t.Fatal(err)
			}
			want := map[string][]string{}
			for _, rt := range a.Routes() {
				p := a.Prefix() + rt.Path
				if rt.Path == "openapi.json/" {
					p = strings.TrimSuffix(p, "/")
				}
				want[p] = slices.Sorted(slices.Values(rt.Methods))
				for m := range rt.Operations {
					if !slices.Contains(rt.Methods, m) {
						t.Errorf("%s: %s is described but not served", rt.Path, m)
					}
				}
				for _, m := range rt.Methods {
					if _, ok := rt.Operations[m]; !ok && m != http.MethodHead && m != http.MethodOptions {
						t.Errorf("%s: %s is served but Route.Operations lacks it", rt.Path, m)
					}
				}
			}
			if got := doc.Paths(); !slices.Equal(got, slices.Sorted(maps.Keys(want))) {
				t.Errorf("paths %q, want the routes %q", got, slices.Sorted(maps.Keys(want)))
			}
			for p, methods := range want {
				if got := doc.Methods(p); !slices.Equal(got, methods) {
					t.Errorf("%s: methods %q, want %q", p, got, methods)
				}
			}
			if doc.Prefix != a.Prefix() {
				t.Errorf("the paths' common prefix is %q, want %q", doc.Prefix, a.Prefix())
			}
		})
	}
}

// openAPIJSON decodes the document of adjust's configuration.
func openAPIJSON(t *testing.T, adjust func(*core.Config)) map[string]any {
	t.Helper()
	raw, err := newOpenAPIAuth(t, adjust).OpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// at walks doc along keys.
func at(t *testing.T, doc any, keys ...string) any {
	t.Helper()
	v := doc
	for i, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("%s is not an object", strings.Join(keys[:i], "."))
		}
		if v, ok = m[k]; !ok {
			return nil
		}
	}
	return v
}

// TestOpenAPIReflectsConfig: the login answer, the user schema, the
// security schemes and the cookie and header names follow the
// configuration.
func TestOpenAPIReflectsConfig(t *testing.T) {
	cfgs := openAPIConfigs()
	loginOK := func(doc map[string]any, prefix string) []string {
		return slices.Sorted(maps.Keys(at(t, doc, "paths", prefix+"login/", "post", "responses").(map[string]any)))
	}
	ref := func(doc map[string]any, path, status string) any {
		return at(t, doc, "paths", path, "post", "responses", status, "content", "application/json", "schema", "$ref")
	}

	token := openAPIJSON(t, cfgs["token"])
	if got := ref(token, "/api/auth/login/", "200"); got != "#/components/schemas/Key" {
		t.Errorf("token login 200: %v, want the Key", got)
	}
	if at(t, token, "components", "securitySchemes", "tokenAuth", "name") != "Authorization" || at(t, token, "components", "securitySchemes", "csrfToken") != nil {
		t.Errorf("token schemes: %v", at(t, token, "components", "securitySchemes"))
	}
	if at(t, token, "paths", "/api/auth/registration/") != nil || at(t, token, "paths", "/api/auth/token/refresh/") != nil {
		t.Error("token mode without a Mailer describes registration or JWT endpoints")
	}
	if got := at(t, token, "components", "schemas", "User", "additionalProperties"); got != false {
		t.Errorf("User.additionalProperties %v without UserFields", got)
	}

	accounts := openAPIJSON(t, cfgs["token+accounts"])
	if got := at(t, accounts, "components", "schemas", "User", "additionalProperties"); got != true {
		t.Errorf("User.additionalProperties %v with UserFields.Render", got)
	}
	if got := at(t, accounts, "paths", "/api/auth/registration/", "post", "responses", "400", "content", "application/json", "schema", "oneOf"); got == nil {
		t.Error("registration 400 is not field errors or a detail")
	}

	jwt := openAPIJSON(t, cfgs["jwt"])
	if got := ref(jwt, "/api/auth/login/", "200"); got != "#/components/schemas/JWT" {
		t.Errorf("jwt login 200: %v", got)
	}
	if got := at(t, jwt, "components", "schemas", "JWT", "required"); !slices.Contains(toStrings(got), "access_expiration") || slices.Contains(toStrings(got), "key") {
		t.Errorf("JWT.required %v with ReturnExpiration and no token method", got)
	}
	if got := at(t, jwt, "components", "securitySchemes", "jwtAuth", "scheme"); got != "bearer" {
		t.Errorf("jwtAuth scheme %v", got)
	}
	if got := at(t, jwt, "components", "securitySchemes", "jwtCookieAuth", "name"); got != "access" {
		t.Errorf("jwtCookieAuth cookie %v", got)
	}
	if got := toStrings(at(t, jwt, "components", "schemas", "TokenRefresh", "required")); !slices.Contains(got, "refresh") {
		t.Errorf("TokenRefresh.required %v with NotHTTPOnly and rotation", got)
	}

	headerOnly := openAPIJSON(t, cfgs["jwt-header-only"])
	if got := at(t, headerOnly, "components", "securitySchemes", "jwtAuth"); at(t, got, "type") != "apiKey" || !strings.Contains(at(t, got, "description").(string), "JWT <access token>") {
		t.Errorf("jwtAuth with HeaderTypes [JWT]: %v", got)
	}
	if at(t, headerOnly, "components", "securitySchemes", "jwtCookieAuth") != nil || at(t, headerOnly, "components", "securitySchemes", "csrfToken") != nil {
		t.Error("cookie schemes with DisableCookies")
	}
	if got := toStrings(at(t, headerOnly, "components", "schemas", "TokenRefresh", "required")); slices.Contains(got, "refresh") {
		t.Errorf("TokenRefresh.required %v without rotation", got)
	}

	session := openAPIJSON(t, cfgs["session"])
	if got := loginOK(session, "/auth/v1/"); !slices.Contains(got, "204") || slices.Contains(got, "200") {
		t.Errorf("session login statuses %v, want 204", got)
	}
	if at(t, session, "paths", "/auth/v1/logout/", "get") == nil || at(t, session, "paths", "/auth/v1/openapi.json", "get") == nil {
		t.Error("LogoutOnGet or the document itself not described under the prefix")
	}
	if at(t, session, "components", "securitySchemes", "sessionAuth", "name") != "sid" || at(t, session, "components", "securitySchemes", "csrfToken", "name") != "X-Csrf" {
		t.Errorf("session schemes %v", at(t, session, "components", "securitySchemes"))
	}
	pattern := at(t, session, "paths", "/auth/v1/login/", "post", "responses", "204", "headers", "Set-Cookie", "schema", "pattern")
	if pattern != "^(csrftoken|restauth_device|sid)=" {
		t.Errorf("login Set-Cookie pattern %v", pattern)
	}
	if got := at(t, session, "paths", "/auth/v1/user/", "patch", "responses", "401"); got != nil {
		t.Error("401 described with sessions first (failures are 403)")
	}

	all := openAPIJSON(t, cfgs["all"])
	if at(t, all, "components", "schemas", "User", "properties", "username") != nil {
		t.Error("EmailOnly: User has a username")
	}
	if got := at(t, all, "paths", "/api/auth/registration/", "post", "responses", "201", "content", "application/json", "schema", "$ref"); got != "#/components/schemas/Detail" {
		t.Errorf("VerifyMandatory registration 201: %v", got)
	}
	if at(t, all, "paths", "/api/auth/login/", "post", "responses", "429") != nil {
		t.Error("429 described with throttling off")
	}
	sec := at(t, all, "paths", "/api/auth/user/", "patch", "security").([]any)
	if len(sec) != 4 || at(t, sec[0], "sessionAuth") == nil || at(t, sec[0], "csrfToken") == nil || at(t, sec[3], "tokenAuth") == nil {
		t.Errorf("user/ PATCH security %v, want session+CSRF, bearer, cookie+CSRF, token in Methods order", sec)
	}
	if got := toStrings(at(t, all, "paths", "/api/auth/password/change/", "post", "requestBody", "content", "application/json", "schema", "required")); slices.Contains(got, "old_password") {
		t.Errorf("password/change required %v with SkipOldPasswordCheck", got)
	}

	if at(t, openAPIJSON(t, cfgs["no-registration"]), "paths", "/api/auth/registration/") != nil {
		t.Error("registration described with DisableRegistration")
	}
}

func toStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

// TestOpenAPIServed: GET and HEAD <prefix>openapi.json (and without the
// extension's slash quirk, with one) answer the document with an ETag,
// revalidated by If-None-Match, without any cookie even where every other
// endpoint hands out a csrftoken; DisableOpenAPI unmounts it.
func TestOpenAPIServed(t *testing.T) {
	a := newOpenAPIAuth(t, openAPIConfigs()["all"])
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()
	want, err := a.OpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	get := func(method, path string, header ...string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		res, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, b
	}
	var etag string
	for _, p := range []string{"/api/auth/openapi.json", "/api/auth/openapi.json/"} {
		res, body := get(http.MethodGet, p)
		if res.StatusCode != http.StatusOK || string(body) != string(want) {
			t.Fatalf("GET %s: %d %.100s", p, res.StatusCode, body)
		}
		if res.Header.Get("Content-Type") != "application/json" || res.Header.Get("Cache-Control") != "no-cache" || len(res.Cookies()) != 0 {
			t.Errorf("GET %s: headers %v", p, res.Header)
		}
		etag = res.Header.Get("ETag")
	}
	if etag == "" {
		t.Fatal("no ETag")
	}
	if res, body := get(http.MethodGet, "/api/auth/openapi.json", "If-None-Match", etag); res.StatusCode != http.StatusNotModified || len(body) != 0 {
		t.Errorf("If-None-Match: %d %q", res.StatusCode, body)
	}
	if res, _ := get(http.MethodGet, "/api/auth/openapi.json", "If-None-Match", `"other"`); res.StatusCode != http.StatusOK {
		t.Errorf("If-None-Match another ETag: %d", res.StatusCode)
	}
	if res, body := get(http.MethodHead, "/api/auth/openapi.json"); res.StatusCode != http.StatusOK || len(body) != 0 || res.Header.Get("ETag") != etag {
		t.Errorf("HEAD: %d %q %v", res.StatusCode, body, res.Header)
	}
	if res, _ := get(http.MethodPost, "/api/auth/openapi.json"); res.StatusCode != http.StatusMethodNotAllowed || res.Header.Get("Allow") != "GET, HEAD, OPTIONS" {
		t.Errorf("POST: %d Allow %q", res.StatusCode, res.Header.Get("Allow"))
	}
	var doc map[string]any
	if err := json.Unmarshal(want, &doc); err != nil {
		t.Fatal(err)
	}
	if v, _ := at(t, doc, "info", "version").(string); !strings.HasPrefix(v, "restauth-") {
		t.Errorf("info.version %q", v)
	}

	off := newOpenAPIAuth(t, func(c *core.Config) { c.DisableOpenAPI = true })
	for _, rt := range off.Routes() {
		if strings.HasPrefix(rt.Path, "openapi") {
			t.Errorf("DisableOpenAPI: route %s mounted", rt.Path)
		}
	}
	w := httptest.NewRecorder()
	off.Handler().ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/api/auth/openapi.json", nil))
	if w.Code != http.StatusNotFound {
		t.Errorf("DisableOpenAPI: GET answered %d", w.Code)
	}
	raw, err := off.OpenAPI()
	if err != nil || strings.Contains(string(raw), "openapi.json") {
		t.Errorf("DisableOpenAPI: OpenAPI() %v, describes itself: %v", err, strings.Contains(string(raw), "openapi.json"))
	}
}
