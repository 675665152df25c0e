package authtest

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/mail"
	"github.com/restauth/restauth/core/memstore"
)

// hostileCookiesCSRF runs group H of docs/threat-model.md (Cookies, CSRF
// and cross-origin).
//
// Cookie names and attributes are the wire-compatible ones of
// docs/design.md §6 (Cookies), not the __Host-/__Secure- names a hardened
// design would pick: the names are dj-rest-auth's ("access", "refresh",
// "sessionid", "csrftoken") so that a SPA or proxy written for dj-rest-auth
// keeps working, with HttpOnly, Secure, SameSite=Lax and no Domain
// (host-only, which is what __Host- would enforce), and the refresh cookie
// limited to the auth routes. CSRF is Django's (docs/design.md §4): an
// Origin / Sec-Fetch-Site check against trusted origins, then the csrftoken
// cookie echoed in X-CSRFToken. The cases test the property each hardened
// mechanism would provide against that design.
func (s *suite) hostileCookiesCSRF(t *testing.T, c *cases) {
	envs := &csrfEnvs{s: s, t: t, clk: newClock(), outbox: mail.NewOutbox(), envs: map[string]*env{}}
	s.hostileCookies(t, c, envs)

	c.run(t, "T-CSRF-01", func(t *testing.T) {
		envs.each(t, func(t *testing.T, e *env) {
			v := csrfLogin(t, e, "csrf01")
			v.write(t, "X-CSRFToken", v.csrf, "Sec-Fetch-Site", "cross-site").csrfWantRefused(t)
			v.wantUnchanged(t)
		})
	})

	c.run(t, "T-CSRF-02", func(t *testing.T) {
		envs.each(t, func(t *testing.T, e *env) {
			v := csrfLogin(t, e, "csrf02")
			// A sibling subdomain is same-site, not same-origin: refused...
			v.write(t, "X-CSRFToken", v.csrf, "Sec-Fetch-Site", "same-site").csrfWantRefused(t)
			v.write(t, "X-CSRFToken", v.csrf, "Sec-Fetch-Site", "same-site", "Origin", "https://other.app.example").csrfWantRefused(t)
			v.wantUnchanged(t)
			// ...unless its origin is explicitly trusted.
			v.write(t, "X-CSRFToken", v.csrf, "Sec-Fetch-Site", "same-site", "Origin", csrfSibling).wantStatus(t, http.StatusOK)
		})
	})

	c.run(t, "T-CSRF-03", func(t *testing.T) {
		envs.each(t, func(t *testing.T, e *env) {
			v := csrfLogin(t, e, "csrf03")
			for _, origin := range []string{csrfEvil, "null", "https://evil.example:443", csrfAppOrigin + ".", csrfAppOrigin + " " + csrfEvil, "HTTPS://EVIL.EXAMPLE"} {
				v.write(t, "X-CSRFToken", v.csrf, "Origin", origin).csrfWantRefused(t)
			}
			v.wantUnchanged(t)
		})
	})

	c.run(t, "T-CSRF-04", func(t *testing.T) {
		// The app is public at https://app.example behind a proxy that
		// terminates TLS: requests arrive as plain HTTP (r.TLS nil) with
		// Host app.example. Configuring https://app.example fixes the
		// scheme of that host, so a plain-HTTP page on the same host
		// (MitM-able) is a foreign origin, whatever r.TLS says.
		envs.each(t, func(t *testing.T, e *env) {
			v := csrfLogin(t, e, "csrf04")
			body := `{"first_name":"Mallory"}`
			for _, origin := range []string{"http://" + csrfAppHost, "http://" + csrfAppHost + ":443", "http://" + csrfAppHost + ":80"} {
				v.send(t, http.MethodPatch, e.path("user/"), body, csrfAppHost, "X-CSRFToken", v.csrf, "Origin", origin).csrfWantRefused(t)
			}
			v.wantUnchanged(t)
			v.send(t, http.MethodPatch, e.path("user/"), `{"first_name":"Ada"}`, csrfAppHost, "X-CSRFToken", v.csrf, "Origin", csrfAppOrigin).
				wantStatus(t, http.StatusOK)
		})
	})

	c.run(t, "T-CSRF-05", func(t *testing.T) {
		envs.each(t, func(t *testing.T, e *env) {
			v := csrfLogin(t, e, "csrf05")
			for _, origin := range []string{
				"https://app.example.evil.com", "https://evil.com/app.example", "https://app.example:8443",
				"https://evil.com?app.example", "https://app.example@evil.com", "http://app.example", "app.example",
				"https://xapp.example", "https://app.example/x", "https://sibling.app.example.evil.com",
			} {
				v.write(t, "X-CSRFToken", v.csrf, "Origin", origin).csrfWantRefused(t)
			}
			v.wantUnchanged(t)
			// The default port is the same origin.
			v.send(t, http.MethodPatch, e.path("user/"), `{"first_name":"Ada"}`, "", "X-CSRFToken", v.csrf, "Origin", "https://app.example:443").
				wantStatus(t, http.StatusOK)
		})
		// Trusted origins written as bare hosts (gorilla/csrf's scheme-less
		// list) or with a path are refused at startup.
		for _, bad := range []string{"app.example", "//app.example", "app.example:443", "https://app.example/path", "ftp://app.example", "https://user@app.example"} {
			cfg := core.Config{Store: memstore.New(), CSRF: core.CSRFConfig{TrustedOrigins: []string{bad}}}
			if _, err := core.New(cfg); err == nil || !strings.Contains(err.Error(), "TrustedOrigins") {
				t.Errorf("TrustedOrigins %q: New error %v, want a refusal", bad, err)
			}
		}
	})

	c.run(t, "T-CSRF-06", func(t *testing.T) {
		// A non-browser client (no Sec-Fetch-Site, Origin or Referer) that
		// holds the cookie still needs the token: defence in depth.
		envs.each(t, func(t *testing.T, e *env) {
			v := csrfLogin(t, e, "csrf06")
			v.write(t).csrfWantRefused(t)
			v.write(t, "X-CSRFToken", "").csrfWantRefused(t)
			v.write(t, "X-CSRFToken", strings.Repeat("a", 64)).csrfWantRefused(t)
			v.write(t, "X-CSRFToken", v.csrf+"x").csrfWantRefused(t)
			v.wantUnchanged(t)
			v.send(t, http.MethodPatch, e.path("user/"), `{"first_name":"Ada"}`, "", "X-CSRFToken", v.csrf).wantStatus(t, http.StatusOK)
		})
	})

	c.run(t, "T-CSRF-07", func(t *testing.T) {
		// Django's csrftoken (a random secret in a cookie, echoed masked in
		// X-CSRFToken; docs/design.md §4), not a token bound by HMAC to the
		// session. The property holds: the attacker's own valid token does
		// not match the victim's cookie, whatever session it came from.
		envs.each(t, func(t *testing.T, e *env) {
			victim, attacker := csrfLogin(t, e, "csrf07v"), csrfLogin(t, e, "csrf07a")
			victim.write(t, "X-CSRFToken", attacker.csrf).csrfWantRefused(t)
			victim.wantUnchanged(t)
		})
	})

	c.run(t, "T-CSRF-08", func(t *testing.T) {
		// Cookie tossing: a sibling subdomain plants its own csrftoken
		// (names are dj-rest-auth's, without __Host-: docs/design.md §6) and
		// sends the matching header. A double-submit token alone would
		// pass; the origin check, which browsers cannot be made to skip,
		// refuses it. Login rotates the csrftoken, so a planted one does
		// not survive into the session either.
		envs.each(t, func(t *testing.T, e *env) {
			v := csrfLogin(t, e, "csrf08")
			planted := strings.Repeat("P", 32)
			tossed := strings.ReplaceAll(v.cookie, "csrftoken="+v.csrf, "csrftoken="+planted)
			for _, h := range [][]string{
				{"Origin", "https://attacker.app.example", "Sec-Fetch-Site", "same-site"},
				{"Sec-Fetch-Site", "same-site"},
				{"Origin", "https://attacker.app.example"},
			} {
				v.write(t, append([]string{"Cookie", tossed, "X-CSRFToken", planted}, h...)...).csrfWantRefused(t)
			}
			v.wantUnchanged(t)
			res := e.do(t, http.MethodPost, e.path("login/"), jsonObject("username", "csrf08", "password", defaultPassword), "Cookie", "csrftoken="+planted)
			if got := res.cookies()["csrftoken"]; got == nil || got.Value == planted || got.Value == "" {
				t.Errorf("login kept a planted csrftoken: %+v", got)
			}
		})
	})

	c.run(t, "T-CSRF-09", func(t *testing.T) {
		// A header credential is not ambient: no CSRF token, even with
		// cross-site signals.
		e := envs.get(t, "jwt")
		v := csrfLogin(t, e, "csrf09")
		access := ""
		for _, kv := range strings.Split(v.cookie, "; ") {
			if val, ok := strings.CutPrefix(kv, "access="); ok {
				access = val
			}
		}
		e.do(t, http.MethodPatch, e.path("user/"), `{"first_name":"Ada"}`, "Authorization", "Bearer "+access, "Origin", csrfEvil, "Sec-Fetch-Site", "cross-site").
			wantStatus(t, http.StatusOK)
		g := s.newEnv(t, sessionMode(newClock()), func(c *core.Config) { c.Methods = []core.Method{core.MethodSession, core.MethodToken} })
		g.createUser(t, newUser("csrf09"))
		tok := csrfLoginKey(t, g, "csrf09")
		g.do(t, http.MethodPatch, g.path("user/"), `{"first_name":"Ada"}`, "Authorization", tokenHeader(tok), "Origin", csrfEvil).wantStatus(t, http.StatusOK)
	})

	c.run(t, "T-CSRF-10", func(t *testing.T) {
		envs.each(t, func(t *testing.T, e *env) {
			outbox := envs.outbox
			e.createUser(t, newUser("csrf10"))
			cross := []string{"Origin", csrfEvil, "Sec-Fetch-Site", "cross-site"}
			wantNoAuthCookie := func(res *response) {
				t.Helper()
				res.csrfWantRefused(t)
				for name := range res.cookies() {
					if name != "csrftoken" {
						t.Errorf("%s: a refused request set cookie %s", res.req, name)
					}
				}
			}
			mails := len(outbox.Messages())
			wantNoAuthCookie(e.do(t, http.MethodPost, e.path("login/"), jsonObject("username", "csrf10", "password", defaultPassword), cross...))
			wantNoAuthCookie(e.do(t, http.MethodPost, e.path("registration/"), register("csrf10new", "csrf10new@example.com", defaultPassword), cross...))
			wantNoAuthCookie(e.do(t, http.MethodPost, e.path("password/reset/"), `{"email":"csrf10@example.com"}`, cross...))
			if n := len(outbox.Messages()) - mails; n != 0 {
				t.Errorf("a cross-site reset request sent %d mails", n)
			}
			// Same-origin reset to get a real link, then a cross-site confirm.
			e.do(t, http.MethodPost, e.path("password/reset/"), `{"email":"csrf10@example.com"}`).wantStatus(t, http.StatusOK)
			sub := lastLink(t, outbox, "csrf10@example.com", resetLinkRe)
			e.secrets.add(sub[2])
			confirm := jsonObject("new_password1", "Forged-pass-77", "new_password2", "Forged-pass-77", "uid", sub[1], "token", sub[2])
			wantNoAuthCookie(e.do(t, http.MethodPost, e.path("password/reset/confirm/"), confirm, cross...))
			// Nothing happened: the link is still unused (it would have died
			// with the old password hash) and the username is still free.
			e.do(t, http.MethodPost, e.path("password/reset/confirm/"), confirm).wantStatus(t, http.StatusOK)
			if res := e.do(t, http.MethodPost, e.path("registration/"), register("csrf10new", "csrf10new@example.com", defaultPassword)); res.status/100 != 2 {
				t.Errorf("%s same-origin: %d %s", res.req, res.status, res.body)
			}
		})
	})

	c.run(t, "T-CSRF-11", func(t *testing.T) {
		// restauth does no CORS: cross-origin access is the host app's
		// middleware (e.g. rs/cors) to configure. What restauth answers must
		// never grant it: no Access-Control-* header at all, so no
		// wildcard with credentials, for preflights and credentialed
		// requests from any origin. (No Vary: Origin is needed, as nothing
		// cacheable varies with it: every answer is Cache-Control: no-store.)
		envs.each(t, func(t *testing.T, e *env) {
			v := csrfLogin(t, e, "csrf11")
			var all []*response
			for _, p := range []string{e.path("login/"), e.path("user/"), e.path("logout/"), e.path("password/change/"), "/api/protected/"} {
				for _, origin := range []string{csrfEvil, "null", csrfAppOrigin} {
					all = append(all, v.send(t, http.MethodOptions, p, "", "", "Origin", origin,
						"Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type, x-csrftoken"))
					all = append(all, v.send(t, http.MethodGet, p, "", "", "Origin", origin))
				}
			}
			for _, res := range all {
				if res.status >= 500 {
					t.Errorf("%s: %d", res.req, res.status)
				}
				for name := range res.header {
					if strings.HasPrefix(strings.ToLower(name), "access-control-") {
						t.Errorf("%s: CORS header %s: %q", res.req, name, res.header.Values(name))
					}
				}
			}
		})
	})

	c.run(t, "T-CSRF-12", func(t *testing.T) {
		// CSRF is not a path-matched middleware in restauth: each endpoint
		// authenticates (and so checks CSRF) itself, and application routes
		// get it from the adapter's middleware wrapping the route. Whatever
		// path tricks a router normalises or not, either no handler runs
		// (404/301/405) or the handler that runs decides CSRF: never a
		// state change without the token.
		envs.each(t, func(t *testing.T, e *env) {
			v := csrfLogin(t, e, "csrf12")
			var tricks []string
			for _, rel := range []string{"logout", "user"} {
				tricks = append(tricks,
					"/api/auth//"+rel+"/", "//api/auth/"+rel+"/", "/api/auth/./"+rel+"/", "/api/auth/%2e/"+rel+"/",
					"/api/auth/x/../"+rel+"/", "/api/auth/x/%2e%2e/"+rel+"/", "/api/auth/%2e%2e/auth/"+rel+"/",
					"/api/auth/login/../"+rel+"/", "/api/auth/login/%2e%2e/"+rel+"/", "/api/auth/login%2F..%2F"+rel+"/",
					"/api/auth%2F"+rel+"/", "/api/auth/"+rel+"%2F", "/api/auth/"+rel+"%5C", "/api/auth%5C"+rel+"/",
					"/api/auth/"+rel, "/api/auth/"+rel+"//", "/api/auth/"+rel+"/.", "/api/auth/"+rel+"/%2e",
					"/api/auth/"+rel+";/", "/api/auth/"+rel+"/?next=/", "/api/auth/"+rel+"/%00",
					"/API/AUTH/"+strings.ToUpper(rel)+"/", "/api/auth/"+strings.ToUpper(rel)+"/", "/Api/Auth/"+rel+"/",
					"/api/auth/%"+strings.ToUpper(csrfHexByte(rel[0]))+rel[1:]+"/",
				)
			}
			tricks = append(tricks, "/api//protected/", "/API/PROTECTED/", "/api/protected", "/api/protected%2F", "/api/%2e/protected/")
			for _, p := range tricks {
				for _, m := range []string{http.MethodPost, http.MethodPatch, http.MethodPut, http.MethodDelete} {
					res := v.send(t, m, p, `{"first_name":"Mallory","username":"mallory"}`, "")
					switch {
					case res.status >= 500:
						t.Errorf("%s: %d %s", res.req, res.status, res.body)
					case res.status >= 200 && res.status < 300:
						t.Errorf("%s: %d %s without a CSRF token", res.req, res.status, res.body)
					case res.status == http.StatusForbidden && !strings.HasPrefix(string(res.body), csrfFailPrefix):
						t.Errorf("%s: 403 %s, want the CSRF failure", res.req, res.body)
					}
				}
			}
			// The login is alive and untouched: no trick logged it out or
			// wrote to the account.
			v.wantUnchanged(t)
			if got := v.firstName(t); got != "" {
				t.Errorf("first_name %q", got)
			}
		})
	})

	c.run(t, "T-CSRF-13", s.csrfMatrix)
}

