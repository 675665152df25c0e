package authtest

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/restauth/restauth/core"
)

// rtPair is one access/refresh pair handed out by login or token/refresh/.
type rtPair struct {
	access, refresh string
}

// rtRotate posts refresh in the body of token/refresh/ and returns the
// response and, on 200, the new pair: the access token from the body and
// the refresh token from the body (NotHTTPOnly) or the refresh cookie.
func (e *env) rtRotate(t *testing.T, refresh string) (*response, rtPair) {
	t.Helper()
	res := e.do(t, http.MethodPost, e.path("token/refresh/"), jsonObject("refresh", refresh))
	return res, e.rtPairOf(t, res)
}

// rtPairOf reads the pair of a token/refresh/ response (empty unless 200).
func (e *env) rtPairOf(t *testing.T, res *response) rtPair {
	t.Helper()
	var p rtPair
	if res.status != http.StatusOK {
		return p
	}
	var body struct{ Access, Refresh string }
	if err := json.Unmarshal(res.body, &body); err != nil || !jwtRe.MatchString(body.Access) {
		t.Fatalf("%s: body %s has no access token", res.req, res.body)
	}
	p.access, p.refresh = body.Access, body.Refresh
	if c := res.cookies()["refresh"]; c != nil && c.Value != "" {
		p.refresh = c.Value
	}
	e.secrets.add(p.access, p.refresh)
	return p
}

// rtWantDead checks that neither token of p works any more: the refresh
// token is refused by token/refresh/ and the access token by user/ (the
// default, stateful JWT check reads the family on every request).
func (e *env) rtWantDead(t *testing.T, what string, p rtPair) {
	t.Helper()
	if p.refresh != "" {
		if res, _ := e.rtRotate(t, p.refresh); res.status != http.StatusUnauthorized {
			t.Errorf("%s: refresh token still rotates: %d %s", what, res.status, res.body)
		}
	}
	if p.access != "" {
		if res := e.do(t, http.MethodGet, e.path("user/"), "", "Authorization", "Bearer "+p.access); res.status != http.StatusUnauthorized {
			t.Errorf("%s: access token still authenticates: %d %s", what, res.status, res.body)
		}
	}
}

// rtWantAlive checks that the access token of p authenticates.
func (e *env) rtWantAlive(t *testing.T, what string, p rtPair) {
	t.Helper()
	if res := e.do(t, http.MethodGet, e.path("user/"), "", "Authorization", "Bearer "+p.access); res.status != http.StatusOK {
		t.Errorf("%s: access token refused: %d %s", what, res.status, res.body)
	}
}

// rtClaims are the claims of a restauth refresh token that its store
// record must mirror.
type rtClaims struct {
	JTI    string `json:"jti"`
	Family string `json:"fam"`
	UserID int64  `json:"user_id"`
	Exp    int64  `json:"exp"`
	Type   string `json:"token_type"`
}

// rtClaimsOf decodes the payload of token without verifying it (the
// server already did).
func rtClaimsOf(t *testing.T, token string) rtClaims {
	t.Helper()
	parts := strings.Split(token, ".")
	var c rtClaims
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %d segments", len(parts))
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil || json.Unmarshal(payload, &c) != nil {
		t.Fatalf("undecodable JWT payload: %v", err)
	}
	return c
}

// rtRecord returns the store's record of the refresh token and its family.
func (e *env) rtRecord(t *testing.T, refresh string) (*core.RefreshToken, *core.RefreshFamily) {
	t.Helper()
	rs, ok := e.store.(core.RefreshStore)
	if !ok {
		t.Fatal("the store keeps no refresh tokens")
	}
	rt, fam, err := rs.RefreshTokenByJTI(t.Context(), rtClaimsOf(t, refresh).JTI)
	if err != nil {
		t.Fatalf("no store record of an issued refresh token: %v", err)
	}
	return rt, fam
}

// rtWantRecorded checks that refresh has a store record with its jti,
// family, user and expiry (simplejwt #25: an unrecorded token cannot be
// revoked) and returns it.
func (e *env) rtWantRecorded(t *testing.T, what, refresh string) *core.RefreshToken {
	t.Helper()
	c := rtClaimsOf(t, refresh)
	rt, fam := e.rtRecord(t, refresh)
	if c.Type != "refresh" || rt.JTI != c.JTI || rt.FamilyID != c.Family || fam.ID != c.Family ||
		rt.UserID != c.UserID || fam.UserID != c.UserID || !rt.Expires.Equal(time.Unix(c.Exp, 0)) {
		t.Errorf("%s: record %+v / family %+v does not mirror the claims %+v", what, rt, fam, c)
	}
	return rt
}

// rtFire sends every request at once, behind a start barrier, and returns
// the responses in order (nil where the transport failed, which is
// reported). It never calls t.Fatal from the request goroutines.
func (e *env) rtFire(t *testing.T, reqs []*http.Request) []*response {
	t.Helper()
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
		out   = make([]*response, len(reqs))
	)
	for i, req := range reqs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			res, err := e.client.Do(req)
			if err != nil {
				t.Errorf("%s %s: %v", req.Method, req.URL.Path, err)
				return
			}
			defer res.Body.Close()
			b, err := io.ReadAll(res.Body)
			if err != nil {
				t.Errorf("%s %s: reading body: %v", req.Method, req.URL.Path, err)
				return
			}
			out[i] = &response{req: req.Method + " " + req.URL.RequestURI(), status: res.StatusCode, header: res.Header, body: b}
		}()
	}
	close(start)
	wg.Wait()
	return out
}

// rtPost builds a JSON POST of body to the auth endpoint rel.
func (e *env) rtPost(t *testing.T, rel, body string, header ...string) *http.Request {
	t.Helper()
	return e.newRequest(t, http.MethodPost, e.path(rel), strings.NewReader(body), append([]string{"Content-Type", "application/json"}, header...)...)
}
