package authtest

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/storekit"
)

// DRF's TokenAuthentication answers, as the E group checks them.
const (
	tokInvalid    = `{"detail":"Invalid token."}`
	tokNoCreds    = `{"detail":"Invalid token header. No credentials provided."}`
	tokSpaces     = `{"detail":"Invalid token header. Token string should not contain spaces."}`
	tokBadChars   = `{"detail":"Invalid token header. Token string should not contain invalid characters."}`
	tokInactive   = `{"detail":"User inactive or deleted."}`
	tokLoggedOut  = `{"detail":"Successfully logged out."}`
	tokUnknownKey = "0123456789abcdef0123456789abcdef01234567" // right shape, never issued
)

// tokKeyRe is a DRF key: 40 lowercase hex characters (160 random bits).
var tokKeyRe = regexp.MustCompile(`^[0-9a-f]{40}$`)

// tokReject checks a DRF token rejection: 401, the exact body and the
// Token challenge.
func tokReject(t *testing.T, res *response, body string) {
	t.Helper()
	res.want(t, http.StatusUnauthorized, body)
	res.wantHeader(t, "WWW-Authenticate", "Token")
}

// hostileToken runs group E of docs/threat-model.md (DB token auth).
//
// To keep the group cheap on real databases, the cases share two servers
// (one on a fake clock, one behind a store spy), each case with its own
// users.
func (s *suite) hostileToken(t *testing.T, c *cases) {
	clk := newClock()
	withClock := func(c *core.Config) { c.Now = clk.Now }
	base := s.newEnv(t, withClock)
	spy := &tokSpyStore{}
	spied := s.newEnv(t, spy.install)

	c.run(t, "T-TOK-01", func(t *testing.T) {
		e := base
		e.createUser(t, newUser("tok1"))
		key := e.login(t, "tok1", defaultPassword)
		for _, scheme := range []string{"Token", "token", "TOKEN", "tOkEn"} {
			e.do(t, http.MethodGet, "/api/protected/", "", "Authorization", scheme+" "+key).wantApp(t, map[string]string{"username": "tok1"})
			res := e.do(t, http.MethodGet, e.path("user/"), "", "Authorization", scheme+" "+key)
			res.wantStatus(t, http.StatusOK)
			res.wantHeader(t, "WWW-Authenticate", "")
		}
		// The keyword is folded in ASCII only, like Python's bytes.lower():
		// a look-alike (KELVIN SIGN for K) is not "Token".
		tokReject(t, e.do(t, http.MethodGet, e.path("user/"), "", "Authorization", "To\u212Aen "+key), notProvided)
	})

	c.run(t, "T-TOK-02", func(t *testing.T) {
		e := spied
		e.createUser(t, newUser("tok2"))
		key := e.login(t, "tok2", defaultPassword)
		user := e.path("user/")
		for _, tc := range []struct{ name, header, body string }{
			{"keyword only", "Token", tokNoCreds},
			{"keyword and a space", "Token ", tokNoCreds}, // trailing white space is not part of the field value (RFC 9110 §5.5)
			{"two words", "Token a b", tokSpaces},
			{"key then a word", "Token " + key + "\tx", tokSpaces},
			{"non-UTF-8 key", "Token \xff\xfe" + key[2:], tokBadChars},
			{"non-ASCII key", "Token ключ", tokInvalid},
			{"full-width digit in the key", "Token " + key[:39] + "\uff10", tokInvalid},
			{"10 KiB key", "Token " + strings.Repeat("a", 10<<10), tokInvalid},
			{"39 characters", "Token " + key[:39], tokInvalid},
			{"41 characters", "Token " + key + "0", tokInvalid},
			{"upper-case hex", "Token " + strings.ToUpper(key), tokInvalid},
			{"Bearer with the DB key", "Bearer " + key, notProvided},
			{"Basic", "Basic YWxpY2U6U2VjcmV0LXBhc3MtMTIz", notProvided},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := spy.lookupCount()
				for _, path := range []string{user, "/api/protected/"} {
					tokReject(t, e.do(t, http.MethodGet, path, "", "Authorization", tc.header), tc.body)
				}
				if n := spy.lookupCount() - before; n != 0 {
					t.Errorf("%d store lookups for a malformed key, want none", n)
				}
			})
		}
		// Control characters cannot be sent by net/http's client: write
		// them raw. net/http itself refuses such header values (400)
		// before restauth runs; either way, no 5xx and no lookup.
		for _, ctl := range []string{"\x00", "\x01", "\x1b", "\x7f"} {
			before := spy.lookupCount()
			status, body := e.tokRawGet(t, user, "Token "+key[:20]+ctl+key[21:])
			if status != http.StatusBadRequest && status != http.StatusUnauthorized {
				t.Errorf("control character %q: status %d %s, want 400 from net/http or 401", ctl, status, body)
			}
			if status == http.StatusUnauthorized && string(body) != tokInvalid {
				t.Errorf("control character %q: body %s", ctl, body)
			}
			if n := spy.lookupCount() - before; n != 0 {
				t.Errorf("control character %q: %d store lookups", ctl, n)
			}
		}
		t.Run("control: well-formed keys are looked up", func(t *testing.T) {
			before := spy.lookupCount()
			tokReject(t, e.do(t, http.MethodGet, user, "", "Authorization", "Token "+tokUnknownKey), tokInvalid)
			// Trailing OWS is stripped by HTTP, and DRF's split() would
			// accept it too: this is the caller's key.
			e.do(t, http.MethodGet, user, "", "Authorization", "Token "+key+"\t").wantStatus(t, http.StatusOK)
			if n := spy.lookupCount() - before; n != 2 {
				t.Errorf("%d store lookups for two well-formed keys, want 2", n)
			}
		})
	})

	c.run(t, "T-TOK-03", func(t *testing.T) {
		e := spied
		e.createUser(t, newUser("tok3"))
		already := len(spy.createdTokens())
		keys := map[string]bool{}
		for range 8 {
			k := e.login(t, "tok3", defaultPassword)
			if !tokKeyRe.MatchString(k) || keys[k] {
				t.Fatalf("key %q: not 40 lowercase hex, or repeated", k)
			}
			keys[k] = true
		}
		// What the store was asked to persist is the digest alone; the
		// Token record has no field that could hold the key.
		created := spy.createdTokens()[already:]
		if len(created) != len(keys) {
			t.Fatalf("%d tokens written for %d logins", len(created), len(keys))
		}
		for _, tok := range created {
			if !keys[tokFindKey(keys, tok.Digest)] {
				t.Errorf("stored digest %q is not the SHA-256 of any issued key", tok.Digest)
			}
			for k := range keys {
				if strings.Contains(fmt.Sprintf("%+v", tok), k) {
					t.Errorf("a key reached the store: %+v", tok)
				}
			}
		}
		// Lookups are by digest: the key itself is not a lookup key, and
		// what the authenticator asks for is the digest.
		for k := range keys {
			if _, _, err := e.store.UserByToken(t.Context(), k); !errors.Is(err, core.ErrNotFound) {
				t.Errorf("UserByToken(raw key): %v, want ErrNotFound", err)
			}
			if _, tok, err := e.store.UserByToken(t.Context(), storekit.TokenDigest(k)); err != nil || tok.Digest != storekit.TokenDigest(k) {
				t.Errorf("UserByToken(digest): %+v, %v", tok, err)
			}
			before := len(spy.lookedUp())
			e.do(t, http.MethodGet, e.path("user/"), "", "Authorization", tokenHeader(k)).wantStatus(t, http.StatusOK)
			if got := spy.lookedUp()[before:]; len(got) != 1 || got[0] != storekit.TokenDigest(k) {
				t.Errorf("authentication looked up %q, want the digest only", got)
			}
		}
	})

	c.run(t, "T-TOK-04", func(t *testing.T) {
		e := spied
		e.createUser(t, newUser("tok4"))
		key := e.login(t, "tok4", defaultPassword)
		before := spy.lookupCount()
		for h, body := range map[string]string{
			"Token ' OR '1'='1":                tokSpaces,
			"Token 'OR'1'='1'--":               tokInvalid,
			"Token %":                          tokInvalid,
			`Token \`:                          tokInvalid,
			"Token %%%%%%%%%%%%%%%%%%%":        tokInvalid,
			"Token " + strings.Repeat("_", 40): tokInvalid,
		} {
			tokReject(t, e.do(t, http.MethodGet, e.path("user/"), "", "Authorization", h), body)
		}
		if n := spy.lookupCount() - before; n != 0 {
			t.Errorf("%d store lookups for injection attempts", n)
		}
		// Below the authenticator the store's queries are parameterised:
		// SQL metacharacters and LIKE wildcards as the digest match nothing.
		for _, d := range []string{"' OR '1'='1", "' OR 1=1--", "%", "_", `\`, "*", strings.Repeat("_", 64), "%" + storekit.TokenDigest(key)[1:]} {
			if _, _, err := e.store.UserByToken(t.Context(), d); !errors.Is(err, core.ErrNotFound) {
				t.Errorf("UserByToken(%q): %v, want ErrNotFound", d, err)
			}
		}
		e.do(t, http.MethodGet, e.path("user/"), "", "Authorization", tokenHeader(key)).wantStatus(t, http.StatusOK)
	})

	c.run(t, "T-TOK-05", func(t *testing.T) {
		e := base
		u5a := e.createUser(t, newUser("tok5a"))
		u5b := e.createUser(t, newUser("tok5b"))
		user := e.path("user/")
		invalid := e.do(t, http.MethodGet, user, "", "Authorization", "Token "+tokUnknownKey)
		tokReject(t, invalid, tokInvalid)

		t.Run("deactivated through the service: same answer as an invalid token", func(t *testing.T) {
			k := e.login(t, "tok5a", defaultPassword)
			if err := e.auth.Deactivate(t.Context(), u5a.ID); err != nil {
				t.Fatal(err)
			}
			wantSame(t, e.do(t, http.MethodGet, user, "", "Authorization", tokenHeader(k)), invalid)
		})
		t.Run("deactivated behind restauth's back", func(t *testing.T) {
			// A flag flipped directly in the store leaves the token row in
			// place; DRF's own message answers ("User inactive or deleted.",
			// as DRF's TokenAuthentication says it), still 401, and only to a
			// holder of a valid key.
			k := e.login(t, "tok5b", defaultPassword)
			if err := e.store.SetActive(t.Context(), u5b.ID, false); err != nil {
				t.Fatal(err)
			}
			tokReject(t, e.do(t, http.MethodGet, user, "", "Authorization", tokenHeader(k)), tokInactive)
		})
		// A deleted user cannot keep a token: restauth has no user
		// deletion API and stores refuse a token of an unknown user (a
		// foreign key); deletion by the application cascades.

		t.Run("past TTL", func(t *testing.T) {
			g := s.newEnv(t, withClock, func(c *core.Config) { c.TokenLifetime = time.Hour })
			g.createUser(t, newUser("carol"))
			k := g.login(t, "carol", defaultPassword)
			defer clk.set(clk.Now())
			clk.advance(time.Hour - time.Second)
			g.do(t, http.MethodGet, g.path("user/"), "", "Authorization", tokenHeader(k)).wantStatus(t, http.StatusOK)
			clk.advance(time.Second)
			bad := g.do(t, http.MethodGet, g.path("user/"), "", "Authorization", "Token "+tokUnknownKey)
			wantSame(t, g.do(t, http.MethodGet, g.path("user/"), "", "Authorization", tokenHeader(k)), bad)
			tokReject(t, bad, tokInvalid)
		})
		t.Run("no TTL by default, as DRF", func(t *testing.T) {
			e.createUser(t, newUser("tok5d"))
			k := e.login(t, "tok5d", defaultPassword)
			defer clk.set(clk.Now())
			clk.advance(3 * 365 * 24 * time.Hour)
			e.do(t, http.MethodGet, user, "", "Authorization", tokenHeader(k)).wantStatus(t, http.StatusOK)
		})
	})

	c.run(t, "T-TOK-06", func(t *testing.T) {
		e := base
		e.createUser(t, newUser("tok6"))
		key := e.login(t, "tok6", defaultPassword)
		for _, path := range []string{e.path("user/"), "/api/protected/"} {
			tokReject(t, e.do(t, http.MethodGet, path+"?token="+key+"&key="+key+"&access_token="+key, ""), notProvided)
			tokReject(t, e.do(t, http.MethodGet, path, "", "Cookie", cookieHeader("token", key, "key", key, "auth_token", key, "access", key, "sessionid", key)), notProvided)
			tokReject(t, e.do(t, http.MethodGet, path, "", "X-Auth-Token", key, "X-Token", key, "Token", key), notProvided)
		}
		tokReject(t, e.do(t, http.MethodPost, "/api/protected/", jsonObject("token", key, "key", key)), notProvided)
		tokReject(t, e.do(t, http.MethodPost, "/api/protected/", "token="+key, "Content-Type", "application/x-www-form-urlencoded"), notProvided)
		// The header still works.
		e.do(t, http.MethodGet, "/api/protected/", "", "Authorization", tokenHeader(key)).wantApp(t, map[string]string{"username": "tok6"})
	})

	c.run(t, "T-TOK-07", func(t *testing.T) {
		// Logout without a credential answers 200 in every mode, as
		// dj-rest-auth 4.0.1 and its default session login do: it has
		// nothing to revoke, and a client that lost its token must be
		// able to finish. What matters is that such a request revokes
		// nothing: a key sent anywhere but the header stays valid.
		e := base
		e.createUser(t, newUser("tok7"))
		key := e.login(t, "tok7", defaultPassword)
		logout := e.path("logout/")
		e.do(t, http.MethodPost, logout, "").want(t, http.StatusOK, tokLoggedOut)
		e.do(t, http.MethodPost, logout, `{}`).want(t, http.StatusOK, tokLoggedOut)
		e.do(t, http.MethodPost, logout, jsonObject("token", key, "key", key)).want(t, http.StatusOK, tokLoggedOut)
		e.do(t, http.MethodGet, e.path("user/"), "", "Authorization", tokenHeader(key)).wantStatus(t, http.StatusOK)

		for name, opts := range map[string][]func(*core.Config){
			"jwt":     {jwtMode(clk)},
			"session": {sessionMode(clk)},
			"all": {sessionMode(clk), func(c *core.Config) {
				c.Methods = []core.Method{core.MethodJWT, core.MethodToken, core.MethodSession}
			}},
		} {
			t.Run(name, func(t *testing.T) {
				m := s.newEnv(t, opts...)
				m.do(t, http.MethodPost, m.path("logout/"), "").wantStatus(t, http.StatusOK)
				m.do(t, http.MethodPost, m.path("logout/"), "").wantJSON(t, http.StatusOK, tokLoggedOut)
			})
		}
	})

	c.run(t, "T-TOK-08", func(t *testing.T) {
		e := base
		u := e.createUser(t, newUser("tok8"))
		user := e.path("user/")
		a, b := e.login(t, "tok8", defaultPassword), e.login(t, "tok8", defaultPassword)
		e.do(t, http.MethodPost, e.path("logout/"), "", "Authorization", tokenHeader(a)).want(t, http.StatusOK, tokLoggedOut)
		tokReject(t, e.do(t, http.MethodGet, user, "", "Authorization", tokenHeader(a)), tokInvalid)
		e.do(t, http.MethodGet, user, "", "Authorization", tokenHeader(b)).wantStatus(t, http.StatusOK)

		// "Log out everywhere" is Auth.RevokeCredentials (no endpoint in
		// dj-rest-auth's API); it ends every device.
		c, d := e.login(t, "tok8", defaultPassword), e.login(t, "tok8", defaultPassword)
		if err := e.auth.RevokeCredentials(t.Context(), u.ID, nil); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{b, c, d} {
			tokReject(t, e.do(t, http.MethodGet, user, "", "Authorization", tokenHeader(k)), tokInvalid)
		}
	})
}

// tokFindKey returns the key of keys whose digest is digest, or "".
func tokFindKey(keys map[string]bool, digest string) string {
	for k := range keys {
		if storekit.TokenDigest(k) == digest {
			return k
		}
	}
	return ""
}
