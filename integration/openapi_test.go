package integration_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/mail"
	"github.com/restauth/restauth/core/memstore"
)

// openAPIModes are the configurations whose documents the full validator
// checks: each method alone and all together, with the account flows.
var openAPIModes = map[string]func(c *core.Config){
	"token": func(c *core.Config) {},
	"jwt": func(c *core.Config) {
		c.Methods = []core.Method{core.MethodJWT}
		c.JWT.ReturnExpiration = true
	},
	"session": func(c *core.Config) {
		c.Methods = []core.Method{core.MethodSession}
		c.Session.Store = memstore.NewSessionStore()
		c.LogoutOnGet = true
	},
	"all": func(c *core.Config) {
		c.Methods = []core.Method{core.MethodToken, core.MethodJWT, core.MethodSession}
		c.Session.Store = memstore.NewSessionStore()
		c.EmailOnly = true
		c.UserFields.Render = func(context.Context, *core.User) (map[string]any, error) {
			return map[string]any{"phone": "+1 555"}, nil
		}
	},
}

// TestOpenAPI checks the OpenAPI document each adapter serves, in each
// mode, with a full OpenAPI 3.1 validator (pb33f/libopenapi-validator)
// besides the checks of core/authtest (which hold every exchange of the
// conformance suite to the document with openapicheck): the document
// validates against the OpenAPI 3.1 schema, and a client's exchanges
// (success and error answers of every endpoint, form and JSON bodies,
// cookies) validate against it, requests and responses alike.
func TestOpenAPI(t *testing.T) {
	for _, a := range adapters {
		t.Run(a.name, func(t *testing.T) {
			for mode, adjust := range openAPIModes {
				t.Run(mode, func(t *testing.T) {
					cfg := core.Config{
						Store:     memstore.New(),
						SecretKey: []byte("integration-openapi-secret-0123456789abcdef"),
						Logger:    slog.New(slog.DiscardHandler),
					}
					cfg.Accounts.Mailer = mail.NewOutbox()
					cfg.Accounts.FrontendURL = "https://app.example"
					cfg.Accounts.SynchronousMail = true
					cfg.Throttle.Disabled = true
					cfg.InsecureCookies = true
					adjust(&cfg)
					h, auth := a.server(t, cfg)
					srv := httptest.NewServer(h)
					defer srv.Close()
					c := newOpenAPIClient(t, srv, auth)
					c.flow(t)
				})
			}
		})
	}
}

// openAPIClient plays a client against one server, validating each
// exchange with libopenapi-validator.
type openAPIClient struct {
	t      *testing.T
	srv    *httptest.Server
	auth   *core.Auth
	client *http.Client
	v      validator.Validator
	prefix string
}

func newOpenAPIClient(t *testing.T, srv *httptest.Server, auth *core.Auth) *openAPIClient {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &openAPIClient{t: t, srv: srv, auth: auth, client: &http.Client{Jar: jar}, prefix: auth.Prefix()}
	res, err := c.client.Get(srv.URL + c.prefix + "openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET openapi.json: %d %s", res.StatusCode, raw)
	}
	doc, err := libopenapi.NewDocument(raw)
	if err != nil {
		t.Fatal(err)
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		t.Fatalf("validator: %v", errs)
	}
	if ok, verrs := v.ValidateDocument(); !ok {
		for _, e := range verrs {
			t.Errorf("the document is not valid OpenAPI 3.1: %s: %s", e.Message, e.Reason)
			for _, se := range e.SchemaValidationErrors {
				t.Errorf("  %s: %s", se.FieldPath, se.Reason)
			}
		}
		t.FailNow()
	}
	c.v = v
	return c
}