// csrfHexByte is the two-digit hex code of b, for percent-encoding one letter.
func csrfHexByte(b byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[b>>4], digits[b&15]})
}

// csrfLoginKey logs username in on a server whose chain includes
// MethodToken and returns the DB token key from the answer.
func csrfLoginKey(t *testing.T, e *env, username string) string {
	t.Helper()
	res := e.do(t, http.MethodPost, e.path("login/"), jsonObject("username", username, "password", defaultPassword))
	res.wantStatus(t, http.StatusOK)
	m := csrfKeyInBodyRe.FindSubmatch(res.body)
	if m == nil {
		t.Fatalf("login body %s has no key", res.body)
	}
	e.secrets.add(string(m[1]))
	return string(m[1])
}

// hostileCookies runs T-CK-01..04; envs are group H's shared servers.
func (s *suite) hostileCookies(t *testing.T, c *cases, envs *csrfEnvs) {
	c.run(t, "T-CK-01", func(t *testing.T) {
		// Instead of __Host-/__Secure- names and a SameSite=Strict refresh
		// cookie, restauth keeps dj-rest-auth's names for wire
		// compatibility (docs/design.md §6): host-only (no Domain), Secure,
		// HttpOnly, SameSite=Lax, the refresh cookie scoped to the auth
		// routes.
		e := envs.get(t, "jwt")
		e.createUser(t, newUser("ck01"))
		res := e.do(t, http.MethodPost, e.path("login/"), jsonObject("username", "ck01", "password", defaultPassword))
		res.wantStatus(t, http.StatusOK)
		jar := res.csrfCookieHeaders(t)
		if len(jar) != 3 {
			t.Errorf("login set %d cookies, want access, refresh, csrftoken: %v", len(jar), res.header.Values("Set-Cookie"))
		}
		jar["access"].want(t, csrfCookieWant{path: "/", maxAge: 300, httpOnly: true})
		jar["refresh"].want(t, csrfCookieWant{path: e.prefix, maxAge: 86400, httpOnly: true})
		jar["csrftoken"].want(t, csrfCookieWant{path: "/", maxAge: 31449600})
		for _, ck := range jar {
			e.secrets.add(ck.value)
		}
		if exp := jar["access"].attrs["expires"]; exp != envs.clk.Now().Add(5*time.Minute).UTC().Format(http.TimeFormat) {
			t.Errorf("access Expires %q, want Max-Age after the (fake) clock", exp)
		}
		ref := e.do(t, http.MethodPost, e.path("token/refresh/"), "", "Cookie", cookieHeader("refresh", jar["refresh"].value, "csrftoken", jar["csrftoken"].value),
			"X-CSRFToken", jar["csrftoken"].value)
		ref.wantStatus(t, http.StatusOK)
		rj := ref.csrfCookieHeaders(t)
		rj["access"].want(t, csrfCookieWant{path: "/", maxAge: 300, httpOnly: true})
		rj["refresh"].want(t, csrfCookieWant{path: e.prefix, maxAge: 86400, httpOnly: true})
		for _, ck := range rj {
			e.secrets.add(ck.value)
		}

		g := envs.get(t, "session")
		g.createUser(t, newUser("ck01"))
		sres := g.do(t, http.MethodPost, g.path("login/"), jsonObject("username", "ck01", "password", defaultPassword))
		sres.wantStatus(t, http.StatusNoContent)
		sj := sres.csrfCookieHeaders(t)
		sj["sessionid"].want(t, csrfCookieWant{path: "/", maxAge: 1209600, httpOnly: true})
		sj["csrftoken"].want(t, csrfCookieWant{path: "/", maxAge: 31449600})
		for _, ck := range sj {
			g.secrets.add(ck.value)
		}
	})

	c.run(t, "T-CK-02", func(t *testing.T) {
		e := envs.get(t, "jwt")
		e.createUser(t, newUser("ck02"))
		login := e.do(t, http.MethodPost, e.path("login/"), jsonObject("username", "ck02", "password", defaultPassword))
		set := login.csrfCookieHeaders(t)
		for _, ck := range set {
			e.secrets.add(ck.value)
		}
		out := e.do(t, http.MethodPost, e.path("logout/"), "",
			"Cookie", cookieHeader("access", set["access"].value, "refresh", set["refresh"].value, "csrftoken", set["csrftoken"].value),
			"X-CSRFToken", set["csrftoken"].value)
		out.wantJSON(t, http.StatusOK, `{"detail":"Successfully logged out."}`)
		del := out.csrfCookieHeaders(t)
		del["access"].wantDeletionOf(t, set["access"])
		del["refresh"].wantDeletionOf(t, set["refresh"])
		// Anonymous logout clears them the same way.
		anon := e.do(t, http.MethodPost, e.path("logout/"), "").csrfCookieHeaders(t)
		anon["access"].wantDeletionOf(t, set["access"])
		anon["refresh"].wantDeletionOf(t, set["refresh"])

		g := envs.get(t, "session")
		g.createUser(t, newUser("ck02"))
		sset := g.do(t, http.MethodPost, g.path("login/"), jsonObject("username", "ck02", "password", defaultPassword)).csrfCookieHeaders(t)
		for _, ck := range sset {
			g.secrets.add(ck.value)
		}
		sout := g.do(t, http.MethodPost, g.path("logout/"), "",
			"Cookie", cookieHeader("sessionid", sset["sessionid"].value, "csrftoken", sset["csrftoken"].value), "X-CSRFToken", sset["csrftoken"].value)
		sout.wantStatus(t, http.StatusOK)
		sout.csrfCookieHeaders(t)["sessionid"].wantDeletionOf(t, sset["sessionid"])
		g.do(t, http.MethodPost, g.path("logout/"), "").csrfCookieHeaders(t)["sessionid"].wantDeletionOf(t, sset["sessionid"])
	})

	c.run(t, "T-CK-03", func(t *testing.T) {
		// Browsers drop a __Secure- or __Host- cookie that lacks Secure, and
		// a __Host- one with a Domain or a Path other than "/": such a
		// config would log nobody in, silently. New refuses it (and names
		// Go's http.SetCookie would drop).
		base := func(mod func(*core.Config)) core.Config {
			cfg := core.Config{Store: memstore.New(), SecretKey: []byte(jwtSecret), Methods: []core.Method{core.MethodJWT, core.MethodSession},
				Session: core.SessionConfig{Store: memstore.NewSessionStore()}}
			mod(&cfg)
			return cfg
		}
		for name, mod := range map[string]func(*core.Config){
			"insecure __Host- access":     func(c *core.Config) { c.InsecureCookies = true; c.JWT.AccessCookie = "__Host-access" },
			"insecure __Secure- refresh":  func(c *core.Config) { c.InsecureCookies = true; c.JWT.RefreshCookie = "__Secure-refresh" },
			"insecure __Host- session":    func(c *core.Config) { c.InsecureCookies = true; c.Session.CookieName = "__Host-sessionid" },
			"insecure __Secure- csrf":     func(c *core.Config) { c.InsecureCookies = true; c.CSRF.CookieName = "__Secure-csrftoken" },
			"insecure, prefix any case":   func(c *core.Config) { c.InsecureCookies = true; c.JWT.AccessCookie = "__HOST-access" },
			"__Host- refresh off Path /":  func(c *core.Config) { c.JWT.RefreshCookie = "__Host-refresh" },
			"__Host- with a Domain":       func(c *core.Config) { c.CookieDomain = "app.example"; c.CSRF.CookieName = "__Host-csrftoken" },
			"name Go would silently drop": func(c *core.Config) { c.JWT.AccessCookie = "acc ess;" },
		} {
			if _, err := core.New(base(mod)); err == nil || !strings.Contains(err.Error(), "cookie") {
				t.Errorf("%s: New error %v, want a refusal naming the cookie", name, err)
			}
		}
		// Prefixed names are fine with Secure cookies; they are then set
		// with exactly what the prefix demands.
		e := s.newEnv(t, jwtMode(newClock()), func(c *core.Config) {
			c.JWT.AccessCookie, c.JWT.RefreshCookie, c.CSRF.CookieName = "__Host-access", "__Secure-refresh", "__Host-csrftoken"
		})
		e.createUser(t, newUser("ck03"))
		res := e.do(t, http.MethodPost, e.path("login/"), jsonObject("username", "ck03", "password", defaultPassword))
		res.wantStatus(t, http.StatusOK)
		jar := res.csrfCookieHeaders(t)
		jar["__Host-access"].want(t, csrfCookieWant{path: "/", maxAge: 300, httpOnly: true})
		jar["__Secure-refresh"].want(t, csrfCookieWant{path: e.prefix, maxAge: 86400, httpOnly: true})
		jar["__Host-csrftoken"].want(t, csrfCookieWant{path: "/", maxAge: 31449600})
		for _, ck := range jar {
			e.secrets.add(ck.value)
		}
	})

	c.run(t, "T-CK-04", func(t *testing.T) {
		// restauth has no custom-claims hook: the access token's size is
		// set by configuration (algorithm, kid, issuer, audience, claim
		// name) and the user id. The largest realistic one fits...
		e := s.newEnv(t, jwtMode(newClock()), func(c *core.Config) {
			c.JWT.Algorithm = "HS512"
			c.JWT.SigningKey = []byte(strings.Repeat(jwtSecret, 2))
			c.JWT.KeyID = strings.Repeat("k", 64)
			c.JWT.Issuer = "https://auth." + strings.Repeat("i", 200) + ".example"
			c.JWT.Audience = "https://api." + strings.Repeat("a", 200) + ".example"
			c.JWT.UserIDClaim = "user_identifier_" + strings.Repeat("u", 48)
		})
		e.createUser(t, newUser("ck04"))
		res := e.do(t, http.MethodPost, e.path("login/"), jsonObject("username", "ck04", "password", defaultPassword))
		res.wantStatus(t, http.StatusOK)
		for name, ck := range res.csrfCookieHeaders(t) {
			e.secrets.add(ck.value)
			if n := len(ck.name) + len(ck.value); n > 4096 {
				t.Errorf("cookie %s: name+value %d bytes, over the 4096 browsers keep", name, n)
			}
		}
		// ...and one that would not is refused when the service is built,
		// not discovered when browsers silently drop the cookie.
		for name, mod := range map[string]func(*core.JWTConfig){
			"issuer":   func(j *core.JWTConfig) { j.Issuer = "https://" + strings.Repeat("i", 4000) },
			"audience": func(j *core.JWTConfig) { j.Audience = strings.Repeat("a", 3500) },
		} {
			cfg := core.Config{Store: memstore.New(), SecretKey: []byte(jwtSecret), Methods: []core.Method{core.MethodJWT}}
			mod(&cfg.JWT)
			if _, err := core.New(cfg); err == nil || !strings.Contains(err.Error(), "4096") {
				t.Errorf("%s: New error %v, want a refusal citing the 4096-byte cookie limit", name, err)
			}
			cfg.JWT.DisableCookies = true // header-only clients have no such limit
			if _, err := core.New(cfg); err != nil {
				t.Errorf("%s without cookies: %v", name, err)
			}
		}
	})
}
