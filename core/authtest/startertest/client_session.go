package startertest

import (
	"net/http"
	"strings"
	"testing"
)

// SessionClientFlow plays a server-rendered or admin client of a
// session-mode server at baseURL: login answers 204 with the sessionid
// and csrftoken cookies; user/ and the app route work by cookie; writes
// need X-CSRFToken; logout ends the session server-side.
func SessionClientFlow(t *testing.T, baseURL, prefix, appPath string, acct Account) {
	t.Helper()
	c := &cookieClient{t: t, base: strings.TrimRight(baseURL, "/"), jar: map[string]string{}}
	if status, body := c.do(http.MethodPost, prefix+"login/", jsonBody("username", acct.Username, "password", acct.Password), nil); status != http.StatusNoContent || len(body) != 0 {
		t.Fatalf("session login: %d %s", status, body)
	}
	sid := c.jar["sessionid"]
	if sid == "" || c.jar["csrftoken"] == "" {
		t.Fatalf("login cookies: %v", c.jar)
	}
	if status, body := c.do(http.MethodGet, prefix+"user/", "", nil); status != http.StatusOK {
		t.Errorf("user/ by session: %d %s", status, body)
	}
	if appPath != "" {
		if status, body := c.do(http.MethodGet, appPath, "", nil); status != http.StatusOK {
			t.Errorf("app route by session: %d %s", status, body)
		}
	}
	if status, _ := c.do(http.MethodPatch, prefix+"user/", `{"last_name":"L"}`, nil); status != http.StatusForbidden {
		t.Errorf("PATCH without X-CSRFToken: %d, want 403", status)
	}
	csrf := map[string]string{"X-CSRFToken": c.jar["csrftoken"]}
	if status, body := c.do(http.MethodPatch, prefix+"user/", `{"last_name":"L"}`, csrf); status != http.StatusOK {
		t.Errorf("PATCH with X-CSRFToken: %d %s", status, body)
	}
	if status, body := c.do(http.MethodPost, prefix+"logout/", "", csrf); status != http.StatusOK {
		t.Fatalf("logout: %d %s", status, body)
	}
	if c.jar["sessionid"] != "" {
		t.Error("logout left the session cookie")
	}
	c.jar["sessionid"] = sid // replay the old cookie
	if status, _ := c.do(http.MethodGet, prefix+"user/", "", nil); status != http.StatusForbidden {
		t.Errorf("replayed session after logout: %d, want 403", status)
	}
}
