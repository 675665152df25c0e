package authtest

import (
	"net/http"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/password"
)

// loginTimingEnv is the environment variable that turns the statistical
// timing check on (a nightly job; it takes about a minute).
const loginTimingEnv = "RESTAUTH_TIMING_CHECK"

// loginTimingCheck (nightly): with the real default hasher (argon2id,
// m=19 MiB), 200 interleaved failed logins per class; the median of
// unknown-user and of inactive-user failures is within 10 % of the median
// of wrong-password failures. Skipped unless RESTAUTH_TIMING_CHECK=1: the
// deterministic equivalent (exactly one full-cost hash per failure) is
// T-LOGIN-01.
func (s *suite) loginTimingCheck(t *testing.T) {
	if os.Getenv(loginTimingEnv) != "1" {
		t.Skip("statistical timing check: set " + loginTimingEnv + "=1 to run it (nightly; real argon2 defaults, 600 logins)")
	}
	e := s.newEnv(t, func(c *core.Config) {
		p, err := password.NewPolicy() // the production defaults
		if err != nil {
			t.Fatal(err)
		}
		c.Passwords = p
	})
	e.createUser(t, newUser("alice"))
	inactive := newUser("carol")
	inactive.Inactive = true
	e.createUser(t, inactive)
	classes := []struct{ name, user, pw string }{
		{"known-wrong", "alice", "Wrong-pass-123"},
		{"unknown", "nobody", "Wrong-pass-123"},
		{"inactive", "carol", defaultPassword},
	}
	const rounds = 200
	samples := make([][]time.Duration, len(classes))
	for r := range rounds {
		for k := range classes {
			i := (r + k) % len(classes) // rotate the order every round
			c := classes[i]
			start := time.Now()
			e.pwLogin(t, c.user, c.pw).wantStatus(t, http.StatusBadRequest)
			samples[i] = append(samples[i], time.Since(start))
		}
	}
	median := func(d []time.Duration) time.Duration {
		d = slices.Clone(d)
		slices.Sort(d)
		return d[len(d)/2]
	}
	ref := median(samples[0])
	for i, c := range classes {
		m := median(samples[i])
		t.Logf("%s: median %v over %d logins", c.name, m, len(samples[i]))
		if diff := (m - ref).Abs(); diff > ref/10 {
			t.Errorf("%s median %v differs from known-wrong %v by %v (> 10%%)", c.name, m, ref, diff)
		}
	}
}
