package password

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// Known-answer vectors for Django's hashers, made by Django 3.2
// (argon2-cffi 21.1, python bcrypt 3.2.2) or, for the 32-byte argon2 row,
// by a newer argon2-cffi, in two sets: katPassword with the salt "AAAA…"
// (plus a few special rows), and katPassword61 with the salt "seasalt…".
// They use real, expensive parameters; every other test uses cheap ones.
//
// The race detector slows the pure-Go hash code about 20-fold and finds
// nothing in these single-goroutine tests, so under -race (katFull false)
// only the positive verification of each vector runs; the negative checks
// run in every plain `go test`.
const (
	katPassword   = "correct horse battery staple" // the "AAAA…" salt set
	katPassword61 = "correct horse"                // the "seasalt…" set
)

type kat struct {
	name, password, encoded string
	// altered is encoded with one parameter changed; it must not verify.
	altered string
	// current is true when encoded has the default parameters of its
	// hasher, so NeedsRehash is false.
	current bool
}

var kats = []kat{
	// The "AAAA…" salt set, then a Unicode password, the bcrypt truncation
	// witness (72 × "x") and the 32-byte argon2 row.
	{"pbkdf2_sha256 600000", katPassword,
		"pbkdf2_sha256$600000$AAAAAAAAAAAAAAAAAAAAAA$JNqRf6mWHLaaE3bPHymSqO2KZ7DTJYovxup9J2sdLYA=",
		"pbkdf2_sha256$600001$AAAAAAAAAAAAAAAAAAAAAA$JNqRf6mWHLaaE3bPHymSqO2KZ7DTJYovxup9J2sdLYA=", false},
	{"pbkdf2_sha1 260000", katPassword,
		"pbkdf2_sha1$260000$AAAAAAAAAAAAAAAAAAAAAA$6jmgzw+UAphczwyD5lgBKzp/YNk=",
		"pbkdf2_sha1$260001$AAAAAAAAAAAAAAAAAAAAAA$6jmgzw+UAphczwyD5lgBKzp/YNk=", false},
	{"argon2id 16-byte", katPassword,
		"argon2$argon2id$v=19$m=102400,t=2,p=8$QUFBQUFBQUFBQUFBQUFBQUFBQUFBQQ$rN1kNK3cbUkCTGk15mM3PQ",
		"argon2$argon2id$v=19$m=102400,t=3,p=8$QUFBQUFBQUFBQUFBQUFBQUFBQUFBQQ$rN1kNK3cbUkCTGk15mM3PQ", false},
	{"bcrypt_sha256 cost 10", katPassword,
		"bcrypt_sha256$$2b$10$AAAAAAAAAAAAAAAAAAAAA.fcYKUPs79NycRheGmLNSyJPCHot00NO",
		"bcrypt_sha256$$2b$11$AAAAAAAAAAAAAAAAAAAAA.fcYKUPs79NycRheGmLNSyJPCHot00NO", false},
	{"bcrypt cost 10", katPassword,
		"bcrypt$$2b$10$AAAAAAAAAAAAAAAAAAAAA.ypq7il2kmxL3dpjdOg8LepTQr/mcjDO",
		"bcrypt$$2b$11$AAAAAAAAAAAAAAAAAAAAA.ypq7il2kmxL3dpjdOg8LepTQr/mcjDO", false},
	{"pbkdf2_sha256 unicode password", "pässwörd-ü-中文-😀",
		"pbkdf2_sha256$260000$AAAAAAAAAAAAAAAAAAAAAA$Cm/rPNzGqc+U96wRFrQ5D8l/x96XwDEvLscX779ndog=",
		"pbkdf2_sha256$259999$AAAAAAAAAAAAAAAAAAAAAA$Cm/rPNzGqc+U96wRFrQ5D8l/x96XwDEvLscX779ndog=", false},
	{"bcrypt truncation witness (72 x)", strings.Repeat("x", 72),
		"bcrypt$$2b$10$AAAAAAAAAAAAAAAAAAAAA.ApmCaPIHPamNyL8uNe.TqnPY2E/1s.m",
		"bcrypt$$2b$09$AAAAAAAAAAAAAAAAAAAAA.ApmCaPIHPamNyL8uNe.TqnPY2E/1s.m", false},
	{"argon2id 32-byte", "Parity-Pass-2026 ü",
		"argon2$argon2id$v=19$m=102400,t=2,p=8$YWJjZGVmZ2hpamtsbW5vcHFyc3R1dg$IgorAEoC45Hed6TrnrYvCyIvYcj3785+rmJayoEyW88",
		"argon2$argon2id$v=19$m=102400,t=2,p=7$YWJjZGVmZ2hpamtsbW5vcHFyc3R1dg$IgorAEoC45Hed6TrnrYvCyIvYcj3785+rmJayoEyW88", false},
	// The "seasalt…" set: Django 3.2's default parameters and a short salt.
	{"seasalt pbkdf2_sha256 260000", katPassword61,
		"pbkdf2_sha256$260000$seasalt12345678901234a$jr7AzE1LBnhm7rQv5NmnK6OoSbr8HjWzUcGKRkV8oEQ=",
		"pbkdf2_sha256$260001$seasalt12345678901234a$jr7AzE1LBnhm7rQv5NmnK6OoSbr8HjWzUcGKRkV8oEQ=", false},
	{"seasalt pbkdf2_sha256 10000 short salt", katPassword61,
		"pbkdf2_sha256$10000$seasalt$yUSQkCSBBGjOglsg2f0YsigZVwZC6oXxFCoUK6nZWMQ=",
		"pbkdf2_sha256$10001$seasalt$yUSQkCSBBGjOglsg2f0YsigZVwZC6oXxFCoUK6nZWMQ=", false},
	{"seasalt pbkdf2_sha1 260000", katPassword61,
		"pbkdf2_sha1$260000$seasalt12345678901234a$0ArxCBziO/xWPyYIj44LUQ1GHA4=",
		"pbkdf2_sha1$26000$seasalt12345678901234a$0ArxCBziO/xWPyYIj44LUQ1GHA4=", false},
	{"seasalt argon2id", katPassword61,
		"argon2$argon2id$v=19$m=102400,t=2,p=8$c2Vhc2FsdDEyMzQ1Njc4OTAxMjM0YQ$1vvdn2+Ua3UpK18u/dZi3w",
		"argon2$argon2id$v=19$m=102392,t=2,p=8$c2Vhc2FsdDEyMzQ1Njc4OTAxMjM0YQ$1vvdn2+Ua3UpK18u/dZi3w", false},
	{"seasalt bcrypt_sha256 cost 12", katPassword61,
		"bcrypt_sha256$$2b$12$abcdefghijklmnopqrstuurByPinJWI/V/0c5apkEb2KJQv7f.gZO",
		"bcrypt_sha256$$2b$11$abcdefghijklmnopqrstuurByPinJWI/V/0c5apkEb2KJQv7f.gZO", true},
	{"seasalt bcrypt cost 12", katPassword61,
		"bcrypt$$2b$12$abcdefghijklmnopqrstuuFDJRuYeKkCzo3Wy7h8SxhBSHBAHiPK2",
		"bcrypt$$2b$11$abcdefghijklmnopqrstuuFDJRuYeKkCzo3Wy7h8SxhBSHBAHiPK2", true},
}

