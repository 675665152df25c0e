package authtest

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/mail"
	"github.com/restauth/restauth/core/password"
)

// hostileLogin runs group D of docs/threat-model.md (Login, enumeration,
// brute force).
func (s *suite) hostileLogin(t *testing.T, c *cases) {
	c.run(t, "T-LOGIN-01", s.loginFailuresAlike)
	c.run(t, "T-LOGIN-02", s.loginTimingCheck)
	c.run(t, "T-LOGIN-03", s.loginHardenRuntime)
	c.run(t, "T-LOGIN-04", s.loginInactiveUnverified)
	c.run(t, "T-LOGIN-05", s.loginUsernameAndEmail)
	c.run(t, "T-LOGIN-06", s.loginBodyAllowList)
	c.run(t, "T-RL-01", s.rlAccount)
	c.run(t, "T-RL-02", s.rlSpraying)
	c.run(t, "T-RL-03", s.rlForwardedHeaders)
	c.run(t, "T-RL-04", s.rlStoreDown)
	c.run(t, "T-RL-05", s.rlOtherEndpoints)
	c.run(t, "T-RL-06", s.rlPerAccount)
	c.run(t, "T-RL-07", s.rlDeviceCookie)
	c.run(t, "T-RL-08", s.rlNoStrangerFill)
}

// loginFailuresAlike: unknown user, wrong password, inactive user (right
// password) and unusable password get byte-identical answers (no
// credential cookie in any mode; cookie modes hand every anonymous answer a
// fresh csrftoken, whose value is random and whose attributes are the same)
// for exactly one full-cost hash each, by username and by email, in token,
// JWT and session mode. restauth has no other
// password entry point (no Basic authentication; password change checks
// the authenticated caller's own password).
func (s *suite) loginFailuresAlike(t *testing.T) {
	clk := newClock()
	for _, mode := range []struct {
		name string
		opt  func(*core.Config)
	}{
		{"token", func(*core.Config) {}},
		{"jwt", jwtMode(clk)},
		{"session", sessionMode(clk)},
	} {
		t.Run(mode.name, func(t *testing.T) {
			e := s.newEnv(t, mode.opt)
			e.createLoginCast(t)
			for _, field := range []string{"username", "email"} {
				id := func(name string) string {
					if field == "email" {
						return name + "@example.com"
					}
					return name
				}
				var first *response
				for _, tc := range []struct{ who, pw string }{
					{"nobody", defaultPassword},
					{"alice", "Wrong-pass-123"},
					{"carol", defaultPassword},
					{"dave", defaultPassword},
				} {
					e.hashes.Reset()
					res := e.do(t, http.MethodPost, e.path("login/"), jsonObject(field, id(tc.who), "password", tc.pw))
					res.wantJSON(t, http.StatusBadRequest, invalidLogin)
					loginNoCredentialCookie(t, res)
					if n := e.hashes.Count(); n != 1 {
						t.Errorf("%s %s: %d full-cost hashes, want exactly 1", field, tc.who, n)
					}
					if first == nil {
						first = res
					} else {
						loginWantSameFailure(t, first, res)
					}
				}
			}
		})
	}
}

