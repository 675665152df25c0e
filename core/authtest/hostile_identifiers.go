package authtest

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/mail"
)

// hostileIdentifiers runs group B of docs/threat-model.md (Identifiers,
// Unicode and email).
//
// Usernames and emails are unique and looked up on a canonical key (NFKC,
// case folding, NFKC, to a fixed point: core.CanonicalUsername and
// core.CanonicalEmail) compared in binary (docs/design.md §5, Canonical
// keys); mail always goes to the stored address.
func (s *suite) hostileIdentifiers(t *testing.T, c *cases) {
	outbox := mail.NewOutbox()
	e := s.newEnv(t, accountsMode(outbox, core.VerifyOptional))
	reg, login, reset := e.path("registration/"), e.path("login/"), e.path("password/reset/")
	const (
		emailTaken    = `{"email":["A user is already registered with this e-mail address."]}`
		usernameTaken = `{"username":["A user with that username already exists."]}`
		badUsername   = `["Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters."]`
		badEmail      = `["Enter a valid email address."]`
		resetSent     = `{"detail":"Password reset e-mail has been sent."}`
		badLogin      = `{"non_field_errors":["Unable to log in with provided credentials."]}`
	)

	c.run(t, "T-ID-01", func(t *testing.T) {
		e.do(t, http.MethodPost, reg, register("idone", "Alice@Example.COM", defaultPassword)).wantStatus(t, http.StatusCreated)
		outbox.Reset()
		for i, addr := range []string{"alice@example.com", "ALICE@EXAMPLE.COM", " alice@example.com ", "Alice@Example.COM"} {
			name := "idone" + string(rune('a'+i))
			e.do(t, http.MethodPost, reg, register(name, addr, defaultPassword)).want(t, http.StatusBadRequest, emailTaken)
			e.reqNoUser(t, name)
		}
		if n := len(outbox.Messages()); n != 0 {
			t.Errorf("%d mails for refused registrations", n)
		}
		if u := e.reqUser(t, "idone"); u.Email != "Alice@Example.COM" {
			t.Errorf("stored email %q, want it as registered", u.Email)
		}
	})

	c.run(t, "T-ID-02", func(t *testing.T) {
		u := e.createUser(t, core.NewUser{Username: "idtwo", Email: "Bob.Two@Example.com", Password: defaultPassword, EmailVerified: true})
		for _, addr := range []string{"bob.two@example.com", "BOB.TWO@EXAMPLE.COM", "bOb.TwO@eXaMpLe.CoM"} {
			k := e.do(t, http.MethodPost, login, jsonObject("email", addr, "password", defaultPassword)).wantKey(t)
			e.secrets.add(k)
			e.do(t, http.MethodGet, e.path("user/"), "", "Authorization", tokenHeader(k)).
				want(t, http.StatusOK, detailsJSON(u.ID, "idtwo", "Bob.Two@Example.com", "", ""))
			outbox.Reset()
			e.do(t, http.MethodPost, reset, jsonObject("email", addr)).want(t, http.StatusOK, resetSent)
			lastLink(t, outbox, "Bob.Two@Example.com", resetLinkRe)
		}
	})

	c.run(t, "T-ID-03", func(t *testing.T) {
		// Local parts are ASCII only (Django's EmailValidator), so the
		// look-alikes go into the domain, where letters are allowed.
		for _, stored := range []string{"alice@link.example", "alice@kelvin.example", "alice@fish.example", "alice@strasse.example"} {
			e.createUser(t, core.NewUser{Username: strings.NewReplacer("@", "_", ".", "_").Replace(stored), Email: stored, Password: defaultPassword, EmailVerified: true})
		}
		var first *response
		for _, tc := range []struct{ submitted, mailedTo string }{
			{"alice@l\u0131nk.example", ""},                        // dotless ı: no match
			{"alice@LİNK.example", ""},                             // dotted İ folds to i + U+0307: no match
			{"alice@\u212Aelvin.example", "alice@kelvin.example"},  // Kelvin sign K
			{"alice@\uFB01sh.example", "alice@fish.example"},       // ﬁ ligature
			{"alice@stra\u00DFe.example", "alice@strasse.example"}, // ß folds to ss
			{"alice@STRASSE.example", "alice@strasse.example"},
			{"alice@ｆｉｓｈ.example", "alice@fish.example"}, // fullwidth
			{"alice@fish.example\u200B", ""},             // zero width space: not an address
		} {
			outbox.Reset()
			res := e.do(t, http.MethodPost, reset, jsonObject("email", tc.submitted))
			if strings.Contains(tc.submitted, "\u200B") {
				res.want(t, http.StatusBadRequest, `{"email":`+badEmail+`}`)
				continue
			}
			res.want(t, http.StatusOK, resetSent)
			if first == nil {
				first = res
			}
			wantSame(t, first, res)
			msgs := outbox.Messages()
			switch {
			case tc.mailedTo == "" && len(msgs) != 0:
				t.Errorf("reset for %q mailed %q, want no mail", tc.submitted, msgs[0].To)
			case tc.mailedTo != "" && (len(msgs) != 1 || msgs[0].To != tc.mailedTo):
				t.Errorf("reset for %q: mails %+v, want one to the stored %q", tc.submitted, msgs, tc.mailedTo)
			}
			for _, m := range msgs {
				if m.To == tc.submitted && m.To != tc.mailedTo {
					t.Errorf("the submitted address %q became a recipient", tc.submitted)
				}
			}
		}
	})

	c.run(t, "T-ID-04", func(t *testing.T) { s.idCanonicalAcrossEndpoints(t) })

	c.run(t, "T-ID-05", func(t *testing.T) {
		for i, tc := range []struct{ first, second string }{
			{"admin", "ａｄｍｉｎ"},
			{"ａｄｍｉｎ2", "admin2"},
			{"caf\u00e9", "cafe\u0301"},
			{"cafe\u0301s", "CAF\u00c9S"},
			{"\u212Aelvin", "kelvin"},
			{"ﬁne", "FINE"},
		} {
			local := "five" + strconv.Itoa(i)
			res := e.do(t, http.MethodPost, reg, register(tc.first, local+"a@example.com", defaultPassword))
			res.wantStatus(t, http.StatusCreated)
			e.do(t, http.MethodPost, reg, register(tc.second, local+"b@example.com", defaultPassword)).
				want(t, http.StatusBadRequest, usernameTaken)
			// The stored name is the NFKC form of what was typed.
			e.reqUser(t, tc.second)
			if u := e.reqUser(t, tc.first); u.Username != core.NormalizeUsername(tc.first) {
				t.Errorf("stored %q, want %q", u.Username, core.NormalizeUsername(tc.first))
			}
		}
		e.do(t, http.MethodPost, reg, register("idfive", "user@ｅｘａｍｐｌｅ.com", defaultPassword)).wantStatus(t, http.StatusCreated)
		e.do(t, http.MethodPost, reg, register("idfive2", "USER@example.com", defaultPassword)).want(t, http.StatusBadRequest, emailTaken)
	})

	c.run(t, "T-ID-06", func(t *testing.T) {
		for _, bad := range []string{"\u200B", "\u200C", "\u200D", "\uFEFF", "\u202E", "\u2066", "\u00AD", "\u0007", "\u001B", "\u0085", "\u2028"} {
			e.do(t, http.MethodPost, reg, register("ad"+bad+"min", "ad"+bad+"min@example.com", defaultPassword)).
				want(t, http.StatusBadRequest, `{"username":`+badUsername+`,"email":`+badEmail+`}`)
			e.reqNoUser(t, "ad"+bad+"min")
		}
		key := e.login(t, "idtwo", defaultPassword)
		before := e.reqUser(t, "idtwo")
		for _, bad := range []string{"\u200B", "\u200D", "\uFEFF", "\u202E", "\u2067", "\u0000", "\u0007", "\u007F", "\u009B", "\r", "\n"} {
			res := e.do(t, http.MethodPatch, e.path("user/"), jsonObject("first_name", "Bo"+bad+"b", "last_name", "x"+bad+"y"), "Authorization", tokenHeader(key))
			res.wantStatus(t, http.StatusBadRequest)
			if !strings.Contains(string(res.body), `"first_name":[`) || !strings.Contains(string(res.body), `"last_name":[`) {
				t.Errorf("%q: body %s", bad, res.body)
			}
		}
		e.reqUnchanged(t, before)
	})

	c.run(t, "T-ID-07", func(t *testing.T) {
		// Distinct canonical keys are distinct accounts on every store (the
		// key column compares in binary, whatever the database collation):
		// no accent- or pad-insensitive match. restauth offers no
		// confusable (mixed-script) check: Cyrillic "аdmin" is its own name.
		ids := map[string]int64{}
		for i, name := range []string{"admin7", "аdmin7", "resume7", "résumé7", "resumé7"} {
			e.do(t, http.MethodPost, reg, register(name, "seven"+strconv.Itoa(i)+"@seven.example", defaultPassword)).wantStatus(t, http.StatusCreated)
			ids[name] = e.reqUser(t, name).ID
		}
		for name, id := range ids {
			k := e.login(t, name, defaultPassword)
			res := e.do(t, http.MethodGet, e.path("user/"), "", "Authorization", tokenHeader(k))
			if !strings.Contains(string(res.body), `"pk":`+strconv.FormatInt(id, 10)+`,`) {
				t.Errorf("login as %q reached %s, want pk %d", name, res.body, id)
			}
		}
		// Surrounding white space is trimmed (DRF's CharField), so "bob "
		// is "bob" everywhere, not a second account.
		e.do(t, http.MethodPost, reg, register("bob7", "bob7@example.com", defaultPassword)).wantStatus(t, http.StatusCreated)
		e.do(t, http.MethodPost, reg, register("bob7 ", "bob7b@example.com", defaultPassword)).want(t, http.StatusBadRequest, usernameTaken)
		e.do(t, http.MethodPost, reg, register(" BOB7", "bob7c@example.com", defaultPassword)).want(t, http.StatusBadRequest, usernameTaken)
		e.do(t, http.MethodPost, reg, register("bob7d", "bob7@example.com ", defaultPassword)).want(t, http.StatusBadRequest, emailTaken)
		e.login(t, "bob7 ", defaultPassword)
		e.do(t, http.MethodPost, login, jsonObject("username", "bob7\u00A0x", "password", defaultPassword)).want(t, http.StatusBadRequest, badLogin)
	})

	c.run(t, "T-ID-08", func(t *testing.T) {
		outbox.Reset()
		for _, addr := range []string{"a@b.com\r\nBcc: x@evil.test", "a@b.com\nBcc: x@evil.test", "a\r@b.com", "a@b\n.com", "a@b.com%0d%0aBcc:x@evil.test"} {
			e.do(t, http.MethodPost, reg, register("ideight", addr, defaultPassword)).want(t, http.StatusBadRequest, `{"email":`+badEmail+`}`)
			e.do(t, http.MethodPost, reset, jsonObject("email", addr)).want(t, http.StatusBadRequest, `{"email":`+badEmail+`}`)
			e.do(t, http.MethodPost, e.path("registration/resend-email/"), jsonObject("email", addr)).want(t, http.StatusBadRequest, `{"email":`+badEmail+`}`)
		}
		e.reqNoUser(t, "ideight")
		if n := len(outbox.Messages()); n != 0 {
			t.Errorf("%d mails for refused addresses", n)
		}
		// Surrounding CR/LF is white space, trimmed like DRF does: what is
		// stored and mailed to has none.
		e.do(t, http.MethodPost, reg, register("ideighttrim", "\r\nTrim8@example.com\r\n", defaultPassword)).wantStatus(t, http.StatusCreated)
		if u := e.reqUser(t, "ideighttrim"); u.Email != "Trim8@example.com" {
			t.Errorf("stored email %q", u.Email)
		}
		if m, ok := outbox.Last(); !ok || m.To != "Trim8@example.com" {
			t.Errorf("verification mail to %q", m.To)
		}
		outbox.Reset()
		// Names that reach mail templates cannot carry CR/LF either
		// (T-ID-06 refuses them on user/); a reset mail to a user with a
		// header-like name still has one recipient and a one-line subject.
		e.createUser(t, core.NewUser{Username: "ideight", Email: "eight@example.com", Password: defaultPassword, FirstName: "Bcc: x@evil.test", LastName: "Subject: hi"})
		if _, err := e.auth.CreateUser(t.Context(), core.NewUser{Username: "ideight2", Email: "eight2@example.com", Password: defaultPassword, FirstName: "X\r\nBcc: x@evil.test"}); err == nil {
			t.Error("CreateUser accepted a first name with CR/LF")
		}
		e.do(t, http.MethodPost, reset, `{"email":"eight@example.com"}`).want(t, http.StatusOK, resetSent)
		msgs := outbox.Messages()
		if len(msgs) != 1 || msgs[0].To != "eight@example.com" || strings.ContainsAny(msgs[0].Subject, "\r\n") || strings.ContainsAny(msgs[0].To, "\r\n,;") {
			t.Errorf("mails %+v, want one to eight@example.com with a one-line subject", msgs)
		}
	})

	c.run(t, "T-ID-09", func(t *testing.T) {
		// The address length is checked before any parsing (Django
		// CVE-2023-36053), and before any hashing or store call; the unit
		// tests of core's email validation cover its cost. No wall-clock assertion
		// here (the project bans timed unit tests): the proof is the 400
		// with no hash call.
		hugeLocal := strings.Repeat("a", 1_000_000) + "@example.com"
		manyLabels := "a@" + strings.Repeat("a.", 100_000) + "com"
		nested := "a@" + strings.Repeat("-", 500_000) + ".com"
		for _, addr := range []string{hugeLocal, manyLabels, nested, strings.Repeat("a", 64) + "@" + strings.Repeat("b", 190) + ".com"} {
			e.hashes.Reset()
			outbox.Reset()
			e.do(t, http.MethodPost, reg, register("idnine", addr, defaultPassword)).want(t, http.StatusBadRequest, `{"email":`+badEmail+`}`)
			e.do(t, http.MethodPost, login, jsonObject("email", addr, "password", defaultPassword)).want(t, http.StatusBadRequest, `{"email":`+badEmail+`}`)
			e.do(t, http.MethodPost, reset, jsonObject("email", addr)).want(t, http.StatusBadRequest, `{"email":`+badEmail+`}`)
			e.do(t, http.MethodPost, e.path("registration/resend-email/"), jsonObject("email", addr)).want(t, http.StatusBadRequest, `{"email":`+badEmail+`}`)
			if n := e.hashes.Calls(); n != 0 {
				t.Errorf("%d hash calls for a %d-byte address, want 0", n, len(addr))
			}
			if n := len(outbox.Messages()); n != 0 {
				t.Errorf("%d mails", n)
			}
		}
		e.reqNoUser(t, "idnine")
	})

	c.run(t, "T-ID-10", func(t *testing.T) {
		// An IDN domain and its A-label (punycode) name the same mailbox:
		// CanonicalEmail decodes A-labels, so both spellings share one
		// key and there is never a second account.
		e.do(t, http.MethodPost, reg, register("idten", "user@exämple.com", defaultPassword)).wantStatus(t, http.StatusCreated)
		e.do(t, http.MethodPost, reg, register("idten2", "user@xn--exmple-cua.com", defaultPassword)).want(t, http.StatusBadRequest, emailTaken)
		e.do(t, http.MethodPost, reg, register("idten3", "USER@XN--EXMPLE-CUA.COM", defaultPassword)).want(t, http.StatusBadRequest, emailTaken)
		e.do(t, http.MethodPost, reg, register("idten4", "user@xn--mnchen-3ya.de", defaultPassword)).wantStatus(t, http.StatusCreated)
		e.do(t, http.MethodPost, reg, register("idten5", "user@MÜNCHEN.de", defaultPassword)).want(t, http.StatusBadRequest, emailTaken)
		e.reqNoUser(t, "idten2")
		e.reqNoUser(t, "idten5")
		outbox.Reset()
		e.do(t, http.MethodPost, reset, `{"email":"user@xn--exmple-cua.com"}`).want(t, http.StatusOK, resetSent)
		lastLink(t, outbox, "user@exämple.com", resetLinkRe)
		k := e.do(t, http.MethodPost, login, jsonObject("email", "user@münchen.de", "password", defaultPassword)).wantKey(t)
		e.secrets.add(k)
	})
}
