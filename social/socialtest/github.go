package socialtest

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// GitHub is a local stand-in for GitHub's documented OAuth and REST
// endpoints, on 127.0.0.1, for tests of the GitHub provider:
//
//	GET  /login/oauth/authorize           signs in the queued user, redirects with ?code
//	POST /login/oauth/access_token        code (single use, PKCE) → {"access_token",…};
//	                                      a bad code is 200 {"error":"bad_verification_code"}, as GitHub answers
//	POST /applications/{client_id}/token  basic auth with the app's credentials: 200 for
//	                                      the app's own token, 404 for any other
//	GET  /user, /user/emails              the token's user; 401 without a valid token,
//	                                      /user/emails 404 without the user:email scope
//
// Its web and API endpoints share one server: set GitHubConfig's WebURL
// and APIURL both to URL, or WebURL to URL and APIURL to URL+"/api/v3",
// GitHub Enterprise Server's layout.
type GitHub struct {
	srv *httptest.Server
	// ClientID and ClientSecret are the registered app's.
	ClientID, ClientSecret string

	mu     sync.Mutex
	queued []GitHubUser
	codes  map[string]ghGrant  // code → grant, deleted when exchanged
	tokens map[string]ghGrant  // access token → grant
	users  map[int64]ghAccount // id → user
	down   bool
}

// GitHubUser is a user of the stand-in.
type GitHubUser struct {
	ID    int64
	Login string
	Name  string
	// Emails are the user's addresses; the first is the primary.
	Emails []GitHubEmail
}

// GitHubEmail is one address of a GitHubUser.
type GitHubEmail struct {
	Email    string
	Verified bool
}

type ghAccount = GitHubUser

type ghGrant struct {
	user      int64
	clientID  string
	scopes    []string
	challenge string // PKCE S256 challenge, "" without
	redirect  string
}