// loginHardenRuntime (CVE-2016-2513): a wrong password against a hash of
// the preferred algorithm made with a lower work factor (fewer PBKDF2
// iterations, less argon2 memory·time, lower bcrypt cost) is padded up to
// the current cost (password.Hardener, like Django's harden_runtime): the
// verification plus the padding is one current-cost hash, as for a current
// hash and for an unknown user; the answers are identical. The amounts of
// padding are unit-tested in core/password (TestHardenPadsToCurrentWork).
func (s *suite) loginHardenRuntime(t *testing.T) {
	mustPBKDF2 := func(n int) password.Hasher {
		h, err := password.NewPBKDF2("pbkdf2_sha256", n)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	mustArgon2 := func(m, tm uint32) password.Hasher {
		h, err := password.NewArgon2(password.Argon2Params{MemoryKiB: m, Time: tm, Parallelism: 1, KeyLen: 32})
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	mustBcrypt := func(cost int) password.Hasher {
		h, err := password.NewBcrypt(cost)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	for _, tc := range []struct {
		name          string
		current, past password.Hasher
	}{
		{"pbkdf2_sha256", mustPBKDF2(2000), mustPBKDF2(1000)},
		{"argon2", mustArgon2(64, 2), mustArgon2(64, 1)},
		{"bcrypt_sha256", mustBcrypt(password.MinBcryptCost + 1), mustBcrypt(password.MinBcryptCost)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opt, counting := pwPolicy(t, tc.current)
			e := s.newEnv(t, opt)
			e.createUser(t, newUser("fresh"))
			e.createUser(t, newUser("oldie"))
			old, err := tc.past.Hash(defaultPassword)
			if err != nil {
				t.Fatal(err)
			}
			e.pwSetHash(t, "oldie", old)
			attempt := func(who, pw string, hardened int64) *response {
				t.Helper()
				counting.Reset()
				res := e.pwLogin(t, who, pw)
				hashes := int64(1)
				if res.status == http.StatusOK && e.pwStoredHash(t, who) != old {
					hashes = 2 // the verification and the upgrade
				}
				if counting.Count() != hashes || counting.Hardened() != hardened {
					t.Errorf("%s: %d hashes, %d padded; want %d, %d", who, counting.Count(), counting.Hardened(), hashes, hardened)
				}
				return res
			}
			current := attempt("fresh", "Wrong-pass-123", 0)
			current.want(t, http.StatusBadRequest, invalidLogin)
			wantSame(t, current, attempt("oldie", "Wrong-pass-123", 1))
			wantSame(t, current, attempt("nobody", "Wrong-pass-123", 0))
			if e.pwStoredHash(t, "oldie") != old {
				t.Error("a failed login changed the outdated hash")
			}
			attempt("oldie", defaultPassword, 0).wantKey(t) // success: no padding, an upgrade
			if h := e.pwStoredHash(t, "oldie"); h == old || tc.current.NeedsRehash(h) {
				t.Error("the outdated hash was not upgraded on success")
			}
			attempt("oldie", "Wrong-pass-123", 0).want(t, http.StatusBadRequest, invalidLogin)
		})
	}
}

// loginInactiveUnverified: the right password of an inactive account is
// the generic failure; the right password of an unverified account (with
// mandatory verification) gets dj-rest-auth's specific message, but only
// once the password verified, and no credential or cookie.
func (s *suite) loginInactiveUnverified(t *testing.T) {
	clk := newClock()
	e := s.newEnv(t, jwtMode(clk), accountsMode(mail.NewOutbox(), core.VerifyMandatory))
	e.createUser(t, newUser("alice"))
	inactive := newUser("carol")
	inactive.Inactive = true
	e.createUser(t, inactive)
	unverified := newUser("erin")
	unverified.EmailVerified = false
	e.createUser(t, unverified)

	noCredential := func(res *response) {
		t.Helper()
		loginNoCredentialCookie(t, res)
		if strings.Contains(string(res.body), "access") || strings.Contains(string(res.body), "key") {
			t.Errorf("%s: credential in body %s", res.req, res.body)
		}
	}
	wrong := e.pwLogin(t, "alice", "Wrong-pass-123")
	wrong.wantJSON(t, http.StatusBadRequest, invalidLogin)
	for _, res := range []*response{
		e.pwLogin(t, "carol", defaultPassword),
		e.pwLogin(t, "carol", "Wrong-pass-123"),
		e.pwLogin(t, "erin", "Wrong-pass-123"),
	} {
		res.wantJSON(t, http.StatusBadRequest, invalidLogin)
		loginWantSameFailure(t, wrong, res)
		noCredential(res)
	}
	res := e.pwLogin(t, "erin", defaultPassword)
	res.wantJSON(t, http.StatusBadRequest, `{"non_field_errors":["E-mail is not verified."]}`)
	noCredential(res)
}

// loginUsernameAndEmail: with both identifiers naming different accounts,
// the documented precedence applies (LoginByUsernameOrEmail: a non-blank
// email wins, as in allauth); the password is checked against that account
// only, so the other account is never logged in. LoginByUsername ignores
// the email.
func (s *suite) loginUsernameAndEmail(t *testing.T) {
	e := s.newEnv(t)
	e.createUser(t, newUser("alice"))
	bob := newUser("bob")
	bob.Password = "Bobs-own-pass-1"
	bobID := e.createUser(t, bob).ID
	both := func(pw string) string {
		return jsonObject("username", "alice", "email", "bob@example.com", "password", pw)
	}
	e.do(t, http.MethodPost, e.path("login/"), both(defaultPassword)).want(t, http.StatusBadRequest, invalidLogin)
	key := e.do(t, http.MethodPost, e.path("login/"), both("Bobs-own-pass-1")).wantKey(t)
	e.secrets.add(key)
	e.do(t, http.MethodGet, e.path("user/"), "", "Authorization", tokenHeader(key)).
		want(t, http.StatusOK, detailsJSON(bobID, "bob", "bob@example.com", "", ""))

	u := s.newEnv(t, func(c *core.Config) { c.LoginField = core.LoginByUsername })
	aliceID := u.createUser(t, newUser("alice")).ID
	u.createUser(t, bob)
	u.do(t, http.MethodPost, u.path("login/"), both("Bobs-own-pass-1")).want(t, http.StatusBadRequest, invalidLogin)
	key = u.do(t, http.MethodPost, u.path("login/"), both(defaultPassword)).wantKey(t)
	u.secrets.add(key)
	u.do(t, http.MethodGet, u.path("user/"), "", "Authorization", tokenHeader(key)).
		want(t, http.StatusOK, detailsJSON(aliceID, "alice", "alice@example.com", "", ""))
}

// loginBodyAllowList: a successful login answers only the contract's
// fields: {"key"} in token mode; access, an empty refresh (it is an
// HttpOnly cookie; dj-rest-auth sends ""), optional expirations and the
// five user fields in JWT mode; nothing in session mode. Never the hash, flags or
// other internals.
func (s *suite) loginBodyAllowList(t *testing.T) {
	forbidden := []string{"argon2", "password", "is_active", "is_staff", "epoch", "email_verified", "last_login", "date_joined"}
	check := func(t *testing.T, res *response) {
		t.Helper()
		for _, f := range forbidden {
			if strings.Contains(strings.ToLower(string(res.body)), f) {
				t.Errorf("login body mentions %q: %s", f, res.body)
			}
		}
	}
	nu := newUser("alice")
	nu.FirstName, nu.LastName = "Ada", "Lovelace"

	e := s.newEnv(t)
	e.createUser(t, nu)
	res := e.pwLogin(t, "alice", defaultPassword)
	e.secrets.add(res.wantKey(t))
	check(t, res)

	clk := newClock()
	j := s.newEnv(t, jwtMode(clk))
	jID := j.createUser(t, nu).ID
	res = j.pwLogin(t, "alice", defaultPassword)
	res.wantStatus(t, http.StatusOK)
	check(t, res)
	var body map[string]json.RawMessage
	if err := json.Unmarshal(res.body, &body); err != nil {
		t.Fatal(err)
	}
	for k := range body {
		if !slices.Contains([]string{"access", "refresh", "user", "access_expiration", "refresh_expiration"}, k) {
			t.Errorf("JWT login body has field %q: %s", k, res.body)
		}
	}
	if r := body["refresh"]; r != nil && string(r) != `""` {
		t.Errorf("refresh %s in the body while it is an HttpOnly cookie", r) // dj-rest-auth sends ""
	}
	if string(body["user"]) != detailsJSON(jID, "alice", "alice@example.com", "Ada", "Lovelace") {
		t.Errorf("user %s", body["user"])
	}
	var access string
	_ = json.Unmarshal(body["access"], &access)
	j.secrets.add(access)

	sess := s.newEnv(t, sessionMode(clk))
	sess.createUser(t, nu)
	sess.sessionLogin(t, "alice", defaultPassword)
}
