package authtest

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/mail"
	"github.com/restauth/restauth/core/storekit"
)

// T-CSRF-13: every unsafe request that a cookie could authenticate passes
// CSRF before any stored state changes, whatever the other credentials
// look like, and credentials that do not verify change nothing. One table
// over every unsafe endpoint × chain order × the state of each auth cookie
// (valid, stale, garbage, foreign; alone and beside the others) × CSRF
// (token and trusted Origin present, token absent, foreign Origin),
// asserting on what the store holds, not only on the status.
//
// The expectations, as a model:
//   - CSRF absent or from a foreign Origin: the victim's account and every
//     credential stay as they were. The one allowance is login and
//     registration, which ignore the credentials they are sent and are
//     guarded by their origin check (T-CSRF-10): a same-origin call
//     without the token may log someone in, and then ends the session the
//     request carried (the fixation defence of T-SESS-01).
//   - Any CSRF refusal (403) changed nothing at all, mail included.
//   - CSRF present: the request does what its valid cookies allow, as the
//     chain decides (see matrixMode.authenticatedBy), and nothing else.

// cookieState is the state of one auth cookie in a matrix case.
type cookieState int

const (
	cookieAbsent  cookieState = iota
	cookieValid               // issued to the victim and live
	cookieStale               // issued to the victim, then ended (logout, rotation)
	cookieGarbage             // not a credential at all
	cookieForeign             // valid for another deployment (other key, other store)
)

var cookieStateNames = [...]string{"absent", "valid", "stale", "garbage", "foreign"}

// The auth cookies a matrix case may carry.
const (
	kindAccess  = "access"
	kindRefresh = "refresh"
	kindSession = "sessionid"
)

// cookieSet is the state of each auth cookie of one case.
type cookieSet map[string]cookieState

func (cs cookieSet) String() string {
	var parts []string
	for _, k := range []string{kindAccess, kindRefresh, kindSession} {
		if st := cs[k]; st != cookieAbsent {
			parts = append(parts, k+"="+cookieStateNames[st])
		}
	}
	return strings.Join(parts, ",")
}

// matrixMode is one chain order.
type matrixMode struct {
	name    string
	methods []core.Method
}

func (m matrixMode) uses(meth core.Method) bool {
	for _, x := range m.methods {
		if x == meth {
			return true
		}
	}
	return false
}

// kinds lists the auth cookies the mode reads.
func (m matrixMode) kinds() []string {
	var k []string
	if m.uses(core.MethodJWT) {
		k = append(k, kindAccess, kindRefresh)
	}
	if m.uses(core.MethodSession) {
		k = append(k, kindSession)
	}
	return k
}

// matrixSets returns the cookie sets of the cookie-driven endpoints: each
// cookie alone in every state, each valid one beside stale or garbage
// others, and all valid. A mode without cookie auth gets garbage cookies of
// every kind, which must change nothing.
func (m matrixMode) matrixSets() []cookieSet {
	kinds := m.kinds()
	if len(kinds) == 0 {
		return []cookieSet{{kindAccess: cookieGarbage, kindRefresh: cookieGarbage, kindSession: cookieGarbage}}
	}
	var sets []cookieSet
	for _, k := range kinds {
		for _, st := range []cookieState{cookieValid, cookieStale, cookieGarbage, cookieForeign} {
			sets = append(sets, cookieSet{k: st})
		}
	}
	if len(kinds) > 1 {
		for _, k := range kinds {
			for _, others := range []cookieState{cookieStale, cookieGarbage} {
				cs := cookieSet{}
				for _, o := range kinds {
					cs[o] = others
				}
				cs[k] = cookieValid
				sets = append(sets, cs)
			}
		}
		all := cookieSet{}
		for _, k := range kinds {
			all[k] = cookieValid
		}
		sets = append(sets, all)
	}
	return sets
}

// csrfCondition is how a case's request looks to the CSRF check.
type csrfCondition int

const (
	csrfPresent     csrfCondition = iota // the app's Origin and the csrftoken echoed in X-CSRFToken
	csrfAbsent                           // the app's Origin, no X-CSRFToken
	csrfWrongOrigin                      // a foreign Origin, with the token
)

