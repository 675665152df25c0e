package socialtest

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/social"
)

// hostileIDs lists the cases of docs/threat-model.md's group N, in the
// document's order.
var hostileIDs = []string{
	"T-SOC-01", "T-SOC-02", "T-SOC-03", "T-SOC-04", "T-SOC-05", "T-SOC-06",
	"T-SOC-07", "T-SOC-08", "T-SOC-09", "T-SOC-10", "T-SOC-11", "T-SOC-12",
	"T-SOC-13", "T-SOC-14", "T-SOC-15", "T-SOC-16", "T-SOC-17", "T-SOC-18",
}

// HostileIDs returns the IDs of the hostile cases Run runs, in the order
// of docs/threat-model.md (group N, social login). The social module's
// tests check the document lists exactly these.
func HostileIDs() []string { return append([]string(nil), hostileIDs...) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// wantRefused posts body to path and requires 400 with message code's
// text, and that the identity sub got no account.
func (e *env) wantRefused(path string, body map[string]string, code, sub string) {
	e.t.Helper()
	for _, k := range []string{"id_token", "code", "access_token", "code_verifier"} {
		e.secrets = append(e.secrets, body[k])
	}
	a := e.newClient().post(path, body)
	e.want(a, http.StatusBadRequest, social.DefaultMessage(code))
	for _, k := range []string{"id_token", "code", "access_token"} {
		if v := body[k]; len(v) > 8 && strings.Contains(a.raw, v) {
			e.t.Errorf("the error body quotes the posted %s", k)
		}
	}
	if sub != "" {
		if _, u := e.account(strings.TrimSuffix(path, "/"), sub); u != nil {
			e.t.Errorf("the refused identity %s got account %d", sub, u.ID)
		}
	}
}

// noneToken is claims under {"alg":"none"} with an empty signature.
func noneToken(claims jwt.MapClaims) string {
	enc := base64.RawURLEncoding
	h, _ := json.Marshal(map[string]string{"alg": "none", "typ": "JWT"})
	c, _ := json.Marshal(claims)
	return enc.EncodeToString(h) + "." + enc.EncodeToString(c) + "."
}

// signWith signs claims with key under kid, RS256.
func signWith(t *testing.T, key *rsa.PrivateKey, kid string, claims jwt.MapClaims) string {
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	tok.Header["kid"] = kid
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func attackerKey(t *testing.T) *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// hostile runs group N of the threat model.
func (s *suite) hostile(t *testing.T) {
	mallory := User{Subject: "sub-mallory", Email: "mallory@idp.example", EmailVerified: true}

	s.run(t, "T-SOC-01", func(t *testing.T) {
		e := s.newEnv(t, envOptions{})
		e.wantRefused("oidc/", map[string]string{"id_token": noneToken(e.op.Claims(mallory))}, social.MsgIncorrectValue, mallory.Subject)
		// HS256 keyed with the client secret (an alg confusion) is no better.
		hs := jwt.NewWithClaims(jwt.SigningMethodHS256, e.op.Claims(mallory))
		hs.Header["kid"] = e.op.KeyID(t)
		forged, _ := hs.SignedString([]byte(e.op.ClientSecret()))
		e.wantRefused("oidc/", map[string]string{"id_token": forged}, social.MsgIncorrectValue, mallory.Subject)
	})

	s.run(t, "T-SOC-02", func(t *testing.T) {
		e := s.newEnv(t, envOptions{})
		forged := signWith(t, attackerKey(t), e.op.KeyID(t), e.op.Claims(mallory))
		e.wantRefused("oidc/", map[string]string{"id_token": forged}, social.MsgIncorrectValue, mallory.Subject)
		// A genuine token with its payload swapped fails the signature.
		genuine := strings.Split(e.op.Sign(t, e.op.Claims(mallory)), ".")
		other, _ := json.Marshal(e.op.Claims(User{Subject: "sub-victim"}))
		swapped := genuine[0] + "." + base64.RawURLEncoding.EncodeToString(other) + "." + genuine[2]
		e.wantRefused("oidc/", map[string]string{"id_token": swapped}, social.MsgIncorrectValue, "sub-victim")
	})

	s.run(t, "T-SOC-03", func(t *testing.T) {
		e := s.newEnv(t, envOptions{})
		// Warm the key cache with a genuine login.
		tok := e.op.IDToken(t, alice, "")
		e.secrets = append(e.secrets, tok)
		e.loggedIn(e.newClient(), e.newClient().post("oidc/", map[string]string{"id_token": tok}))
		before := e.op.JWKSRequests()
		forged := signWith(t, attackerKey(t), "kid-unknown", e.op.Claims(mallory))
		e.wantRefused("oidc/", map[string]string{"id_token": forged}, social.MsgIncorrectValue, mallory.Subject)
		if after := e.op.JWKSRequests(); after != before+1 {
			t.Errorf("an unknown key ID fetched the key set %d times, want once", after-before)
		}
	})

	s.run(t, "T-SOC-04", func(t *testing.T) {
		e := s.newEnv(t, envOptions{})
		old, fresh := e.rotatedAfterLogin(t, alice)
		// A token under the new key is accepted (the key set is fetched
		// again); one under the retired key no longer is.
		e.loggedIn(e.newClient(), e.newClient().post("oidc/", map[string]string{"id_token": fresh}))
		e.wantRefused("oidc/", map[string]string{"id_token": old}, social.MsgIncorrectValue, "")
	})

	s.run(t, "T-SOC-05", func(t *testing.T) {
		e := s.newEnv(t, envOptions{})
		for name, change := range map[string]func(c jwt.MapClaims){
			"another audience":          func(c jwt.MapClaims) { c["aud"] = []string{"another-client"} },
			"several audiences, no azp": func(c jwt.MapClaims) { c["aud"] = []string{e.op.ClientID(), "another-client"} },
			"several audiences, foreign azp": func(c jwt.MapClaims) {
				c["aud"], c["azp"] = []string{e.op.ClientID(), "another-client"}, "another-client"
			},
			"foreign azp": func(c jwt.MapClaims) { c["azp"] = "another-client" },
			"no audience": func(c jwt.MapClaims) { delete(c, "aud") },
		} {
			t.Run(name, func(t *testing.T) {
				c := e.op.Claims(mallory)
				change(c)
				e.wantRefused("oidc/", map[string]string{"id_token": e.op.Sign(t, c)}, social.MsgIncorrectValue, mallory.Subject)
			})
		}
	})

	s.run(t, "T-SOC-06", func(t *testing.T) {
		e := s.newEnv(t, envOptions{})
		for _, iss := range []string{"https://evil.example", e.op.Issuer() + "/", strings.ToUpper(e.op.Issuer()), ""} {
			c := e.op.Claims(mallory)
			c["iss"] = iss
			e.wantRefused("oidc/", map[string]string{"id_token": e.op.Sign(t, c)}, social.MsgIncorrectValue, mallory.Subject)
		}
	})

	s.run(t, "T-SOC-07", func(t *testing.T) {
		e := s.newEnv(t, envOptions{})
		now := time.Now()
		for name, change := range map[string]func(c jwt.MapClaims){
			"expired":          func(c jwt.MapClaims) { c["exp"] = now.Add(-time.Minute).Unix() },
			"no expiry":        func(c jwt.MapClaims) { delete(c, "exp") },
			"issued in future": func(c jwt.MapClaims) { c["iat"] = now.Add(time.Hour).Unix() },
			"no issue time":    func(c jwt.MapClaims) { delete(c, "iat") },
			"not yet valid":    func(c jwt.MapClaims) { c["nbf"] = now.Add(time.Hour).Unix() },
		} {
			t.Run(name, func(t *testing.T) {
				c := e.op.Claims(mallory)
				change(c)
				e.wantRefused("oidc/", map[string]string{"id_token": e.op.Sign(t, c)}, social.MsgIncorrectValue, mallory.Subject)
			})
		}
	})

	s.run(t, "T-SOC-08", func(t *testing.T) {
		e := s.newEnv(t, envOptions{})
		// A token obtained for another authorization (another nonce), or
		// with none, is refused when the client names its nonce.
		tok := e.op.IDToken(t, mallory, "nonce-of-another-flow")
		e.wantRefused("oidc/", map[string]string{"id_token": tok, "nonce": "my-nonce"}, social.MsgIncorrectValue, mallory.Subject)
		tok = e.op.IDToken(t, mallory, "")
		e.wantRefused("oidc/", map[string]string{"id_token": tok, "nonce": "my-nonce"}, social.MsgIncorrectValue, mallory.Subject)
		code, verifier := e.oidcCode(mallory, "nonce-of-another-flow")
		e.wantRefused("oidc/", map[string]string{"code": code, "code_verifier": verifier, "nonce": "my-nonce"}, social.MsgIncorrectValue, mallory.Subject)
	})

	s.run(t, "T-SOC-09", func(t *testing.T) {
		e := s.newEnv(t, envOptions{})
		code, verifier := e.oidcCode(alice, "")
		e.loggedIn(e.newClient(), e.newClient().post("oidc/", map[string]string{"code": code, "code_verifier": verifier}))
		// Replayed: the provider refuses the used code.
		e.wantRefused("oidc/", map[string]string{"code": code, "code_verifier": verifier}, social.MsgCodeExchange, "")
		// Intercepted without the verifier, or with a wrong one.
		code, _ = e.oidcCode(mallory, "")
		e.wantRefused("oidc/", map[string]string{"code": code}, social.MsgCodeExchange, mallory.Subject)
		code, _ = e.oidcCode(mallory, "")
		e.wantRefused("oidc/", map[string]string{"code": code, "code_verifier": "guessed-verifier-000000"}, social.MsgCodeExchange, mallory.Subject)
		e.wantRefused("oidc/", map[string]string{"code": "made-up-code"}, social.MsgCodeExchange, "")
		// GitHub likewise.
		ghCode := e.gh.Code(t, octocat, RedirectURI, "verifier-abcdefgh")
		e.secrets = append(e.secrets, ghCode)
		e.loggedIn(e.newClient(), e.newClient().post("github/", map[string]string{"code": ghCode, "code_verifier": "verifier-abcdefgh"}))
		e.wantRefused("github/", map[string]string{"code": ghCode, "code_verifier": "verifier-abcdefgh"}, social.MsgCodeExchange, "")
	})

	s.run(t, "T-SOC-10", func(t *testing.T) {
		e := s.newEnv(t, envOptions{})
		victim := GitHubUser{ID: 42, Login: "victim", Emails: []GitHubEmail{{Email: "victim@example.com", Verified: true}}}
		// A token the victim gave another app, replayed here.
		foreign := e.gh.Token(victim, "Iv1.another-app", "read:user", "user:email")
		e.wantRefused("github/", map[string]string{"access_token": foreign}, social.MsgIncorrectValue, "42")
		e.wantRefused("github/", map[string]string{"access_token": "gho_made_up"}, social.MsgIncorrectValue, "42")
		// OIDC: a bare access token says nothing of its audience.
		e.want(e.newClient().post("oidc/", map[string]string{"access_token": "any-access-token"}), http.StatusBadRequest,
			social.DefaultMessage(social.MsgNeedsIDToken))
	})

	s.run(t, "T-SOC-11", func(t *testing.T) {
		e := s.newEnv(t, envOptions{linking: true})
		owner := e.localUser("owner", "shared@example.com", true)
		claimant := User{Subject: "sub-claimant", Email: "shared@example.com", EmailVerified: false}
		code, verifier := e.oidcCode(claimant, "")
		e.wantRefused("oidc/", map[string]string{"code": code, "code_verifier": verifier}, social.MsgEmailTaken, claimant.Subject)
		if list, _ := e.social.SocialAccountsByUser(t.Context(), owner.ID); len(list) != 0 {
			t.Error("an unverified provider address was linked to the account holding it")
		}
		// Without a local holder, the address is taken but stays
		// unverified.
		fresh := User{Subject: "sub-fresh", Email: "fresh@example.com", EmailVerified: false}
		code, verifier = e.oidcCode(fresh, "")
		e.loggedIn(e.newClient(), e.newClient().post("oidc/", map[string]string{"code": code, "code_verifier": verifier}))
		if _, u := e.account("oidc", fresh.Subject); u == nil || u.EmailVerified {
			t.Errorf("the provider's unverified address became verified: %+v", u)
		}
	})

	s.run(t, "T-SOC-12", func(t *testing.T) {
		// Linking off: a verified address at the provider opens nothing.
		e := s.newEnv(t, envOptions{})
		victim := e.localUser("victim", "victim@example.com", true)
		attacker := User{Subject: "sub-attacker", Email: "Victim@Example.com", EmailVerified: true}
		code, verifier := e.oidcCode(attacker, "")
		e.wantRefused("oidc/", map[string]string{"code": code, "code_verifier": verifier}, social.MsgEmailTaken, attacker.Subject)
		// Linking on, but the local address was never verified (someone
		// registered it without owning it, or the owner has not yet).
		e2 := s.newEnv(t, envOptions{linking: true})
		unverified := e2.localUser("victim", "victim@example.com", false)
		code, verifier = e2.oidcCode(attacker, "")
		e2.wantRefused("oidc/", map[string]string{"code": code, "code_verifier": verifier}, social.MsgEmailTaken, attacker.Subject)
		for _, x := range []struct {
			e *env
			u *core.User
		}{{e, victim}, {e2, unverified}} {
			if list, _ := x.e.social.SocialAccountsByUser(t.Context(), x.u.ID); len(list) != 0 {
				t.Errorf("the victim's account got a social account: %+v", list)
			}
		}
	})

	s.run(t, "T-SOC-13", func(t *testing.T) {
		e := s.newEnv(t, envOptions{})
		code, verifier := e.oidcCode(alice, "")
		e.loggedIn(e.newClient(), e.newClient().post("oidc/", map[string]string{"code": code, "code_verifier": verifier}))
		_, owner := e.account("oidc", alice.Subject)
		e.localUser("mal", "mal@example.com", true)
		c := e.newClient()
		e.passwordLogin(c, "mal")
		code, verifier = e.oidcCode(alice, "")
		e.secrets = append(e.secrets, code)
		e.want(c.post("oidc/connect/", map[string]string{"code": code, "code_verifier": verifier}), http.StatusBadRequest,
			social.DefaultMessage(social.MsgConnectedElsewhere))
		if _, now := e.account("oidc", alice.Subject); now == nil || now.ID != owner.ID {
			t.Errorf("the identity moved to %+v", now)
		}
		if got := c.socialProviders(); len(got) != 0 {
			t.Errorf("mal's socialaccounts/ lists %v", got)
		}
	})

	s.run(t, "T-SOC-14", func(t *testing.T) {
		e := s.newEnv(t, envOptions{mode: modeJWT})
		e.localUser("bob", "bob@example.com", true)
		c := e.newClient()
		e.passwordLogin(c, "bob")
		code, verifier := e.oidcCode(alice, "")
		c.noCSRF = true
		a := c.post("oidc/connect/", map[string]string{"code": code, "code_verifier": verifier})
		if a.status != http.StatusForbidden || !strings.HasPrefix(a.raw, `{"detail":"CSRF Failed:`) {
			t.Fatalf("connect without the CSRF token: %d %s", a.status, a.raw)
		}
		if _, u := e.account("oidc", alice.Subject); u != nil {
			t.Error("the identity was linked without CSRF")
		}
		// A cross-site page cannot disconnect either.
		a = c.post("socialaccounts/1/disconnect/", nil, http.Header{"Origin": {"http://evil.example"}})
		if a.status != http.StatusForbidden {
			t.Errorf("cross-site disconnect: %d %s", a.status, a.raw)
		}
		c.noCSRF = false
		e.loggedIn(c, c.post("oidc/connect/", map[string]string{"code": code, "code_verifier": verifier}))
	})

	s.run(t, "T-SOC-15", func(t *testing.T) {
		e := s.newEnv(t, envOptions{mode: modeJWT})
		code, verifier := e.oidcCode(mallory, "")
		c := e.newClient()
		c.noCSRF = true
		a := c.post("oidc/", map[string]string{"code": code, "code_verifier": verifier}, http.Header{"Origin": {"http://evil.example"}})
		if a.status != http.StatusForbidden || !strings.HasPrefix(a.raw, `{"detail":"CSRF Failed: Origin checking failed`) {
			t.Fatalf("cross-site social login: %d %s", a.status, a.raw)
		}
		if _, u := e.account("oidc", mallory.Subject); u != nil {
			t.Error("a cross-site social login made an account")
		}
		for _, ck := range (&http.Response{Header: a.header}).Cookies() {
			if ck.Name != "csrftoken" {
				t.Errorf("a cross-site social login set the cookie %s", ck.Name)
			}
		}
	})

	s.run(t, "T-SOC-16", func(t *testing.T) {
		e := s.newEnv(t, envOptions{})
		c := e.newClient()
		code, verifier := e.oidcCode(alice, "")
		e.loggedIn(c, c.post("oidc/", map[string]string{"code": code, "code_verifier": verifier}))
		acc, _ := e.account("oidc", alice.Subject)
		e.want(c.post("socialaccounts/"+itoa(acc.ID)+"/disconnect/", nil), http.StatusBadRequest, social.DefaultMessage(social.MsgNoPassword))
		// With a second identity one may go, then the other may not.
		tok := e.gh.Token(octocat, e.gh.ClientID, "read:user")
		e.secrets = append(e.secrets, tok)
		e.loggedIn(c, c.post("github/connect/", map[string]string{"access_token": tok}))
		e.want(c.post("socialaccounts/"+itoa(acc.ID)+"/disconnect/", nil), http.StatusOK, "")
		gh, _ := e.account("github", "583231")
		e.want(c.post("socialaccounts/"+itoa(gh.ID)+"/disconnect/", nil), http.StatusBadRequest, social.DefaultMessage(social.MsgNoPassword))
		// Another user's account is not found, and stays.
		e.localUser("mal", "mal@example.com", true)
		m := e.newClient()
		e.passwordLogin(m, "mal")
		a := m.post("socialaccounts/"+itoa(gh.ID)+"/disconnect/", nil)
		if a.status != http.StatusNotFound || a.raw != `{"detail":"Not found."}` {
			t.Errorf("disconnecting another user's account: %d %s", a.status, a.raw)
		}
		if _, u := e.account("github", "583231"); u == nil {
			t.Error("another user's account was deleted")
		}
		if !strings.Contains(e.logs.String(), "event=social_disconnect outcome=failure") {
			t.Error("the refused disconnect left no event")
		}
	})

	s.run(t, "T-SOC-17", func(t *testing.T) {
		// Every case's log is searched for the codes, verifiers and
		// tokens it posted (env's cleanup); here the failure paths that
		// log the provider's reasons.
		e := s.newEnv(t, envOptions{})
		code, verifier := e.oidcCode(alice, "")
		e.loggedIn(e.newClient(), e.newClient().post("oidc/", map[string]string{"code": code, "code_verifier": verifier}))
		e.wantRefused("oidc/", map[string]string{"code": code, "code_verifier": verifier}, social.MsgCodeExchange, "")
		e.wantRefused("oidc/", map[string]string{"id_token": signWith(t, attackerKey(t), "k", e.op.Claims(alice))}, social.MsgIncorrectValue, "")
		e.wantRefused("github/", map[string]string{"access_token": "gho_secret_looking_token_123"}, social.MsgIncorrectValue, "")
		if !strings.Contains(e.logs.String(), "social credentials refused") {
			t.Error("refusals are not logged for the operator")
		}
	})

	s.run(t, "T-SOC-18", func(t *testing.T) {
		for _, issuer := range []string{"http://idp.example", "ftp://idp.example", "idp.example", "http://10.0.0.1"} {
			if _, err := social.NewOIDC(social.OIDCConfig{ID: "oidc", Issuer: issuer, ClientID: "c"}); err == nil {
				t.Errorf("NewOIDC accepted the issuer %q", issuer)
			}
		}
		if _, err := social.NewGitHub(social.GitHubConfig{ClientID: "c", ClientSecret: "s", WebURL: "http://github.example", APIURL: "https://api.github.com"}); err == nil {
			t.Error("NewGitHub accepted a plain-HTTP web URL")
		}
		// A discovery document pointing the token endpoint at plain HTTP
		// off the machine is refused at the first request (503), not used.
		if _, err := social.NewOIDC(social.OIDCConfig{ID: "oidc", Issuer: "http://127.0.0.1:1", ClientID: "c"}); err != nil {
			t.Errorf("NewOIDC refused a loopback development issuer: %v", err)
		}
	})
}
