package authtest

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/mail"
	"github.com/restauth/restauth/core/password"
)

// lockoutStart is a fixed instant at the start of every rate window the
// lockout cases use, so that no window ends in the middle of a case.
var lockoutStart = time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)

// lockoutMode turns on the login limits with small numbers: 3 failures per
// account and per device, 20 attempts per IP, per 15 minutes; device
// cookies on (they need the secret), with a day's lifetime.
func lockoutMode(clk *clock) func(*core.Config) {
	return func(c *core.Config) {
		c.Now = clk.Now
		c.SecretKey = []byte(jwtSecret)
		c.Throttle = core.ThrottleConfig{
			LoginFailuresPerAccount: core.Rate{Limit: 3, Window: 15 * time.Minute},
			LoginFailuresPerDevice:  core.Rate{Limit: 3, Window: 15 * time.Minute},
			LoginPerIP:              core.Rate{Limit: 20, Window: 15 * time.Minute},
			DeviceCookie:            core.DeviceCookieConfig{Lifetime: 24 * time.Hour},
		}
	}
}

// loginAs posts a login with the identifier field ("username" or "email")
// and extra headers.
func (e *env) loginAs(t *testing.T, field, id, pw string, header ...string) *response {
	t.Helper()
	return e.do(t, http.MethodPost, e.path("login/"), jsonObject(field, id, "password", pw), header...)
}

// deviceCookie returns the device cookie a response set, as a Cookie
// header, checking its attributes; it fails t when there is none.
func (r *response) deviceCookie(t *testing.T, e *env) string {
	t.Helper()
	c := r.cookies()[core.DefaultDeviceCookieName]
	if c == nil || c.Value == "" {
		t.Fatalf("%s: no device cookie set (%q)", r.req, r.header.Values("Set-Cookie"))
	}
	life := int(e.auth.Config().Throttle.DeviceCookie.Lifetime / time.Second)
	if !c.HttpOnly || !c.Secure || c.Path != e.prefix || c.SameSite != http.SameSiteLaxMode || c.MaxAge != life || c.Domain != "" {
		t.Errorf("device cookie attributes %+v", c)
	}
	e.secrets.add(c.Value)
	return cookieHeader(core.DefaultDeviceCookieName, c.Value)
}

// wantNoDeviceCookie fails t if r set a device cookie.
func (r *response) wantNoDeviceCookie(t *testing.T) {
	t.Helper()
	if c := r.cookies()[core.DefaultDeviceCookieName]; c != nil {
		t.Errorf("%s: set a device cookie", r.req)
	}
}

// rlPerAccount (T-RL-06): failed logins count against the account the
// identifier resolves to, whatever its spelling: username or email, any
// case, a compatibility form. Identifiers that match no account have a
// counter of their own with the same limit, the same answers and the same
// cost (one hash per failure, none once locked).
func (s *suite) rlPerAccount(t *testing.T) {
	clk := newClock()
	clk.set(lockoutStart)
	e := s.newEnv(t, lockoutMode(clk), func(c *core.Config) { c.Throttle.DeviceCookie.Disabled = true })
	e.createUser(t, newUser("alice"))
	e.createUser(t, newUser("bob"))

	e.hashes.Reset()
	aliceFail := e.loginAs(t, "username", "alice", "Wrong-pass-1")
	aliceFail.want(t, http.StatusBadRequest, invalidLogin)
	e.loginAs(t, "email", "ALICE@Example.com", "Wrong-pass-2").want(t, http.StatusBadRequest, invalidLogin)
	e.loginAs(t, "username", "ＡＬＩＣＥ", "Wrong-pass-3").want(t, http.StatusBadRequest, invalidLogin) // fullwidth, NFKC
	if n := e.hashes.Calls(); n != 3 {
		t.Errorf("three failures made %d hasher calls, want 3", n)
	}
	e.hashes.Reset()
	var locked *response
	for _, id := range [][2]string{{"username", "alice"}, {"username", "Alice"}, {"email", "alice@example.com"}, {"email", "  ALICE@EXAMPLE.COM "}} {
		res := e.loginAs(t, id[0], id[1], defaultPassword)
		res.wantThrottled(t)
		if locked != nil {
			wantSame(t, locked, res)
		}
		locked = res
	}
	if e.hashes.Calls() != 0 {
		t.Errorf("locked logins made %d hasher calls", e.hashes.Calls())
	}

	// Another account is not affected by alice's counter.
	e.loginAs(t, "email", "bob@example.com", defaultPassword).wantKey(t)

	// Unknown identifiers: the same answers and cost as a known account.
	e.hashes.Reset()
	ghostFail := e.loginAs(t, "username", "ghost", "Wrong-pass-1")
	wantSame(t, aliceFail, ghostFail)
	e.loginAs(t, "username", "GHOST", "Wrong-pass-2").want(t, http.StatusBadRequest, invalidLogin)
	e.loginAs(t, "username", "ghost", "Wrong-pass-3").want(t, http.StatusBadRequest, invalidLogin)
	if n := e.hashes.Calls(); n != 3 {
		t.Errorf("three unknown-account failures made %d hasher calls, want 3", n)
	}
	wantSame(t, locked, e.loginAs(t, "username", "Ghost", "Wrong-pass-4"))
	e.loginAs(t, "email", "ghost@example.com", "Wrong-pass-5").want(t, http.StatusBadRequest, invalidLogin) // another identifier

	clk.advance(15 * time.Minute)
	e.loginAs(t, "email", "Alice@example.com", defaultPassword).wantKey(t)
}

