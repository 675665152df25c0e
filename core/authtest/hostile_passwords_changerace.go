package authtest

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/password"
)

// pwRaceResult is what one racing request got.
type pwRaceResult struct {
	status int
	body   string
	header http.Header
}

// pwPost sends a JSON POST from a goroutine (errors go to t.Error).
func (e *env) pwPost(t *testing.T, path, body string, header ...string) pwRaceResult {
	req := e.newRequest(t, http.MethodPost, path, strings.NewReader(body), append([]string{"Content-Type", "application/json"}, header...)...)
	res, err := e.client.Do(req)
	if err != nil {
		t.Error(err)
		return pwRaceResult{}
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Error(err)
	}
	return pwRaceResult{res.StatusCode, string(b), res.Header}
}

// pwRaceMode is how one authentication mode logs in and proves that a
// credential is dead.
type pwRaceMode struct {
	name string
	opt  func(*core.Config)
	// owner logs in and returns the Authorization header of the changer.
	owner func(t *testing.T, e *env) string
	// credential extracts the credential of a successful login answer.
	credential func(t *testing.T, r pwRaceResult) []string
	// wantDead checks that a credential no longer authenticates.
	wantDead func(t *testing.T, e *env, cred []string)
}

// pwRaceModes are token and JWT mode (sessions are bound to the password
// hash they started with, so a change kills them by construction).
func pwRaceModes() []pwRaceMode {
	return []pwRaceMode{{
		name: "token",
		opt:  func(*core.Config) {},
		owner: func(t *testing.T, e *env) string {
			return tokenHeader(e.login(t, "racer", defaultPassword))
		},
		credential: func(t *testing.T, r pwRaceResult) []string {
			m := keyRe.FindStringSubmatch(r.body)
			if m == nil {
				t.Errorf("login body %s", r.body)
				return nil
			}
			return []string{m[1]}
		},
		wantDead: func(t *testing.T, e *env, cred []string) {
			e.do(t, http.MethodGet, e.path("user/"), "", "Authorization", tokenHeader(cred[0])).
				want(t, http.StatusUnauthorized, `{"detail":"Invalid token."}`)
		},
	}, {
		name: "jwt",
		opt:  jwtMode(newClock()),
		owner: func(t *testing.T, e *env) string {
			return "Bearer " + e.loginJWT(t, "racer").access
		},
		credential: func(t *testing.T, r pwRaceResult) []string {
			var body struct{ Access string }
			_ = json.Unmarshal([]byte(r.body), &body)
			var refresh string
			for _, c := range (&http.Response{Header: r.header}).Cookies() {
				if c.Name == "refresh" {
					refresh = c.Value
				}
			}
			if body.Access == "" || refresh == "" {
				t.Errorf("login answer without access or refresh: %s", r.body)
				return nil
			}
			return []string{body.Access, refresh}
		},
		wantDead: func(t *testing.T, e *env, cred []string) {
			e.do(t, http.MethodGet, e.path("user/"), "", "Authorization", "Bearer "+cred[0]).wantStatus(t, http.StatusUnauthorized)
			e.do(t, http.MethodPost, e.path("token/refresh/"), jsonObject("refresh", cred[1])).wantStatus(t, http.StatusUnauthorized)
		},
	}}
}

// pwChangeRace (issue #7): logins with the old password race one
// password change, in token and JWT mode. The stored hash is an outdated
// one, so every winning login also tries to upgrade it. Afterwards: no
// 5xx; the stored hash is the new password's (a late upgrade of the old
// password must not overwrite it); the new password logs in and the old
// one does not; the changer's own credential works; and no credential
// minted by an old-password login survives, whichever side of the change
// it was minted on (the change revokes what exists when it commits; a
// login that verified the old password but minted after that notices, by
// reading the hash again, and revokes what it minted).
func (s *suite) pwChangeRace(t *testing.T) {
	for _, mode := range pwRaceModes() {
		t.Run(mode.name, func(t *testing.T) { s.pwChangeRaceIn(t, mode) })
	}
}

// pwChangeRaceIn runs pwChangeRace in one mode.
func (s *suite) pwChangeRaceIn(t *testing.T, mode pwRaceMode) {
	e := s.newEnv(t, mode.opt)
	e.createUser(t, newUser("racer"))
	owner := mode.owner(t, e)
	pb, err := password.NewPBKDF2("pbkdf2_sha256", password.MinPBKDF2Iterations)
	if err != nil {
		t.Fatal(err)
	}
	outdated, err := pb.Hash(defaultPassword)
	if err != nil {
		t.Fatal(err)
	}
	e.pwSetHash(t, "racer", outdated)
	const newPW = "Raced-new-pass-42"

	const n = 12
	var (
		wg     sync.WaitGroup
		start  = make(chan struct{})
		logins = make([]pwRaceResult, n)
		change pwRaceResult
	)
	for i := range n {
		wg.Go(func() {
			<-start
			logins[i] = e.pwPost(t, e.path("login/"), jsonObject("username", "racer", "password", defaultPassword))
		})
		if i == n/2 {
			wg.Go(func() {
				<-start
				change = e.pwPost(t, e.path("password/change/"), pwChangeBody(defaultPassword, newPW), "Authorization", owner)
			})
		}
	}
	close(start)
	wg.Wait()

	if change.status != http.StatusOK {
		t.Fatalf("password change: %d %s", change.status, change.body)
	}
	var creds [][]string
	for _, r := range logins {
		switch {
		case r.status == http.StatusOK:
			if c := mode.credential(t, r); c != nil {
				e.secrets.add(c...)
				creds = append(creds, c)
			}
		case r.status == http.StatusBadRequest && r.body == invalidLogin:
		default:
			t.Errorf("racing login: %d %s", r.status, r.body)
		}
	}
	stored := e.pwStoredHash(t, "racer")
	if ok, _, err := e.auth.Config().Passwords.Check(t.Context(), newPW, stored); err != nil || !ok {
		t.Errorf("the stored hash is not the new password's (ok=%v err=%v)", ok, err)
	}
	e.pwLogin(t, "racer", defaultPassword).wantJSON(t, http.StatusBadRequest, invalidLogin)
	e.pwLogin(t, "racer", newPW).wantStatus(t, http.StatusOK)
	e.do(t, http.MethodGet, e.path("user/"), "", "Authorization", owner).wantStatus(t, http.StatusOK)
	for _, c := range creds {
		mode.wantDead(t, e, c)
	}
	t.Logf("%d of %d racing logins won against the old password", len(creds), n)
}
