package authtest

import (
	"net/http"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/mail"
)

var throttledRe = regexp.MustCompile(`^\{"detail":"Request was throttled\. Expected available in (\d+) seconds?\."\}$`)

// wantThrottled checks DRF's 429 and returns the Retry-After seconds.
func (r *response) wantThrottled(t *testing.T) int {
	t.Helper()
	r.wantStatus(t, http.StatusTooManyRequests)
	m := throttledRe.FindSubmatch(r.body)
	if m == nil {
		t.Fatalf("%s: body %s", r.req, r.body)
	}
	if r.header.Get("Retry-After") != string(m[1]) {
		t.Errorf("%s: Retry-After %q, body says %s", r.req, r.header.Get("Retry-After"), m[1])
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

// throttleMode turns rate limits on with small limits and a fake clock.
func throttleMode(clk *clock, proxies ...string) func(*core.Config) {
	return func(c *core.Config) {
		c.Now = clk.Now
		c.Throttle = core.ThrottleConfig{
			LoginFailuresPerAccount: core.Rate{Limit: 3, Window: 15 * time.Minute},
			LoginPerIP:              core.Rate{Limit: 8, Window: 15 * time.Minute},
			MailPerAddress:          core.Rate{Limit: 2, Window: time.Hour},
			TrustedProxies:          proxies,
		}
	}
}

// testThrottling checks the rate limits: per account (failures, also for
// unknown accounts), per IP (attempts, not fooled by forwarded headers
// unless the peer is a trusted proxy), per target address for mails.
func (s *suite) testThrottling(t *testing.T) {
	clk := newClock()
	clk.set(time.Date(2026, 11, 26, 20, 0, 0, 0, time.UTC))
	e := s.newEnv(t, throttleMode(clk))
	e.createUser(t, newUser("alice"))
	login := func(user, pw string, header ...string) *response {
		return e.do(t, http.MethodPost, e.path("login/"), jsonObject("username", user, "password", pw), header...)
	}

	t.Run("failed logins per account, soft lock", func(t *testing.T) {
		for i := 0; i < 3; i++ {
			login("alice", "wrong").wantStatus(t, http.StatusBadRequest)
			login("ghost", "wrong").wantStatus(t, http.StatusBadRequest)
		}
		before := e.hashes.Count()
		if n := login("ALICE", defaultPassword).wantThrottled(t); n != 900 {
			t.Errorf("Retry-After %d, want the rest of the 15-minute window", n)
		}
		login("ghost", "wrong").wantThrottled(t) // unknown accounts lock the same way
		if e.hashes.Count() != before {
			t.Error("a throttled login still computed a hash")
		}
		clk.advance(15 * time.Minute)
		login("alice", defaultPassword).wantStatus(t, http.StatusOK)
	})

	t.Run("attempts per IP ignore forwarded headers from clients", func(t *testing.T) {
		clk.advance(15 * time.Minute)
		for i := 0; i < 8; i++ {
			login("user"+strconv.Itoa(i), "wrong", "X-Forwarded-For", "198.51.100."+strconv.Itoa(i), "X-Real-IP", "198.51.100.9").
				wantStatus(t, http.StatusBadRequest)
		}
		login("alice", defaultPassword, "X-Forwarded-For", "203.0.113.77").wantThrottled(t)
	})

	t.Run("a trusted proxy's X-Forwarded-For decides", func(t *testing.T) {
		g := s.newEnv(t, throttleMode(clk, "127.0.0.0/8", "::1"))
		g.createUser(t, newUser("bob"))
		for i := 0; i < 8; i++ {
			g.do(t, http.MethodPost, g.path("login/"), jsonObject("username", "x"+strconv.Itoa(i), "password", "y"), "X-Forwarded-For", "198.51.100.1").wantStatus(t, http.StatusBadRequest)
		}
		g.do(t, http.MethodPost, g.path("login/"), jsonObject("username", "y", "password", "y"), "X-Forwarded-For", "198.51.100.1").wantThrottled(t)
		// Another client behind the same proxy is not affected; a spoofed
		// left-most entry does not help the throttled one.
		g.do(t, http.MethodPost, g.path("login/"), jsonObject("username", "bob", "password", defaultPassword), "X-Forwarded-For", "198.51.100.2").wantStatus(t, http.StatusOK)
		g.do(t, http.MethodPost, g.path("login/"), jsonObject("username", "bob", "password", defaultPassword), "X-Forwarded-For", "10.9.9.9, 198.51.100.1").wantThrottled(t)
	})

	t.Run("mails per account: dropped, never refused", func(t *testing.T) {
		o := mail.NewOutbox()
		g := s.newEnv(t, accountsMode(o, core.VerifyOptional), throttleMode(clk))
		g.createUser(t, newUser("carol"))
		for _, addr := range []string{"Carol@example.com", "carol@example.com", "CAROL@EXAMPLE.COM"} {
			g.do(t, http.MethodPost, g.path("password/reset/"), jsonObject("email", addr)).
				want(t, http.StatusOK, `{"detail":"Password reset e-mail has been sent."}`)
		}
		if len(o.Messages()) != 2 {
			t.Errorf("%d mails, want 2", len(o.Messages()))
		}
	})

	t.Run("singular second", func(t *testing.T) {
		g := s.newEnv(t, throttleMode(clk))
		clk.set(time.Date(2026, 11, 26, 22, 59, 59, 0, time.UTC)) // one second before the window ends
		for i := 0; i < 8; i++ {
			g.do(t, http.MethodPost, g.path("login/"), jsonObject("username", "n"+strconv.Itoa(i), "password", "x")).wantStatus(t, http.StatusBadRequest)
		}
		res := g.do(t, http.MethodPost, g.path("login/"), jsonObject("username", "n9", "password", "x"))
		if n := res.wantThrottled(t); n != 1 || string(res.body) != `{"detail":"Request was throttled. Expected available in 1 second."}` {
			t.Errorf("body %s", res.body)
		}
	})
}
