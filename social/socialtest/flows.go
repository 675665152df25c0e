package socialtest

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/password"
	"github.com/restauth/restauth/social"
)

// alice is the suite's usual provider identity.
var alice = User{Subject: "sub-alice", Email: "alice@idp.example", EmailVerified: true, PreferredUsername: "alice"}

// octocat is the suite's usual GitHub user.
var octocat = GitHubUser{ID: 583231, Login: "octocat", Name: "Mona Lisa",
	Emails: []GitHubEmail{{Email: "octocat@github.example", Verified: true}}}

// msg is the default text of a social message code.
func msg(code string) string { return social.DefaultMessage(code) }

// flows are the functional cases: every credential kind of both
// providers, every authentication mode, connect, list and disconnect,
// the verification rules and the failure answers.
func (s *suite) flows(t *testing.T) {
	t.Run("OIDC/CodeWithPKCEAndNonce", func(t *testing.T) {
		e := s.newEnv(t, envOptions{})
		c := e.newClient()
		code, verifier := e.oidcCode(alice, "n-123")
		e.loggedIn(c, c.post("oidc/", map[string]string{"code": code, "code_verifier": verifier, "nonce": "n-123"}))
		acc, u := e.account("oidc", alice.Subject)
		if u == nil {
			t.Fatal("no social account after the sign-up")
		}
		if u.Email != alice.Email || !u.EmailVerified || !strings.HasPrefix(u.Username, "alice") || password.IsUsable(u.PasswordHash) || !u.IsActive {
			t.Errorf("new user %+v: want alice's verified address, a username from preferred_username, an unusable password", u)
		}
		if acc.LastLogin.IsZero() || acc.DateJoined.IsZero() || !strings.Contains(string(acc.ExtraData), `"sub":"sub-alice"`) {
			t.Errorf("social account %+v", acc)
		}
		if got := c.socialProviders(); !slices.Equal(got, []string{"oidc"}) {
			t.Errorf("socialaccounts/ lists %v", got)
		}
		// Again, through a new authorization: the same account.
		c2 := e.newClient()
		code, verifier = e.oidcCode(alice, "")
		e.loggedIn(c2, c2.post("oidc/", map[string]string{"code": code, "code_verifier": verifier}))
		if _, again := e.account("oidc", alice.Subject); again == nil || again.ID != u.ID {
			t.Errorf("second login reached user %v, want %d", again, u.ID)
		}
		if list, _ := e.social.SocialAccountsByUser(t.Context(), u.ID); len(list) != 1 {
			t.Errorf("%d social accounts after two logins, want 1", len(list))
		}
		if !strings.Contains(e.logs.String(), "provider=oidc") {
			t.Error("the login event does not name the provider")
		}
	})

	t.Run("OIDC/IDToken", func(t *testing.T) {
		e := s.newEnv(t, envOptions{})
		c := e.newClient()
		tok := e.op.IDToken(t, alice, "n-1")
		e.secrets = append(e.secrets, tok)
		e.loggedIn(c, c.post("oidc/", map[string]string{"id_token": tok, "nonce": "n-1"}))
		if _, u := e.account("oidc", alice.Subject); u == nil {
			t.Fatal("no social account after the ID token login")
		}
	})

	t.Run("OIDC/AccessTokenAloneRefused", func(t *testing.T) {
		e := s.newEnv(t, envOptions{})
		e.want(e.newClient().post("oidc/", map[string]string{"access_token": "some-token"}), http.StatusBadRequest, msg(social.MsgNeedsIDToken))
	})

	t.Run("NoCredentials", func(t *testing.T) {
		e := s.newEnv(t, envOptions{})
		c := e.newClient()
		for _, body := range []map[string]string{{}, {"code": "", "access_token": "  ", "id_token": ""}} {
			e.want(c.post("oidc/", body), http.StatusBadRequest, msg(social.MsgNoCredentials))
			e.want(c.post("github/", body), http.StatusBadRequest, msg(social.MsgNoCredentials))
		}
		a := c.post("oidc/", map[string]any{"code": nil})
		if a.status != http.StatusBadRequest || a.raw != `{"code":["This field may not be null."]}` {
			t.Errorf("null code: %d %s", a.status, a.raw)
		}
		if a := c.do(http.MethodGet, "oidc/", nil); a.status != http.StatusMethodNotAllowed {
			t.Errorf("GET oidc/: %d", a.status)
		}
	})

	t.Run("GitHub/Code", func(t *testing.T) {
		e := s.newEnv(t, envOptions{})
		c := e.newClient()
		code := e.gh.Code(t, octocat, RedirectURI, "verifier-123456789")
		e.secrets = append(e.secrets, code)
		e.loggedIn(c, c.post("github/", map[string]string{"code": code, "code_verifier": "verifier-123456789"}))
		_, u := e.account("github", "583231")
		if u == nil || !strings.HasPrefix(u.Username, "octocat") || u.Email != "octocat@github.example" || !u.EmailVerified ||
			u.FirstName != "Mona" || u.LastName != "Lisa" {
			t.Fatalf("GitHub sign-up made %+v", u)
		}
	})

	t.Run("GitHub/AccessToken", func(t *testing.T) {
		e := s.newEnv(t, envOptions{})
		c := e.newClient()
		tok := e.gh.Token(octocat, e.gh.ClientID, "read:user", "user:email")
		e.secrets = append(e.secrets, tok)
		e.loggedIn(c, c.post("github/", map[string]string{"access_token": tok}))
		if _, u := e.account("github", "583231"); u == nil || !u.EmailVerified {
			t.Fatalf("GitHub access-token sign-up made %+v", u)
		}
	})

	t.Run("GitHub/WithoutEmailScope", func(t *testing.T) {
		e := s.newEnv(t, envOptions{})
		c := e.newClient()
		tok := e.gh.Token(octocat, e.gh.ClientID, "read:user")
		e.secrets = append(e.secrets, tok)
		e.loggedIn(c, c.post("github/", map[string]string{"access_token": tok}))
		if _, u := e.account("github", "583231"); u == nil || u.Email != "" || u.EmailVerified {
			t.Fatalf("sign-up without the email scope made %+v, want no address", u)
		}
	})

	t.Run("Modes/JWT", func(t *testing.T) {
		e := s.newEnv(t, envOptions{mode: modeJWT})
		c := e.newClient()
		code, verifier := e.oidcCode(alice, "")
		a := c.post("oidc/", map[string]string{"code": code, "code_verifier": verifier})
		e.loggedIn(c, a)
		if a.body["refresh"] == nil || len(a.header.Values("Set-Cookie")) < 3 {
			t.Errorf("JWT login: refresh %v, cookies %v", a.body["refresh"], a.header.Values("Set-Cookie"))
		}
		if got := c.socialProviders(); !slices.Equal(got, []string{"oidc"}) {
			t.Errorf("socialaccounts/ with the JWT cookie lists %v", got)
		}
	})

	t.Run("Modes/Session", func(t *testing.T) {
		e := s.newEnv(t, envOptions{mode: modeSession})
		c := e.newClient()
		code, verifier := e.oidcCode(alice, "")
		e.loggedIn(c, c.post("oidc/", map[string]string{"code": code, "code_verifier": verifier}))
		if got := c.socialProviders(); !slices.Equal(got, []string{"oidc"}) {
			t.Errorf("socialaccounts/ with the session lists %v", got)
		}
	})

	t.Run("ConnectListDisconnect", func(t *testing.T) {
		e := s.newEnv(t, envOptions{})
		bob := e.localUser("bob", "bob@example.com", true)
		c := e.newClient()
		e.passwordLogin(c, "bob")
		code, verifier := e.oidcCode(alice, "")
		e.loggedIn(c, c.post("oidc/connect/", map[string]string{"code": code, "code_verifier": verifier}))
		tok := e.gh.Token(octocat, e.gh.ClientID, "read:user", "user:email")
		e.secrets = append(e.secrets, tok)
		e.loggedIn(c, c.post("github/connect/", map[string]string{"access_token": tok}))
		// Connecting the same identity again changes nothing.
		tok2 := e.gh.Token(octocat, e.gh.ClientID, "read:user")
		e.secrets = append(e.secrets, tok2)
		e.loggedIn(c, c.post("github/connect/", map[string]string{"access_token": tok2}))
		if got := c.socialProviders(); !slices.Equal(got, []string{"github", "oidc"}) {
			t.Fatalf("socialaccounts/ lists %v", got)
		}
		acc, owner := e.account("oidc", alice.Subject)
		if owner == nil || owner.ID != bob.ID {
			t.Fatalf("oidc identity belongs to %+v, want bob", owner)
		}
		list := c.do(http.MethodGet, "socialaccounts/", nil)
		for _, x := range list.list {
			m := x.(map[string]any)
			for _, k := range []string{"id", "provider", "uid", "last_login", "date_joined"} {
				if _, ok := m[k]; !ok || len(m) != 5 {
					t.Errorf("socialaccounts/ item %v: want exactly id, provider, uid, last_login, date_joined", m)
				}
			}
		}
		e.want(c.post("socialaccounts/999999/disconnect/", nil), http.StatusNotFound, "")
		e.want(c.post("socialaccounts/x/disconnect/", nil), http.StatusNotFound, "")
		a := c.post("socialaccounts/"+itoa(acc.ID)+"/disconnect/", nil)
		if a.status != http.StatusOK || a.body["provider"] != "oidc" || a.body["uid"] != alice.Subject || a.body["id"] != float64(acc.ID) {
			t.Fatalf("disconnect: %d %s", a.status, a.raw)
		}
		if got := c.socialProviders(); !slices.Equal(got, []string{"github"}) {
			t.Errorf("after the disconnect socialaccounts/ lists %v", got)
		}
		// bob has a password: the last identity may go too.
		ghAcc, _ := e.account("github", "583231")
		e.want(c.post("socialaccounts/"+itoa(ghAcc.ID)+"/disconnect", nil), http.StatusOK, "")
		if got := c.socialProviders(); len(got) != 0 {
			t.Errorf("after both disconnects socialaccounts/ lists %v", got)
		}
		if strings.Count(e.logs.String(), "event=social_connect outcome=success") != 2 ||
			strings.Count(e.logs.String(), "event=social_disconnect outcome=success") != 2 {
			t.Error("connect and disconnect events missing")
		}
	})

	t.Run("Anonymous", func(t *testing.T) {
		e := s.newEnv(t, envOptions{})
		c := e.newClient()
		for _, a := range []answer{
			c.post("oidc/connect/", map[string]string{"code": "x"}),
			c.do(http.MethodGet, "socialaccounts/", nil),
			c.post("socialaccounts/1/disconnect/", nil),
		} {
			if a.status != http.StatusUnauthorized || a.raw != `{"detail":"Authentication credentials were not provided."}` {
				t.Errorf("anonymous: %d %s", a.status, a.raw)
			}
		}
		// Another method on a path with a placeholder: 405 with Allow,
		// through every adapter.
		for _, p := range []string{"socialaccounts/1/disconnect/", "socialaccounts/1/disconnect"} {
			if a := c.do(http.MethodGet, p, nil); a.status != http.StatusMethodNotAllowed || a.header.Get("Allow") != "POST, OPTIONS" {
				t.Errorf("GET %s: %d, Allow %q", p, a.status, a.header.Get("Allow"))
			}
		}
		if a := c.do(http.MethodPost, "socialaccounts/1/disconnect/x/", nil); a.status != http.StatusNotFound {
			t.Errorf("a longer path: %d", a.status)
		}
	})

	t.Run("MandatoryVerification", func(t *testing.T) {
		e := s.newEnv(t, envOptions{cfg: func(c *core.Config) { c.EmailVerification = core.VerifyMandatory }})
		c := e.newClient()
		unverified := User{Subject: "sub-carol", Email: "carol@idp.example", PreferredUsername: "carol"}
		code, verifier := e.oidcCode(unverified, "")
		e.want(c.post("oidc/", map[string]string{"code": code, "code_verifier": verifier}), http.StatusBadRequest, "E-mail is not verified.")
		_, u := e.account("oidc", unverified.Subject)
		if u == nil || u.EmailVerified {
			t.Fatalf("account after an unverified sign-up: %+v", u)
		}
		if m, ok := e.outbox.Last(); !ok || m.To != unverified.Email {
			t.Fatalf("no verification mail to %s", unverified.Email)
		}
		if err := e.store.SetEmailVerified(t.Context(), u.ID, true); err != nil {
			t.Fatal(err)
		}
		code, verifier = e.oidcCode(unverified, "")
		e.loggedIn(c, c.post("oidc/", map[string]string{"code": code, "code_verifier": verifier}))
		// No address at all: no account can be made.
		tok := e.gh.Token(octocat, e.gh.ClientID, "read:user")
		e.secrets = append(e.secrets, tok)
		e.want(c.post("github/", map[string]string{"access_token": tok}), http.StatusBadRequest, msg(social.MsgSignupNeedsEmail))
		if _, u := e.account("github", "583231"); u != nil {
			t.Error("an account without an address was made under mandatory verification")
		}
	})

	t.Run("OptionalVerificationMails", func(t *testing.T) {
		e := s.newEnv(t, envOptions{})
		c := e.newClient()
		unverified := User{Subject: "sub-dave", Email: "dave@idp.example"}
		code, verifier := e.oidcCode(unverified, "")
		e.loggedIn(c, c.post("oidc/", map[string]string{"code": code, "code_verifier": verifier}))
		if m, ok := e.outbox.Last(); !ok || m.To != unverified.Email {
			t.Error("no verification mail for the provider's unverified address")
		}
		if _, u := e.account("oidc", unverified.Subject); u == nil || u.EmailVerified || !strings.HasPrefix(u.Username, "dave") {
			t.Errorf("user %+v", u)
		}
	})

	t.Run("EmailLinking", func(t *testing.T) {
		e := s.newEnv(t, envOptions{linking: true})
		bob := e.localUser("bob", alice.Email, true)
		c := e.newClient()
		code, verifier := e.oidcCode(alice, "")
		e.loggedIn(c, c.post("oidc/", map[string]string{"code": code, "code_verifier": verifier}))
		if _, u := e.account("oidc", alice.Subject); u == nil || u.ID != bob.ID {
			t.Fatalf("linked to %+v, want bob (%d)", u, bob.ID)
		}
	})

	t.Run("EmailTakenWithoutLinking", func(t *testing.T) {
		e := s.newEnv(t, envOptions{})
		e.localUser("bob", alice.Email, true)
		code, verifier := e.oidcCode(alice, "")
		e.want(e.newClient().post("oidc/", map[string]string{"code": code, "code_verifier": verifier}), http.StatusBadRequest, msg(social.MsgEmailTaken))
		if _, u := e.account("oidc", alice.Subject); u != nil {
			t.Error("the identity was linked")
		}
	})

	t.Run("SignupClosed", func(t *testing.T) {
		e := s.newEnv(t, envOptions{cfg: func(c *core.Config) { c.Accounts.DisableRegistration = true }})
		c := e.newClient()
		code, verifier := e.oidcCode(alice, "")
		e.want(c.post("oidc/", map[string]string{"code": code, "code_verifier": verifier}), http.StatusBadRequest, msg(social.MsgSignupClosed))
		// An identity linked before still logs in.
		bob := e.localUser("bob", "bob@example.com", true)
		if err := e.social.CreateSocialAccount(t.Context(), &core.SocialAccount{UserID: bob.ID, Provider: "oidc", UID: alice.Subject, DateJoined: bob.DateJoined}); err != nil {
			t.Fatal(err)
		}
		code, verifier = e.oidcCode(alice, "")
		e.loggedIn(c, c.post("oidc/", map[string]string{"code": code, "code_verifier": verifier}))
	})

	t.Run("InactiveUser", func(t *testing.T) {
		e := s.newEnv(t, envOptions{})
		c := e.newClient()
		code, verifier := e.oidcCode(alice, "")
		e.loggedIn(c, c.post("oidc/", map[string]string{"code": code, "code_verifier": verifier}))
		_, u := e.account("oidc", alice.Subject)
		if err := e.auth.Deactivate(t.Context(), u.ID); err != nil {
			t.Fatal(err)
		}
		code, verifier = e.oidcCode(alice, "")
		e.want(c.post("oidc/", map[string]string{"code": code, "code_verifier": verifier}), http.StatusBadRequest,
			"Unable to log in with provided credentials.")
	})

	t.Run("ProviderDown", func(t *testing.T) {
		e := s.newEnv(t, envOptions{})
		code, verifier := e.oidcCode(alice, "")
		e.op.SetDown(true)
		a := e.newClient().post("oidc/", map[string]string{"code": code, "code_verifier": verifier})
		if a.status != http.StatusServiceUnavailable || a.header.Get("Retry-After") == "" {
			t.Errorf("provider down: %d %s", a.status, a.raw)
		}
		e.gh.SetDown(true)
		tok := e.gh.Token(octocat, e.gh.ClientID, "read:user")
		e.secrets = append(e.secrets, tok)
		if a := e.newClient().post("github/", map[string]string{"access_token": tok}); a.status != http.StatusServiceUnavailable {
			t.Errorf("GitHub down: %d %s", a.status, a.raw)
		}
		e.op.SetDown(false)
		if _, u := e.account("oidc", alice.Subject); u != nil {
			t.Error("an account was made while the provider was down")
		}
		// Discovery is retried: the provider is back.
		code, verifier = e.oidcCode(alice, "")
		e.loggedIn(e.newClient(), e.newClient().post("oidc/", map[string]string{"code": code, "code_verifier": verifier}))
	})

	t.Run("KeysUnavailable", func(t *testing.T) {
		// A token under a key not yet held while the key set cannot be
		// fetched: the provider's outage (503), not a bad token (400).
		e := s.newEnv(t, envOptions{})
		_, fresh := e.rotatedAfterLogin(t, alice)
		e.op.SetDown(true)
		a := e.newClient().post("oidc/", map[string]string{"id_token": fresh})
		if a.status != http.StatusServiceUnavailable || a.header.Get("Retry-After") == "" ||
			a.raw != `{"detail":"Service temporarily unavailable, try again later."}` {
			t.Errorf("key set unavailable: %d %s, want 503 with Retry-After and dj-rest-auth's detail", a.status, a.raw)
		}
		e.op.SetDown(false)
		e.loggedIn(e.newClient(), e.newClient().post("oidc/", map[string]string{"id_token": fresh}))
	})

	t.Run("OpenAPI", func(t *testing.T) {
		e := s.newEnv(t, envOptions{mode: modeJWT})
		doc, err := e.auth.OpenAPI()
		if err != nil {
			t.Fatalf("OpenAPI: %v", err)
		}
		for _, want := range []string{`"socialLoginOidc"`, `"socialConnectGithub"`, `"socialAccountList"`, `"socialAccountDisconnect"`,
			`"` + e.prefix + `socialaccounts/{id}/disconnect/"`} {
			if !strings.Contains(string(doc), want) {
				t.Errorf("the OpenAPI document lacks %s", want)
			}
		}
	})
}
