package authtest

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/mail"
	"github.com/restauth/restauth/core/password"
	"golang.org/x/crypto/argon2"
)

// hostilePasswords runs group C of docs/threat-model.md (Passwords and
// hashers).
func (s *suite) hostilePasswords(t *testing.T, c *cases) {
	c.run(t, "T-PW-01", s.pwCodePoints)
	c.run(t, "T-PW-02", s.pwLengths)
	c.run(t, "T-PW-03", s.pwBlocklist)
	c.run(t, "T-PW-04", s.pwBcryptNoTruncation)
	c.run(t, "T-PW-05", s.pwLegacyBcrypt)
	c.run(t, "T-PW-06", s.pwByteExact)
	c.run(t, "T-PW-07", s.pwKnownAnswers)
	c.run(t, "T-PW-08", s.pwMalformedHashes)
	c.run(t, "T-PW-09", s.pwUpgrade)
	c.run(t, "T-PW-10", s.pwHashingBudget)
	c.run(t, "T-PW-11", s.pwSalts)
}

// pwCodePoints: the minimum length counts code points, not bytes. The
// library default is Django's 8 (restauth uses Django's four validators); a
// NIST single-factor deployment configures 15, and both count the same way.
func (s *suite) pwCodePoints(t *testing.T) {
	reg := func(e *env, name, pw string) *response {
		return e.do(t, http.MethodPost, e.path("registration/"), register(name, name+"@example.com", pw))
	}
	nist := s.newEnv(t, accountsMode(mail.NewOutbox(), core.VerifyOptional), func(c *core.Config) {
		c.PasswordValidators = append(password.DefaultValidators()[:0:0], password.MinimumLength{Min: 15})
	})
	reg(nist, "fourteen", strings.Repeat("é", 14)). // 28 bytes
							want(t, http.StatusBadRequest, `{"password1":["This password is too short. It must contain at least 15 characters."]}`)
	emoji := strings.Repeat("🔐", 15) // 15 code points, 60 bytes
	reg(nist, "fifteen", emoji).wantStatus(t, http.StatusCreated)
	nist.pwLogin(t, "fifteen", emoji).wantKey(t)

	def := s.newEnv(t, accountsMode(mail.NewOutbox(), core.VerifyOptional))
	reg(def, "seven", "🔐🔑🗝🔒🔓🛡⚿").
		want(t, http.StatusBadRequest, `{"password1":["This password is too short. It must contain at least 8 characters."]}`)
	reg(def, "eight", "🔐🔑🗝🔒🔓🛡⚿🔏").wantStatus(t, http.StatusCreated)
}

