package authtest

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/restauth/restauth/core"
)

// NetHTTP is the Server for a plain net/http mount: restauth on an
// http.ServeMux with core's own middleware. It is the reference the
// framework adapters must match, and lets a store run the HTTP suite
// without a framework (see RunWithStore).
func NetHTTP(t *testing.T, cfg core.Config) (http.Handler, *core.Auth) {
	a, err := core.New(cfg)
	if err != nil {
		t.Fatalf("core.New: %v", err)
	}
	mux := http.NewServeMux()
	mux.Handle(a.Prefix(), a.Handler())
	protected := a.RequireUser(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, ok := core.UserFrom(r.Context())
		if !ok {
			http.Error(w, "no user behind RequireUser", http.StatusInternalServerError)
			return
		}
		writeJSON(w, map[string]string{"username": u.Username})
	}))
	optional := a.OptionalUser(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := ""
		if u, ok := core.UserFrom(r.Context()); ok {
			name = u.Username
		}
		writeJSON(w, map[string]string{"user": name})
	}))
	mux.Handle("GET /api/claims/{$}", a.RequireUser(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := core.PrincipalFrom(r.Context())
		if !ok {
			http.Error(w, "no principal behind RequireUser", http.StatusInternalServerError)
			return
		}
		writeJSON(w, ClaimsObject(p))
	})))
	for _, p := range []string{"/api/protected/{$}", "/api/protected"} {
		mux.Handle("GET "+p, protected)
		mux.Handle("POST "+p, protected)
	}
	for _, p := range []string{"/api/optional/{$}", "/api/optional"} {
		mux.Handle("GET "+p, optional)
	}
	return mux, a
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// ClaimsObject is what the Server's "/api/claims/" route answers for p: its
// Claims, or an empty object when there are none.
func ClaimsObject(p *core.Principal) map[string]any {
	if p.Claims == nil {
		return map[string]any{}
	}
	return p.Claims
}