var csrfConditionNames = [...]string{"csrf-present", "csrf-absent", "foreign-origin"}

// matrixEndpoint is one unsafe request of the table.
type matrixEndpoint struct {
	name, method, path string
	// cookieDriven endpoints authenticate or act on the auth cookies; the
	// others ignore them and run with fewer cookie sets.
	cookieDriven bool
	jwtOnly      bool
	// anonymous endpoints ignore credentials (login CSRF applies).
	anonymous bool
	body      func(m *matrixRun, v *matrixVictim) string
}

var matrixEndpoints = []matrixEndpoint{
	{name: "login", method: http.MethodPost, path: "login/", cookieDriven: true, anonymous: true,
		body: func(*matrixRun, *matrixVictim) string {
			return jsonObject("username", "bystander", "password", defaultPassword)
		}},
	{name: "logout", method: http.MethodPost, path: "logout/", cookieDriven: true},
	{name: "user-put", method: http.MethodPut, path: "user/", cookieDriven: true,
		body: func(_ *matrixRun, v *matrixVictim) string {
			return jsonObject("username", v.username, "first_name", "Mallory")
		}},
	{name: "user-patch", method: http.MethodPatch, path: "user/", cookieDriven: true,
		body: func(*matrixRun, *matrixVictim) string { return `{"first_name":"Mallory"}` }},
	{name: "password-change", method: http.MethodPost, path: "password/change/", cookieDriven: true,
		body: func(*matrixRun, *matrixVictim) string {
			return jsonObject("old_password", defaultPassword, "new_password1", "Mallory-pass-913", "new_password2", "Mallory-pass-913")
		}},
	{name: "token-refresh", method: http.MethodPost, path: "token/refresh/", cookieDriven: true, jwtOnly: true},
	{name: "token-verify", method: http.MethodPost, path: "token/verify/", jwtOnly: true, anonymous: true,
		body: func(_ *matrixRun, v *matrixVictim) string { return jsonObject("token", v.access) }},
	{name: "registration", method: http.MethodPost, path: "registration/", anonymous: true,
		body: func(m *matrixRun, _ *matrixVictim) string {
			m.registered++
			name := "newcomer" + strconv.Itoa(m.registered)
			return register(name, name+"@example.com", defaultPassword)
		}},
	{name: "password-reset", method: http.MethodPost, path: "password/reset/", anonymous: true,
		body: func(_ *matrixRun, v *matrixVictim) string { return jsonObject("email", v.username+"@example.com") }},
	{name: "password-reset-confirm", method: http.MethodPost, path: "password/reset/confirm/", anonymous: true,
		body: func(*matrixRun, *matrixVictim) string {
			return resetConfirmBody("1", "bogus-0123456789abcdef0123456789abcdef", "Mallory-pass-913")
		}},
	{name: "verify-email", method: http.MethodPost, path: "registration/verify-email/", anonymous: true,
		body: func(*matrixRun, *matrixVictim) string { return `{"key":"bogus"}` }},
	{name: "resend-email", method: http.MethodPost, path: "registration/resend-email/", anonymous: true,
		body: func(_ *matrixRun, v *matrixVictim) string { return jsonObject("email", v.username+"@example.com") }},
}

// bodyFor renders the endpoint's request body for victim v ("" for none).
func (ep matrixEndpoint) bodyFor(m *matrixRun, v *matrixVictim) string {
	if ep.body == nil {
		return ""
	}
	return ep.body(m, v)
}

// matrixVictim is a logged-in user whose credentials the cases carry.
type matrixVictim struct {
	id       int64
	username string
	key      string // DB token, when the mode issues one
	access   string
	refresh  string // the live refresh token (after one rotation)
	rotated  string // the refresh token rotated out: stale
	session  string
	csrf     string // the csrftoken cookie
}

// matrixRun is one mode's server and the credentials every case shares.
type matrixRun struct {
	t          *testing.T
	e          *env
	mode       matrixMode
	outbox     *mail.Outbox
	victims    int
	registered int
	// stale and foreign credentials: a logged-out login of a victim here,
	// and a live login on another deployment.
	staleAccess, staleSession     string
	foreignAccess, foreignRefresh string
	foreignSession                string
}

