package authtest

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/mail"
)

// rlDefaults turns rate limiting on with the library's default limits and
// the fake clock.
func rlDefaults(clk *clock) func(*core.Config) {
	return func(c *core.Config) {
		c.Now = clk.Now
		c.Throttle = core.ThrottleConfig{}
	}
}

// rlAccount: with the default 5 failures per account per 5 minutes
// (allauth's login_failed), the 6th attempt is 429 with Retry-After,
// without checking the password; an unknown username locks the same way
// (no enumeration); after the window the right password works (a soft
// lock). NIST SP 800-63B's cap of 100 consecutive failures is not a
// separate mechanism: the soft lock holds an attacker to 5 per 5 minutes.
func (s *suite) rlAccount(t *testing.T) {
	clk := newClock()
	clk.set(time.Date(2026, 11, 26, 20, 0, 0, 0, time.UTC))
	e := s.newEnv(t, rlDefaults(clk))
	e.createUser(t, newUser("alice"))
	for _, who := range []string{"alice", "ghost"} {
		for range 5 {
			e.pwLogin(t, who, "Wrong-pass-123").want(t, http.StatusBadRequest, invalidLogin)
		}
		e.hashes.Reset()
		clk.advance(time.Minute)
		if n := e.pwLogin(t, who, defaultPassword).wantThrottled(t); n != 4*60 {
			t.Errorf("%s: Retry-After %d, want the rest of the window (240)", who, n)
		}
		if e.hashes.Calls() != 0 {
			t.Errorf("%s: a throttled login hashed", who)
		}
		clk.advance(-time.Minute)
	}
	clk.advance(5 * time.Minute)
	e.pwLogin(t, "alice", defaultPassword).wantKey(t)
}

// rlSpraying: one attempt on each of 200 accounts from one peer: the
// default per-IP limit (30 per minute, allauth's login) answers 429 from
// the 31st on, for real and unknown accounts alike.
func (s *suite) rlSpraying(t *testing.T) {
	clk := newClock()
	e := s.newEnv(t, rlDefaults(clk))
	for i := range 3 {
		e.createUser(t, newUser("real"+strconv.Itoa(i)))
	}
	var ok, throttled int
	for i := range 200 {
		name := "spray" + strconv.Itoa(i)
		if i%67 == 0 {
			name = "real" + strconv.Itoa(i/67)
		}
		res := e.pwLogin(t, name, "Wrong-pass-123")
		switch res.status {
		case http.StatusBadRequest:
			ok++
			if throttled > 0 {
				t.Errorf("attempt %d answered 400 after a 429", i)
			}
		case http.StatusTooManyRequests:
			throttled++
			res.wantThrottled(t)
		default:
			t.Errorf("attempt %d: %d %s", i, res.status, res.body)
		}
	}
	if ok != 30 || throttled != 170 {
		t.Errorf("%d answered 400 and %d 429; want 30 and 170", ok, throttled)
	}
}

// rlForwardedHeaders: a client rotating X-Forwarded-For, X-Real-IP and
// Forwarded is still keyed on its socket peer; behind a configured trusted
// proxy the right-most untrusted X-Forwarded-For entry is the client.
func (s *suite) rlForwardedHeaders(t *testing.T) {
	clk := newClock()
	e := s.newEnv(t, throttleMode(clk)) // 8 logins per IP
	for i := range 8 {
		ip := "198.51.100." + strconv.Itoa(i+1)
		e.do(t, http.MethodPost, e.path("login/"), jsonObject("username", "u"+strconv.Itoa(i), "password", "x"),
			"X-Forwarded-For", ip, "X-Real-IP", ip, "Forwarded", "for="+ip, "True-Client-IP", ip).
			wantStatus(t, http.StatusBadRequest)
	}
	e.do(t, http.MethodPost, e.path("login/"), jsonObject("username", "u9", "password", "x"),
		"X-Forwarded-For", "203.0.113.9", "X-Real-IP", "203.0.113.9", "Forwarded", "for=203.0.113.9").wantThrottled(t)

	g := s.newEnv(t, throttleMode(clk, "127.0.0.0/8", "::1"))
	for i := range 8 {
		spoof := "10.0.0." + strconv.Itoa(i+1)
		g.do(t, http.MethodPost, g.path("login/"), jsonObject("username", "v"+strconv.Itoa(i), "password", "x"),
			"X-Forwarded-For", spoof+", 198.51.100.7").wantStatus(t, http.StatusBadRequest)
	}
	g.do(t, http.MethodPost, g.path("login/"), jsonObject("username", "v9", "password", "x"),
		"X-Forwarded-For", "10.9.9.9, 198.51.100.7").wantThrottled(t)
	g.do(t, http.MethodPost, g.path("login/"), jsonObject("username", "v9", "password", "x"),
		"X-Forwarded-For", "198.51.100.7, 198.51.100.8").wantStatus(t, http.StatusBadRequest)
}

