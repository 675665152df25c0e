package startertest

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"

	"github.com/restauth/restauth/core/authtest/openapicheck"
)

// CheckOpenAPI fetches <prefix>openapi.json from the server at baseURL
// and checks that it answers 200 with a valid OpenAPI 3.1 document
// (openapicheck.Load: structure, references, every schema compiled) that
// describes at least the endpoints every configuration mounts and itself,
// and, for mode (a RESTAUTH_MODE: token, jwt, session or all; "" skips
// this), the mode's endpoints and security schemes (a starter may add
// schemes to a mode: echo-mobile's jwt mode takes tokens too). The fetch itself is
// held to the document. It returns the document, for checking further
// exchanges (openapicheck.Document.Transport).
func CheckOpenAPI(t *testing.T, baseURL, prefix, mode string) *openapicheck.Document {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, baseURL+prefix+"openapi.json", nil)
	if err != nil {
		t.Fatal(err)
	}
	res, raw := roundTrip(t, http.MethodGet, req.URL.String(), "", nil)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %sopenapi.json: %d %.200s", prefix, res.StatusCode, raw)
	}
	doc, err := openapicheck.Load(raw)
	if err != nil {
		t.Fatalf("GET %sopenapi.json: %v", prefix, err)
	}
	if err := doc.Check(req, []byte{}, res, raw); err != nil {
		t.Error(err)
	}
	paths := doc.Paths()
	want := []string{"login/", "logout/", "user/", "password/change/"}
	if mode == "jwt" || mode == "all" {
		want = append(want, "token/refresh/", "token/verify/")
	}
	for _, rel := range want {
		if !slices.Contains(paths, prefix+rel) {
			t.Errorf("the OpenAPI document does not describe %s%s (paths %q)", prefix, rel, paths)
		}
	}
	if !slices.Contains(paths, prefix+"openapi.json") {
		t.Errorf("the OpenAPI document does not describe itself (paths %q)", paths)
	}
	if mode == "token" || mode == "session" {
		for _, p := range paths {
			if p == prefix+"token/refresh/" {
				t.Errorf("%s mode: the OpenAPI document describes %s", mode, p)
			}
		}
	}
	var shape struct {
		Components struct {
			SecuritySchemes map[string]json.RawMessage `json:"securitySchemes"`
		} `json:"components"`
	}
	if err := json.Unmarshal(raw, &shape); err != nil {
		t.Fatal(err)
	}
	for scheme, modes := range map[string][]string{
		"tokenAuth":   {"token", "all"},
		"jwtAuth":     {"jwt", "all"},
		"sessionAuth": {"session", "all"},
	} {
		if _, has := shape.Components.SecuritySchemes[scheme]; !has && slices.Contains(modes, mode) {
			t.Errorf("%s mode: security scheme %s is not described", mode, scheme)
		}
	}
	return doc
}
