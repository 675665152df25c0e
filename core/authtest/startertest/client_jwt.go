package startertest

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// JWTClientFlow plays a browser SPA written for dj-rest-auth in JWT mode
// (HttpOnly cookies, CSRF) against a running server at baseURL, with the
// starters' settings: login sets the access, refresh and csrftoken
// cookies and returns the expirations; the app route works with the access
// cookie; token/refresh/ rotates from the cookie with X-CSRFToken; a
// rotated-out refresh token is refused; logout clears the cookies and ends
// the login. The account must exist, be active and have a verified email.
func JWTClientFlow(t *testing.T, baseURL, prefix, appPath string, acct Account) {
	t.Helper()
	c := &cookieClient{t: t, base: strings.TrimRight(baseURL, "/"), jar: map[string]string{}}

	status, body := c.do(http.MethodPost, prefix+"login/", jsonBody("username", acct.Username, "password", acct.Password), nil)
	var login map[string]json.RawMessage
	if status != http.StatusOK || json.Unmarshal(body, &login) != nil {
		t.Fatalf("login: %d %s", status, body)
	}
	for _, k := range []string{"access", "refresh", "user", "access_expiration", "refresh_expiration"} {
		if _, ok := login[k]; !ok {
			t.Errorf("login body lacks %q: %s", k, body)
		}
	}
	if string(login["refresh"]) != `""` {
		t.Errorf("HttpOnly mode put the refresh token in the body: %s", login["refresh"])
	}
	for _, name := range []string{"access", "refresh", "csrftoken"} {
		if c.jar[name] == "" {
			t.Fatalf("login set no %s cookie (jar %v)", name, c.jar)
		}
	}
	var access string
	_ = json.Unmarshal(login["access"], &access)

	if status, body = c.do(http.MethodGet, prefix+"user/", "", map[string]string{"Authorization": "Bearer " + access, "Cookie": ""}); status != http.StatusOK {
		t.Errorf("user/ with Bearer: %d %s", status, body)
	}
	if appPath != "" {
		if status, body = c.do(http.MethodGet, appPath, "", nil); status != http.StatusOK {
			t.Errorf("app route with the access cookie: %d %s", status, body)
		}
	}
	if status, _ = c.do(http.MethodPatch, prefix+"user/", `{"first_name":"Ada"}`, map[string]string{"X-CSRFToken": ""}); status != http.StatusForbidden {
		t.Errorf("cookie PATCH without X-CSRFToken: %d, want 403", status)
	}
	csrf := map[string]string{"X-CSRFToken": c.jar["csrftoken"]}
	if status, body = c.do(http.MethodPatch, prefix+"user/", `{"first_name":"Ada"}`, csrf); status != http.StatusOK {
		t.Errorf("cookie PATCH with X-CSRFToken: %d %s", status, body)
	}

	oldRefresh := c.jar["refresh"]
	status, body = c.do(http.MethodPost, prefix+"token/refresh/", "", csrf)
	if status != http.StatusOK || !strings.Contains(string(body), `"access_expiration"`) || c.jar["refresh"] == oldRefresh {
		t.Fatalf("refresh from cookie: %d %s (rotated: %v)", status, body, c.jar["refresh"] != oldRefresh)
	}
	status, _ = c.do(http.MethodPost, prefix+"token/verify/", jsonBody("token", c.jar["access"]), nil)
	if status != http.StatusOK {
		t.Errorf("verify the new access token: %d", status)
	}

	status, body = c.do(http.MethodPost, prefix+"logout/", "", map[string]string{"X-CSRFToken": c.jar["csrftoken"]})
	if status != http.StatusOK || string(body) != `{"detail":"Successfully logged out."}` {
		t.Fatalf("logout: %d %s", status, body)
	}
	if c.jar["access"] != "" || c.jar["refresh"] != "" {
		t.Errorf("logout left cookies: %v", c.jar)
	}
	status, _ = c.do(http.MethodPost, prefix+"token/refresh/", jsonBody("refresh", oldRefresh), nil)
	if status != http.StatusUnauthorized {
		t.Errorf("refresh after logout: %d, want 401", status)
	}
	if status, _ = c.do(http.MethodGet, prefix+"user/", "", map[string]string{"Authorization": "Bearer " + access}); status != http.StatusUnauthorized {
		t.Errorf("access token after logout: %d, want 401", status)
	}
}

// cookieClient is a minimal cookie-keeping client: it ignores the Secure
// attribute (starters run on plain HTTP in tests) and honours deletions.
type cookieClient struct {
	t    *testing.T
	base string
	jar  map[string]string
}

// do sends a request with the jar's cookies; header values override (an
// empty value removes the header).
func (c *cookieClient) do(method, path, body string, header map[string]string) (int, []byte) {
	c.t.Helper()
	h := http.Header{}
	var pairs []string
	for k, v := range c.jar {
		if v != "" {
			pairs = append(pairs, k+"="+v)
		}
	}
	h.Set("Cookie", strings.Join(pairs, "; "))
	for k, v := range header {
		if v == "" {
			h.Del(k)
		} else {
			h.Set(k, v)
		}
	}
	res, b := roundTrip(c.t, method, c.base+path, body, h)
	for _, ck := range res.Cookies() {
		if ck.MaxAge < 0 {
			delete(c.jar, ck.Name)
		} else {
			c.jar[ck.Name] = ck.Value
		}
	}
	return res.StatusCode, b
}
