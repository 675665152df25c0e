package authtest

import (
	"bytes"
	"context"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/mail"
)

// sqlMeta are SQL metacharacters and injection shapes (T-DB-01 in
// docs/threat-model.md).
var sqlMeta = []string{`'`, `"`, `;--`, `\`, `' OR '1'='1`, `%`, `_`, `alice'--`, `alice" OR ""="`, `a%`, `al_ce`, `%@example.com`}

// unavailableBody is the generic answer to a failing backing store.
const unavailableBody = `{"detail":"Service temporarily unavailable, try again later."}`

// hostileStorage runs group L of docs/threat-model.md (Storage, SQL and
// dependency faults).
func (s *suite) hostileStorage(t *testing.T, c *cases) {
	c.run(t, "T-DB-01", s.dbMetacharacters)
	// sqlstore's table names are fixed in its embedded migrations and
	// every query is a constant string with bind parameters; the schema
	// is chosen only through the DSN (PostgreSQL search_path, a runtime
	// parameter handed to the driver, never spliced into SQL).
	c.notApplicable(t, "T-DB-02", "no configurable SQL identifiers: table names are fixed in sqlstore's migrations and the PostgreSQL schema is selected only through the DSN's search_path runtime parameter, never interpolated into SQL")
	// T-DB-04 recovers the servers T-DB-03 took down.
	out := s.newDBOutage(t)
	c.run(t, "T-DB-03", func(t *testing.T) { s.dbDown(t, out) })
	c.run(t, "T-DB-04", func(t *testing.T) { s.dbRecovers(t, out) })
	c.run(t, "T-DB-05", s.dbSlow)
	c.run(t, "T-DB-06", s.dbSideStoresDown)
	c.run(t, "T-DB-07", s.dbUniqueViolations)
	c.run(t, "T-DB-08", s.dbOverLong)
	c.run(t, "T-DB-09", s.dbAppClock)
}

// dbMetacharacters: every string input is bound literally. With a user
// "alice", no metacharacter in a username, email, token, uid or name
// matches anything it should not; "%" and "_" are no wildcards; names
// holding them round-trip exactly.
func (s *suite) dbMetacharacters(t *testing.T) {
	outbox := mail.NewOutbox()
	e := s.newEnv(t, accountsMode(outbox, core.VerifyNone))
	alice := e.createUser(t, newUser("alice"))
	login := e.path("login/")
	unknown := e.do(t, http.MethodPost, login, jsonObject("username", "nobody", "password", defaultPassword))
	unknown.wantStatus(t, http.StatusBadRequest)
	badToken := e.do(t, http.MethodGet, e.path("user/"), "", "Authorization", tokenHeader("0000000000000000000000000000000000000000"))
	badToken.wantStatus(t, http.StatusUnauthorized)

	for _, m := range sqlMeta {
		t.Run("login "+m, func(t *testing.T) {
			for _, field := range []string{"username", "email"} {
				for _, v := range []string{"alice" + m, m + "@example.com"} {
					res := e.do(t, http.MethodPost, login, jsonObject(field, v, "password", defaultPassword))
					if res.status != http.StatusBadRequest {
						t.Errorf("%s %q: status %d %s, want 400", field, v, res.status, res.body)
					}
				}
			}
			// Bad credentials look alike whatever the input.
			wantSame(t, unknown, e.do(t, http.MethodPost, login, jsonObject("username", m, "password", defaultPassword)))
		})
		t.Run("token "+m, func(t *testing.T) {
			for _, v := range []string{m, "0000" + m, strings.Repeat("a", 39) + m} {
				res := e.do(t, http.MethodGet, e.path("user/"), "", "Authorization", "Token "+v)
				if res.status != http.StatusUnauthorized {
					t.Errorf("Token %q: status %d %s, want 401", v, res.status, res.body)
				}
			}
		})
		t.Run("reset uid and token "+m, func(t *testing.T) {
			res := e.do(t, http.MethodPost, e.path("password/reset/confirm/"),
				jsonObject("new_password1", "Reset-pass-99", "new_password2", "Reset-pass-99", "uid", m, "token", m))
			if res.status != http.StatusBadRequest {
				t.Errorf("uid %q: status %d %s, want 400", m, res.status, res.body)
			}
			res = e.do(t, http.MethodPost, e.path("registration/verify-email/"), jsonObject("key", m))
			if res.status != http.StatusNotFound && res.status != http.StatusBadRequest {
				t.Errorf("key %q: status %d %s, want 404 or 400", m, res.status, res.body)
			}
		})
	}

	t.Run("names are stored literally", func(t *testing.T) {
		key := e.login(t, "alice", defaultPassword)
		auth := []string{"Authorization", tokenHeader(key)}
		for _, m := range sqlMeta {
			first, last := "x"+m+"y", m
			e.do(t, http.MethodPatch, e.path("user/"), jsonObject("first_name", first, "last_name", last), auth...).
				want(t, http.StatusOK, detailsJSON(alice.ID, "alice", "alice@example.com", first, last))
			e.do(t, http.MethodGet, e.path("user/"), "", auth...).
				want(t, http.StatusOK, detailsJSON(alice.ID, "alice", "alice@example.com", first, last))
		}
	})

	t.Run("wildcards in a stored email match only themselves", func(t *testing.T) {
		e.do(t, http.MethodPost, e.path("registration/"), register("pct", "a%b_c@example.com", defaultPassword)).
			wantStatus(t, http.StatusCreated)
		for _, v := range []string{"aXbYc@example.com", "a%b%@example.com", "%@example.com", "a_b_c@example.com", "a%b_c@%"} {
			e.do(t, http.MethodPost, login, jsonObject("email", v, "password", defaultPassword)).wantStatus(t, http.StatusBadRequest)
		}
		e.secrets.add(e.do(t, http.MethodPost, login, jsonObject("email", "A%B_C@example.com", "password", defaultPassword)).wantKey(t))
		// Registering the injection shapes themselves is refused by the
		// username rules, never by a database error.
		for _, m := range []string{`o'brien`, `x";--`, `' OR '1'='1`} {
			e.do(t, http.MethodPost, e.path("registration/"), register(m, "inj@example.com", defaultPassword)).
				wantStatus(t, http.StatusBadRequest)
		}
	})

	t.Run("JWT kid, jti and family", func(t *testing.T) {
		clk := newClock()
		j := s.newEnv(t, jwtMode(clk))
		j.createUser(t, newUser("alice"))
		j.loginJWT(t, "alice")
		now := clk.Now().Unix()
		for _, m := range sqlMeta {
			for _, typ := range []string{"access", "refresh"} {
				tok := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
					"token_type": typ, "exp": now + 60, "iat": now, "jti": m + "0123456789abcdef", "user_id": 1, "fam": m,
				})
				tok.Header["kid"] = m
				signed, err := tok.SignedString([]byte(jwtSecret))
				if err != nil {
					t.Fatal(err)
				}
				var res *response
				if typ == "access" {
					res = j.do(t, http.MethodGet, j.path("user/"), "", "Authorization", "Bearer "+signed)
				} else {
					res = j.do(t, http.MethodPost, j.path("token/refresh/"), jsonObject("refresh", signed))
				}
				if res.status != http.StatusUnauthorized {
					t.Errorf("%s token with kid/jti/fam %q: status %d %s, want 401", typ, m, res.status, res.body)
				}
			}
		}
	})

	t.Run("alice is intact", func(t *testing.T) {
		e.login(t, "alice", defaultPassword)
	})
}