// rlDeviceCookie (T-RL-07): a stranger failing on purpose must not lock
// the owner out. A successful login leaves a device cookie; a login that
// carries a valid one for its account counts in that device's own bucket
// and is held neither by the account's lock nor by the per-IP limit.
// Clients without one keep the account-wide lock. The cookie rotates at
// every login, dies with the user's sessions (password change or reset,
// deactivation) and after its lifetime, and is bound to its user.
func (s *suite) rlDeviceCookie(t *testing.T) {
	clk := newClock()
	clk.set(lockoutStart)
	e := s.newEnv(t, lockoutMode(clk))
	alice := e.createUser(t, newUser("alice"))
	bob := e.createUser(t, newUser("bob"))

	first := e.loginAs(t, "username", "alice", defaultPassword)
	first.wantStatus(t, http.StatusOK)
	device := first.deviceCookie(t, e)
	bobDevice := e.loginAs(t, "username", "bob", defaultPassword).deviceCookie(t, e)

	// A stranger locks alice's account for untrusted clients.
	for range 3 {
		res := e.loginAs(t, "username", "alice", "Wrong-pass-1")
		res.want(t, http.StatusBadRequest, invalidLogin)
		res.wantNoDeviceCookie(t)
	}
	e.loginAs(t, "username", "alice", defaultPassword).wantThrottled(t)
	e.loginAs(t, "username", "alice", defaultPassword, "Cookie", bobDevice).wantThrottled(t) // bob's cookie earns nothing
	fields := strings.SplitN(device, ".", 2)                                                 // "restauth_device=<user id>", "<the rest>"
	forged := core.DefaultDeviceCookieName + "=" + strconv.FormatInt(bob.ID, 10) + "." + fields[1]
	e.loginAs(t, "username", "alice", defaultPassword, "Cookie", forged).wantThrottled(t)
	tampered := device[:len(device)-2] + "AA"
	e.loginAs(t, "username", "alice", defaultPassword, "Cookie", tampered).wantThrottled(t)

	// The owner's device still gets in, by any spelling, and the cookie
	// rotates.
	res := e.loginAs(t, "email", "ALICE@example.com", defaultPassword, "Cookie", device)
	res.wantStatus(t, http.StatusOK)
	rotated := res.deviceCookie(t, e)
	if rotated == device {
		t.Error("the device cookie did not rotate")
	}
	e.loginAs(t, "username", "alice", defaultPassword, "Cookie", rotated).wantStatus(t, http.StatusOK)

	// Failures on the trusted device count in its own bucket: three lock
	// that device, not the other one.
	for range 3 {
		e.loginAs(t, "username", "alice", "Wrong-pass-2", "Cookie", device).want(t, http.StatusBadRequest, invalidLogin)
	}
	e.loginAs(t, "username", "alice", defaultPassword, "Cookie", device).wantThrottled(t)
	e.loginAs(t, "username", "alice", defaultPassword, "Cookie", rotated).wantStatus(t, http.StatusOK)

	// The per-IP limit, which anyone behind the same address can fill,
	// does not hold a trusted device either.
	clk.advance(15 * time.Minute)
	for i := 0; i < 20; i++ {
		e.loginAs(t, "username", "spray"+strconv.Itoa(i), "x").wantStatus(t, http.StatusBadRequest)
	}
	e.loginAs(t, "username", "bob", defaultPassword).wantThrottled(t)
	e.loginAs(t, "username", "bob", defaultPassword, "Cookie", bobDevice).wantStatus(t, http.StatusOK)
	e.loginAs(t, "username", "alice", defaultPassword, "Cookie", rotated).wantStatus(t, http.StatusOK)

	lock := func(t *testing.T, username string) {
		t.Helper()
		for range 3 {
			e.loginAs(t, "username", username, "Wrong-pass-9").want(t, http.StatusBadRequest, invalidLogin)
		}
	}

	t.Run("a password change re-issues the caller's cookie and ends the others", func(t *testing.T) {
		clk.advance(15 * time.Minute)
		res := e.loginAs(t, "username", "alice", defaultPassword, "Cookie", rotated)
		key := res.wantKey(t)
		kept := res.deviceCookie(t, e)
		e.secrets.add(key)
		change := e.do(t, http.MethodPost, e.path("password/change/"),
			jsonObject("old_password", defaultPassword, "new_password1", "Changed-pass-77", "new_password2", "Changed-pass-77"),
			"Authorization", tokenHeader(key), "Cookie", kept)
		change.wantStatus(t, http.StatusOK)
		renewed := change.deviceCookie(t, e)
		lock(t, "alice")
		e.loginAs(t, "username", "alice", "Changed-pass-77", "Cookie", kept).wantThrottled(t)
		e.loginAs(t, "username", "alice", "Changed-pass-77", "Cookie", renewed).wantStatus(t, http.StatusOK)
		if err := e.auth.SetUserPassword(t.Context(), alice.ID, defaultPassword, false); err != nil {
			t.Fatal(err)
		}
		e.loginAs(t, "username", "alice", defaultPassword, "Cookie", renewed).wantThrottled(t) // changed elsewhere
	})

	t.Run("a password hash changed behind restauth's back ends it", func(t *testing.T) {
		// A Django app sharing the user table, or a hash upgrade at a
		// login on another device: the hash moves, the token epoch does
		// not.
		clk.advance(15 * time.Minute)
		dora := e.createUser(t, newUser("dora"))
		d := e.loginAs(t, "username", "dora", defaultPassword).deviceCookie(t, e)
		h, err := password.NewArgon2(password.FastArgon2Params())
		if err != nil {
			t.Fatal(err)
		}
		newHash, err := h.Hash("Elsewhere-pass-5")
		if err != nil {
			t.Fatal(err)
		}
		stored, err := e.store.UserByID(t.Context(), dora.ID)
		if err != nil {
			t.Fatal(err)
		}
		if ok, err := e.store.UpgradePasswordHash(t.Context(), dora.ID, stored.PasswordHash, newHash); err != nil || !ok {
			t.Fatalf("UpgradePasswordHash: %v, %v", ok, err)
		}
		lock(t, "dora")
		e.loginAs(t, "username", "dora", "Elsewhere-pass-5", "Cookie", d).wantThrottled(t)
	})

	t.Run("deactivation ends it", func(t *testing.T) {
		clk.advance(15 * time.Minute)
		d := e.loginAs(t, "username", "bob", defaultPassword, "Cookie", bobDevice).deviceCookie(t, e)
		if err := e.auth.Deactivate(t.Context(), bob.ID); err != nil {
			t.Fatal(err)
		}
		if err := e.store.SetActive(t.Context(), bob.ID, true); err != nil {
			t.Fatal(err)
		}
		lock(t, "bob")
		e.loginAs(t, "username", "bob", defaultPassword, "Cookie", d).wantThrottled(t)
	})

	t.Run("it expires", func(t *testing.T) {
		clk.advance(15 * time.Minute)
		issued := clk.Now()
		d := e.loginAs(t, "username", "bob", defaultPassword).deviceCookie(t, e)
		clk.set(issued.Add(23*time.Hour + 5*time.Minute))
		lock(t, "bob")
		e.loginAs(t, "username", "bob", defaultPassword, "Cookie", d).wantStatus(t, http.StatusOK)
		clk.set(issued.Add(24*time.Hour + 5*time.Minute)) // the day's lifetime has passed
		lock(t, "bob")
		e.loginAs(t, "username", "bob", defaultPassword, "Cookie", d).wantThrottled(t)
	})
}