// rlStoreDown: with the shared throttle store (sqlstore's, or a Redis a
// host application plugs in) unreachable, requests are not failed (no 5xx)
// and limits are not dropped: core falls back to in-process counters and
// logs the outage once; when the store answers again it is used again and
// the recovery is logged once.
func (s *suite) rlStoreDown(t *testing.T) {
	clk := newClock()
	flaky := &dbThrottleOutage{ThrottleStore: core.NewMemoryThrottle()}
	flaky.down.Store(true)
	e := s.newEnv(t, throttleMode(clk), func(c *core.Config) { c.Throttle.Store = flaky })
	e.createUser(t, newUser("alice"))
	for range 3 {
		e.pwLogin(t, "alice", "Wrong-pass-123").want(t, http.StatusBadRequest, invalidLogin)
	}
	e.pwLogin(t, "alice", defaultPassword).wantThrottled(t) // per account, in process
	for i := range 4 {
		e.pwLogin(t, "other"+strconv.Itoa(i), "x").wantStatus(t, http.StatusBadRequest)
	}
	e.pwLogin(t, "other9", "x").wantThrottled(t) // per IP (8), in process
	logs := e.logs.String()
	if n := strings.Count(logs, "throttle store failed"); n != 1 || !strings.Contains(logs, faultText) {
		t.Errorf("outage logged %d times (want once, with the store's error)", n)
	}

	flaky.down.Store(false) // back, with its own (empty) counters
	e.pwLogin(t, "alice", defaultPassword).wantKey(t)
	logs = e.logs.String()
	if strings.Count(logs, "throttle store recovered") != 1 || strings.Count(logs, "throttle store failed") != 1 {
		t.Error("recovery not logged exactly once")
	}
}