// csrfMatrix is the T-CSRF-13 case.
func (s *suite) csrfMatrix(t *testing.T) {
	modes := []matrixMode{
		{"token", []core.Method{core.MethodToken}},
		{"jwt", []core.Method{core.MethodJWT}},
		{"session", []core.Method{core.MethodSession}},
		{"all", []core.Method{core.MethodJWT, core.MethodToken, core.MethodSession}},
		{"session-first", []core.Method{core.MethodSession, core.MethodToken, core.MethodJWT}},
	}
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) { s.csrfMatrixMode(t, mode) })
	}
}

// matrixConfig configures a server of mode, trusting the app's origin.
func matrixConfig(mode matrixMode, clk *clock, outbox *mail.Outbox, secret string) []func(*core.Config) {
	return []func(*core.Config){
		sessionMode(clk),
		accountsMode(outbox, core.VerifyNone),
		func(c *core.Config) {
			c.Methods = mode.methods
			c.SecretKey = []byte(secret)
			c.CSRF.TrustedOrigins = []string{csrfAppOrigin}
		},
	}
}

func (s *suite) csrfMatrixMode(t *testing.T, mode matrixMode) {
	clk := newClock()
	m := &matrixRun{t: t, mode: mode, outbox: mail.NewOutbox()}
	m.e = s.newEnv(t, matrixConfig(mode, clk, m.outbox, jwtSecret)...)
	m.e.createUser(t, newUser("bystander"))

	// Stale credentials: a victim's login, logged out.
	if len(mode.kinds()) > 0 {
		old := m.newVictim(t)
		res := m.send(t, http.MethodPost, "logout/", "", old, cookieSet{kindAccess: cookieValid, kindRefresh: cookieValid, kindSession: cookieValid}, csrfPresent)
		res.wantStatus(t, http.StatusOK)
		m.staleAccess, m.staleSession = old.access, old.session

		// Foreign credentials: another deployment of the same mode.
		other := s.newEnv(t, matrixConfig(mode, newClock(), mail.NewOutbox(), jwtSecret+"-other-deployment")...)
		other.createUser(t, newUser("victim1"))
		fl := other.do(t, http.MethodPost, other.path("login/"), jsonObject("username", "victim1", "password", defaultPassword))
		if fl.status != http.StatusOK && fl.status != http.StatusNoContent {
			t.Fatalf("foreign login: %d %s", fl.status, fl.body)
		}
		ck := fl.cookies()
		m.foreignAccess, m.foreignRefresh, m.foreignSession = cookieValue(ck, kindAccess), cookieValue(ck, kindRefresh), cookieValue(ck, kindSession)
		other.secrets.add(m.foreignAccess, m.foreignRefresh, m.foreignSession)
	}

	shared := m.newVictim(t)
	for _, ep := range matrixEndpoints {
		if ep.jwtOnly && !mode.uses(core.MethodJWT) {
			continue
		}
		sets := mode.matrixSets()
		if !ep.cookieDriven {
			sets = []cookieSet{{kindAccess: cookieValid, kindRefresh: cookieValid, kindSession: cookieValid},
				{kindAccess: cookieGarbage, kindRefresh: cookieGarbage, kindSession: cookieGarbage}}
		}
		for _, cs := range sets {
			for _, cond := range []csrfCondition{csrfAbsent, csrfWrongOrigin} {
				m.refused(t, ep, shared, cs, cond)
			}
			m.allowed(t, ep, m.newVictim(t), cs)
		}
	}
}

