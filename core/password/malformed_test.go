package password

import (
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// T-PW-08: hostile stored hashes never verify, never panic, and are
// rejected before any expensive work or allocation.

var malformedHashes = []string{
	"",
	"!",
	"!abc",
	"$",
	"$$$$",
	"argon2",
	"argon2$",
	"pbkdf2_sha256$abc$s$h",
	"pbkdf2_sha256$-5$s$h",
	"pbkdf2_sha256$+5$s$h",
	"pbkdf2_sha256$0$s$h",
	"pbkdf2_sha256$99999999999$s$h",
	"pbkdf2_sha256$99999999999999999999999$s$h",
	"pbkdf2_sha256$10000000$s$h",
	"pbkdf2_sha256$1000$$yUSQkCSBBGjOglsg2f0YsigZVwZC6oXxFCoUK6nZWMQ=",
	"pbkdf2_sha256$1000$salt$yUSQkCSBBGjOglsg2f0YsigZVwZC6oXxFCoUK6nZWMQ",
	"pbkdf2_sha256$1000$salt$yUSQkCSBBGjOglsg2f0YsigZVwZC6oXxFCoUK6nZWMQ==",
	"pbkdf2_sha256$1000$salt",
	"pbkdf2_sha1$1000$salt$yUSQkCSBBGjOglsg2f0YsigZVwZC6oXxFCoUK6nZWMQ=",
	"pbkdf2_sha256$1000$" + strings.Repeat("s", 10000) + "$yUSQkCSBBGjOglsg2f0YsigZVwZC6oXxFCoUK6nZWMQ=",
	"argon2$argon2id$v=19$m=4294967295,t=1,p=1$c2Vhc2FsdDEy$aGFzaGhhc2hoYXNoaGFzaA",
	"argon2$argon2id$v=19$m=1048577,t=1,p=1$c2Vhc2FsdDEy$aGFzaGhhc2hoYXNoaGFzaA",
	"argon2$argon2id$v=19$m=64,t=4294967295,p=1$c2Vhc2FsdDEy$aGFzaGhhc2hoYXNoaGFzaA",
	"argon2$argon2id$v=19$m=64,t=17,p=1$c2Vhc2FsdDEy$aGFzaGhhc2hoYXNoaGFzaA",
	"argon2$argon2id$v=19$m=64,t=0,p=1$c2Vhc2FsdDEy$aGFzaGhhc2hoYXNoaGFzaA",
	"argon2$argon2id$v=19$m=64,t=1,p=0$c2Vhc2FsdDEy$aGFzaGhhc2hoYXNoaGFzaA",
	"argon2$argon2id$v=19$m=64,t=1,p=256$c2Vhc2FsdDEy$aGFzaGhhc2hoYXNoaGFzaA",
	"argon2$argon2id$v=19$m=7,t=1,p=1$c2Vhc2FsdDEy$aGFzaGhhc2hoYXNoaGFzaA",
	"argon2$argon2id$v=19$t=1,m=64,p=1$c2Vhc2FsdDEy$aGFzaGhhc2hoYXNoaGFzaA",
	"argon2$argon2id$v=19$m=64,t=1$c2Vhc2FsdDEy$aGFzaGhhc2hoYXNoaGFzaA",
	"argon2$argon2id$v=16$m=64,t=1,p=1$c2Vhc2FsdDEy$aGFzaGhhc2hoYXNoaGFzaA",
	"argon2$argon2id$v=16$…",
	"argon2$argon2i$m=64,t=1,p=1$c2Vhc2FsdDEy$aGFzaGhhc2hoYXNoaGFzaA",
	"argon2$argon2d$v=19$m=64,t=1,p=1$c2Vhc2FsdDEy$aGFzaGhhc2hoYXNoaGFzaA",
	"argon2$argon2x$v=19$m=64,t=1,p=1$c2Vhc2FsdDEy$aGFzaGhhc2hoYXNoaGFzaA",
	"argon2$argon2id$v=19$m=64,t=1,p=1$$aGFzaGhhc2hoYXNoaGFzaA",
	"argon2$argon2id$v=19$m=64,t=1,p=1$c2FsdA$aGFzaGhhc2hoYXNoaGFzaA",
	"argon2$argon2id$v=19$m=64,t=1,p=1$c2Vhc2FsdDEy$",
	"argon2$argon2id$v=19$m=64,t=1,p=1$c2Vhc2FsdDEy$aGFzaA==",
	"argon2$argon2id$v=19$m=64,t=1,p=1$c2Vhc2FsdDEy$" + strings.Repeat("A", 100000),
	"argon2$argon2id$v=19$m=64,t=1,p=1$c2Vhc2FsdDEy$aGFzaGhhc2hoYXNoaGFzaA$extra",
	"bcrypt$$2b$31$abcdefghijklmnopqrstuuFDJRuYeKkCzo3Wy7h8SxhBSHBAHiPK2",
	"bcrypt_sha256$$2b$17$abcdefghijklmnopqrstuurByPinJWI/V/0c5apkEb2KJQv7f.gZO",
	"bcrypt_sha256$$2b$03$abcdefghijklmnopqrstuurByPinJWI/V/0c5apkEb2KJQv7f.gZO",
	"bcrypt_sha256$$2b$1x$abcdefghijklmnopqrstuurByPinJWI/V/0c5apkEb2KJQv7f.gZO",
	"bcrypt_sha256$$2b$12$abcdefghijklmnopqrstuurByPinJWI/V/0c5apkEb2KJQv7f.gZ",
	"bcrypt_sha256$$2b$12$abcdefghijklmnopqrstuurByPinJWI/V/0c5apkEb2KJQv7f.gZO!",
	"bcrypt_sha256$$2b$12$abcdefghijklmnopqrstuurByPinJWI/V/0c5apkEb2KJQv7f.gZ!",
	"bcrypt_sha256$2b$12$abcdefghijklmnopqrstuurByPinJWI/V/0c5apkEb2KJQv7f.gZO",
	"bcrypt$",
	"md5$seasalt$b614725f4cc025a51ab6a354d12890ab",
	"md5$…",
	"unsalted_md5$$5f4dcc3b5aa765d61d8327deb882cf99",
	"5f4dcc3b5aa765d61d8327deb882cf99",
	"5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8",
	"sha1$salt$5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8",
	"crypt$$abN0vPkQbOQZU",
	"scrypt$16384$salt$8$1$AAAA",
	"\xff\xfe\x00$\x01",
}

// checkRejected asserts that Verify on enc is false, fast and panic-free.
func checkRejected(t *testing.T, h Hasher, enc string) {
	t.Helper()
	start := time.Now()
	ok, err := h.Verify("correct horse", enc)
	if ok {
		t.Errorf("%s.Verify(%.40q) = true", h.Algorithm(), enc)
	}
	if err == nil && IsUsable(enc) {
		// A usable-looking string that is not rejected must have been
		// well-formed for this hasher; none in the table are.
		t.Errorf("%s.Verify(%.40q) err = nil", h.Algorithm(), enc)
	}
	if err != nil && !errors.Is(err, ErrMalformedHash) && !errors.Is(err, ErrUnsupportedAlgorithm) {
		t.Errorf("%s.Verify(%.40q) err = %v, want ErrMalformedHash or ErrUnsupportedAlgorithm", h.Algorithm(), enc, err)
	}
	if err != nil && strings.Contains(err.Error(), "correct horse") {
		t.Errorf("error contains the password")
	}
	if d := time.Since(start); d > 250*time.Millisecond {
		t.Errorf("%s.Verify(%.40q) took %v", h.Algorithm(), enc, d)
	}
	_ = h.NeedsRehash(enc)
	if ec, ok := h.(EncodedCoster); ok {
		if c := ec.EncodedCost(enc); c.MemoryBytes > MaxArgon2MemoryKiB*1024 {
			t.Errorf("EncodedCost(%.40q) = %d", enc, c.MemoryBytes)
		}
	}
}

func TestMalformedHashes(t *testing.T) {
	// Production-parameter hashers: rejection must not depend on cheap
	// parameters.
	hashers := defaultVerifiers()
	for _, enc := range malformedHashes {
		for _, h := range hashers {
			checkRejected(t, h, enc)
		}
	}
}

func TestMalformedHashesSpecificErrors(t *testing.T) {
	h := fastArgon2(t)
	for enc, want := range map[string]error{
		"":  ErrMalformedHash,
		"!": nil,
		"argon2$argon2id$v=16$m=64,t=1,p=1$c2Vhc2FsdDEy$aGFzaGhhc2hoYXNoaGFzaA":         ErrUnsupportedAlgorithm,
		"argon2$argon2id$v=19$m=4294967295,t=1,p=1$c2Vhc2FsdDEy$aGFzaGhhc2hoYXNoaGFzaA": ErrMalformedHash,
		"md5$seasalt$b614725f4cc025a51ab6a354d12890ab":                                  ErrUnsupportedAlgorithm,
	} {
		_, err := h.Verify("pw", enc)
		if (want == nil && err != nil) || (want != nil && !errors.Is(err, want)) {
			t.Errorf("Verify(%.30q) err = %v, want %v", enc, err, want)
		}
	}
}

func TestRandomHashesNeverVerify(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	prefixes := []string{"", "argon2$", "argon2$argon2id$v=19$", "pbkdf2_sha256$", "pbkdf2_sha256$1000$",
		"bcrypt$", "bcrypt_sha256$$2b$04$", "pbkdf2_sha1$"}
	hashers := defaultVerifiers()
	for i := 0; i < 2000; i++ {
		b := make([]byte, r.IntN(120))
		for j := range b {
			b[j] = byte(r.UintN(256))
		}
		enc := prefixes[i%len(prefixes)] + string(b)
		for _, h := range hashers {
			if ok, _ := h.Verify("pw", enc); ok {
				t.Fatalf("random hash verified")
			}
		}
	}
}

// Through a Policy every malformed hash is a plain failed login that costs
// exactly one hash.
func TestPolicyMalformedHashes(t *testing.T) {
	p, c := fastPolicy(t)
	ctx := context.Background()
	for _, enc := range malformedHashes {
		c.Reset()
		ok, rehash, err := p.Check(ctx, "correct horse", enc)
		if ok || rehash || err != nil {
			t.Errorf("Check(%.40q) = %v, %v, %v; want false, false, nil", enc, ok, rehash, err)
		}
		if n := c.Count(); n != 1 {
			t.Errorf("Check(%.40q) did %d hashes, want 1", enc, n)
		}
	}
}

func FuzzVerify(f *testing.F) {
	for _, enc := range malformedHashes {
		f.Add("pw", enc)
	}
	hashers := fastHashers(f)
	f.Fuzz(func(t *testing.T, pw, enc string) {
		for _, h := range hashers {
			if ok, err := h.Verify(pw, enc); ok && err != nil {
				t.Fatal("ok with an error")
			}
			_ = h.NeedsRehash(enc)
		}
	})
}
