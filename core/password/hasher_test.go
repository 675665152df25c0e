package password

import (
	"encoding/base64"
	"errors"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"
)

// Round trips, formats and rehash rules of every hasher, with cheap
// parameters.

var formats = map[string]*regexp.Regexp{
	"argon2":        regexp.MustCompile(`^argon2\$argon2id\$v=19\$m=64,t=1,p=1\$[A-Za-z0-9+/]{30}\$[A-Za-z0-9+/]{43}$`),
	"pbkdf2_sha256": regexp.MustCompile(`^pbkdf2_sha256\$1000\$[A-Za-z0-9]{22}\$[A-Za-z0-9+/]{43}=$`),
	"pbkdf2_sha1":   regexp.MustCompile(`^pbkdf2_sha1\$1000\$[A-Za-z0-9]{22}\$[A-Za-z0-9+/]{27}=$`),
	"bcrypt_sha256": regexp.MustCompile(`^bcrypt_sha256\$\$2b\$04\$[./A-Za-z0-9]{53}$`),
	"bcrypt":        regexp.MustCompile(`^bcrypt\$\$2b\$04\$[./A-Za-z0-9]{53}$`),
}

func TestHasherRoundTrip(t *testing.T) {
	passwords := []string{
		"correct horse battery staple",
		"",
		" leading and trailing ",
		"nul\x00byte",
		"pässwörd-ü-中文-😀",
		"\u202eRTL mark",
		strings.Repeat("é", 36), // 72 bytes
	}
	for _, h := range fastHashers(t) {
		t.Run(h.Algorithm(), func(t *testing.T) {
			t.Parallel()
			for _, pw := range passwords {
				enc, err := h.Hash(pw)
				if h.Algorithm() == "bcrypt" && strings.IndexByte(pw, 0) >= 0 {
					if !errors.Is(err, ErrInvalidPassword) {
						t.Errorf("plain bcrypt Hash(NUL) err = %v, want ErrInvalidPassword", err)
					}
					continue
				}
				if err != nil {
					t.Fatalf("Hash: %v", err)
				}
				if !formats[h.Algorithm()].MatchString(enc) {
					t.Errorf("hash %q does not match Django's format", enc)
				}
				if ok, err := h.Verify(pw, enc); !ok || err != nil {
					t.Errorf("Verify(right) = %v, %v", ok, err)
				}
				if ok, err := h.Verify(pw+"x", enc); ok || err != nil {
					t.Errorf("Verify(wrong) = %v, %v", ok, err)
				}
				if h.NeedsRehash(enc) {
					t.Errorf("NeedsRehash(own fresh hash) = true")
				}
			}
		})
	}
}

// T-PW-11: two hashes of one password differ.
func TestHasherFreshSalt(t *testing.T) {
	for _, h := range fastHashers(t) {
		a, _ := h.Hash("same")
		b, _ := h.Hash("same")
		if a == b {
			t.Errorf("%s: two hashes of one password are equal", h.Algorithm())
		}
	}
}

// T-PW-06: passwords are byte-exact: no trimming, no normalisation.
func TestHasherByteExact(t *testing.T) {
	h := fastPBKDF2(t, "pbkdf2_sha256")
	pairs := [][2]string{
		{"caf\u00e9", "cafe\u0301"}, // composed vs decomposed é
		{" pw", "pw"},
		{"pw ", "pw"},
		{"PW", "pw"},
		// Not tested: "pw\x00" vs "pw". HMAC zero-pads short keys, so
		// PBKDF2-HMAC (here and in Django) cannot tell trailing NULs apart.
	}
	for _, p := range pairs {
		enc, err := h.Hash(p[0])
		if err != nil {
			t.Fatal(err)
		}
		if ok, _ := h.Verify(p[1], enc); ok {
			t.Errorf("%q verified against the hash of %q", p[1], p[0])
		}
	}
}

func TestArgon2Params(t *testing.T) {
	bad := []Argon2Params{
		{},
		{MemoryKiB: 64, Time: 0, Parallelism: 1, KeyLen: 32},
		{MemoryKiB: 64, Time: MaxArgon2Time + 1, Parallelism: 1, KeyLen: 32},
		{MemoryKiB: 64, Time: 1, Parallelism: 0, KeyLen: 32},
		{MemoryKiB: 15, Time: 1, Parallelism: 2, KeyLen: 32},
		{MemoryKiB: MaxArgon2MemoryKiB + 1, Time: 1, Parallelism: 1, KeyLen: 32},
		{MemoryKiB: 64, Time: 1, Parallelism: 1, KeyLen: 8},
		{MemoryKiB: 64, Time: 1, Parallelism: 1, KeyLen: 257},
	}
	for _, p := range bad {
		if _, err := NewArgon2(p); !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("NewArgon2(%+v) err = %v, want ErrInvalidConfig", p, err)
		}
	}
	for _, p := range []Argon2Params{DefaultArgon2Params(), FastArgon2Params()} {
		if _, err := NewArgon2(p); err != nil {
			t.Errorf("NewArgon2(%+v) = %v", p, err)
		}
	}
	d := DefaultArgon2Params()
	if d != (Argon2Params{MemoryKiB: 19456, Time: 2, Parallelism: 1, KeyLen: 32}) {
		t.Errorf("DefaultArgon2Params = %+v", d)
	}
	if DefaultArgon2().Params() != d {
		t.Error("DefaultArgon2 does not use DefaultArgon2Params")
	}
	if c := DefaultArgon2().Cost().MemoryBytes; c != 19456*1024 {
		t.Errorf("Cost = %d", c)
	}
}

