package storetest

import (
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/sessions"
)

// sessionName is the cookie name the suite uses (Django's).
const sessionName = "sessionid"

// Session defaults the suite expects (Django's SESSION_COOKIE_AGE).
const (
	twoWeeks      = 14 * 24 * time.Hour
	defaultMaxAge = 1209600
	neverIssuedID = "abcdefghijklmnopqrstuvwxyz012345"
)

// generatedID is the shape of every ID a store generates.
var generatedID = regexp.MustCompile(`^[a-z0-9]{32}$`)

// fakeClock is the time every store of a case reads; it is safe for
// concurrent use (cleanup goroutines read it).
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

// sessionEpoch is where every case's clock starts.
func sessionEpoch() time.Time { return time.Date(2031, 3, 4, 5, 6, 7, 0, time.UTC) }

func newFakeClock() *fakeClock { return &fakeClock{now: sessionEpoch()} }

// Now returns the clock's time.
func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// set moves the clock to sessionEpoch() + d (d may be negative).
func (c *fakeClock) set(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = sessionEpoch().Add(d)
}

// newRequest returns a request under t's context carrying the raw Cookie
// header values given, if any.
func newRequest(t *testing.T, cookieHeader ...string) *http.Request {
	r := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "https://api.example.com/api/auth/user/", nil)
	for _, h := range cookieHeader {
		r.Header.Add("Cookie", h)
	}
	return r
}

// requestWithID returns a request whose sessionid cookie is id.
func requestWithID(t *testing.T, id string) *http.Request {
	return newRequest(t, sessionName+"="+id)
}

// mustNew calls New and requires a session and no error.
func mustNew(t *testing.T, st sessions.Store, r *http.Request) *sessions.Session {
	t.Helper()
	s, err := st.New(r, sessionName)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if s == nil {
		t.Fatal("New returned a nil session")
	}
	return s
}

// save calls Save with a fresh recorder and returns it.
func save(st sessions.Store, r *http.Request, s *sessions.Session) (*httptest.ResponseRecorder, error) {
	rec := httptest.NewRecorder()
	err := st.Save(r, rec, s)
	return rec, err
}

// mustSave saves s and returns the one session cookie the response sets.
func mustSave(t *testing.T, st sessions.Store, r *http.Request, s *sessions.Session) *http.Cookie {
	t.Helper()
	rec, err := save(st, r, s)
	if err != nil {
		t.Fatalf("Save: %v", err)
	}
	return onlySessionCookie(t, rec)
}

// sessionCookies returns the session cookies rec sets, in order.
func sessionCookies(rec *httptest.ResponseRecorder) []*http.Cookie {
	var cs []*http.Cookie
	for _, c := range rec.Result().Cookies() {
		if c.Name == sessionName {
			cs = append(cs, c)
		}
	}
	return cs
}

// onlySessionCookie requires rec to set exactly one cookie, the session's.
func onlySessionCookie(t *testing.T, rec *httptest.ResponseRecorder) *http.Cookie {
	t.Helper()
	raw := rec.Result().Header.Values("Set-Cookie")
	cs := sessionCookies(rec)
	if len(raw) != 1 || len(cs) != 1 {
		t.Fatalf("Set-Cookie = %q, want exactly one %s cookie", raw, sessionName)
	}
	return cs[0]
}

// wantNoCookie requires rec to set no cookie at all.
func wantNoCookie(t *testing.T, rec *httptest.ResponseRecorder) {
	t.Helper()
	if raw := rec.Result().Header.Values("Set-Cookie"); len(raw) != 0 {
		t.Errorf("Set-Cookie = %q, want none", raw)
	}
}

// create saves a new session holding values and returns its ID; the
// cookie it sets must name that ID.
func create(t *testing.T, st sessions.Store, values map[interface{}]interface{}) string {
	t.Helper()
	r := newRequest(t)
	s := mustNew(t, st, r)
	for k, v := range values {
		s.Values[k] = v
	}
	c := mustSave(t, st, r, s)
	if !generatedID.MatchString(s.ID) {
		t.Fatalf("Save assigned ID %q, want 32 characters from [a-z0-9]", s.ID)
	}
	if c.Value != s.ID {
		t.Fatalf("cookie value %q, want the session ID %q", c.Value, s.ID)
	}
	return s.ID
}

// createWithMaxAge saves a new session whose Options.MaxAge is maxAge.
func createWithMaxAge(t *testing.T, st sessions.Store, maxAge int) string {
	t.Helper()
	r := newRequest(t)
	s := mustNew(t, st, r)
	s.Options.MaxAge = maxAge
	mustSave(t, st, r, s)
	return s.ID
}