// katHasher returns the default-parameter hasher for encoded's algorithm.
func katHasher(t *testing.T, encoded string) Hasher {
	t.Helper()
	alg, _ := algorithmOf(encoded)
	for _, h := range defaultVerifiers() {
		if h.Algorithm() == alg {
			return h
		}
	}
	t.Fatalf("no hasher for %q", alg)
	return nil
}

// oneCharChanged changes the last character of s.
func oneCharChanged(s string) string {
	r := []rune(s)
	if r[len(r)-1] == 'a' {
		r[len(r)-1] = 'b'
	} else {
		r[len(r)-1] = 'a'
	}
	return string(r)
}

func TestKnownAnswers(t *testing.T) {
	for _, k := range kats {
		t.Run(k.name, func(t *testing.T) {
			t.Parallel()
			h := katHasher(t, k.encoded)
			verify := func(pw, enc string, want bool) {
				t.Helper()
				ok, err := h.Verify(pw, enc)
				if err != nil || ok != want {
					t.Errorf("Verify(%s) = %v, %v; want %v, nil", enc[:20], ok, err, want)
				}
			}
			verify(k.password, k.encoded, true)
			if katFull {
				verify(oneCharChanged(k.password), k.encoded, false)
				verify(k.password, k.altered, false)
			}
			if got := h.NeedsRehash(k.encoded); got == k.current {
				t.Errorf("NeedsRehash = %v, want %v", got, !k.current)
			}
		})
	}
}