// rlOtherEndpoints: reset request and resend verification (per IP, 429;
// per target account, where the mail is dropped and the answer stays
// 200, see T-RL-08), registration (per IP), refresh (failures per IP) and
// reset confirmation (failures per uid and per IP) each have their own
// limit; a flood of reset-token guesses also costs no hashing and sends
// no mail.
func (s *suite) rlOtherEndpoints(t *testing.T) {
	clk := newClock()
	limits := func(c *core.Config) {
		c.Now = clk.Now
		c.Throttle = core.ThrottleConfig{
			RegisterPerIP:        core.Rate{Limit: 3, Window: time.Hour},
			MailPerIP:            core.Rate{Limit: 5, Window: time.Hour},
			MailPerAddress:       core.Rate{Limit: 2, Window: time.Hour},
			RefreshFailuresPerIP: core.Rate{Limit: 4, Window: 15 * time.Minute},

			ResetConfirmFailures: core.Rate{Limit: 5, Window: time.Hour},
		}
	}
	outbox := mail.NewOutbox()
	e := s.newEnv(t, accountsMode(outbox, core.VerifyOptional), limits)
	for _, n := range []string{"alice", "bob", "carol", "dave"} {
		e.createUser(t, newUser(n))
	}
	unverified := newUser("erin")
	unverified.EmailVerified = false
	e.createUser(t, unverified)

	t.Run("reset request", func(t *testing.T) {
		reset := e.path("password/reset/")
		for range 2 {
			e.do(t, http.MethodPost, reset, `{"email":"alice@example.com"}`).wantStatus(t, http.StatusOK)
		}
		e.do(t, http.MethodPost, reset, `{"email":"ALICE@example.com"}`).wantStatus(t, http.StatusOK) // per account: dropped
		if n := mailsTo(outbox, "alice@example.com"); n != 2 {
			t.Errorf("alice got %d reset mails, want 2 (the limit)", n)
		}
		e.do(t, http.MethodPost, reset, `{"email":"bob@example.com"}`).wantStatus(t, http.StatusOK)
		e.do(t, http.MethodPost, reset, `{"email":"carol@example.com"}`).wantStatus(t, http.StatusOK)
		e.do(t, http.MethodPost, reset, `{"email":"dave@example.com"}`).wantThrottled(t) // per IP (5)
	})
	t.Run("resend verification", func(t *testing.T) {
		resend := e.path("registration/resend-email/")
		for range 2 {
			e.do(t, http.MethodPost, resend, `{"email":"erin@example.com"}`).wantStatus(t, http.StatusOK)
		}
		e.do(t, http.MethodPost, resend, `{"email":"erin@example.com"}`).wantStatus(t, http.StatusOK)
		if n := mailsTo(outbox, "erin@example.com"); n != 2 {
			t.Errorf("erin got %d verification mails, want 2 (the limit)", n)
		}
		for _, addr := range []string{"x1@example.com", "x2@example.com"} {
			e.do(t, http.MethodPost, resend, jsonObject("email", addr)).wantStatus(t, http.StatusOK)
		}
		e.do(t, http.MethodPost, resend, `{"email":"x3@example.com"}`).wantThrottled(t) // per IP (5)
	})
	t.Run("registration", func(t *testing.T) {
		for i := range 3 {
			name := "flood" + strconv.Itoa(i)
			e.do(t, http.MethodPost, e.path("registration/"), register(name, name+"@example.com", defaultPassword)).wantStatus(t, http.StatusCreated)
		}
		e.do(t, http.MethodPost, e.path("registration/"), register("flood9", "flood9@example.com", defaultPassword)).wantThrottled(t)
	})
	t.Run("reset confirm", func(t *testing.T) {
		outbox.Reset()
		e.hashes.Reset()
		guess := func(i int) *response {
			return e.do(t, http.MethodPost, e.path("password/reset/confirm/"),
				pwConfirmBody("1", "ck"+strconv.Itoa(i)+"-0123456789abcdef0123456789abcdef", "Reset-pass-99"))
		}
		for i := range 5 {
			guess(i).want(t, http.StatusBadRequest, `{"token":["Invalid value"]}`)
		}
		for i := 5; i < 30; i++ {
			guess(i).wantThrottled(t)
		}
		if n := len(outbox.Messages()); n != 0 || e.hashes.Calls() != 0 {
			t.Errorf("a confirm flood sent %d mails and made %d hasher calls", n, e.hashes.Calls())
		}
		e.pwLogin(t, "alice", defaultPassword).wantKey(t)
	})
	t.Run("refresh", func(t *testing.T) {
		j := s.newEnv(t, jwtMode(clk), limits)
		for range 4 {
			j.do(t, http.MethodPost, j.path("token/refresh/"), `{"refresh":"not-a-token"}`).wantStatus(t, http.StatusUnauthorized)
		}
		j.do(t, http.MethodPost, j.path("token/refresh/"), `{"refresh":"not-a-token"}`).wantThrottled(t)
	})
}

// mailsTo counts the messages outbox holds for addr.
func mailsTo(outbox *mail.Outbox, addr string) int {
	n := 0
	for _, m := range outbox.Messages() {
		if m.To == addr {
			n++
		}
	}
	return n
}
