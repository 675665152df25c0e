package bench

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/restauth/restauth/bench/internal/fixture"
)

// record serves r through h once and returns the recorder.
func record(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, fresh(r))
	return rec
}

// bearerToken returns the token of an "Authorization: Bearer" credential.
func bearerToken(t *testing.T, c fixture.Credential) string {
	t.Helper()
	tok, ok := strings.CutPrefix(c.Value, "Bearer ")
	if c.Header != "Authorization" || !ok || strings.Count(tok, ".") != 2 {
		t.Fatalf("credential %q: %q is not a bearer JWT", c.Header, c.Value)
	}
	return tok
}

// withToken is an "Authorization: Bearer" credential carrying tok.
func withToken(tok string) fixture.Credential {
	return fixture.Credential{Header: "Authorization", Value: "Bearer " + tok}
}

// TestPeersAnswer checks that each peer row measures what restauth's JWT
// rows measure: the same route answering the same status, body and
// content type, reached only with a valid HS256 bearer token of the same
// size class, verified on every request (a token with a changed
// signature, one signed with another key, or none at all gets 401).
// Without this a broken peer could be benchmarked answering 401s.
func TestPeersAnswer(t *testing.T) {
	for _, f := range frameworks {
		t.Run(string(f), func(t *testing.T) {
			ours := build(t, fixture.Spec{Framework: f, Mode: fixture.ModeJWT})
			ourCred := login(t, ours)
			want := record(ours.Handler, authedGET(fixture.HelloPath, ourCred))
			if want.Code != http.StatusOK || strings.TrimSpace(want.Body.String()) != fixture.HelloBody {
				t.Fatalf("restauth's JWT row answered %d %q", want.Code, want.Body)
			}

			peer := build(t, fixture.Spec{Framework: f, Mode: fixture.ModePeerJWT})
			cred := login(t, peer)
			tok := bearerToken(t, cred)
			got := record(peer.Handler, authedGET(fixture.HelloPath, cred))
			if got.Code != want.Code || got.Body.String() != want.Body.String() {
				t.Fatalf("%s answered %d %q; restauth answers %d %q", fixture.PeerName(f), got.Code, got.Body, want.Code, want.Body)
			}
			if g, w := got.Header().Get("Content-Type"), want.Header().Get("Content-Type"); g != w {
				t.Errorf("Content-Type %q, restauth's %q", g, w)
			}

			// The same algorithm and a token of the same size class: the
			// request bytes and the work of parsing them compare.
			header, err := base64.RawURLEncoding.DecodeString(tok[:strings.IndexByte(tok, '.')])
			if err != nil {
				t.Fatal(err)
			}
			var h struct{ Alg string }
			if err := json.Unmarshal(header, &h); err != nil || h.Alg != "HS256" {
				t.Errorf("peer token header %s: want alg HS256", header)
			}
			ourLen := len(bearerToken(t, ourCred))
			if d := len(tok) - ourLen; d < -ourLen/10 || d > ourLen/10 {
				t.Errorf("peer token is %d bytes, restauth's %d: not the same size class", len(tok), ourLen)
			}

			// Verified on every request.
			i := strings.LastIndexByte(tok, '.') + 10
			c := byte('A')
			if tok[i] == 'A' {
				c = 'B'
			}
			forged := tok[:i] + string(c) + tok[i+1:]
			other := build(t, fixture.Spec{Framework: f, Mode: fixture.ModePeerJWT})
			for name, cred := range map[string]fixture.Credential{
				"no credential":      {},
				"changed signature":  withToken(forged),
				"another key's":      login(t, other),
				"restauth's token":   ourCred,
				"not a bearer token": {Header: "Authorization", Value: "Token " + tok},
			} {
				if rec := record(peer.Handler, authedGET(fixture.HelloPath, cred)); rec.Code != http.StatusUnauthorized {
					t.Errorf("%s: %s answered %d %q, want 401", name, fixture.PeerName(f), rec.Code, rec.Body)
				}
			}
			// The peer still accepts its own token afterwards (no state
			// the failures could have changed).
			serve(t, peer.Handler, authedGET(fixture.HelloPath, cred), http.StatusOK)
		})
	}
}

// TestPeerLoginRejectsWrongPassword keeps the peers' login honest: the
// benchmark's token comes from a real check of the bench password.
func TestPeerLoginRejectsWrongPassword(t *testing.T) {
	for _, f := range frameworks {
		peer := build(t, fixture.Spec{Framework: f, Mode: fixture.ModePeerJWT})
		r := httptest.NewRequest(http.MethodPost, fixture.LoginPath,
			strings.NewReader(`{"username":"`+fixture.Username+`","password":"wrong"}`))
		r.Header.Set("Content-Type", "application/json")
		if rec := record(peer.Handler, r); rec.Code != http.StatusUnauthorized {
			t.Errorf("%s: a wrong password got %d %q", fixture.PeerName(f), rec.Code, rec.Body)
		}
	}
}