// The salt segment is base64 of a 22-character [a-zA-Z0-9] string.
func TestArgon2SaltIsDjangoRandomString(t *testing.T) {
	enc, _ := fastArgon2(t).Hash("pw")
	f := strings.Split(enc, "$")
	salt, err := base64.RawStdEncoding.DecodeString(f[4])
	if err != nil || !regexp.MustCompile(`^[a-zA-Z0-9]{22}$`).Match(salt) {
		t.Errorf("salt %q (%v)", salt, err)
	}
}

// makeArgon2 builds a stored hash with any variant, parameters and lengths.
func makeArgon2(variant string, m, tm uint32, p uint8, salt string, keyLen uint32, pw string) string {
	var key []byte
	if variant == "argon2i" {
		key = argon2.Key([]byte(pw), []byte(salt), tm, m, p, keyLen)
	} else {
		key = argon2.IDKey([]byte(pw), []byte(salt), tm, m, p, keyLen)
	}
	b := base64.RawStdEncoding
	return "argon2$" + variant + "$v=19$m=" + itoa(int(m)) + ",t=" + itoa(int(tm)) + ",p=" + itoa(int(p)) +
		"$" + b.EncodeToString([]byte(salt)) + "$" + b.EncodeToString(key)
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

func TestArgon2VerifyVariantsAndRehash(t *testing.T) {
	h := fastArgon2(t)
	const salt = "abcdefghijklmnopqrstuv"
	cases := []struct {
		name       string
		enc        string
		wantRehash bool
	}{
		{"same params", makeArgon2("argon2id", 64, 1, 1, salt, 32, "pw"), false},
		{"argon2i", makeArgon2("argon2i", 64, 1, 1, salt, 32, "pw"), true},
		{"16-byte hash", makeArgon2("argon2id", 64, 1, 1, salt, 16, "pw"), true},
		{"other m", makeArgon2("argon2id", 128, 1, 1, salt, 32, "pw"), true},
		{"other t", makeArgon2("argon2id", 64, 2, 1, salt, 32, "pw"), true},
		{"other p", makeArgon2("argon2id", 64, 1, 2, salt, 32, "pw"), true},
		{"short salt", makeArgon2("argon2id", 64, 1, 1, "saltsalt", 32, "pw"), true},
	}
	for _, c := range cases {
		if ok, err := h.Verify("pw", c.enc); !ok || err != nil {
			t.Errorf("%s: Verify = %v, %v", c.name, ok, err)
		}
		if ok, err := h.Verify("pX", c.enc); ok || err != nil {
			t.Errorf("%s: Verify(wrong) = %v, %v", c.name, ok, err)
		}
		if got := h.NeedsRehash(c.enc); got != c.wantRehash {
			t.Errorf("%s: NeedsRehash = %v", c.name, got)
		}
	}
	// The limiter must budget a stored hash by its own m.
	if got := h.EncodedCost(makeArgon2("argon2id", 256, 1, 1, salt, 16, "pw")).MemoryBytes; got != 256*1024 {
		t.Errorf("EncodedCost = %d", got)
	}
	if got := h.EncodedCost("junk").MemoryBytes; got != 64*1024 {
		t.Errorf("EncodedCost(junk) = %d", got)
	}
}

func TestPBKDF2(t *testing.T) {
	for _, c := range []struct {
		alg  string
		iter int
	}{{"pbkdf2_sha512", 1000}, {"md5", 1000}, {"pbkdf2_sha256", 999}, {"pbkdf2_sha256", 0},
		{"pbkdf2_sha256", -1}, {"pbkdf2_sha256", MaxPBKDF2Iterations + 1}} {
		if _, err := NewPBKDF2(c.alg, c.iter); !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("NewPBKDF2(%s, %d) err = %v", c.alg, c.iter, err)
		}
	}
	d := DefaultPBKDF2()
	if d.Algorithm() != "pbkdf2_sha256" || d.Iterations() != 1_000_000 {
		t.Errorf("DefaultPBKDF2 = %s, %d", d.Algorithm(), d.Iterations())
	}
	h := fastPBKDF2(t, "pbkdf2_sha256")
	enc, _ := h.Hash("pw")
	f := strings.Split(enc, "$")
	other := fastPBKDF2(t, "pbkdf2_sha1")
	if ok, err := other.Verify("pw", enc); ok || !errors.Is(err, ErrUnsupportedAlgorithm) {
		t.Errorf("sha1 hasher verifying sha256 hash = %v, %v", ok, err)
	}
	// Rehash: other iteration count, short salt (Django's must_update_salt).
	h2, _ := NewPBKDF2("pbkdf2_sha256", 2000)
	if !h2.NeedsRehash(enc) {
		t.Error("NeedsRehash with other iterations = false")
	}
	short := "pbkdf2_sha256$1000$seasalt$" + f[3]
	if !h.NeedsRehash(short) {
		t.Error("NeedsRehash with 7-char salt = false")
	}
	// A leading zero in the iteration count is not Django's %d output.
	if ok, err := h.Verify("pw", "pbkdf2_sha256$01000$"+f[2]+"$"+f[3]); ok || !errors.Is(err, ErrMalformedHash) {
		t.Errorf("leading zero: %v, %v", ok, err)
	}
	// A "$" in the salt makes the hash field invalid, as in Django.
	if ok, err := h.Verify("pw", "pbkdf2_sha256$1000$a$b$"+f[3]); ok || !errors.Is(err, ErrMalformedHash) {
		t.Errorf("$ in salt: %v, %v", ok, err)
	}
}

