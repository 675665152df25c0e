package main

import (
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/restauth/restauth/core/authtest/startertest"
)

// SimpleJWT's and DRF's answers, byte for byte.
const (
	notProvided = `{"detail":"Authentication credentials were not provided."}`
	loggedOut   = `{"detail":"Successfully logged out."}`
	invalidKey  = `{"detail":"Invalid token."}`
	blacklisted = `{"detail":"Token is blacklisted","code":"token_not_valid"}`
	// accessRevoked is an access token of a login that was revoked.
	accessRevoked = `{"detail":"Given token not valid for any token type","code":"token_not_valid",` +
		`"messages":[{"token_class":"AccessToken","token_type":"access","message":"Token is blacklisted"}]}`
	accessInvalid = `{"detail":"Given token not valid for any token type","code":"token_not_valid",` +
		`"messages":[{"token_class":"AccessToken","token_type":"access","message":"Token is invalid or expired"}]}`
	bearerChallenge = `Bearer realm="api"`
)

var keyRe = regexp.MustCompile(`^[0-9a-f]{40}$`)

// TestJWTPhone plays a phone in the default mode: it logs in with JSON,
// keeps the access and refresh tokens from the body (it has no cookie jar),
// calls the app with "Authorization: Bearer", refreshes with the body's
// refresh token (rotation: the old one is then refused and its whole login
// revoked), and logs out with the refresh token in the body.
func TestJWTPhone(t *testing.T) {
	for name, dbURL := range startertest.Databases(t) {
		t.Run(name, func(t *testing.T) {
			srv := startertest.Start(t, run, dbURL, nil)
			alice, bob := srv.CreateUser("alice", testPassword), srv.CreateUser("bob", testPassword)
			p := newPhone(t, srv.URL)
			secrets := jwtPhoneFlow(t, p, alice)
			isolationFlow(t, p, alice, bob)
			srv.WantNoSecretsLogged(append(secrets, alice.Password)...)
		})
	}
}

// TestTokenPhone plays a phone that uses DB tokens on the default (jwt)
// configuration: login also returns "key", which works as
// "Authorization: Token <key>" until logout.
func TestTokenPhone(t *testing.T) {
	for name, dbURL := range startertest.Databases(t) {
		t.Run(name, func(t *testing.T) {
			srv := startertest.Start(t, run, dbURL, nil)
			acct := srv.CreateUser("carol", testPassword)
			key := tokenPhoneFlow(t, newPhone(t, srv.URL), acct, bearerChallenge)
			srv.WantNoSecretsLogged(key, acct.Password)
		})
	}
}

// jwtLogin logs in and returns the access and refresh tokens of the body.
func jwtLogin(t *testing.T, p *phone, acct startertest.Account) (access, refresh string) {
	t.Helper()
	res := p.do("POST", "/api/auth/login/", "", jsonBody("username", acct.Username, "password", acct.Password))
	if res.status != 200 {
		t.Fatalf("login: %d %s", res.status, res.body)
	}
	body := res.json(t)
	access, _ = body["access"].(string)
	refresh, _ = body["refresh"].(string)
	if strings.Count(access, ".") != 2 || strings.Count(refresh, ".") != 2 {
		t.Fatalf("login body lacks the tokens (a phone cannot read cookies): %s", res.body)
	}
	return access, refresh
}

