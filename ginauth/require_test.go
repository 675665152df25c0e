package ginauth_test

import (
	"net/http"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/authtest"
	"github.com/restauth/restauth/ginauth"
	"github.com/restauth/restauth/ginauth/ginauthtest"
)

func TestRequire(t *testing.T) {
	authtest.RunRequire(t, ginauthtest.RequireServer)
}

// TestRequireAbortsChain: a refused caller reaches neither the handler
// nor the middleware after Require, and the principal a later handler
// reads is the loaded one Require accepted.
func TestRequireAbortsChain(t *testing.T) {
	r := gin.New()
	cfg := testConfig(t)
	cfg.RevocationStaleness = core.ReadEveryRequest // the flags change behind the service's back
	a, err := ginauth.Register(r, cfg)
	if err != nil {
		t.Fatal(err)
	}
	reached := 0
	after := func(c *gin.Context) { reached++ }
	r.GET("/admin", a.RequireStaff(), after, func(c *gin.Context) {
		u, _ := ginauth.User(c)
		c.String(http.StatusOK, u.Username)
	})
	key := loginKey(t, r, a.Core(), "/api/auth/") // alice, not staff
	w := serve(r, http.MethodGet, "/admin", "", "Authorization", "Token "+key)
	if reached != 0 || w.Code != http.StatusForbidden || w.Body.String() != `{"detail":"You do not have permission to perform this action."}` {
		t.Errorf("GET /admin as alice: reached=%d %d %s", reached, w.Code, w.Body)
	}
	alice, err := a.Core().Config().Store.UserByUsername(t.Context(), "alice")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Core().Config().Store.(core.StaffStore).SetStaff(t.Context(), alice.ID, true, false); err != nil {
		t.Fatal(err)
	}
	w = serve(r, http.MethodGet, "/admin", "", "Authorization", "Token "+key)
	if reached != 1 || w.Code != http.StatusOK || w.Body.String() != "alice" {
		t.Errorf("GET /admin as staff alice: reached=%d %d %s", reached, w.Code, w.Body)
	}
}