// TestKnownAnswerTruncationWitness: Django 3.2 and x/crypto's
// CompareHashAndPassword accept 73 × "x" against the hash of 72 × "x";
// this package must not (T-PW-05).
func TestKnownAnswerTruncationWitness(t *testing.T) {
	t.Parallel()
	const witness = "bcrypt$$2b$10$AAAAAAAAAAAAAAAAAAAAA.ApmCaPIHPamNyL8uNe.TqnPY2E/1s.m"
	h, err := NewPlainBcrypt(DefaultBcryptCost)
	if err != nil {
		t.Fatal(err)
	}
	pws := []string{strings.Repeat("x", 73), strings.Repeat("x", 100)}
	if !katFull {
		pws = pws[:1]
	}
	for _, pw := range pws {
		ok, err := h.Verify(pw, witness)
		if ok || err != nil {
			t.Errorf("Verify(%d × x) = %v, %v; want false, nil", len(pw), ok, err)
		}
	}
}

// TestKnownAnswerUnsupported: Django's legacy formats are refused cleanly.
func TestKnownAnswerUnsupported(t *testing.T) {
	t.Parallel()
	p, err := NewPolicy(WithHasher(mustArgon2(t, FastArgon2Params())))
	if err != nil {
		t.Fatal(err)
	}
	for _, enc := range []string{
		"md5$seasalt$b614725f4cc025a51ab6a354d12890ab",
		"sha1$seasalt$0123456789abcdef0123456789abcdef01234567",
		"unsalted_md5$$5f4dcc3b5aa765d61d8327deb882cf99",
		"crypt$$abN0vPkQbOQZU",
		"scrypt$16384$seasalt$8$1$AAAA",
	} {
		for _, h := range defaultVerifiers() {
			ok, err := h.Verify(katPassword61, enc)
			if ok || !errors.Is(err, ErrUnsupportedAlgorithm) {
				t.Errorf("%s.Verify(%.10s…) = %v, %v; want false, ErrUnsupportedAlgorithm", h.Algorithm(), enc, ok, err)
			}
		}
		ok, rehash, err := p.Check(context.Background(), katPassword61, enc)
		if ok || rehash || err != nil {
			t.Errorf("Policy.Check(%.10s…) = %v, %v, %v; want false, false, nil", enc, ok, rehash, err)
		}
	}
}

// TestKnownAnswerPolicyUpgrade: a Django hash checks through a default
// Policy and asks for a rehash (T-PW-09).
func TestKnownAnswerPolicyUpgrade(t *testing.T) {
	t.Parallel()
	p, err := NewPolicy(WithHasher(mustArgon2(t, FastArgon2Params())))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	enc := "pbkdf2_sha256$10000$seasalt$yUSQkCSBBGjOglsg2f0YsigZVwZC6oXxFCoUK6nZWMQ="
	ok, rehash, err := p.Check(ctx, katPassword61, enc)
	if !ok || !rehash || err != nil {
		t.Fatalf("Check = %v, %v, %v; want true, true, nil", ok, rehash, err)
	}
	ok, rehash, err = p.Check(ctx, katPassword61+"!", enc)
	if ok || rehash || err != nil {
		t.Fatalf("wrong password: Check = %v, %v, %v; want false, false, nil", ok, rehash, err)
	}
}