// dbStoreCase is one request that must answer 503 while methods fail.
type dbStoreCase struct {
	name         string
	methods      []string
	method, path string
	body         string
	header       []string
	ok           int // status once the store is back
}

// dbOutage is the setting of T-DB-03/04: two servers, token auth with the
// account flows and JWT with refresh tokens, each behind a failingStore,
// and the requests to send them.
type dbOutage struct {
	cases  []dbStoreCase
	envs   map[string]*env
	stores map[string]*failingStore
}

// newDBOutage builds the servers of T-DB-03/04. The servers live as long
// as t, the test of the whole L group.
func (s *suite) newDBOutage(t *testing.T) *dbOutage {
	t.Helper()
	tokFS, jwtFS := &failingStore{}, &failingStore{}
	outbox := mail.NewOutbox()
	tok := s.newEnv(t, tokFS.install, accountsMode(outbox, core.VerifyNone))
	clk := newClock()
	jwt := s.newEnv(t, jwtFS.install, jwtMode(clk))
	tok.createUser(t, newUser("alice"))
	jwt.createUser(t, newUser("alice"))
	key := tok.login(t, "alice", defaultPassword)
	l := jwt.loginJWT(t, "alice")
	cases := []dbStoreCase{
		{"login", []string{"UserByUsername", "UserByEmail"}, http.MethodPost, "tok:login/", jsonObject("username", "alice", "password", defaultPassword), nil, http.StatusOK},
		{"login token insert", []string{"CreateToken"}, http.MethodPost, "tok:login/", jsonObject("username", "alice", "password", defaultPassword), nil, http.StatusOK},
		{"token auth", []string{"UserByToken"}, http.MethodGet, "tok:user/", "", []string{"Authorization", tokenHeader(key)}, http.StatusOK},
		{"token auth, app route", []string{"UserByToken"}, http.MethodGet, "tok:/api/protected/", "", []string{"Authorization", tokenHeader(key)}, http.StatusOK},
		{"register", []string{"CreateUser"}, http.MethodPost, "tok:registration/", "register", nil, http.StatusCreated},
		{"JWT login", []string{"CreateRefreshFamily"}, http.MethodPost, "jwt:login/", jsonObject("username", "alice", "password", defaultPassword), nil, http.StatusOK},
		{"JWT auth revocation check", []string{"UserByRefreshFamily", "UserByID"}, http.MethodGet, "jwt:user/", "", []string{"Authorization", "Bearer " + l.access}, http.StatusOK},
		{"refresh", []string{"ConsumeRefreshToken", "RefreshTokenByJTI", "UserByRefreshFamily", "UserByID"}, http.MethodPost, "jwt:token/refresh/", jsonObject("refresh", l.refresh), nil, http.StatusOK},
	}
	return &dbOutage{cases, map[string]*env{"tok": tok, "jwt": jwt}, map[string]*failingStore{"tok": tokFS, "jwt": jwtFS}}
}

