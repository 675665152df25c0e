package authtest

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/restauth/restauth/core/password"
)

// pwRaceResult is what one racing request got.
type pwRaceResult struct {
	status int
	body   string
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
	return pwRaceResult{res.StatusCode, string(b)}
}

// pwChangeRace (issue #7): logins with the old password race one
// password change. The stored hash is an outdated one, so every winning
// login also tries to upgrade it. Afterwards: no 5xx; the stored hash is
// the new password's (a late upgrade of the old password must not
// overwrite it); the new password logs in and the old one does not; the
// changer's own token works; and no token minted by an old-password login
// survives, whichever side of the change it was minted on (the change
// revokes the tokens that exist when it commits; a login that verified the
// old password but minted its token after that must notice and revoke it).
func (s *suite) pwChangeRace(t *testing.T) {
	e := s.newEnv(t)
	e.createUser(t, newUser("racer"))
	owner := e.login(t, "racer", defaultPassword)
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
				change = e.pwPost(t, e.path("password/change/"), pwChangeBody(defaultPassword, newPW), "Authorization", tokenHeader(owner))
			})
		}
	}
	close(start)
	wg.Wait()

	if change.status != http.StatusOK {
		t.Fatalf("password change: %d %s", change.status, change.body)
	}
	var keys []string
	for _, r := range logins {
		switch m := keyRe.FindStringSubmatch(r.body); {
		case r.status == http.StatusOK && m != nil:
			keys = append(keys, m[1])
			e.secrets.add(m[1])
		case r.status == http.StatusBadRequest && r.body == invalidLogin:
		default:
			t.Errorf("racing login: %d %s", r.status, r.body)
		}
	}
	stored := e.pwStoredHash(t, "racer")
	if ok, _, err := e.auth.Config().Passwords.Check(t.Context(), newPW, stored); err != nil || !ok {
		t.Errorf("the stored hash is not the new password's (ok=%v err=%v)", ok, err)
	}
	e.pwLogin(t, "racer", defaultPassword).want(t, http.StatusBadRequest, invalidLogin)
	e.pwLogin(t, "racer", newPW).wantKey(t)
	e.do(t, http.MethodGet, e.path("user/"), "", "Authorization", tokenHeader(owner)).wantStatus(t, http.StatusOK)
	for _, k := range keys {
		e.do(t, http.MethodGet, e.path("user/"), "", "Authorization", tokenHeader(k)).
			want(t, http.StatusUnauthorized, `{"detail":"Invalid token."}`)
	}
	t.Logf("%d of %d racing logins won against the old password", len(keys), n)
}