// pwLengths: 64 code points work everywhere; over-long passwords are
// refused before any hashing. register/change/reset-confirm cap at 128
// characters like dj-rest-auth's serializers (max_length=128), so 256 is
// a 400 there; login has no field cap (dj-rest-auth's has none) and the
// policy refuses over 4096 bytes without hashing. A 1 MiB body is over
// the request cap (413) before any parsing.
func (s *suite) pwLengths(t *testing.T) {
	outbox := mail.NewOutbox()
	e := s.newEnv(t, accountsMode(outbox, core.VerifyOptional))
	p64 := strings.Repeat("Lq7-", 16)
	p256 := strings.Repeat("Lq7-", 64)
	kib10 := strings.Repeat("Lq7-", 2560)
	mib := strings.Repeat("x", 1<<20)

	noHash := func(t *testing.T, what string, f func()) {
		t.Helper()
		e.hashes.Reset()
		f()
		if n := e.hashes.Calls(); n != 0 {
			t.Errorf("%s: %d hasher calls, want 0", what, n)
		}
	}
	t.Run("64 accepted everywhere", func(t *testing.T) {
		e.do(t, http.MethodPost, e.path("registration/"), register("long64", "long64@example.com", p64)).wantStatus(t, http.StatusCreated)
		key := e.pwLogin(t, "long64", p64).wantKey(t)
		e.secrets.add(key)
		other := p64[1:] + "Z"
		e.do(t, http.MethodPost, e.path("password/change/"), pwChangeBody(p64, other), "Authorization", tokenHeader(key)).wantStatus(t, http.StatusOK)
		uid, token := e.pwResetLink(t, outbox, "long64@example.com")
		e.do(t, http.MethodPost, e.path("password/reset/confirm/"), pwConfirmBody(uid, token, p64)).wantStatus(t, http.StatusOK)
		e.pwLogin(t, "long64", p64).wantKey(t)
	})
	t.Run("256 at login", func(t *testing.T) {
		nu := newUser("long256")
		nu.Password = p256
		e.createUser(t, nu)
		e.pwLogin(t, "long256", p256).wantKey(t)
		e.pwLogin(t, "long256", p256[:255]).want(t, http.StatusBadRequest, invalidLogin)
	})
	key := e.login(t, "long64", p64)
	capMsg := `["Ensure this field has no more than 128 characters."]`
	for _, pw := range []string{p256, kib10} {
		n := strconv.Itoa(len(pw))
		noHash(t, "register "+n, func() {
			e.do(t, http.MethodPost, e.path("registration/"), register("over"+n, "over"+n+"@example.com", pw)).
				want(t, http.StatusBadRequest, `{"password1":`+capMsg+`,"password2":`+capMsg+`}`)
		})
		noHash(t, "change "+n, func() {
			e.do(t, http.MethodPost, e.path("password/change/"), pwChangeBody(p64, pw), "Authorization", tokenHeader(key)).
				want(t, http.StatusBadRequest, `{"new_password1":`+capMsg+`,"new_password2":`+capMsg+`}`)
		})
		uid, token := e.pwResetLink(t, outbox, "long64@example.com")
		noHash(t, "reset confirm "+n, func() {
			e.do(t, http.MethodPost, e.path("password/reset/confirm/"), pwConfirmBody(uid, token, pw)).
				want(t, http.StatusBadRequest, `{"new_password1":`+capMsg+`,"new_password2":`+capMsg+`}`)
		})
	}
	for _, user := range []string{"long64", "nobody"} {
		noHash(t, "login 10 KiB as "+user, func() {
			e.pwLogin(t, user, kib10).want(t, http.StatusBadRequest, invalidLogin)
		})
		noHash(t, "login 1 MiB as "+user, func() {
			res := e.pwLogin(t, user, mib)
			res.wantStatus(t, http.StatusRequestEntityTooLarge)
			res.wantRestauthHeaders(t)
		})
	}
	e.pwLogin(t, "long64", p64).wantKey(t) // nothing above changed the password
}

// pwBlocklist: common passwords and passwords close to the username or
// email are refused at registration, change and reset, before hashing.
func (s *suite) pwBlocklist(t *testing.T) {
	outbox := mail.NewOutbox()
	e := s.newEnv(t, accountsMode(outbox, core.VerifyOptional))
	e.createUser(t, newUser("marmalade"))
	key := e.login(t, "marmalade", defaultPassword)
	uid, token := e.pwResetLink(t, outbox, "marmalade@example.com")
	const (
		common  = `["This password is too common."]`
		byName  = `["The password is too similar to the username."]`
		byEmail = `["The password is too similar to the email address."]`
	)
	for _, tc := range []struct {
		pw, regField, regWant, setWant string
	}{
		{"qwertyuiop", "password1", common, common},
		{"1q2w3e4r5t6y", "password1", common, common},
		{"marmalade1", "non_field_errors", byName, byName},
		{"marmalade@example", "non_field_errors", byEmail, byEmail},
	} {
		e.hashes.Reset()
		e.do(t, http.MethodPost, e.path("registration/"), register("marmalade2", "marmalade2@example.com", tc.pw)).
			want(t, http.StatusBadRequest, `{"`+tc.regField+`":`+tc.regWant+`}`)
		e.do(t, http.MethodPost, e.path("password/change/"), pwChangeBody(defaultPassword, tc.pw), "Authorization", tokenHeader(key)).
			want(t, http.StatusBadRequest, `{"new_password2":`+tc.setWant+`}`)
		e.do(t, http.MethodPost, e.path("password/reset/confirm/"), pwConfirmBody(uid, token, tc.pw)).
			want(t, http.StatusBadRequest, `{"new_password2":`+tc.setWant+`}`)
		if n := e.hashes.Count(); n != 1 { // the change's old_password check only
			t.Errorf("%q: %d hashes, want 1 (old_password)", tc.pw, n)
		}
	}
	e.do(t, http.MethodPost, e.path("registration/"), register("quokka", "xylophonist@example.com", "xylophonist@example")).
		want(t, http.StatusBadRequest, `{"non_field_errors":`+byEmail+`}`)
	e.pwLogin(t, "marmalade", defaultPassword).wantKey(t)
}