// dbSend sends tc to its env; the register body gets a fresh username
// each time so that a retry is not a duplicate.
func dbSend(t *testing.T, envs map[string]*env, tc dbStoreCase, attempt int) *response {
	t.Helper()
	name, rel, _ := strings.Cut(tc.path, ":")
	e := envs[name]
	path := rel
	if !strings.HasPrefix(rel, "/") {
		path = e.path(rel)
	}
	body := tc.body
	if body == "register" {
		u := "dbreg" + strconv.Itoa(attempt)
		body = register(u, u+"@example.com", defaultPassword)
	}
	return e.do(t, tc.method, path, body, tc.header...)
}

// dbWantUnavailable checks the generic 503 of a failing store.
func dbWantUnavailable(t *testing.T, res *response) {
	t.Helper()
	res.wantStatus(t, http.StatusServiceUnavailable)
	if string(res.body) != unavailableBody {
		t.Errorf("%s: body %s, want %s", res.req, res.body, unavailableBody)
	}
	if res.header.Get("Retry-After") == "" {
		t.Errorf("%s: no Retry-After", res.req)
	}
	if bytes.Contains(res.body, []byte("refused")) || bytes.Contains(res.body, []byte("10.0.0.7")) {
		t.Errorf("%s: driver text in the body %s", res.req, res.body)
	}
}

// dbDown: login, token auth (endpoint and application route), JWT auth,
// refresh and registration with the database down answer 503 with
// Retry-After and a generic body; never anonymous, never 500.
// sqlstore/outage_test.go takes a real PostgreSQL/MySQL connection away
// (connection refused, driver.ErrBadConn) under the same store.
func (s *suite) dbDown(t *testing.T, o *dbOutage) {
	for i, tc := range o.cases {
		t.Run(tc.name, func(t *testing.T) {
			fs := o.stores[strings.SplitN(tc.path, ":", 2)[0]]
			fs.fail(tc.methods...)
			dbWantUnavailable(t, dbSend(t, o.envs, tc, i))
			// stays down for T-DB-04
		})
	}
}

