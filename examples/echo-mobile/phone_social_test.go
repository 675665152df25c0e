package main

import (
	"strings"
	"testing"

	"github.com/restauth/restauth/core/authtest/startertest"
	"github.com/restauth/restauth/social/socialtest"
)

// TestIDTokenPhone plays a phone that signs in with its platform's sign-in
// SDK: the SDK gives it an OpenID Connect ID token (here from a real
// OpenID Provider on 127.0.0.1, through the authorization and the code
// exchange the phone makes itself, with a nonce), which it posts to oidc/
// with that nonce. The answer is the phone's usual login: access and
// refresh tokens in the body, no cookie. The tokens then work for the app
// and for refresh, socialaccounts/ lists the identity, a second sign-in
// reaches the same account, and a token from another sign-in (another
// nonce) is refused.
func TestIDTokenPhone(t *testing.T) {
	bearer := func(tok string) string { return "Bearer " + tok }
	for name, dbURL := range startertest.Databases(t) {
		t.Run(name, func(t *testing.T) {
			op := socialtest.StartOP(t)
			srv := startertest.Start(t, run, dbURL, map[string]string{
				// The phone does the code exchange itself: the server needs
				// no client secret for ID tokens.
				"RESTAUTH_OIDC_ISSUER":    op.Issuer(),
				"RESTAUTH_OIDC_CLIENT_ID": op.ClientID(),
			})
			p := newPhone(t, srv.URL)
			user := socialtest.User{Subject: "phone-" + startertest.RandomSuffix(t), Email: "phone-" + startertest.RandomSuffix(t) + "@idp.example",
				EmailVerified: true, PreferredUsername: "phone"}
			idToken := op.IDToken(t, user, "nonce-1")
			res := p.do("POST", "/api/auth/oidc/", "", jsonBody("id_token", idToken, "nonce", "nonce-1"))
			if res.status != 200 {
				t.Fatalf("ID-token sign-in: %d %s", res.status, res.body)
			}
			body := res.json(t)
			access, _ := body["access"].(string)
			refresh, _ := body["refresh"].(string)
			if strings.Count(access, ".") != 2 || strings.Count(refresh, ".") != 2 || body["user"] == nil {
				t.Fatalf("sign-in body lacks the tokens or the user: %s", res.body)
			}
			p.do("GET", "/api/v1/notes", bearer(access), "").want(t, "notes after an ID-token sign-in", 200, `[]`)
			res = p.do("GET", "/api/auth/socialaccounts/", bearer(access), "")
			if res.status != 200 || !strings.Contains(string(res.body), `"provider":"oidc","uid":"`+user.Subject+`"`) {
				t.Errorf("socialaccounts/: %d %s", res.status, res.body)
			}
			res = p.do("POST", "/api/auth/token/refresh/", "", jsonBody("refresh", refresh))
			if res.status != 200 {
				t.Errorf("refresh after an ID-token sign-in: %d %s", res.status, res.body)
			}

			// Again with a new token: the same account.
			second := p.do("POST", "/api/auth/oidc/", "", jsonBody("id_token", op.IDToken(t, user, "nonce-2"), "nonce", "nonce-2"))
			if second.status != 200 {
				t.Fatalf("second sign-in: %d %s", second.status, second.body)
			}
			firstUser, _ := body["user"].(map[string]any)
			secondUser, _ := second.json(t)["user"].(map[string]any)
			if firstUser["pk"] != secondUser["pk"] {
				t.Errorf("second sign-in reached user %v, want %v", secondUser["pk"], firstUser["pk"])
			}

			// A token from another sign-in is refused.
			p.do("POST", "/api/auth/oidc/", "", jsonBody("id_token", op.IDToken(t, user, "nonce-of-another-sign-in"), "nonce", "nonce-3")).
				want(t, "another sign-in's token", 400, `{"non_field_errors":["Incorrect value"]}`)
			srv.WantNoSecretsLogged(idToken, access, refresh)
		})
	}
}