// pwBcryptNoTruncation: with bcrypt preferred, a 73-byte password is
// never truncated: plain bcrypt refuses it (400, no account, no empty
// hash); bcrypt_sha256 stores it whole.
func (s *suite) pwBcryptNoTruncation(t *testing.T) {
	p73 := strings.Repeat("Zq9-", 18) + "x"
	t.Run("bcrypt", func(t *testing.T) {
		plain, err := password.NewPlainBcrypt(password.MinBcryptCost)
		if err != nil {
			t.Fatal(err)
		}
		opt, _ := pwPolicy(t, plain)
		e := s.newEnv(t, accountsMode(mail.NewOutbox(), core.VerifyOptional), opt)
		e.do(t, http.MethodPost, e.path("registration/"), register("trunc", "trunc@example.com", p73)).
			want(t, http.StatusBadRequest, `{"password1":["Ensure this field has no more than 72 characters."]}`)
		if _, err := e.store.UserByUsername(t.Context(), "trunc"); err == nil {
			t.Error("the refused registration created an account")
		}
		e.createUser(t, newUser("plain"))
		before := e.pwStoredHash(t, "plain")
		key := e.login(t, "plain", defaultPassword)
		e.do(t, http.MethodPost, e.path("password/change/"), pwChangeBody(defaultPassword, p73), "Authorization", tokenHeader(key)).
			want(t, http.StatusBadRequest, `{"new_password2":["Ensure this field has no more than 72 characters."]}`)
		if after := e.pwStoredHash(t, "plain"); after != before || !strings.HasPrefix(after, "bcrypt$$2b$") {
			t.Errorf("stored hash changed by a refused change (prefix %.12q)", after)
		}
		e.pwLogin(t, "plain", p73[:72]).want(t, http.StatusBadRequest, invalidLogin)
	})
	t.Run("bcrypt_sha256", func(t *testing.T) {
		sha, err := password.NewBcrypt(password.MinBcryptCost)
		if err != nil {
			t.Fatal(err)
		}
		opt, _ := pwPolicy(t, sha)
		e := s.newEnv(t, accountsMode(mail.NewOutbox(), core.VerifyOptional), opt)
		e.do(t, http.MethodPost, e.path("registration/"), register("whole", "whole@example.com", p73)).wantStatus(t, http.StatusCreated)
		if h := e.pwStoredHash(t, "whole"); !strings.HasPrefix(h, "bcrypt_sha256$$2b$04$") || len(h) != len("bcrypt_sha256$")+60 {
			t.Errorf("stored hash %.20q…, want bcrypt_sha256$$2b$04$…", h)
		}
		key := e.pwLogin(t, "whole", p73).wantKey(t)
		e.secrets.add(key)
		e.pwLogin(t, "whole", p73[:72]).want(t, http.StatusBadRequest, invalidLogin)
		p100 := p73 + strings.Repeat("Q", 27)
		e.do(t, http.MethodPost, e.path("password/change/"), pwChangeBody(p73, p100), "Authorization", tokenHeader(key)).wantStatus(t, http.StatusOK)
		e.pwLogin(t, "whole", p73+strings.Repeat("R", 27)).want(t, http.StatusBadRequest, invalidLogin)
		e.pwLogin(t, "whole", p100).wantKey(t)
	})
}