// rlNoStrangerFill (T-RL-08): no limiter is keyed on an attacker-chosen
// spelling where the account is meant, and none can be filled by a third
// party to deny the owner: mails per address are counted per account and,
// over the limit, dropped without changing the answer (the links already
// sent keep working); wrong old passwords on password/change count per
// credential, not against the account a stranger can lock; refresh counts
// failures per IP and never refuses a valid refresh token.
func (s *suite) rlNoStrangerFill(t *testing.T) {
	clk := newClock()
	clk.set(lockoutStart)
	outbox := mail.NewOutbox()
	limits := func(c *core.Config) {
		c.Throttle.MailPerAddress = core.Rate{Limit: 2, Window: time.Hour}
		c.Throttle.MailPerIP = core.Rate{Limit: 50, Window: time.Hour}
		c.Throttle.RefreshFailuresPerIP = core.Rate{Limit: 4, Window: 15 * time.Minute}
	}
	e := s.newEnv(t, lockoutMode(clk), accountsMode(outbox, core.VerifyOptional), limits)
	alice := e.createUser(t, newUser("alice"))

	t.Run("mails per account", func(t *testing.T) {
		outbox.Reset()
		reset := e.path("password/reset/")
		for _, spelling := range []string{"alice@example.com", "ALICE@example.com", "Alice@EXAMPLE.com", "alice@example.com"} {
			e.do(t, http.MethodPost, reset, jsonObject("email", spelling)).want(t, http.StatusOK, resetSent)
		}
		if n := mailsTo(outbox, "alice@example.com"); n != 2 {
			t.Fatalf("%d reset mails, want 2", n)
		}
		uid, token := resetLink(t, e, outbox, "alice@example.com", "alice@example.com")
		e.do(t, http.MethodPost, e.path("password/reset/confirm/"), resetConfirmBody(uid, token, "After-reset-88")).wantStatus(t, http.StatusOK)
		if err := e.auth.SetUserPassword(t.Context(), alice.ID, defaultPassword, false); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("password change is not held by the account lock", func(t *testing.T) {
		key := e.login(t, "alice", defaultPassword)
		for range 3 {
			e.loginAs(t, "username", "alice", "Wrong-pass-1").wantStatus(t, http.StatusBadRequest)
		}
		e.loginAs(t, "username", "alice", defaultPassword).wantThrottled(t)
		e.do(t, http.MethodPost, e.path("password/change/"),
			jsonObject("old_password", defaultPassword, "new_password1", "Changed-pass-88", "new_password2", "Changed-pass-88"),
			"Authorization", tokenHeader(key)).wantStatus(t, http.StatusOK)
	})

	t.Run("refresh refuses failures only", func(t *testing.T) {
		j := s.newEnv(t, jwtMode(clk), lockoutMode(clk), limits)
		j.createUser(t, newUser("carol"))
		l := j.loginJWT(t, "carol")
		for range 4 {
			j.do(t, http.MethodPost, j.path("token/refresh/"), `{"refresh":"not-a-token"}`).wantStatus(t, http.StatusUnauthorized)
		}
		j.do(t, http.MethodPost, j.path("token/refresh/"), `{"refresh":"not-a-token"}`).wantThrottled(t)
		res := j.do(t, http.MethodPost, j.path("token/refresh/"), jsonObject("refresh", l.refresh))
		res.wantStatus(t, http.StatusOK)
		j.do(t, http.MethodPost, j.path("token/refresh/"), `{"refresh":"still-not-a-token"}`).wantThrottled(t)
	})
}

// resetNobodyBlocks (T-RESET-15): bogus confirmations for a victim's uid
// (uids are sequential) cannot make the victim's genuine link fail: the
// token is checked first and the limits count and refuse failures only.
func (s *suite) resetNobodyBlocks(t *testing.T) {
	clk := newClock()
	clk.set(lockoutStart)
	outbox := mail.NewOutbox()
	e := s.newEnv(t, accountsMode(outbox, core.VerifyOptional), resetClock(clk), func(c *core.Config) {
		c.Throttle = core.ThrottleConfig{
			ResetConfirmFailures: core.Rate{Limit: 5, Window: time.Hour},
			TrustedProxies:       []string{"127.0.0.0/8", "::1"},
		}
	})
	e.createUser(t, newUser("victim15"))
	uid, token := resetLink(t, e, outbox, "victim15@example.com", "victim15@example.com")
	confirm := func(from, tok, pw string) *response {
		return e.do(t, http.MethodPost, e.path("password/reset/confirm/"), resetConfirmBody(uid, tok, pw), "X-Forwarded-For", from)
	}
	for i := range 20 {
		res := confirm("198.51.100."+strconv.Itoa(i%3), "bogus-"+strconv.Itoa(i)+"0123456789abcdef", "Stranger-pass-15")
		if i < 5 {
			res.want(t, http.StatusBadRequest, resetBadToken)
		} else {
			res.wantThrottled(t)
		}
	}
	// The genuine link works, even from an address the stranger used.
	confirm("198.51.100.1", token, "Recovered-pass-15").want(t, http.StatusOK, `{"detail":"Password has been reset with the new password."}`)
	e.loginAs(t, "username", "victim15", "Recovered-pass-15").wantKey(t)
	// Used, it is a failure like any other: counted and refused.
	confirm("203.0.113.7", token, "Recovered-pass-16").wantThrottled(t)
}