// refused runs a case without valid CSRF: the victim's state must not
// change (but for login's and registration's allowance), and a 403 must
// have changed nothing at all.
func (m *matrixRun) refused(t *testing.T, ep matrixEndpoint, v *matrixVictim, cs cookieSet, cond csrfCondition) {
	t.Helper()
	body := ep.bodyFor(m, v)
	before := m.snapshot(t, v)
	name := ep.name + " " + cs.String() + " " + csrfConditionNames[cond]
	m.wantLive(t, name, before, cs)
	res := m.send(t, ep.method, ep.path, body, v, cs, cond)
	after := m.snapshot(t, v)
	if res.status == http.StatusInternalServerError || res.status == http.StatusServiceUnavailable {
		t.Errorf("%s: %d %s", name, res.status, res.body)
	}
	if res.status == http.StatusForbidden {
		if !strings.HasPrefix(string(res.body), csrfFailPrefix) && !strings.Contains(string(res.body), "credentials were not provided") &&
			!strings.Contains(string(res.body), "not valid") {
			t.Errorf("%s: 403 %s", name, res.body)
		}
		if diff := before.diff(after, true); diff != "" {
			t.Errorf("%s: refused with 403 but changed %s", name, diff)
		}
		return
	}
	if ep.anonymous && cond == csrfAbsent && m.mode.uses(core.MethodSession) && before.sessionLive && !after.sessionLive {
		// Login's fixation defence ended the session: the shared victim
		// needs a new one for the cases that follow.
		after.sessionLive = true
		defer func() { *v = *m.newVictim(t) }()
	}
	if diff := before.diff(after, false); diff != "" {
		t.Errorf("%s: answered %d %s and changed %s", name, res.status, res.body, diff)
	}
}

// wantLive fails t unless the credentials that cs calls valid are live
// before the case: a case whose "valid" cookie is already dead tests
// nothing.
func (m *matrixRun) wantLive(t *testing.T, name string, st victimState, cs cookieSet) {
	t.Helper()
	if m.mode.uses(core.MethodSession) && cs[kindSession] == cookieValid && !st.sessionLive {
		t.Fatalf("%s: the victim's session is not live before the case", name)
	}
	if m.mode.uses(core.MethodJWT) && (cs[kindAccess] == cookieValid || cs[kindRefresh] == cookieValid) && (st.familyRevoked || st.refreshUsed) {
		t.Fatalf("%s: the victim's JWT login is not live before the case", name)
	}
}

// allowed runs a case with valid CSRF on a fresh victim: the request does
// exactly what the model says its valid cookies allow.
func (m *matrixRun) allowed(t *testing.T, ep matrixEndpoint, v *matrixVictim, cs cookieSet) {
	t.Helper()
	body := ep.bodyFor(m, v)
	before := m.snapshot(t, v)
	name := ep.name + " " + cs.String() + " " + csrfConditionNames[csrfPresent]
	m.wantLive(t, name, before, cs)
	res := m.send(t, ep.method, ep.path, body, v, cs, csrfPresent)
	after := m.snapshot(t, v)
	if strings.HasPrefix(string(res.body), csrfFailPrefix) || res.status >= 500 {
		t.Errorf("%s: %d %s", name, res.status, res.body)
		return
	}
	want := before
	jwt, sessions := m.mode.uses(core.MethodJWT), m.mode.uses(core.MethodSession)
	by := m.mode.authenticatedBy(cs)
	switch ep.name {
	case "login", "registration":
		// The fixation defence ends the session the request carried.
		if sessions && cs[kindSession] == cookieValid {
			want.sessionLive = false
		}
	case "logout":
		if sessions && cs[kindSession] == cookieValid {
			want.sessionLive = false
		}
		if jwt && (cs[kindRefresh] == cookieValid || cs[kindRefresh] == cookieStale || by == core.MethodJWT) {
			want.familyRevoked = true
		}
	case "user-put", "user-patch":
		if by != "" {
			want.user.FirstName = "Mallory"
		}
	case "password-change":
		if by != "" {
			if after.user.PasswordHash == before.user.PasswordHash {
				t.Errorf("%s: %d %s: the password did not change", name, res.status, res.body)
			}
			want.user.PasswordHash, want.user.TokenEpoch = after.user.PasswordHash, after.user.TokenEpoch
			// Every other credential of the user ends; the one that made
			// the request is kept (a session under a new ID).
			want.tokenLive = false
			want.familyRevoked = jwt && by != core.MethodJWT
			if by == core.MethodSession {
				want.sessionLive = false
			}
		}
	case "token-refresh":
		switch cs[kindRefresh] {
		case cookieValid:
			want.refreshUsed = true
		case cookieStale:
			want.familyRevoked = true // reuse of a rotated-out token
		}
	}
	if diff := want.diff(after, false); diff != "" {
		t.Errorf("%s: answered %d %s; stored state differs from the model: %s", name, res.status, res.body, diff)
	}
}