// pwLegacyBcrypt: Django's bcrypt$ hash of 72 × "x" (the truncation
// witness among Django's known-answer vectors) accepts exactly those 72
// bytes, never a longer password with that prefix (Django and x/crypto
// would), and is upgraded to the preferred hasher on success. There is no
// legacy-compat flag.
func (s *suite) pwLegacyBcrypt(t *testing.T) {
	const witness = "bcrypt$$2b$10$AAAAAAAAAAAAAAAAAAAAA.ApmCaPIHPamNyL8uNe.TqnPY2E/1s.m"
	e := s.newEnv(t)
	e.createUser(t, newUser("legacy"))
	e.pwSetHash(t, "legacy", witness)
	x72 := strings.Repeat("x", 72)
	e.pwLogin(t, "legacy", x72+"x").want(t, http.StatusBadRequest, invalidLogin)
	e.pwLogin(t, "legacy", x72+"yz").want(t, http.StatusBadRequest, invalidLogin)
	if h := e.pwStoredHash(t, "legacy"); h != witness {
		t.Error("a failed login changed the stored hash")
	}
	e.pwLogin(t, "legacy", x72).wantKey(t)
	if h := e.pwStoredHash(t, "legacy"); !strings.HasPrefix(h, "argon2$argon2id$") || e.hashes.NeedsRehash(h) {
		t.Errorf("after a legacy login the hash starts %.16q, want the preferred argon2id", h)
	}
	e.pwLogin(t, "legacy", x72+"x").want(t, http.StatusBadRequest, invalidLogin)
}

// pwByteExact: inside the password every byte counts (no Unicode
// normalisation: decomposed é ≠ composed é, a documented deviation from
// NIST's SHOULD, for Django-hash compatibility). Surrounding white space
// is trimmed at every endpoint, as DRF's CharField does (docs/design.md
// §6, Bodies), so registration and login agree; NUL is refused with DRF's
// message, never a 5xx.
func (s *suite) pwByteExact(t *testing.T) {
	e := s.newEnv(t, accountsMode(mail.NewOutbox(), core.VerifyOptional))
	for i, tc := range []struct {
		pw      string
		same    []string // also log in
		differs []string // must not
	}{
		{"café-Secret-9", nil, []string{"cafe\u0301-Secret-9", "cafe-Secret-9", "CAFÉ-Secret-9"}},
		{"cafe\u0301-Secret-9", nil, []string{"café-Secret-9"}},
		{"🔐🔑-Secret-9x", nil, []string{"🔑🔐-Secret-9x", "-Secret-9x"}},
		{"\u202Bsecret-Pass-9", nil, []string{"secret-Pass-9", "\u202Asecret-Pass-9"}},
		{"in ner-Pass-9", nil, []string{"inner-Pass-9", "in  ner-Pass-9"}},
		{"  spaced-Pass-9  ", []string{"spaced-Pass-9", " spaced-Pass-9\t"}, []string{"spacedPass-9"}},
		{"ｆｕｌｌ-Pass-9", nil, []string{"full-Pass-9"}},
	} {
		name := "exact" + strconv.Itoa(i)
		e.do(t, http.MethodPost, e.path("registration/"), register(name, name+"@example.com", tc.pw)).wantStatus(t, http.StatusCreated)
		e.pwLogin(t, name, tc.pw).wantKey(t)
		for _, pw := range tc.same {
			e.pwLogin(t, name, pw).wantKey(t)
		}
		for _, pw := range tc.differs {
			e.pwLogin(t, name, pw).want(t, http.StatusBadRequest, invalidLogin)
		}
	}
	nul := `["Null characters are not allowed."]`
	e.do(t, http.MethodPost, e.path("registration/"), register("nul", "nul@example.com", "pass\x00word-Zq9")).
		want(t, http.StatusBadRequest, `{"password1":`+nul+`,"password2":`+nul+`}`)
	e.pwLogin(t, "exact0", "café-Secret-9\x00").want(t, http.StatusBadRequest, `{"password":`+nul+`}`)
}