// StartGitHub starts the stand-in with one registered app, stopped when
// t ends.
func StartGitHub(t testing.TB) *GitHub {
	t.Helper()
	g := &GitHub{ClientID: "Iv1." + randomHex(8), ClientSecret: randomHex(20),
		codes: map[string]ghGrant{}, tokens: map[string]ghGrant{}, users: map[int64]ghAccount{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /login/oauth/authorize", g.authorize)
	mux.HandleFunc("POST /login/oauth/access_token", g.accessToken)
	// The API at the root (GitHubConfig.APIURL = URL) and, like GitHub
	// Enterprise Server, under /api/v3.
	for _, api := range []string{"", "/api/v3"} {
		mux.HandleFunc("POST "+api+"/applications/{client_id}/token", g.checkToken)
		mux.HandleFunc("GET "+api+"/user", g.user)
		mux.HandleFunc("GET "+api+"/user/emails", g.emails)
	}
	g.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g.mu.Lock()
		down := g.down
		g.mu.Unlock()
		if down {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(g.srv.Close)
	return g
}

// URL is the stand-in's base URL, GitHub's web site and API in one.
func (g *GitHub) URL() string { return g.srv.URL }

// SetDown makes every endpoint answer 503 (true) or serve again.
func (g *GitHub) SetDown(down bool) {
	g.mu.Lock()
	g.down = down
	g.mu.Unlock()
}

// Queue makes u the user the next authorization signs in.
func (g *GitHub) Queue(u GitHubUser) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.users[u.ID] = u
	g.queued = append(g.queued, u)
}

// Code runs the authorization step for u as a browser would, with the
// PKCE challenge of verifier when it is not "", and returns the code.
func (g *GitHub) Code(t testing.TB, u GitHubUser, redirectURI, verifier string) string {
	t.Helper()
	g.Queue(u)
	q := url.Values{"client_id": {g.ClientID}, "redirect_uri": {redirectURI}, "state": {"s"}, "scope": {"read:user user:email"}}
	if verifier != "" {
		q.Set("code_challenge", S256(verifier))
		q.Set("code_challenge_method", "S256")
	}
	return redirectCode(t, g.URL()+"/login/oauth/authorize?"+q.Encode())
}

// Token issues an access token for u to the app clientID (another app's
// ID makes a token this app must refuse) with scopes.
func (g *GitHub) Token(u GitHubUser, clientID string, scopes ...string) string {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.users[u.ID] = u
	tok := "gho_" + randomHex(18)
	g.tokens[tok] = ghGrant{user: u.ID, clientID: clientID, scopes: scopes}
	return tok
}

func (g *GitHub) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("client_id") != g.ClientID {
		http.Error(w, "unknown client", http.StatusNotFound)
		return
	}
	g.mu.Lock()
	if len(g.queued) == 0 {
		g.mu.Unlock()
		http.Error(w, "no user signed in", http.StatusUnauthorized)
		return
	}
	u := g.queued[0]
	g.queued = g.queued[1:]
	code := randomHex(10)
	g.codes[code] = ghGrant{user: u.ID, clientID: g.ClientID, scopes: strings.Fields(q.Get("scope")),
		challenge: q.Get("code_challenge"), redirect: q.Get("redirect_uri")}
	g.mu.Unlock()
	to, _ := url.Parse(q.Get("redirect_uri"))
	v := to.Query()
	v.Set("code", code)
	v.Set("state", q.Get("state"))
	to.RawQuery = v.Encode()
	http.Redirect(w, r, to.String(), http.StatusFound)
}

// accessToken answers like GitHub: JSON when asked, and 200 with an
// "error" member for a bad code.
func (g *GitHub) accessToken(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	fail := func(code, desc string) {
		writeJSON(w, http.StatusOK, map[string]string{"error": code, "error_description": desc})
	}
	if r.PostForm.Get("client_id") != g.ClientID || subtle.ConstantTimeCompare([]byte(r.PostForm.Get("client_secret")), []byte(g.ClientSecret)) != 1 {
		fail("incorrect_client_credentials", "The client_id and/or client_secret passed are incorrect.")
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	code := r.PostForm.Get("code")
	grant, ok := g.codes[code]
	delete(g.codes, code) // single use, whatever happens next
	switch {
	case !ok:
		fail("bad_verification_code", "The code passed is incorrect or expired.")
		return
	case grant.redirect != "" && r.PostForm.Get("redirect_uri") != grant.redirect:
		fail("redirect_uri_mismatch", "The redirect_uri MUST match the registered callback URL for this application.")
		return
	case grant.challenge != "" && S256(r.PostForm.Get("code_verifier")) != grant.challenge:
		fail("bad_verification_code", "The code_verifier does not match the code_challenge.")
		return
	}
	tok := "gho_" + randomHex(18)
	g.tokens[tok] = grant
	writeJSON(w, http.StatusOK, map[string]string{"access_token": tok, "token_type": "bearer", "scope": strings.Join(grant.scopes, ",")})
}

func (g *GitHub) checkToken(w http.ResponseWriter, r *http.Request) {
	id, secret, ok := r.BasicAuth()
	if !ok || id != g.ClientID || subtle.ConstantTimeCompare([]byte(secret), []byte(g.ClientSecret)) != 1 || r.PathValue("client_id") != g.ClientID {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "Bad credentials"})
		return
	}
	var body struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"message": "Invalid request"})
		return
	}
	g.mu.Lock()
	grant, ok := g.tokens[body.AccessToken]
	g.mu.Unlock()
	if !ok || grant.clientID != g.ClientID {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"app": map[string]string{"client_id": g.ClientID}, "scopes": grant.scopes,
		"user": map[string]any{"id": grant.user}})
}

// bearer returns the grant of the request's token.
func (g *GitHub) bearer(w http.ResponseWriter, r *http.Request) (ghGrant, GitHubUser, bool) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	g.mu.Lock()
	defer g.mu.Unlock()
	grant, found := g.tokens[tok]
	if !ok || !found {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "Bad credentials"})
		return ghGrant{}, GitHubUser{}, false
	}
	return grant, g.users[grant.user], true
}

func (g *GitHub) user(w http.ResponseWriter, r *http.Request) {
	_, u, ok := g.bearer(w, r)
	if !ok {
		return
	}
	out := map[string]any{"id": u.ID, "login": u.Login, "name": u.Name, "email": nil,
		"html_url": "https://github.example/" + u.Login, "avatar_url": "https://avatars.example/u/" + strconv.FormatInt(u.ID, 10)}
	writeJSON(w, http.StatusOK, out)
}

func (g *GitHub) emails(w http.ResponseWriter, r *http.Request) {
	grant, u, ok := g.bearer(w, r)
	if !ok {
		return
	}
	scoped := false
	for _, s := range grant.scopes {
		if s == "user:email" || s == "user" {
			scoped = true
		}
	}
	if !scoped {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
		return
	}
	out := []map[string]any{}
	for i, e := range u.Emails {
		out = append(out, map[string]any{"email": e.Email, "primary": i == 0, "verified": e.Verified, "visibility": "private"})
	}
	writeJSON(w, http.StatusOK, out)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