// dbRecovers: after T-DB-03's outage the same servers answer the same
// requests normally, without a restart.
func (s *suite) dbRecovers(t *testing.T, o *dbOutage) {
	for i, tc := range o.cases {
		t.Run(tc.name, func(t *testing.T) {
			fs := o.stores[strings.SplitN(tc.path, ":", 2)[0]]
			fs.fail(tc.methods...)
			dbWantUnavailable(t, dbSend(t, o.envs, tc, 20+i))
			fs.clear()
			if res := dbSend(t, o.envs, tc, 40+i); res.status != tc.ok {
				t.Errorf("after recovery: %s: status %d %s, want %d", res.req, res.status, res.body, tc.ok)
			}
		})
	}
}

// dbSlow: a query that hangs past Config.RequestTimeout is cancelled
// through its context and the request answered 503 within the deadline
// plus a margin; no goroutine is left behind.
func (s *suite) dbSlow(t *testing.T) {
	const deadline = 300 * time.Millisecond
	slow := &dbSlowStore{}
	e := s.newEnv(t, slow.install, func(c *core.Config) { c.RequestTimeout = deadline })
	e.createUser(t, newUser("alice"))
	key := e.login(t, "alice", defaultPassword)
	auth := []string{"Authorization", tokenHeader(key)}
	e.do(t, http.MethodGet, "/api/protected/", "", auth...).wantApp(t, map[string]string{"username": "alice"})
	before := runtime.NumGoroutine()

	slow.slow.Store(true)
	for _, tc := range []struct{ name, method, path, body string }{
		{"login", http.MethodPost, e.path("login/"), jsonObject("username", "alice", "password", defaultPassword)},
		{"token auth", http.MethodGet, e.path("user/"), ""},
		{"token auth, app route", http.MethodGet, "/api/protected/", ""},
		{"optional auth, app route", http.MethodGet, "/api/optional/", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The client gives up long after the deadline, so that a server
			// without one fails the test instead of hanging it.
			ctx, cancel := context.WithTimeout(t.Context(), deadline+5*time.Second)
			defer cancel()
			req := e.newRequest(t, tc.method, tc.path, strings.NewReader(tc.body), append([]string{"Content-Type", "application/json"}, auth...)...)
			start := time.Now()
			dbWantUnavailable(t, e.send(t, req.WithContext(ctx)))
			if took := time.Since(start); took < deadline || took > deadline+2*time.Second {
				t.Errorf("answered after %v, want the deadline %v plus a margin", took, deadline)
			}
		})
	}
	slow.slow.Store(false)

	t.Run("no goroutine left behind", func(t *testing.T) {
		if n := slow.inside.Load(); n != 0 {
			t.Errorf("%d store calls still blocked after their requests ended", n)
		}
		var now int
		for range 50 {
			if now = runtime.NumGoroutine(); now <= before+2 {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
		t.Errorf("%d goroutines after the slow requests, %d before", now, before)
	})
	t.Run("served normally afterwards", func(t *testing.T) {
		e.do(t, http.MethodGet, "/api/protected/", "", auth...).wantApp(t, map[string]string{"username": "alice"})
	})
}

// dbSideStoresDown: restauth uses no Redis; its other backing stores are
// the session store, the refresh-token store (JWT revocation) and the
// rate-limit counters. Revocation checks fail closed (503, never
// anonymous) while the session or refresh store is down; the rate limit
// falls back to allowing the request, logged (T-RL-04); all recover
// without a restart.
func (s *suite) dbSideStoresDown(t *testing.T) {
	t.Run("session store", func(t *testing.T) {
		clk := newClock()
		sess := &dbSessionOutage{}
		e := s.newEnv(t, sessionMode(clk), func(c *core.Config) {
			sess.Store = c.Session.Store
			c.Session.Store = sess
		})
		e.createUser(t, newUser("alice"))
		sid, _ := e.sessionLogin(t, "alice", defaultPassword)
		e.secrets.add(sid)
		cookie := []string{"Cookie", cookieHeader("sessionid", sid)}
		sess.down.Store(true)
		for _, p := range []string{e.path("user/"), "/api/protected/", "/api/optional/"} {
			dbWantUnavailable(t, e.do(t, http.MethodGet, p, "", cookie...))
		}
		dbWantUnavailable(t, e.do(t, http.MethodPost, e.path("login/"), jsonObject("username", "alice", "password", defaultPassword)))
		sess.down.Store(false)
		e.do(t, http.MethodGet, "/api/protected/", "", cookie...).wantApp(t, map[string]string{"username": "alice"})
	})

	t.Run("refresh store (JWT revocation)", func(t *testing.T) {
		fs := &failingStore{}
		e := s.newEnv(t, fs.install, jwtMode(newClock()))
		e.createUser(t, newUser("alice"))
		l := e.loginJWT(t, "alice")
		bearer := []string{"Authorization", "Bearer " + l.access}
		fs.fail("UserByRefreshFamily", "RefreshTokenByJTI")
		for _, p := range []string{e.path("user/"), "/api/protected/", "/api/optional/"} {
			dbWantUnavailable(t, e.do(t, http.MethodGet, p, "", bearer...))
		}
		fs.clear()
		e.do(t, http.MethodGet, "/api/protected/", "", bearer...).wantApp(t, map[string]string{"username": "alice"})
	})

	t.Run("rate-limit counters", func(t *testing.T) {
		clk := newClock()
		counters := &dbThrottleOutage{ThrottleStore: core.NewMemoryThrottle()}
		e := s.newEnv(t, throttleMode(clk), func(c *core.Config) { c.Throttle.Store = counters })
		e.createUser(t, newUser("alice"))
		counters.down.Store(true)
		e.login(t, "alice", defaultPassword)
		if !strings.Contains(e.logs.String(), "throttle store failed") {
			t.Error("the counter outage was not logged")
		}
		counters.down.Store(false)
		for range 3 {
			e.do(t, http.MethodPost, e.path("login/"), jsonObject("username", "alice", "password", "wrong-pass-1")).wantStatus(t, http.StatusBadRequest)
		}
		e.do(t, http.MethodPost, e.path("login/"), jsonObject("username", "alice", "password", "wrong-pass-1")).wantThrottled(t)
	})
}

// dbUniqueViolations: inserts that hit a unique constraint of the real
// store (a row written just before by another instance) map to the domain
// answer: registration says the name is taken (400); a token digest or
// refresh jti collision is a retryable 503. Never a 500.
func (s *suite) dbUniqueViolations(t *testing.T) {
	col := &dbColliderStore{}
	outbox := mail.NewOutbox()
	e := s.newEnv(t, col.install, accountsMode(outbox, core.VerifyNone))
	e.createUser(t, newUser("alice"))

	t.Run("registration", func(t *testing.T) {
		col.arm("user")
		e.do(t, http.MethodPost, e.path("registration/"), register("racer", "racer@example.com", defaultPassword)).
			want(t, http.StatusBadRequest, `{"username":["A user with that username already exists."]}`)
	})
	t.Run("token digest", func(t *testing.T) {
		col.arm("token")
		dbWantUnavailable(t, e.do(t, http.MethodPost, e.path("login/"), jsonObject("username", "alice", "password", defaultPassword)))
		e.login(t, "alice", defaultPassword)
	})
	t.Run("refresh jti", func(t *testing.T) {
		jcol := &dbColliderStore{}
		j := s.newEnv(t, jcol.install, jwtMode(newClock()))
		j.createUser(t, newUser("alice"))
		jcol.arm("refresh")
		dbWantUnavailable(t, j.do(t, http.MethodPost, j.path("login/"), jsonObject("username", "alice", "password", defaultPassword)))
		j.loginJWT(t, "alice")
	})
}

// dbOverLong: values longer than their column are refused with a 400
// before the database sees them, so no store (MySQL in a non-strict
// sql_mode included) can truncate two names into one; sqlstore also
// forces and checks a strict sql_mode at Open (sqlstore/url_mysql.go,
// migrate_test.go).
func (s *suite) dbOverLong(t *testing.T) {
	outbox := mail.NewOutbox()
	e := s.newEnv(t, accountsMode(outbox, core.VerifyNone))
	long := strings.Repeat("u", core.MaxUsernameLength)
	u := e.createUser(t, newUser(long))
	over := long + "x"
	res := e.do(t, http.MethodPost, e.path("registration/"), register(over, "over@example.com", defaultPassword))
	res.wantStatus(t, http.StatusBadRequest)
	if !bytes.Contains(res.body, []byte(`"username"`)) {
		t.Errorf("over-long username: %s, want a username error", res.body)
	}
	longEmail := strings.Repeat("e", 64) + "@" + strings.Repeat("d", 63) + "." + strings.Repeat("d", 63) + "." + strings.Repeat("d", 63) + ".com"
	res = e.do(t, http.MethodPost, e.path("registration/"), register("longmail", longEmail, defaultPassword))
	res.wantStatus(t, http.StatusBadRequest)
	if !bytes.Contains(res.body, []byte(`"email"`)) {
		t.Errorf("over-long email: %s, want an email error", res.body)
	}
	// Login with over-long identifiers is a plain bad-credentials answer.
	for _, f := range []string{"username", "email"} {
		e.do(t, http.MethodPost, e.path("login/"), jsonObject(f, over+"@example.com", "password", defaultPassword)).wantStatus(t, http.StatusBadRequest)
	}
	key := e.login(t, long, defaultPassword)
	auth := []string{"Authorization", tokenHeader(key)}
	for _, body := range []string{
		jsonObject("first_name", strings.Repeat("f", core.MaxNameLength+1)),
		jsonObject("last_name", strings.Repeat("l", core.MaxNameLength+1)),
		jsonObject("username", over),
	} {
		e.do(t, http.MethodPatch, e.path("user/"), body, auth...).wantStatus(t, http.StatusBadRequest)
	}
	// Nothing was truncated into an existing name, nothing was changed.
	e.do(t, http.MethodPost, e.path("login/"), jsonObject("username", over, "password", defaultPassword)).wantStatus(t, http.StatusBadRequest)
	e.do(t, http.MethodGet, e.path("user/"), "", auth...).want(t, http.StatusOK, detailsJSON(u.ID, long, long+"@example.com", "", ""))
}

// dbAppClock: expiries come from the application clock, whatever time
// zone its times carry (a database session zone other than UTC cannot
// stretch them either: sqlstore stores UTC microseconds, see
// sqlstore/times.go). A DB token with a lifetime and a JWT pair minted
// under clocks in UTC+14 and UTC-12 expire exactly on time.
func (s *suite) dbAppClock(t *testing.T) {
	in := func(clk *clock, zone *time.Location) func(*core.Config) {
		return func(c *core.Config) { c.Now = func() time.Time { return clk.Now().In(zone) } }
	}
	t.Run("DB token, UTC+14", func(t *testing.T) {
		clk := newClock()
		e := s.newEnv(t, func(c *core.Config) { c.TokenLifetime = time.Hour }, in(clk, time.FixedZone("UTC+14", 14*3600)))
		e.createUser(t, newUser("alice"))
		auth := []string{"Authorization", tokenHeader(e.login(t, "alice", defaultPassword))}
		clk.advance(time.Hour - time.Second)
		e.do(t, http.MethodGet, "/api/protected/", "", auth...).wantApp(t, map[string]string{"username": "alice"})
		clk.advance(2 * time.Second)
		e.do(t, http.MethodGet, "/api/protected/", "", auth...).wantStatus(t, http.StatusUnauthorized)
	})
	t.Run("JWT, UTC-12", func(t *testing.T) {
		clk := newClock()
		j := s.newEnv(t, jwtMode(clk), in(clk, time.FixedZone("UTC-12", -12*3600)))
		j.createUser(t, newUser("alice"))
		l := j.loginJWT(t, "alice")
		bearer := []string{"Authorization", "Bearer " + l.access}
		clk.advance(core.DefaultAccessLifetime - time.Second)
		j.do(t, http.MethodGet, "/api/protected/", "", bearer...).wantApp(t, map[string]string{"username": "alice"})
		clk.advance(2 * time.Second)
		j.do(t, http.MethodGet, "/api/protected/", "", bearer...).wantStatus(t, http.StatusUnauthorized)
		clk.advance(core.DefaultRefreshLifetime - core.DefaultAccessLifetime)
		j.do(t, http.MethodPost, j.path("token/refresh/"), jsonObject("refresh", l.refresh)).wantStatus(t, http.StatusUnauthorized)
	})
}