// pwKnownAnswers: hashes written by Django, stored as they are in a shared
// auth_user table, log in over HTTP (and are upgraded); a one-character
// change of the password or a changed parameter in the hash does not.
func (s *suite) pwKnownAnswers(t *testing.T) {
	e := s.newEnv(t)
	e.createUser(t, newUser("django"))
	for _, k := range pwKATs() {
		t.Run(k.name, func(t *testing.T) {
			// Django's argon2 costs 100 MiB and ~0.4-1 s per check; its
			// negative checks run once in core/password's KAT test.
			if !k.heavy {
				e.pwSetHash(t, "django", k.encoded)
				wrong := []rune(k.password)
				wrong[len(wrong)-1]++
				e.pwLogin(t, "django", string(wrong)).want(t, http.StatusBadRequest, invalidLogin)
				e.pwSetHash(t, "django", k.altered)
				e.pwLogin(t, "django", k.password).want(t, http.StatusBadRequest, invalidLogin)
			}
			e.pwSetHash(t, "django", k.encoded)
			e.pwLogin(t, "django", k.password).wantKey(t)
			if h := e.pwStoredHash(t, "django"); h == k.encoded {
				t.Error("the Django hash was not upgraded after a successful login")
			}
		})
	}
}

// pwMalformedHashes: a corrupt or foreign stored hash is a wrong password:
// same 400, exactly one (dummy) hash, no panic or huge allocation, and an
// integrity warning in the log for what is not merely unusable.
func (s *suite) pwMalformedHashes(t *testing.T) {
	opt, counting := pwPolicy(t, pwFastArgon2(t))
	e := s.newEnv(t, opt)
	e.createUser(t, newUser("victim"))
	e.createUser(t, newUser("normal"))
	reference := e.pwLogin(t, "normal", "Wrong-pass-123")
	reference.want(t, http.StatusBadRequest, invalidLogin)
	for _, tc := range []struct {
		hash string
		warn bool
	}{
		{"", false},
		{"!", false},
		{"!abc", false},
		{"pbkdf2_sha256$abc$s$h", true},
		{"pbkdf2_sha256$-5$s$h", true},
		{"pbkdf2_sha256$99999999999$s$h", true},
		{"argon2$argon2id$v=19$m=4294967295,t=1,p=1$QUFBQUFBQUFBQUFBQUFBQQ$QUFBQUFBQUFBQUFBQUFBQQ", true},
		{"argon2$argon2id$v=16$m=64,t=1,p=1$QUFBQUFBQUFBQUFBQUFBQQ$QUFBQUFBQUFBQUFBQUFBQQ", true},
		{"argon2$argon2id$m=64,t=1,p=1$QUFBQUFBQUFBQUFBQUFBQQ$QUFBQUFBQUFBQUFBQUFBQQ", true},
		{"md5$salt$0123456789abcdef0123456789abcdef", true},
		{"unsalted_md5$$0123456789abcdef0123456789abcdef", true},
		{"bcrypt$$2b$31$AAAAAAAAAAAAAAAAAAAAA.ypq7il2kmxL3dpjdOg8LepTQr/mcjDO", true},
		{"q\x7f\x01ÿ€$$$$\u2028垃圾", true},
	} {
		e.pwSetHash(t, "victim", tc.hash)
		before := strings.Count(e.logs.String(), "stored password hash is malformed")
		counting.Reset()
		res := e.pwLogin(t, "victim", defaultPassword)
		res.want(t, http.StatusBadRequest, invalidLogin)
		wantSame(t, reference, res)
		if n := counting.Count(); n != 1 {
			t.Errorf("hash %.24q: %d full-cost hashes, want exactly 1", tc.hash, n)
		}
		if warned := strings.Count(e.logs.String(), "stored password hash is malformed") > before; warned != tc.warn {
			t.Errorf("hash %.24q: integrity warning logged = %v, want %v", tc.hash, warned, tc.warn)
		}
		if tc.hash != "" {
			e.secrets.add(tc.hash)
		}
	}
}

