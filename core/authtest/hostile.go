package authtest

import (
	"flag"
	"slices"
	"sync"
	"testing"
)

// hostileIDs lists every case of the hostile-case catalogue
// (docs/threat-model.md, groups A–M), in the document's order. The Hostile group
// must account for each: a subtest named by the ID, or a written reason
// why the case does not apply (see cases.notApplicable).
var hostileIDs = [...]string{
	// A. Request parsing and transport
	"T-REQ-01", "T-REQ-02", "T-REQ-03", "T-REQ-04", "T-REQ-05", "T-REQ-06", "T-REQ-07", "T-REQ-08",
	"T-REQ-09", "T-REQ-10", "T-REQ-11", "T-REQ-12", "T-REQ-13", "T-REQ-14", "T-REQ-15", "T-REQ-16",
	// B. Identifiers, Unicode and email
	"T-ID-01", "T-ID-02", "T-ID-03", "T-ID-04", "T-ID-05", "T-ID-06", "T-ID-07", "T-ID-08", "T-ID-09", "T-ID-10",
	// C. Passwords and hashers
	"T-PW-01", "T-PW-02", "T-PW-03", "T-PW-04", "T-PW-05", "T-PW-06", "T-PW-07", "T-PW-08", "T-PW-09", "T-PW-10", "T-PW-11",
	// D. Login, enumeration, brute force
	"T-LOGIN-01", "T-LOGIN-02", "T-LOGIN-03", "T-LOGIN-04", "T-LOGIN-05", "T-LOGIN-06",
	"T-RL-01", "T-RL-02", "T-RL-03", "T-RL-04", "T-RL-05", "T-RL-06", "T-RL-07", "T-RL-08",
	// E. DB token auth
	"T-TOK-01", "T-TOK-02", "T-TOK-03", "T-TOK-04", "T-TOK-05", "T-TOK-06", "T-TOK-07", "T-TOK-08",
	// F. JWT access tokens
	"T-JWT-01", "T-JWT-02", "T-JWT-03", "T-JWT-04", "T-JWT-05", "T-JWT-06", "T-JWT-07",
	"T-JWT-08", "T-JWT-09", "T-JWT-10", "T-JWT-11", "T-JWT-12", "T-JWT-13", "T-JWT-14",
	"T-JWT-15", "T-JWT-16", "T-JWT-17", "T-JWT-18", "T-JWT-19", "T-JWT-20", "T-JWT-21",
	// G. Refresh tokens
	"T-RT-01", "T-RT-02", "T-RT-03", "T-RT-04", "T-RT-05", "T-RT-06", "T-RT-07", "T-RT-08", "T-RT-09", "T-RT-10", "T-RT-11",
	// H. Cookies, CSRF and cross-origin
	"T-CK-01", "T-CK-02", "T-CK-03", "T-CK-04",
	"T-CSRF-01", "T-CSRF-02", "T-CSRF-03", "T-CSRF-04", "T-CSRF-05", "T-CSRF-06",
	"T-CSRF-07", "T-CSRF-08", "T-CSRF-09", "T-CSRF-10", "T-CSRF-11", "T-CSRF-12", "T-CSRF-13",
	// I. Server sessions
	"T-SESS-01", "T-SESS-02", "T-SESS-03", "T-SESS-04", "T-SESS-05", "T-SESS-06", "T-SESS-07",
	// J. Password change, reset, email verification, redirects
	"T-RESET-01", "T-RESET-02", "T-RESET-03", "T-RESET-04", "T-RESET-05", "T-RESET-06", "T-RESET-07",
	"T-RESET-08", "T-RESET-09", "T-RESET-10", "T-RESET-11", "T-RESET-12", "T-RESET-13", "T-RESET-14", "T-RESET-15",
	// K. Registration
	"T-REG-01", "T-REG-02", "T-REG-03", "T-REG-04", "T-REG-05",
	// L. Storage, SQL and dependency faults
	"T-DB-01", "T-DB-02", "T-DB-03", "T-DB-04", "T-DB-05", "T-DB-06", "T-DB-07", "T-DB-08", "T-DB-09",
	// M. Operational
	"T-OPS-01", "T-OPS-02", "T-OPS-03", "T-OPS-04", "T-OPS-05", "T-OPS-06", "T-OPS-07",
}

// cases records which hostile cases a run has accounted for.
type cases struct {
	mu      sync.Mutex
	ran     map[string]bool   // ID -> its subtest started
	skipped map[string]string // ID -> why it does not apply
}

func newCases() *cases {
	return &cases{ran: map[string]bool{}, skipped: map[string]string{}}
}

// run runs f as the subtest named id (an ID of hostileIDs).
func (c *cases) run(t *testing.T, id string, f func(t *testing.T)) {
	t.Helper()
	if !slices.Contains(hostileIDs[:], id) {
		t.Fatalf("authtest: %q is not a case of docs/threat-model.md", id)
	}
	t.Run(id, func(t *testing.T) {
		c.mu.Lock()
		c.ran[id] = true
		c.mu.Unlock()
		f(t)
	})
}

// notApplicable records that case id does not apply to restauth and why;
// the subtest id is reported as skipped with that reason.
func (c *cases) notApplicable(t *testing.T, id, why string) {
	t.Helper()
	if why == "" {
		t.Fatalf("authtest: %s: a case that does not apply needs a reason", id)
	}
	c.run(t, id, func(t *testing.T) {
		c.mu.Lock()
		c.skipped[id] = why
		c.mu.Unlock()
		t.Skip("does not apply: " + why)
	})
}

// check fails t unless every case of hostileIDs was run or declared not
// applicable. It says nothing when -run selected part of the suite.
func (c *cases) check(t *testing.T) {
	t.Helper()
	if f := flag.Lookup("test.run"); f != nil && f.Value.String() != "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var missing []string
	for _, id := range hostileIDs {
		if !c.ran[id] {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		t.Errorf("authtest: hostile cases not accounted for: %v", missing)
	}
	t.Logf("hostile cases: %d run, %d not applicable", len(c.ran)-len(c.skipped), len(c.skipped))
}

// testHostile runs the hostile-case catalogue (docs/threat-model.md), one
// subtest per case, named by its ID.
func (s *suite) testHostile(t *testing.T) {
	c := newCases()
	for _, g := range []struct {
		name string
		run  func(t *testing.T, c *cases)
	}{
		{"A-Request", s.hostileRequest},
		{"B-Identifiers", s.hostileIdentifiers},
		{"C-Passwords", s.hostilePasswords},
		{"D-Login", s.hostileLogin},
		{"E-Token", s.hostileToken},
		{"F-JWT", s.hostileJWT},
		{"G-Refresh", s.hostileRefresh},
		{"H-CSRF", s.hostileCookiesCSRF},
		{"I-Sessions", s.hostileSessions},
		{"J-Reset", s.hostileReset},
		{"K-Registration", s.hostileRegistration},
		{"L-Storage", s.hostileStorage},
		{"M-Operational", s.hostileOperational},
	} {
		t.Run(g.name, func(t *testing.T) { g.run(t, c) })
	}
	c.check(t)
}
