package openapicheck_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/authtest/openapicheck"
	"github.com/restauth/restauth/core/memstore"
)

// loadCore loads the document of a token-mode service.
func loadCore(t *testing.T) *openapicheck.Document {
	t.Helper()
	a, err := core.New(core.Config{Store: memstore.New(), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := a.OpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	d, err := openapicheck.Load(raw)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// exchange builds a request and a response as a client sees them.
func exchange(method, path, contentType, reqBody string, status int, resBody string, header ...string) (*http.Request, []byte, *http.Response, []byte) {
	req := httptest.NewRequest(method, "http://api.test"+path, strings.NewReader(reqBody))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res := &http.Response{StatusCode: status, Header: http.Header{}}
	if resBody != "" {
		res.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		res.Header.Add(header[i], header[i+1])
	}
	return req, []byte(reqBody), res, []byte(resBody)
}

// TestCheck: conforming exchanges pass, and each kind of drift between
// the document and an answer is caught.
func TestCheck(t *testing.T) {
	d := loadCore(t)
	const login = `{"username":"alice","password":"pw"}`
	ok := []struct {
		name string
		ex   func() (*http.Request, []byte, *http.Response, []byte)
	}{
		{"login", func() (*http.Request, []byte, *http.Response, []byte) {
			return exchange("POST", "/api/auth/login/", "application/json", login, 200, `{"key":"`+strings.Repeat("a", 40)+`"}`)
		}},
		{"login without the slash, as a form", func() (*http.Request, []byte, *http.Response, []byte) {
			return exchange("POST", "/api/auth/login", "application/x-www-form-urlencoded", "username=alice&password=pw", 400, `{"non_field_errors":["Unable to log in with provided credentials."]}`)
		}},
		{"malformed body, 400 detail", func() (*http.Request, []byte, *http.Response, []byte) {
			return exchange("POST", "/api/auth/login/", "application/json", `{"username":`, 400, `{"detail":"JSON parse error - Expecting value: line 1 column 13 (char 12)"}`)
		}},
		{"anonymous user/", func() (*http.Request, []byte, *http.Response, []byte) {
			return exchange("GET", "/api/auth/user/", "", "", 401, `{"detail":"Authentication credentials were not provided."}`, "WWW-Authenticate", "Token")
		}},
		{"405 with Allow", func() (*http.Request, []byte, *http.Response, []byte) {
			return exchange("DELETE", "/api/auth/login/", "", "", 405, `{"detail":"Method \"DELETE\" not allowed."}`, "Allow", "POST, OPTIONS")
		}},
		{"404 under the prefix", func() (*http.Request, []byte, *http.Response, []byte) {
			return exchange("GET", "/api/auth/nope/", "", "", 404, `{"detail":"Not found."}`)
		}},
		{"an application route", func() (*http.Request, []byte, *http.Response, []byte) {
			return exchange("GET", "/api/protected/", "", "", 200, `whatever`)
		}},
		{"a path a router cleans", func() (*http.Request, []byte, *http.Response, []byte) {
			return exchange("POST", "/api/auth//login/", "", "", 301, ``)
		}},
	}
	for _, tc := range ok {
		if err := d.Check(tc.ex()); err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
	}

	drift := []struct {
		name, want string
		ex         func() (*http.Request, []byte, *http.Response, []byte)
	}{
		{"undescribed status", "status not described", func() (*http.Request, []byte, *http.Response, []byte) {
			return exchange("POST", "/api/auth/login/", "application/json", login, 201, `{"key":"x"}`)
		}},
		{"body against the schema", "does not match the schema", func() (*http.Request, []byte, *http.Response, []byte) {
			return exchange("POST", "/api/auth/login/", "application/json", login, 200, `{"key":"x","extra":1}`)
		}},
		{"an invalid request accepted", "does not conform", func() (*http.Request, []byte, *http.Response, []byte) {
			return exchange("POST", "/api/auth/login/", "application/json", `{"username":"alice"}`, 200, `{"key":"`+strings.Repeat("a", 40)+`"}`)
		}},
		{"no credentials accepted", "does not conform", func() (*http.Request, []byte, *http.Response, []byte) {
			return exchange("GET", "/api/auth/user/", "", "", 200, `{"pk":1,"username":"a","email":"","first_name":"","last_name":""}`)
		}},
		{"an undescribed media type accepted", "does not conform", func() (*http.Request, []byte, *http.Response, []byte) {
			return exchange("POST", "/api/auth/login/", "text/plain", login, 200, `{"key":"`+strings.Repeat("a", 40)+`"}`)
		}},
		{"a missing required header", "Www-Authenticate is missing", func() (*http.Request, []byte, *http.Response, []byte) {
			return exchange("GET", "/api/auth/user/", "", "", 401, `{"detail":"x"}`)
		}},
		{"an undescribed cookie", "Set-Cookie", func() (*http.Request, []byte, *http.Response, []byte) {
			return exchange("POST", "/api/auth/login/", "application/json", login, 200, `{"key":"`+strings.Repeat("a", 40)+`"}`, "Set-Cookie", "sessionid=x")
		}},
		{"an undescribed path served", "must be answered 404", func() (*http.Request, []byte, *http.Response, []byte) {
			return exchange("GET", "/api/auth/extra/", "", "", 200, `{}`)
		}},
		{"an undescribed method served", "must be answered 405", func() (*http.Request, []byte, *http.Response, []byte) {
			return exchange("DELETE", "/api/auth/login/", "", "", 200, `{}`, "Allow", "POST, OPTIONS")
		}},
		{"Allow naming other methods", "Allow", func() (*http.Request, []byte, *http.Response, []byte) {
			return exchange("DELETE", "/api/auth/login/", "", "", 405, `{"detail":"x"}`, "Allow", "POST, DELETE, OPTIONS")
		}},
		{"a body where none is described", "without one", func() (*http.Request, []byte, *http.Response, []byte) {
			return exchange("GET", "/api/auth/openapi.json", "", "", 304, `{}`)
		}},
	}
	for _, tc := range drift {
		err := d.Check(tc.ex())
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error about %q", tc.name, err, tc.want)
		}
	}
}

// TestLoad: a document that is not OpenAPI 3.1 or refers to what it does
// not define is refused.
func TestLoad(t *testing.T) {
	for name, raw := range map[string]string{
		"not 3.1":                   `{"openapi":"3.0.3","info":{"title":"x","version":"1"},"paths":{}}`,
		"dangling $ref":             `{"openapi":"3.1.0","info":{"title":"x","version":"1"},"paths":{"/a":{"get":{"responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Nope"}}}}}}}}}`,
		"bad status key":            `{"openapi":"3.1.0","info":{"title":"x","version":"1"},"paths":{"/a":{"get":{"responses":{"ok":{"description":"ok"}}}}}}`,
		"bad schema":                `{"openapi":"3.1.0","info":{"title":"x","version":"1"},"paths":{"/a":{"get":{"responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"type":"nope"}}}}}}}}}`,
		"undeclared path parameter": `{"openapi":"3.1.0","info":{"title":"x","version":"1"},"paths":{"/a/{id}":{"get":{"responses":{"200":{"description":"ok"}}}}}}`,
		"unknown security scheme":   `{"openapi":"3.1.0","info":{"title":"x","version":"1"},"paths":{"/a":{"get":{"security":[{"nope":[]}],"responses":{"200":{"description":"ok"}}}}}}`,
	} {
		if _, err := openapicheck.Load([]byte(raw)); err == nil {
			t.Errorf("%s: loaded", name)
		}
	}
}