// authenticatedBy is the method that authenticates cookies cs ("" for none).
func (m matrixMode) authenticatedBy(cs cookieSet) core.Method {
	for _, meth := range m.methods {
		switch meth {
		case core.MethodJWT:
			if st := cs[kindAccess]; st != cookieAbsent {
				if st == cookieValid {
					return core.MethodJWT
				}
				return ""
			}
		case core.MethodSession:
			if cs[kindSession] == cookieValid {
				return core.MethodSession
			}
		}
	}
	return ""
}

// newVictim creates a user, logs it in (every credential of the mode) and,
// with JWT, rotates its refresh token once, keeping the rotated-out one.
func (m *matrixRun) newVictim(t *testing.T) *matrixVictim {
	t.Helper()
	m.victims++
	e := m.e
	v := &matrixVictim{username: "victim" + strconv.Itoa(m.victims)}
	v.id = e.createUser(t, newUser(v.username)).ID
	res := e.do(t, http.MethodPost, e.path("login/"), jsonObject("username", v.username, "password", defaultPassword))
	if res.status != http.StatusOK && res.status != http.StatusNoContent {
		t.Fatalf("victim login: %d %s", res.status, res.body)
	}
	ck := res.cookies()
	v.access, v.refresh, v.session, v.csrf = cookieValue(ck, kindAccess), cookieValue(ck, kindRefresh), cookieValue(ck, kindSession), cookieValue(ck, "csrftoken")
	if k := csrfKeyInBodyRe.FindSubmatch(res.body); k != nil {
		v.key = string(k[1])
	} else if k := keyRe.FindSubmatch(res.body); k != nil {
		v.key = string(k[1])
	}
	if m.mode.uses(core.MethodJWT) {
		r := e.do(t, http.MethodPost, e.path("token/refresh/"), jsonObject("refresh", v.refresh))
		r.wantStatus(t, http.StatusOK)
		v.rotated, v.refresh = v.refresh, cookieValue(r.cookies(), kindRefresh)
		v.access = cookieValue(r.cookies(), kindAccess)
	}
	e.secrets.add(v.key, v.access, v.refresh, v.rotated, v.session, v.csrf)
	return v
}

func cookieValue(ck map[string]*http.Cookie, name string) string {
	if c := ck[name]; c != nil {
		return c.Value
	}
	return ""
}

// cookie returns the value a case sends for the auth cookie kind in state st.
func (m *matrixRun) cookie(v *matrixVictim, kind string, st cookieState) string {
	switch st {
	case cookieValid:
		return map[string]string{kindAccess: v.access, kindRefresh: v.refresh, kindSession: v.session}[kind]
	case cookieStale:
		return map[string]string{kindAccess: m.staleAccess, kindRefresh: v.rotated, kindSession: m.staleSession}[kind]
	case cookieForeign:
		return map[string]string{kindAccess: m.foreignAccess, kindRefresh: m.foreignRefresh, kindSession: m.foreignSession}[kind]
	case cookieGarbage:
		return map[string]string{kindAccess: "not.a.token", kindRefresh: "garbage-refresh", kindSession: "0123456789abcdefghij0123456789ab"}[kind]
	}
	return ""
}

// send sends one case: the app's Host (behind its TLS proxy), the cookies
// of cs, the victim's csrftoken cookie, and the CSRF condition.
func (m *matrixRun) send(t *testing.T, method, path, b string, v *matrixVictim, cs cookieSet, cond csrfCondition) *response {
	t.Helper()
	var pairs []string
	for _, k := range []string{kindAccess, kindRefresh, kindSession} {
		if st := cs[k]; st != cookieAbsent {
			if val := m.cookie(v, k, st); val != "" {
				pairs = append(pairs, k+"="+val)
			}
		}
	}
	csrf := v.csrf
	if csrf == "" {
		csrf = strings.Repeat("a", 32) // a mode without cookies hands none out
	}
	pairs = append(pairs, "csrftoken="+csrf)
	header := []string{"Cookie", strings.Join(pairs, "; "), "Origin", csrfAppOrigin}
	switch cond {
	case csrfPresent:
		header = append(header, "X-CSRFToken", csrf)
	case csrfWrongOrigin:
		header = append(header, "X-CSRFToken", csrf)
		header[3] = csrfEvil
	}
	req := m.e.newRequest(t, method, m.e.path(path), strings.NewReader(b), header...)
	if b != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Host = csrfAppHost
	return m.e.send(t, req)
}