// pwUpgrade: a successful login with an outdated hash (old PBKDF2 count,
// argon2i, low bcrypt cost) stores a fresh preferred hash; a failed one
// leaves it alone; concurrent successful logins leave one valid hash.
func (s *suite) pwUpgrade(t *testing.T) {
	e := s.newEnv(t)
	e.createUser(t, newUser("old"))
	b4, err := password.NewBcrypt(password.MinBcryptCost)
	if err != nil {
		t.Fatal(err)
	}
	oldBcrypt, err := b4.Hash(defaultPassword)
	if err != nil {
		t.Fatal(err)
	}
	pb, _ := password.NewPBKDF2("pbkdf2_sha256", 2000)
	oldPBKDF2, err := pb.Hash(defaultPassword)
	if err != nil {
		t.Fatal(err)
	}
	salt := "abcdefghijklmnopqrstuv"
	b64 := base64.RawStdEncoding
	argon2i := "argon2$argon2i$v=19$m=64,t=1,p=1$" + b64.EncodeToString([]byte(salt)) + "$" +
		b64.EncodeToString(argon2.Key([]byte(defaultPassword), []byte(salt), 1, 64, 1, 16))
	for name, old := range map[string]string{
		"pbkdf2_sha256 260000 (Django 4.0)": pwKATs()[4].encoded, // of the Unicode password
		"pbkdf2_sha256 2000":                oldPBKDF2,
		"argon2i":                           argon2i,
		"bcrypt_sha256 cost 4":              oldBcrypt,
	} {
		t.Run(name, func(t *testing.T) {
			pw := defaultPassword
			if strings.HasPrefix(old, "pbkdf2_sha256$260000$") {
				pw = pwKATs()[4].password
			}
			e.pwSetHash(t, "old", old)
			e.pwLogin(t, "old", pw+"x").want(t, http.StatusBadRequest, invalidLogin)
			if h := e.pwStoredHash(t, "old"); h != old {
				t.Fatal("a failed login changed the stored hash")
			}
			// Concurrent successful logins: each verifies the old hash; the
			// compare-and-swap lets one upgrade win, and the result is a
			// hash of the same password.
			codes := e.concurrently(t, 4, http.MethodPost, e.path("login/"), func(int) string {
				return jsonObject("username", "old", "password", pw)
			})
			if n := countStatus(t, codes, http.StatusOK, 0); n != 4 {
				t.Errorf("%d of 4 concurrent logins succeeded: %v", n, codes)
			}
			h := e.pwStoredHash(t, "old")
			if h == old || !strings.HasPrefix(h, "argon2$argon2id$") || e.hashes.NeedsRehash(h) {
				t.Errorf("after login the stored hash starts %.20q, want the preferred argon2id", h)
			}
			e.pwLogin(t, "old", pw).wantKey(t)
			if h2 := e.pwStoredHash(t, "old"); h2 != h {
				t.Error("a login with a current hash re-hashed it again")
			}
		})
	}
	t.Run("password change racing logins", func(t *testing.T) { s.pwChangeRace(t) })
}

