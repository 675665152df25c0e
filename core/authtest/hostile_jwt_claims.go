package authtest

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/restauth/restauth/core/simplejwt"
)

// fJWTClaimChecks runs the F cases about registered claims and where a
// token comes from: T-JWT-09, 10, 11, 12 and 19.
func (s *suite) fJWTClaimChecks(t *testing.T, c *cases, f *fJWTEnvs) {
	e := f.base
	unix := func(d time.Duration) string { return strconv.FormatInt(f.clk.Now().Add(d).Unix(), 10) }

	c.run(t, "T-JWT-09", func(t *testing.T) {
		u := e.createUser(t, newUser("jwt09"))
		claims := fJWTClaims(f.clk.Now(), u.ID)
		e.fJWTAccepted(t, fJWTHS256(t, fJWTPayload(claims)), "jwt09")
		for name, exp := range map[string]string{
			"past by a second": unix(-time.Second),
			"equal to now":     unix(0),
			"missing":          "-",
			"0":                "0",
			"string":           strconv.Quote(unix(time.Hour)),
			"array":            "[" + unix(time.Hour) + "]",
			"object":           `{"exp":` + unix(time.Hour) + `}`,
			"1e309":            "1e309",
			"float":            unix(time.Hour) + ".5",
			"exponent":         "1e10",
			"null":             "null",
			"negative":         "-1",
			"beyond year 9999": "253402300800",
			"int64 overflow":   "9223372036854775808",
		} {
			t.Run(name, func(t *testing.T) { e.fJWTForged(t, fJWTHS256(t, fJWTPayload(claims, fJWTMember{"exp", exp}))) })
		}
		t.Run("a real token past its lifetime", func(t *testing.T) {
			l := e.loginJWT(t, "jwt09")
			defer f.clk.set(f.clk.Now())
			f.clk.advance(5*time.Minute + time.Second)
			e.fJWTForged(t, l.access)
		})
	})

	c.run(t, "T-JWT-10", func(t *testing.T) {
		g := f.scoped
		u := g.createUser(t, newUser("jwt10"))
		claims := append(fJWTClaims(f.clk.Now(), u.ID), fJWTMember{"aud", strconv.Quote(fJWTAudience)}, fJWTMember{"iss", strconv.Quote(fJWTIssuer)})
		g.fJWTAccepted(t, fJWTHS256(t, fJWTPayload(claims)), "jwt10")
		g.fJWTAccepted(t, fJWTHS256(t, fJWTPayload(claims, fJWTMember{"aud", `["other","` + fJWTAudience + `"]`})), "jwt10")
		for name, m := range map[string]fJWTMember{
			"aud wrong":            {"aud", `"other"`},
			"aud empty string":     {"aud", `""`},
			"aud empty array":      {"aud", `[]`},
			"aud other in array":   {"aud", `["other"]`},
			"aud number":           {"aud", `5`},
			"aud array of numbers": {"aud", `[5]`},
			"aud null":             {"aud", `null`},
			"aud object":           {"aud", `{"api":true}`},
			"aud missing":          {"aud", "-"},
			"aud different case":   {"aud", `"API"`},
			"iss missing":          {"iss", "-"},
			"iss wrong":            {"iss", `"https://b.example"`},
			"iss prefix":           {"iss", `"https://a.example.evil"`},
			"iss number":           {"iss", `5`},
		} {
			t.Run(name, func(t *testing.T) { g.fJWTForged(t, fJWTHS256(t, fJWTPayload(claims, m))) })
		}
		t.Run("aud on a server that configures none", func(t *testing.T) {
			v := e.createUser(t, newUser("jwt10"))
			e.fJWTForged(t, fJWTHS256(t, fJWTPayload(fJWTClaims(f.clk.Now(), v.ID), fJWTMember{"aud", `"api"`})))
		})
	})

	c.run(t, "T-JWT-11", func(t *testing.T) {
		// Default leeway 0: one second in the future is too early.
		u := e.createUser(t, newUser("jwt11"))
		claims := fJWTClaims(f.clk.Now(), u.ID)
		e.fJWTAccepted(t, fJWTHS256(t, fJWTPayload(claims, fJWTMember{"nbf", unix(-time.Second)})), "jwt11")
		e.fJWTForged(t, fJWTHS256(t, fJWTPayload(claims, fJWTMember{"nbf", unix(time.Second)})))
		e.fJWTForged(t, fJWTHS256(t, fJWTPayload(claims, fJWTMember{"iat", unix(time.Second)})))
		e.fJWTForged(t, fJWTHS256(t, fJWTPayload(claims, fJWTMember{"iat", "-"})))
		e.fJWTForged(t, fJWTHS256(t, fJWTPayload(claims, fJWTMember{"nbf", strconv.Quote(unix(0))})))

		// A 30 s leeway tolerates skew up to 30 s and no more.
		g := f.scoped
		v := g.createUser(t, newUser("jwt11"))
		scoped := append(fJWTClaims(f.clk.Now(), v.ID), fJWTMember{"aud", strconv.Quote(fJWTAudience)}, fJWTMember{"iss", strconv.Quote(fJWTIssuer)})
		g.fJWTAccepted(t, fJWTHS256(t, fJWTPayload(scoped, fJWTMember{"iat", unix(20 * time.Second)}, fJWTMember{"nbf", unix(20 * time.Second)})), "jwt11")
		g.fJWTForged(t, fJWTHS256(t, fJWTPayload(scoped, fJWTMember{"iat", unix(31 * time.Second)})))
		g.fJWTForged(t, fJWTHS256(t, fJWTPayload(scoped, fJWTMember{"nbf", unix(31 * time.Second)})))
	})

	c.run(t, "T-JWT-12", func(t *testing.T) {
		e.createUser(t, newUser("jwt12"))
		l := e.loginJWT(t, "jwt12")
		fam := fJWTClaimOf(t, l.access, "fam")
		if fam == "" {
			t.Fatal("a login's access token carries no fam claim")
		}
		u, err := e.store.UserByUsername(t.Context(), "jwt12")
		if err != nil {
			t.Fatal(err)
		}
		other := []byte("another-deployment-secret-0123456789abcdef")
		expired := func(typ string) string {
			return fJWTSign(t, "HS256", other, fJWTHeader, fJWTPayload(fJWTClaims(f.clk.Now().Add(-time.Hour), u.ID),
				fJWTMember{"token_type", strconv.Quote(typ)}, fJWTMember{"fam", fam}))
		}
		access, refresh := expired("access"), expired("refresh")
		e.fJWTForged(t, access)
		e.do(t, http.MethodPost, e.path("token/refresh/"), jsonObject("refresh", refresh)).wantJSON(t, http.StatusUnauthorized, invalidOrExpired)
		// Nothing treats it as "merely expired": logging out with it
		// (stale credentials never fail logout) revokes nothing.
		e.do(t, http.MethodPost, e.path("logout/"), jsonObject("refresh", refresh), "Authorization", "Bearer "+access).wantStatus(t, http.StatusOK)
		e.fJWTAccepted(t, l.access, "jwt12")
		e.do(t, http.MethodPost, e.path("token/refresh/"), jsonObject("refresh", l.refresh)).wantStatus(t, http.StatusOK)

		// The codec's classification, which is what a log would record,
		// is the signature, not the expiry.
		codec, err := simplejwt.New(simplejwt.Config{SigningKey: simplejwt.Key{Secret: []byte(jwtSecret)}, Now: f.clk.Now})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := codec.Parse(access, simplejwt.Access); simplejwt.Reason(err) != "bad_signature" {
			t.Errorf("expired forgery classified %q, want bad_signature", simplejwt.Reason(err))
		}
	})

	c.run(t, "T-JWT-19", func(t *testing.T) {
		u := e.createUser(t, newUser("jwt19"))
		claims := fJWTClaims(f.clk.Now(), u.ID)
		t.Run("other secret", func(t *testing.T) {
			e.fJWTForged(t, fJWTSign(t, "HS256", []byte("another-deployment-secret-0123456789abcdef"), fJWTHeader, fJWTPayload(claims)))
		})
		// base and scoped share the secret but not aud/iss: a token of
		// one is refused by the other at the claims check (the exact body
		// shows it never got as far as the login lookup).
		g := f.scoped
		v := g.createUser(t, newUser("jwt19"))
		t.Run("same secret, token without aud/iss at a scoped server", func(t *testing.T) {
			g.fJWTForged(t, e.loginJWT(t, "jwt19").access)
		})
		t.Run("same secret, scoped token at a server without aud/iss", func(t *testing.T) {
			e.fJWTForged(t, g.loginJWT(t, "jwt19").access)
		})
		scoped := append(fJWTClaims(f.clk.Now(), v.ID), fJWTMember{"aud", strconv.Quote(fJWTAudience)}, fJWTMember{"iss", strconv.Quote(fJWTIssuer)})
		g.fJWTAccepted(t, fJWTHS256(t, fJWTPayload(scoped)), "jwt19")
		t.Run("same secret, other issuer", func(t *testing.T) {
			g.fJWTForged(t, fJWTHS256(t, fJWTPayload(scoped, fJWTMember{"iss", `"https://b.example"`})))
		})
		t.Run("same secret, other audience", func(t *testing.T) {
			g.fJWTForged(t, fJWTHS256(t, fJWTPayload(scoped, fJWTMember{"aud", `"billing"`})))
		})
	})
}