// jwtPhoneFlow is the JWT phone's life; it returns the secrets it saw.
func jwtPhoneFlow(t *testing.T, p *phone, acct startertest.Account) []string {
	t.Helper()
	res := p.do("POST", "/api/auth/login/", "", jsonBody("username", acct.Username, "password", acct.Password))
	if res.status != 200 {
		t.Fatalf("login: %d %s", res.status, res.body)
	}
	login := res.json(t)
	var keys []string
	for k := range login {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if got := strings.Join(keys, ","); got != "access,access_expiration,key,refresh,refresh_expiration,user" {
		t.Errorf("login body keys: %s", got)
	}
	if u, _ := login["user"].(map[string]any); u["username"] != acct.Username || u["email"] != acct.Email {
		t.Errorf("login user: %v", login["user"])
	}
	access1, _ := login["access"].(string)
	refresh1, _ := login["refresh"].(string)
	key, _ := login["key"].(string)
	if refresh1 == "" || !keyRe.MatchString(key) {
		t.Fatalf("login body: %s", res.body)
	}
	bearer := func(tok string) string { return "Bearer " + tok }

	// The app, anonymous and with the access token.
	res = p.do("GET", "/api/v1/notes", "", "")
	res.want(t, "notes anonymous", 401, notProvided)
	if got := res.header.Get("WWW-Authenticate"); got != bearerChallenge {
		t.Errorf("challenge: %q, want %q (JWT is the first method)", got, bearerChallenge)
	}
	p.do("GET", "/api/v1/notes", bearer(access1), "").want(t, "notes of a new user", 200, `[]`)
	res = p.do("POST", "/api/v1/notes", bearer(access1), `{"text":"  Buy <milk> & eggs  "}`)
	if n := res.json(t); res.status != 201 || n["text"] != "Buy <milk> & eggs" || n["id"] == nil {
		t.Errorf("add a note: %d %s", res.status, res.body)
	}
	if res.header.Get("Cache-Control") != "no-store" {
		t.Errorf("app answer is cacheable: %q", res.header.Get("Cache-Control"))
	}
	p.do("POST", "/api/v1/notes", bearer(access1), `{}`).want(t, "note without text", 400, `{"text":["This field is required."]}`)
	p.do("POST", "/api/v1/notes", bearer(access1), `{"text":`).want(t, "malformed JSON", 400,
		`{"detail":"JSON parse error - Expecting value: line 1 column 9 (char 8)"}`)
	res = p.do("GET", "/api/auth/user/", bearer(access1), "")
	if res.status != 200 || res.json(t)["username"] != acct.Username {
		t.Errorf("user/ with Bearer: %d %s", res.status, res.body)
	}
	res = p.do("GET", "/api/v1/notes", bearer("not.a.jwt"), "")
	res.want(t, "garbage Bearer", 401, accessInvalid)
	p.do("POST", "/api/auth/token/verify/", "", jsonBody("token", access1)).want(t, "verify access", 200, `{}`)

	// Refresh from the body; rotation hands out a new refresh token.
	res = p.do("POST", "/api/auth/token/refresh/", "", jsonBody("refresh", refresh1))
	if res.status != 200 {
		t.Fatalf("refresh: %d %s", res.status, res.body)
	}
	fresh := res.json(t)
	access2, _ := fresh["access"].(string)
	refresh2, _ := fresh["refresh"].(string)
	if access2 == "" || refresh2 == "" || refresh2 == refresh1 || fresh["access_expiration"] == nil || fresh["refresh_expiration"] == nil {
		t.Fatalf("refresh body (want a rotated refresh token and both expirations): %s", res.body)
	}
	if res = p.do("GET", "/api/v1/notes", bearer(access2), ""); res.status != 200 || !strings.Contains(string(res.body), "Buy <milk> & eggs") {
		t.Errorf("notes with the refreshed access token: %d %s", res.status, res.body)
	}

	// Reuse of the rotated-out refresh token: refused, and the whole login
	// (the new refresh token and every access token) is revoked.
	res = p.do("POST", "/api/auth/token/refresh/", "", jsonBody("refresh", refresh1))
	res.want(t, "reused refresh token", 401, blacklisted)
	if got := res.header.Get("WWW-Authenticate"); got != bearerChallenge {
		t.Errorf("refresh failure challenge: %q", got)
	}
	p.do("POST", "/api/auth/token/refresh/", "", jsonBody("refresh", refresh2)).want(t, "successor after reuse", 401, blacklisted)
	p.do("GET", "/api/v1/notes", bearer(access2), "").want(t, "access token after reuse", 401, accessRevoked)
	p.do("GET", "/api/v1/notes", bearer(access1), "").want(t, "first access token after reuse", 401, accessRevoked)
	p.do("POST", "/api/auth/token/verify/", "", jsonBody("token", access2)).want(t, "verify revoked access", 400,
		`{"non_field_errors":["Token is blacklisted"]}`)

	// A new login, logged out with the access token and the refresh token.
	access3, refresh3 := jwtLogin(t, p, acct)
	p.do("POST", "/api/auth/logout/", bearer(access3), jsonBody("refresh", refresh3)).want(t, "logout", 200, loggedOut)
	p.do("GET", "/api/v1/notes", bearer(access3), "").want(t, "access token after logout", 401, accessRevoked)
	p.do("POST", "/api/auth/token/refresh/", "", jsonBody("refresh", refresh3)).want(t, "refresh token after logout", 401, blacklisted)

	// A phone that lost its access token logs out with the refresh token alone.
	access4, refresh4 := jwtLogin(t, p, acct)
	p.do("POST", "/api/auth/logout/", "", jsonBody("refresh", refresh4)).want(t, "logout by refresh token", 200, loggedOut)
	p.do("GET", "/api/v1/notes", bearer(access4), "").want(t, "access token after refresh-only logout", 401, accessRevoked)
	p.do("POST", "/api/auth/token/refresh/", "", jsonBody("refresh", refresh4)).want(t, "refresh after refresh-only logout", 401, blacklisted)

	// The DB token of the first login was never used by this phone; it
	// still works (README: discard it, or use token mode) until logout.
	p.do("POST", "/api/auth/logout/", "Token "+key, "").want(t, "logout of the unused key", 200, loggedOut)
	p.do("GET", "/api/v1/notes", "Token "+key, "").want(t, "key after logout", 401, invalidKey)

	return []string{access1, refresh1, access2, refresh2, access3, refresh3, access4, refresh4, key}
}

// isolationFlow checks that a user sees only their own notes.
func isolationFlow(t *testing.T, p *phone, alice, bob startertest.Account) {
	t.Helper()
	a, _ := jwtLogin(t, p, alice)
	b, _ := jwtLogin(t, p, bob)
	if res := p.do("POST", "/api/v1/notes", "Bearer "+a, `{"text":"alice only"}`); res.status != 201 {
		t.Fatalf("alice's note: %d %s", res.status, res.body)
	}
	p.do("GET", "/api/v1/notes", "Bearer "+b, "").want(t, "bob's notes", 200, `[]`)
	if res := p.do("GET", "/api/v1/notes", "Bearer "+a, ""); !strings.Contains(string(res.body), "alice only") {
		t.Errorf("alice's notes: %d %s", res.status, res.body)
	}
}

// tokenPhoneFlow is a phone using "Authorization: Token <key>": login
// returns "key", the app works with it, logout deletes it. challenge is
// the server's WWW-Authenticate for failures. It returns the key.
func tokenPhoneFlow(t *testing.T, p *phone, acct startertest.Account, challenge string) string {
	t.Helper()
	res := p.do("POST", "/api/auth/login/", "", jsonBody("email", acct.Email, "password", acct.Password))
	key, _ := res.json(t)["key"].(string)
	if res.status != 200 || !keyRe.MatchString(key) {
		t.Fatalf("login: %d %s", res.status, res.body)
	}
	auth := "Token " + key
	p.do("GET", "/api/v1/notes", auth, "").want(t, "notes with a key", 200, `[]`)
	if res := p.do("POST", "/api/v1/notes", auth, `{"text":"from a token phone"}`); res.status != 201 {
		t.Errorf("add a note with a key: %d %s", res.status, res.body)
	}
	if res := p.do("GET", "/api/auth/user/", auth, ""); res.status != 200 || res.json(t)["username"] != acct.Username {
		t.Errorf("user/ with a key: %d %s", res.status, res.body)
	}
	p.do("POST", "/api/auth/logout/", auth, "").want(t, "logout with a key", 200, loggedOut)
	res = p.do("GET", "/api/v1/notes", auth, "")
	res.want(t, "key after logout", 401, invalidKey)
	if got := res.header.Get("WWW-Authenticate"); got != challenge {
		t.Errorf("challenge for a bad key: %q, want %q", got, challenge)
	}
	return key
}