// pwHashingBudget: 50 concurrent logins against argon2 hashes with
// Django's shape (p=8, memory far above the default) are bounded by the
// limiter's memory budget: the memory held by hashes in flight never
// exceeds it and nothing fails. The hashes use m=1 MiB and a 2 MiB budget
// as a scale model of Django's m=100 MiB against a 256 MiB budget, so the
// test does not allocate 5 GB; the limiter reads m from each stored hash.
func (s *suite) pwHashingBudget(t *testing.T) {
	gauge := &pwGaugeHasher{Hasher: pwFastArgon2(t)}
	const budget = 2 << 20
	limiter, err := password.NewLimiter(password.LimiterConfig{MaxConcurrent: 8, MemoryBudget: budget})
	if err != nil {
		t.Fatal(err)
	}
	e := s.newEnv(t, func(c *core.Config) {
		p, err := password.NewPolicy(password.WithHasher(gauge), password.WithLimiter(limiter))
		if err != nil {
			t.Fatal(err)
		}
		c.Passwords = p
	})
	salt := []byte("abcdefghijklmnopqrstuv")
	b64 := base64.RawStdEncoding
	for i := range 5 {
		name := "django" + strconv.Itoa(i)
		e.createUser(t, newUser(name))
		key := argon2.IDKey([]byte(defaultPassword), salt, 1, 1024, 8, 32)
		e.pwSetHash(t, name, "argon2$argon2id$v=19$m=1024,t=1,p=8$"+b64.EncodeToString(salt)+"$"+b64.EncodeToString(key))
	}
	codes := e.concurrently(t, 50, http.MethodPost, e.path("login/"), func(i int) string {
		return jsonObject("username", "django"+strconv.Itoa(i%5), "password", "Wrong-pass-123")
	})
	if n := countStatus(t, codes, http.StatusBadRequest, 0); n != 50 {
		t.Errorf("%d of 50 failed logins answered 400: %v", n, codes)
	}
	ops, mem, verifies, _ := gauge.peak()
	if verifies != 50 {
		t.Errorf("%d verifications, want 50", verifies)
	}
	if mem > budget || ops > 2 {
		t.Errorf("peak in flight: %d hashes holding %d bytes; the budget allows 2 holding %d", ops, mem, budget)
	}
}

// pwSalts: the same password hashed for several accounts and again on a
// change gives different hashes with different salts of at least 128 bits
// (22 characters of [A-Za-z0-9], like Django's get_random_string, drawn
// from crypto/rand in core/password/random.go).
func (s *suite) pwSalts(t *testing.T) {
	e := s.newEnv(t, accountsMode(mail.NewOutbox(), core.VerifyOptional))
	seen := map[string]bool{}
	check := func(h string) {
		t.Helper()
		f := strings.Split(h, "$")
		if len(f) != 6 || f[0] != "argon2" {
			t.Fatalf("stored hash %.20q… is not argon2", h)
		}
		salt, err := base64.RawStdEncoding.DecodeString(f[4])
		if err != nil || len(salt) < 22 || strings.Trim(string(salt), "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") != "" {
			t.Errorf("salt %q: want ≥ 22 alphanumeric characters (≥ 128 bits)", salt)
		}
		if seen[f[4]] || seen[f[5]] {
			t.Error("a salt or hash repeated")
		}
		seen[f[4]], seen[f[5]] = true, true
	}
	for _, name := range []string{"twin1", "twin2", "twin3"} {
		e.do(t, http.MethodPost, e.path("registration/"), register(name, name+"@example.com", defaultPassword)).wantStatus(t, http.StatusCreated)
		check(e.pwStoredHash(t, name))
	}
	key := e.login(t, "twin1", defaultPassword)
	e.do(t, http.MethodPost, e.path("password/change/"), pwChangeBody(defaultPassword, defaultPassword), "Authorization", tokenHeader(key)).wantStatus(t, http.StatusOK)
	check(e.pwStoredHash(t, "twin1"))
}