// do sends one request and validates the response (and, when valid is
// true, the request) against the document; it returns the status and
// the decoded JSON body.
func (c *openAPIClient) do(valid bool, method, rel, contentType, body string, header ...string) (int, map[string]any) {
	t := c.t
	t.Helper()
	build := func() *http.Request {
		req, err := http.NewRequestWithContext(t.Context(), method, c.srv.URL+c.prefix+rel, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if body == "" {
			req.Body, req.GetBody, req.ContentLength = http.NoBody, nil, 0
		}
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		return req
	}
	req := build()
	if c := c.csrfCookie(); c != "" && req.Header.Get("Authorization") == "" {
		req.Header.Set("X-CSRFToken", c)
	}
	res, err := c.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(res.Body)
	res.Body.Close()

	// What the validator sees: the request as sent (with the jar's
	// cookies) and the response with its body.
	vreq := build()
	vreq.Header = req.Header.Clone()
	u, _ := url.Parse(c.srv.URL)
	for _, ck := range c.client.Jar.Cookies(u) {
		vreq.AddCookie(ck)
	}
	res.Body = io.NopCloser(bytes.NewReader(raw))
	what := fmt.Sprintf("%s %s%s → %d %.200s", method, c.prefix, rel, res.StatusCode, raw)
	if valid {
		if ok, errs := c.v.ValidateHttpRequest(vreq); !ok {
			for _, e := range errs {
				t.Errorf("%s: request: %s: %s", what, e.Message, e.Reason)
			}
		}
		vreq = build()
		vreq.Header = req.Header.Clone()
	}
	if ok, errs := c.v.ValidateHttpResponse(vreq, res); !ok {
		for _, e := range errs {
			t.Errorf("%s: response: %s: %s", what, e.Message, e.Reason)
			for _, se := range e.SchemaValidationErrors {
				t.Errorf("  %s: %s", se.FieldPath, se.Reason)
			}
		}
	}
	var obj map[string]any
	_ = json.Unmarshal(raw, &obj)
	return res.StatusCode, obj
}

// csrfCookie is the csrftoken the jar holds, "" for none.
func (c *openAPIClient) csrfCookie() string {
	u, _ := url.Parse(c.srv.URL)
	for _, ck := range c.client.Jar.Cookies(u) {
		if ck.Name == "csrftoken" {
			return ck.Value
		}
	}
	return ""
}

// flow runs a client through the endpoints this configuration mounts.
func (c *openAPIClient) flow(t *testing.T) {
	cfg := c.auth.Config()
	uses := func(m core.Method) bool {
		for _, x := range cfg.Methods {
			if x == m {
				return true
			}
		}
		return false
	}
	if _, err := c.auth.CreateUser(t.Context(), core.NewUser{Username: "alice", Email: "alice@example.com", Password: "Secret-pass-123", EmailVerified: true}); err != nil {
		t.Fatal(err)
	}
	const jsonType, formType = "application/json", "application/x-www-form-urlencoded"
	login := `{"email":"alice@example.com","password":"Secret-pass-123"}`

	c.do(true, http.MethodGet, "openapi.json", "", "")
	c.do(true, http.MethodOptions, "login/", "", "")
	c.do(true, http.MethodPost, "login/", jsonType, `{"email":"alice@example.com","password":"wrong-password"}`)
	c.do(false, http.MethodPost, "login/", jsonType, `{"email":`)
	c.do(false, http.MethodPost, "login/", "text/plain", `x`)
	c.do(false, http.MethodGet, "user/", "", "") // no credentials
	c.do(true, http.MethodPost, "login/", formType, "email=alice%40example.com&password=Secret-pass-123")
	_, body := c.do(true, http.MethodPost, "login/", jsonType, login)

	var auth []string
	switch {
	case uses(core.MethodToken):
		auth = []string{"Authorization", "Token " + body["key"].(string)}
	case uses(core.MethodJWT):
		auth = []string{"Authorization", "Bearer " + body["access"].(string)}
	}
	c.do(true, http.MethodGet, "user/", "", "", auth...)
	c.do(true, http.MethodHead, "user/", "", "", auth...)
	c.do(true, http.MethodPatch, "user/", jsonType, `{"first_name":"Alice"}`, auth...)
	c.do(true, http.MethodPut, "user/", jsonType, `{"first_name":"Alice","last_name":"A","username":"alice"}`, auth...)
	c.do(false, http.MethodPatch, "user/", jsonType, `{"first_name":"`+strings.Repeat("a", 200)+`"}`, auth...)
	c.do(true, http.MethodPost, "password/change/", jsonType, `{"old_password":"wrong","new_password1":"a","new_password2":"b"}`, auth...)

	if uses(core.MethodJWT) {
		c.do(true, http.MethodPost, "token/verify/", jsonType, `{"token":"`+body["access"].(string)+`"}`)
		c.do(true, http.MethodPost, "token/verify/", jsonType, `{"token":"not-a-token"}`)
		c.do(true, http.MethodPost, "token/refresh/", jsonType, "") // the refresh cookie
		c.do(true, http.MethodPost, "token/refresh/", jsonType, `{"refresh":"not-a-token"}`)
	}
	c.do(true, http.MethodPost, "password/reset/", jsonType, `{"email":"alice@example.com"}`)
	c.do(true, http.MethodPost, "password/reset/confirm/", jsonType, `{"uid":"x","token":"y","new_password1":"Other-pass-456","new_password2":"Other-pass-456"}`)
	c.do(true, http.MethodPost, "registration/resend-email/", formType, "email=bob%40example.com")
	c.do(true, http.MethodPost, "registration/verify-email/", jsonType, `{"key":"nope"}`)
	reg := `{"username":"bob","email":"bob@example.com","password1":"Secret-pass-123","password2":"Secret-pass-123"}`
	if cfg.EmailOnly {
		reg = `{"email":"bob@example.com","password1":"Secret-pass-123","password2":"Secret-pass-123"}`
	}
	c.do(true, http.MethodPost, "registration/", jsonType, reg)
	c.do(true, http.MethodPost, "registration/", jsonType, reg) // taken
	c.do(true, http.MethodPost, "logout/", jsonType, "", auth...)
	c.do(false, http.MethodGet, "user/", "", "")
}
