package authtest

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/mail"
)

// idSpelling is one account registered with one spelling of its username
// and email, and reached through another spelling of each.
type idSpelling struct {
	username, email       string // as registered
	altUsername, altEmail string // another spelling of the same keys
}

// idCanonicalAcrossEndpoints is T-ID-04 over HTTP: the canonical key is the
// same function in every endpoint. An account registered with one spelling
// is found by login (username and email), reset and resend with the other
// spelling, and registering the other spelling is a duplicate; strings no
// endpoint accepts are refused consistently and never make an account.
// The fixed-point property itself (canonical(canonical(s)) == canonical(s))
// is fuzzed in core (FuzzCanonical*); here it is checked on these inputs.
func (s *suite) idCanonicalAcrossEndpoints(t *testing.T) {
	outbox := mail.NewOutbox()
	e := s.newEnv(t, accountsMode(outbox, core.VerifyOptional))
	for i, sp := range []idSpelling{
		{"ﬁsh", "f@ﬁsh.example", "FISH", "F@fish.EXAMPLE"},                             // ligature (NFKC)
		{"\u212Aelvin", "k@\u212Aelvin.example", "kelvin", "K@KELVIN.example"},         // Kelvin sign
		{"straße", "s@straße.example", "STRASSE", "S@strasse.example"},                 // ß folds to ss
		{"ａｌｉｃｅ", "a@ａｌｉｃｅ.example", "Alice", "A@alice.example"},                       // fullwidth
		{"e\u0301mile", "e@e\u0301mile.example", "\u00c9MILE", "E@\u00e9mile.example"}, // composition
		{"οδος", "o@οδος.example", "ΟΔΟΣ", "O@ΟΔΟΣ.example"},                           // final sigma
		{"\u0130zmir", "i@\u0130zmir.example", "\u0130ZMIR", "I@i\u0307zmir.example"},  // dotted capital I
		{"\u01c5emal", "d@\u01c6emal.example", "\u01c4EMAL", "D@\u01c4emal.example"},   // titlecase digraph
		{"x\u00b2y", "x@x\u00b2y.example", "x2y", "X@X2Y.example"},                     // superscript two
	} {
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			for _, pair := range [][2]string{{sp.username, sp.altUsername}, {sp.email, sp.altEmail}} {
				for _, v := range pair {
					if k := core.CanonicalUsername(v); core.CanonicalUsername(k) != k {
						t.Errorf("CanonicalUsername(%q) is not a fixed point", v)
					}
					if k := core.CanonicalEmail(v); core.CanonicalEmail(k) != k {
						t.Errorf("CanonicalEmail(%q) is not a fixed point", v)
					}
				}
			}
			res := e.do(t, http.MethodPost, e.path("registration/"), register(sp.username, sp.email, defaultPassword))
			res.wantStatus(t, http.StatusCreated)
			u := e.reqUser(t, sp.username)
			if u.Email != sp.email {
				t.Errorf("stored email %q, want %q as typed", u.Email, sp.email)
			}
			for _, body := range []string{
				jsonObject("username", sp.altUsername, "password", defaultPassword),
				jsonObject("email", sp.altEmail, "password", defaultPassword),
			} {
				k := e.do(t, http.MethodPost, e.path("login/"), body).wantKey(t)
				e.secrets.add(k)
				got := e.do(t, http.MethodGet, e.path("user/"), "", "Authorization", tokenHeader(k))
				if !strings.HasPrefix(string(got.body), `{"pk":`+strconv.FormatInt(u.ID, 10)+`,`) {
					t.Errorf("login %s reached %s, want pk %d", body, got.body, u.ID)
				}
			}
			for _, p := range []string{"password/reset/", "registration/resend-email/"} {
				outbox.Reset()
				e.do(t, http.MethodPost, e.path(p), jsonObject("email", sp.altEmail)).wantStatus(t, http.StatusOK)
				if msgs := outbox.Messages(); len(msgs) != 1 || msgs[0].To != sp.email {
					t.Errorf("%s for %q: mails %+v, want one to the stored %q", p, sp.altEmail, msgs, sp.email)
				}
			}
			e.do(t, http.MethodPost, e.path("registration/"), register(sp.altUsername, "fresh"+strconv.Itoa(i)+"@example.com", defaultPassword)).
				want(t, http.StatusBadRequest, `{"username":["A user with that username already exists."]}`)
			e.do(t, http.MethodPost, e.path("registration/"), register("fresh"+strconv.Itoa(i), sp.altEmail, defaultPassword)).
				want(t, http.StatusBadRequest, `{"email":["A user is already registered with this e-mail address."]}`)
			e.reqNoUser(t, "fresh"+strconv.Itoa(i))
		})
	}

	// Strings no endpoint accepts as a username (U+02DC, whose NFKC starts
	// with a space; lone combining marks; symbols): registration refuses
	// them, and login answers the generic failure for them and for every
	// other spelling, since no account can hold them.
	t.Run("refused everywhere", func(t *testing.T) {
		for _, name := range []string{"a\u02DCb", "\u02DC", "q\u0303", "\u0303", "a b", "a\u3000b", "☃", "a\u00A0"} {
			if k := core.CanonicalUsername(name); core.CanonicalUsername(k) != k {
				t.Errorf("CanonicalUsername(%q) is not a fixed point", name)
			}
			res := e.do(t, http.MethodPost, e.path("registration/"), register(name, "refused@example.com", defaultPassword))
			if strings.TrimSpace(name) != name || name == "a\u00A0" {
				// Trimmed by DRF's CharField: "a" is a valid name; skip.
				continue
			}
			res.want(t, http.StatusBadRequest, `{"username":["Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters."]}`)
			e.reqNoUser(t, name)
			e.do(t, http.MethodPost, e.path("login/"), jsonObject("username", name, "password", defaultPassword)).
				want(t, http.StatusBadRequest, `{"non_field_errors":["Unable to log in with provided credentials."]}`)
			outbox.Reset()
			for _, p := range []string{"password/reset/", "registration/resend-email/"} {
				res := e.do(t, http.MethodPost, e.path(p), jsonObject("email", "x@"+name+".example"))
				if res.status != http.StatusBadRequest && res.status != http.StatusOK {
					t.Errorf("%s: %d %s", res.req, res.status, res.body)
				}
			}
			if n := len(outbox.Messages()); n != 0 {
				t.Errorf("%d mails for %q", n, name)
			}
		}
	})
}
