package authtest

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/restauth/restauth/core"
)

// Answers of the F lifecycle cases.
const (
	fJWTUserNotFound  = `{"detail":"User not found","code":"user_not_found"}`
	fJWTUserInactive  = `{"detail":"User is inactive","code":"user_inactive"}`
	fJWTNoActive      = `{"detail":"No active account found for the given token.","code":"no_active_account"}`
	fJWTWrongType     = `{"detail":"Token has wrong type","code":"token_not_valid"}`
	fJWTVerifyRevoked = `{"non_field_errors":["Token is blacklisted"]}`
)

// fJWTLifecycle runs the F cases about whose token it is and when it
// stops working: T-JWT-13, 16, 17, 18, 20 and 21.
func (s *suite) fJWTLifecycle(t *testing.T, c *cases, f *fJWTEnvs) {
	e := f.base
	revoked := accessError("Token is blacklisted")

	c.run(t, "T-JWT-13", func(t *testing.T) {
		// A deleted user: restauth has no deletion API, but an
		// application may remove the row; a token naming a missing user
		// is refused.
		e.fJWTRejected(t, fJWTHS256(t, fJWTPayload(fJWTClaims(f.clk.Now(), 1<<40))), fJWTUserNotFound, "")

		u := e.createUser(t, newUser("jwt13"))
		l := e.loginJWT(t, "jwt13")
		forged := fJWTHS256(t, fJWTPayload(fJWTClaims(f.clk.Now(), u.ID)))
		e.fJWTAccepted(t, forged, "jwt13")
		if err := e.store.SetActive(t.Context(), u.ID, false); err != nil {
			t.Fatal(err)
		}
		e.fJWTRejected(t, l.access, fJWTUserInactive, "")
		e.fJWTRejected(t, forged, fJWTUserInactive, "")

		// No minting path hands an inactive user a token.
		noTokens := func(t *testing.T, res *response) {
			t.Helper()
			c := res.cookies()
			if c["access"] != nil || c["refresh"] != nil || strings.Contains(string(res.body), `"access"`) {
				t.Errorf("%s minted tokens for an inactive user: %s %v", res.req, res.body, c)
			}
		}
		res := e.do(t, http.MethodPost, e.path("login/"), jsonObject("username", "jwt13", "password", defaultPassword))
		res.wantJSON(t, http.StatusBadRequest, `{"non_field_errors":["Unable to log in with provided credentials."]}`)
		noTokens(t, res)
		res = e.do(t, http.MethodPost, e.path("token/refresh/"), jsonObject("refresh", l.refresh))
		res.wantJSON(t, http.StatusUnauthorized, fJWTNoActive)
		noTokens(t, res)
		res = e.do(t, http.MethodPost, e.path("token/refresh/"), "", "Cookie", cookieHeader("refresh", l.refresh, "csrftoken", l.csrf), "X-CSRFToken", l.csrf)
		res.wantJSON(t, http.StatusUnauthorized, fJWTNoActive)
		noTokens(t, res)

		// Registration and email verification: with mandatory
		// verification neither logs the new account in.
		g := f.acct
		res = g.do(t, http.MethodPost, g.path("registration/"), register("jwt13r", "jwt13r@example.com", defaultPassword))
		res.wantJSON(t, http.StatusCreated, `{"detail":"Verification e-mail sent."}`)
		noTokens(t, res)
		key := lastLink(t, f.outbox, "jwt13r@example.com", keyLinkRe)[1]
		res = g.do(t, http.MethodPost, g.path("registration/verify-email/"), jsonObject("key", key))
		res.wantJSON(t, http.StatusOK, `{"detail":"ok"}`)
		noTokens(t, res)
	})

	c.run(t, "T-JWT-16", func(t *testing.T) {
		e.createUser(t, newUser("jwt16"))
		l1, l2, l3 := e.loginJWT(t, "jwt16"), e.loginJWT(t, "jwt16"), e.loginJWT(t, "jwt16")
		gone := func(t *testing.T, g *env, l jwtLogin) {
			t.Helper()
			g.fJWTRejected(t, l.access, revoked, "")
			g.do(t, http.MethodPost, g.path("token/verify/"), jsonObject("token", l.access)).wantJSON(t, http.StatusBadRequest, fJWTVerifyRevoked)
			g.do(t, http.MethodPost, g.path("token/refresh/"), jsonObject("refresh", l.refresh)).wantJSON(t, http.StatusUnauthorized, blacklisted)
		}
		t.Run("logout", func(t *testing.T) {
			e.do(t, http.MethodPost, e.path("logout/"), "", "Authorization", "Bearer "+l1.access).wantStatus(t, http.StatusOK)
			gone(t, e, l1)
		})
		t.Run("password change", func(t *testing.T) {
			body := jsonObject("old_password", defaultPassword, "new_password1", "Brand-new-pass-7", "new_password2", "Brand-new-pass-7")
			e.do(t, http.MethodPost, e.path("password/change/"), body, "Authorization", "Bearer "+l2.access).
				wantJSON(t, http.StatusOK, `{"detail":"New password has been saved."}`)
			gone(t, e, l3)
			// The login that made the change keeps working (docs/design.md §7).
			e.fJWTAccepted(t, l2.access, "jwt16")
		})
		t.Run("deactivation", func(t *testing.T) {
			u := e.createUser(t, newUser("jwt16d"))
			l := e.loginJWT(t, "jwt16d")
			if err := e.auth.Deactivate(t.Context(), u.ID); err != nil {
				t.Fatal(err)
			}
			gone(t, e, l)
		})
		t.Run("password reset", func(t *testing.T) {
			g := f.acct
			g.createUser(t, newUser("jwt16r"))
			l := g.loginJWT(t, "jwt16r")
			g.do(t, http.MethodPost, g.path("password/reset/"), jsonObject("email", "jwt16r@example.com")).wantStatus(t, http.StatusOK)
			sub := lastLink(t, f.outbox, "jwt16r@example.com", resetLinkRe)
			g.do(t, http.MethodPost, g.path("password/reset/confirm/"),
				jsonObject("new_password1", "Reset-pass-99", "new_password2", "Reset-pass-99", "uid", sub[1], "token", sub[2])).
				wantJSON(t, http.StatusOK, `{"detail":"Password has been reset with the new password."}`)
			gone(t, g, l)
		})
		t.Run("stateless mode: the documented deviation", func(t *testing.T) {
			// JWTConfig.Stateless trusts a valid access token without a
			// store read, so logout cannot end it early (ASVS 7.4.1
			// deviation, documented on the field): it works until exp,
			// no longer, and the login cannot be refreshed.
			g := s.newEnv(t, jwtMode(f.clk), func(c *core.Config) { c.JWT.Stateless = true })
			g.createUser(t, newUser("jwt16s"))
			l := g.loginJWT(t, "jwt16s")
			g.do(t, http.MethodPost, g.path("logout/"), "", "Authorization", "Bearer "+l.access).wantStatus(t, http.StatusOK)
			g.do(t, http.MethodGet, "/api/protected/", "", "Authorization", "Bearer "+l.access).wantStatus(t, http.StatusOK)
			g.do(t, http.MethodPost, g.path("token/refresh/"), jsonObject("refresh", l.refresh)).wantJSON(t, http.StatusUnauthorized, blacklisted)
			defer f.clk.set(f.clk.Now())
			f.clk.advance(core.DefaultAccessLifetime)
			g.fJWTForged(t, l.access)
		})
	})

	c.run(t, "T-JWT-17", func(t *testing.T) {
		e.createUser(t, newUser("jwt17"))
		l := e.loginJWT(t, "jwt17")
		// As a Bearer header and in the access cookie; token/verify/
		// accepts either type by design (SimpleJWT's TokenVerifyView).
		e.fJWTRejected(t, l.refresh, accessError("Token has wrong type"), "")
		e.do(t, http.MethodPost, "/api/protected/", "", "Cookie", cookieHeader("access", l.refresh, "csrftoken", l.csrf), "X-CSRFToken", l.csrf).
			wantJSON(t, http.StatusUnauthorized, accessError("Token has wrong type"))
		e.fJWTAccepted(t, l.access, "jwt17")
	})

	c.run(t, "T-JWT-18", func(t *testing.T) {
		e.createUser(t, newUser("jwt18"))
		l := e.loginJWT(t, "jwt18")
		refresh := e.path("token/refresh/")
		e.do(t, http.MethodPost, refresh, jsonObject("refresh", l.access)).wantJSON(t, http.StatusUnauthorized, fJWTWrongType)
		e.do(t, http.MethodPost, refresh, "", "Cookie", cookieHeader("refresh", l.access, "csrftoken", l.csrf), "X-CSRFToken", l.csrf).
			wantJSON(t, http.StatusUnauthorized, fJWTWrongType)
		e.do(t, http.MethodPost, refresh, jsonObject("refresh", l.refresh)).wantStatus(t, http.StatusOK)

		// Reset tokens ("<ts>-<hmac>") and verification keys (allauth's
		// "<pk>:<ts>:<sig>") are not JWT-shaped; neither works as an
		// access or refresh token.
		g := f.acct
		g.createUser(t, newUser("jwt18r"))
		g.do(t, http.MethodPost, g.path("password/reset/"), jsonObject("email", "jwt18r@example.com")).wantStatus(t, http.StatusOK)
		sub := lastLink(t, f.outbox, "jwt18r@example.com", resetLinkRe)
		g.do(t, http.MethodPost, g.path("registration/"), register("jwt18v", "jwt18v@example.com", defaultPassword)).wantStatus(t, http.StatusCreated)
		key := lastLink(t, f.outbox, "jwt18v@example.com", keyLinkRe)[1]
		for _, tok := range []string{sub[2], sub[1] + "." + sub[2], sub[1] + "/" + sub[2], key} {
			g.fJWTForged(t, tok)
			g.do(t, http.MethodPost, g.path("token/refresh/"), jsonObject("refresh", tok)).wantJSON(t, http.StatusUnauthorized, invalidOrExpired)
		}
	})

	c.run(t, "T-JWT-20", func(t *testing.T) {
		e.createUser(t, newUser("jwt20a"))
		e.createUser(t, newUser("jwt20b"))
		a, b := e.loginJWT(t, "jwt20a"), e.loginJWT(t, "jwt20b")
		both := []string{"Authorization", "Bearer " + a.access, "Cookie", cookieHeader("access", b.access, "csrftoken", b.csrf)}
		e.do(t, http.MethodGet, "/api/protected/", "", both...).wantApp(t, map[string]string{"username": "jwt20a"})
		// The header path needs no CSRF token even with a cookie beside
		// it, and acts for the header's user.
		e.do(t, http.MethodPost, "/api/protected/", "", both...).wantApp(t, map[string]string{"username": "jwt20a"})
		res := e.do(t, http.MethodPatch, e.path("user/"), `{"first_name":"Ada"}`, both...)
		res.wantStatus(t, http.StatusOK)
		if !strings.Contains(string(res.body), `"username":"jwt20a"`) || !strings.Contains(string(res.body), `"first_name":"Ada"`) {
			t.Errorf("PATCH acted on the wrong user: %s", res.body)
		}
		res = e.do(t, http.MethodGet, e.path("user/"), "", "Authorization", "Bearer "+b.access)
		if !strings.Contains(string(res.body), `"first_name":""`) {
			t.Errorf("the cookie's user was changed: %s", res.body)
		}
		// The header decides alone: a bad one is not rescued by a good
		// cookie.
		e.do(t, http.MethodGet, "/api/protected/", "", "Authorization", "Bearer x.y.z", "Cookie", cookieHeader("access", b.access)).
			wantJSON(t, http.StatusUnauthorized, accessError("Token is invalid or expired"))
	})

	c.run(t, "T-JWT-21", func(t *testing.T) {
		e.createUser(t, newUser("jwt21"))
		l := e.loginJWT(t, "jwt21")
		// A second access token of the same login, other bytes.
		res := e.do(t, http.MethodPost, e.path("token/refresh/"), jsonObject("refresh", l.refresh))
		res.wantStatus(t, http.StatusOK)
		var body struct{ Access string }
		if err := json.Unmarshal(res.body, &body); err != nil || body.Access == "" || res.cookies()["refresh"] == nil {
			t.Fatalf("refresh: %s", res.body)
		}
		access2, refresh2 := body.Access, res.cookies()["refresh"].Value
		e.secrets.add(access2, refresh2)
		e.do(t, http.MethodPost, e.path("logout/"), "", "Authorization", "Bearer "+l.access).wantStatus(t, http.StatusOK)

		// Revocation is keyed by the login (fam) and jti, not the bytes.
		e.fJWTRejected(t, l.access, revoked, "")
		e.fJWTRejected(t, access2, revoked, "")
		parts := strings.Split(l.access, ".")
		respaced := strings.ReplaceAll(fJWTDecode(t, parts[1]), ",", ", ")
		e.fJWTRejected(t, fJWTHS256(t, respaced), revoked, "")
		for _, v := range fJWTReencodings(l.access) {
			e.fJWTForged(t, v)
		}
		refresh := e.path("token/refresh/")
		e.do(t, http.MethodPost, refresh, jsonObject("refresh", refresh2)).wantJSON(t, http.StatusUnauthorized, blacklisted)
		for _, v := range fJWTReencodings(refresh2) {
			e.do(t, http.MethodPost, refresh, jsonObject("refresh", v)).wantJSON(t, http.StatusUnauthorized, invalidOrExpired)
		}
	})
}

// fJWTReencodings returns other spellings of token that a lenient base64
// decoder maps to the same bytes: padding, the standard alphabet, and
// non-zero unused trailing bits in the signature.
func fJWTReencodings(token string) []string {
	p := strings.Split(token, ".")
	pad := func(s string) string { return s + strings.Repeat("=", (4-len(s)%4)%4) }
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	sig := p[2]
	last := strings.IndexByte(alphabet, sig[len(sig)-1])
	std := func(s string) string {
		b, _ := base64.RawURLEncoding.DecodeString(s)
		return base64.StdEncoding.EncodeToString(b)
	}
	return []string{
		pad(p[0]) + "." + pad(p[1]) + "." + pad(p[2]),
		p[0] + "." + p[1] + "." + pad(p[2]) + "=",
		std(p[0]) + "." + std(p[1]) + "." + std(p[2]),
		p[0] + "." + p[1] + "." + sig[:len(sig)-1] + string(alphabet[last|1]),
		p[0] + "." + p[1] + "." + sig + "\u200b",
	}
}