// wantLoaded requires the request with cookie id to load that session,
// with values if values is not nil, and returns it.
func wantLoaded(t *testing.T, st sessions.Store, id string, values map[interface{}]interface{}) *sessions.Session {
	t.Helper()
	s := mustNew(t, st, requestWithID(t, id))
	if s.IsNew || s.ID != id {
		t.Fatalf("session %s…: IsNew = %v, ID = %q; want it loaded", prefix(id), s.IsNew, s.ID)
	}
	if values != nil && !reflect.DeepEqual(s.Values, values) {
		t.Errorf("session %s… Values = %#v, want %#v", prefix(id), s.Values, values)
	}
	return s
}

// wantAbsent requires the request with the raw cookie value to get a new,
// empty session and no error.
func wantAbsent(t *testing.T, st sessions.Store, value string) {
	t.Helper()
	wantNewSession(t, mustNew(t, st, requestWithID(t, value)), value)
}

// wantNewSession requires s to be a new, empty session (the cookie value
// it was asked for is only used in messages).
func wantNewSession(t *testing.T, s *sessions.Session, value string) {
	t.Helper()
	if !s.IsNew || s.ID != "" {
		t.Errorf("cookie %q: IsNew = %v, ID = %q; want a new session with ID \"\"", prefix(value), s.IsNew, s.ID)
	}
	if s.Values == nil || len(s.Values) != 0 {
		t.Errorf("cookie %q: Values = %#v, want an empty, non-nil map", prefix(value), s.Values)
	}
}

// wantDefaultOptions requires the suite's default cookie attributes.
func wantDefaultOptions(t *testing.T, o *sessions.Options) {
	t.Helper()
	if o == nil {
		t.Fatal("session Options are nil")
	}
	want := sessions.Options{Path: "/", MaxAge: defaultMaxAge, Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode}
	if *o != want {
		t.Errorf("Options = %+v, want %+v", *o, want)
	}
}

// wantSessionCookie requires c to carry id with the default attributes
// and Max-Age maxAge (0: none, a browser-session cookie).
func wantSessionCookie(t *testing.T, c *http.Cookie, id string, maxAge int) {
	t.Helper()
	if c.Name != sessionName || c.Value != id {
		t.Errorf("cookie %s=%q, want %s=%q", c.Name, c.Value, sessionName, id)
	}
	if c.Path != "/" || c.Domain != "" || !c.HttpOnly || !c.Secure || c.SameSite != http.SameSiteLaxMode {
		t.Errorf("cookie %q: want Path=/, no Domain, HttpOnly, Secure, SameSite=Lax", c.Raw)
	}
	if c.MaxAge != maxAge {
		t.Errorf("cookie %q: MaxAge %d, want %d", c.Raw, c.MaxAge, maxAge)
	}
	switch {
	case maxAge == 0 && !c.Expires.IsZero():
		t.Errorf("cookie %q: a browser-session cookie has no Expires", c.Raw)
	case maxAge > 0:
		want := time.Now().Add(time.Duration(maxAge) * time.Second)
		if d := c.Expires.Sub(want); d < -time.Hour || d > time.Hour {
			t.Errorf("cookie %q: Expires %v, want about %v", c.Raw, c.Expires, want)
		}
	}
}

// wantDeletionCookie requires c to delete the session cookie.
func wantDeletionCookie(t *testing.T, c *http.Cookie) {
	t.Helper()
	if c.Name != sessionName || c.Value != "" || c.MaxAge >= 0 || !strings.Contains(c.Raw, "Max-Age=0") {
		t.Errorf("cookie %q, want %s=\"\" with Max-Age=0", c.Raw, sessionName)
	}
	if c.Path != "/" {
		t.Errorf("deletion cookie %q: Path %q, want /", c.Raw, c.Path)
	}
	if !c.Expires.IsZero() && c.Expires.After(time.Now()) {
		t.Errorf("deletion cookie %q: Expires in the future", c.Raw)
	}
}

// deleteSession saves s with MaxAge -1 and requires a deletion cookie.
func deleteSession(t *testing.T, st sessions.Store, r *http.Request, s *sessions.Session) {
	t.Helper()
	s.Options.MaxAge = -1
	wantDeletionCookie(t, mustSave(t, st, r, s))
	if s.ID != "" {
		t.Errorf("ID after deletion = %q, want \"\"", s.ID)
	}
}

// prefix shortens an ID for messages.
func prefix(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// values is shorthand for a session value map.
func values(kv ...interface{}) map[interface{}]interface{} {
	m := make(map[interface{}]interface{}, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}