// victimState is what the store holds of a victim and its credentials.
type victimState struct {
	user          core.User
	tokenLive     bool // the DB token still authenticates
	familyRevoked bool // the JWT login is revoked
	refreshUsed   bool // the live refresh token was consumed
	sessionLive   bool // the session is stored
	mails         int  // mails sent so far (anyone's)
	registered    bool // the last registration's username is taken
}

// snapshot reads v's state from the store, not over HTTP.
func (m *matrixRun) snapshot(t *testing.T, v *matrixVictim) victimState {
	t.Helper()
	ctx := t.Context()
	e := m.e
	var st victimState
	u, err := e.store.UserByID(ctx, v.id)
	if err != nil {
		t.Fatalf("victim %s: %v", v.username, err)
	}
	st.user = *u
	if v.key != "" {
		_, _, err := e.store.UserByToken(ctx, storekit.TokenDigest(v.key))
		st.tokenLive = err == nil
	}
	if rs, ok := e.store.(core.RefreshStore); ok && v.refresh != "" {
		_, fam, err := rs.UserByRefreshFamily(ctx, jwtClaim(t, v.refresh, "fam"))
		st.familyRevoked = errors.Is(err, core.ErrNotFound) || (err == nil && !fam.Revoked.IsZero())
		if rt, _, err := rs.RefreshTokenByJTI(ctx, jwtClaim(t, v.refresh, "jti")); err == nil {
			st.refreshUsed = !rt.Used.IsZero()
		}
	}
	if v.session != "" {
		st.sessionLive = e.sessStored(t, v.session)
	}
	st.mails = len(m.outbox.Messages())
	if m.registered > 0 {
		_, err := e.store.UserByUsername(ctx, "newcomer"+strconv.Itoa(m.registered))
		st.registered = err == nil
	}
	return st
}

// diff describes how b differs from a; strict also compares mails and
// registrations.
func (a victimState) diff(b victimState, strict bool) string {
	var d []string
	x, y := a.user, b.user
	if x.Username != y.Username || x.FirstName != y.FirstName || x.LastName != y.LastName || x.Email != y.Email ||
		x.PasswordHash != y.PasswordHash || x.IsActive != y.IsActive || x.EmailVerified != y.EmailVerified ||
		x.TokenEpoch != y.TokenEpoch || !x.LastLogin.Equal(y.LastLogin) {
		d = append(d, "the account")
	}
	for _, f := range []struct {
		name string
		a, b bool
	}{
		{"the DB token", a.tokenLive, b.tokenLive},
		{"the JWT login's revocation", a.familyRevoked, b.familyRevoked},
		{"the refresh token's use", a.refreshUsed, b.refreshUsed},
		{"the session", a.sessionLive, b.sessionLive},
	} {
		if f.a != f.b {
			d = append(d, f.name+" ("+strconv.FormatBool(f.a)+" → "+strconv.FormatBool(f.b)+")")
		}
	}
	if strict && (a.mails != b.mails || a.registered != b.registered) {
		d = append(d, "mails or users")
	}
	return strings.Join(d, ", ")
}

// jwtClaimRe checks the compact shape before decoding the payload.
var jwtClaimRe = regexp.MustCompile(`^[A-Za-z0-9_-]+\.([A-Za-z0-9_-]+)\.[A-Za-z0-9_-]+$`)

// jwtClaim reads a string claim from a JWT without verifying it (the test
// knows where its tokens come from).
func jwtClaim(t *testing.T, token, name string) string {
	t.Helper()
	m := jwtClaimRe.FindStringSubmatch(token)
	if m == nil {
		t.Fatalf("not a JWT: %.12s…", token)
	}
	raw, err := base64.RawURLEncoding.DecodeString(m[1])
	if err != nil {
		t.Fatalf("JWT payload: %v", err)
	}
	var claims map[string]any
	if err := json.Unmarshal(raw, &claims); err != nil {
		t.Fatalf("JWT payload: %v", err)
	}
	s, _ := claims[name].(string)
	return s
}