func TestBcrypt(t *testing.T) {
	for _, cost := range []int{0, 3, MaxBcryptCost + 1, 31} {
		if _, err := NewBcrypt(cost); !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("NewBcrypt(%d) err = %v", cost, err)
		}
		if _, err := NewPlainBcrypt(cost); !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("NewPlainBcrypt(%d) err = %v", cost, err)
		}
	}
	plain := fastPlainBcrypt(t)
	sha := fastBcrypt(t)

	// T-PW-04: plain bcrypt never truncates.
	long := strings.Repeat("x", 73)
	if _, err := plain.Hash(long); !errors.Is(err, ErrPasswordTooLong) {
		t.Errorf("plain Hash(73 bytes) err = %v", err)
	}
	enc72, err := plain.Hash(long[:72])
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := plain.Verify(long, enc72); ok || err != nil {
		t.Errorf("plain Verify(73 bytes vs hash of 72) = %v, %v", ok, err)
	}
	if ok, err := plain.Verify(long[:72], enc72); !ok || err != nil {
		t.Errorf("plain Verify(72) = %v, %v", ok, err)
	}
	// bcrypt_sha256 takes any length and tells 72 from 73 bytes.
	encLong, err := sha.Hash(strings.Repeat("y", 1000))
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := sha.Verify(strings.Repeat("y", 1001), encLong); ok {
		t.Error("bcrypt_sha256 truncated")
	}
	if ok, _ := sha.Verify(strings.Repeat("y", 1000), encLong); !ok {
		t.Error("bcrypt_sha256 long password did not verify")
	}

	// $2a$ and $2y$ spellings verify too (same algorithm).
	enc, _ := sha.Hash("pw")
	for _, v := range []string{"a", "y"} {
		alt := strings.Replace(enc, "$2b$", "$2"+v+"$", 1)
		if ok, err := sha.Verify("pw", alt); !ok || err != nil {
			t.Errorf("$2%s$: %v, %v", v, ok, err)
		}
	}
	if ok, err := sha.Verify("pw", strings.Replace(enc, "$2b$", "$2x$", 1)); ok || !errors.Is(err, ErrMalformedHash) {
		t.Errorf("$2x$: %v, %v", ok, err)
	}
	// The two bcrypt hashers do not accept each other's hashes.
	if ok, err := plain.Verify("pw", enc); ok || !errors.Is(err, ErrUnsupportedAlgorithm) {
		t.Errorf("plain verifying bcrypt_sha256 = %v, %v", ok, err)
	}
	// Rehash on another cost.
	b5, _ := NewBcrypt(5)
	if !b5.NeedsRehash(enc) || sha.NeedsRehash(enc) {
		t.Error("NeedsRehash does not follow the cost")
	}
	if sha.BcryptCost() != MinBcryptCost {
		t.Error("BcryptCost")
	}
}

func TestDefaultBcrypt(t *testing.T) {
	b := DefaultBcrypt()
	if b.Algorithm() != "bcrypt_sha256" || b.BcryptCost() != 12 {
		t.Errorf("DefaultBcrypt = %s cost %d", b.Algorithm(), b.BcryptCost())
	}
}
