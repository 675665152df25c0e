package password

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestPolicyDefaults(t *testing.T) {
	p, err := NewPolicy()
	if err != nil {
		t.Fatal(err)
	}
	a, ok := p.Hasher().(*Argon2)
	if !ok || a.Params() != DefaultArgon2Params() {
		t.Errorf("default preferred hasher = %T %+v", p.Hasher(), a)
	}
	if p.MaxLength() != 4096 {
		t.Errorf("MaxLength = %d", p.MaxLength())
	}
	for _, alg := range []string{"argon2", "pbkdf2_sha256", "pbkdf2_sha1", "bcrypt_sha256", "bcrypt"} {
		if p.byAlg[alg] == nil {
			t.Errorf("default policy does not accept %s", alg)
		}
	}
	if p.limiter == nil {
		t.Error("no default limiter")
	}
}

func TestPolicyOptionErrors(t *testing.T) {
	l := mustLimiter(t, LimiterConfig{})
	for name, opt := range map[string]Option{
		"nil hasher":     WithHasher(nil),
		"nil verifier":   WithVerifiers(fastBcrypt(t), nil),
		"max length 71":  WithMaxLength(71),
		"nil limiter":    WithLimiter(nil),
		"duplicate algs": WithVerifiers(fastBcrypt(t), fastBcrypt(t)),
	} {
		if _, err := NewPolicy(opt); !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("%s: err = %v, want ErrInvalidConfig", name, err)
		}
	}
	if _, err := NewPolicy(WithMaxLength(72), WithLimiter(l), WithLogger(nil)); err != nil {
		t.Errorf("valid options: %v", err)
	}
}

func TestPolicyMakeCheck(t *testing.T) {
	p, c := fastPolicy(t)
	ctx := context.Background()
	enc, err := p.Make(ctx, "s3cret pass")
	if err != nil || !strings.HasPrefix(enc, "argon2$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("Make = %q, %v", enc, err)
	}
	ok, rehash, err := p.Check(ctx, "s3cret pass", enc)
	if !ok || rehash || err != nil {
		t.Errorf("Check(right) = %v, %v, %v", ok, rehash, err)
	}
	ok, rehash, err = p.Check(ctx, "s3cret pasS", enc)
	if ok || rehash || err != nil {
		t.Errorf("Check(wrong) = %v, %v, %v", ok, rehash, err)
	}
	if c.Count() != 3 {
		t.Errorf("hashes = %d, want 3", c.Count())
	}
}

// T-LOGIN-01: every kind of failure (and success) costs exactly one
// full-cost hash; unknown users go through Dummy.
func TestPolicyExactlyOneHashPerCheck(t *testing.T) {
	p, c := fastPolicy(t)
	ctx := context.Background()
	good, _ := p.Make(ctx, "right password")
	cases := map[string]string{
		"right password": good,
		"wrong password": good,
		"unusable":       MakeUnusable(),
		"bare !":         "!",
		"empty":          "",
		"malformed":      "argon2$argon2id$v=19$m=4294967295,t=1,p=1$c2Vhc2FsdDEy$aGFzaA",
		"unsupported":    "md5$seasalt$b614725f4cc025a51ab6a354d12890ab",
		"garbage":        "\x00\x01garbage",
	}
	for name, enc := range cases {
		pw := "wrong"
		if name == "right password" {
			pw = "right password"
		}
		c.Reset()
		_, _, err := p.Check(ctx, pw, enc)
		if err != nil {
			t.Errorf("%s: err = %v", name, err)
		}
		if c.Count() != 1 {
			t.Errorf("%s: %d hashes, want 1", name, c.Count())
		}
	}
	c.Reset()
	if err := p.Dummy(ctx, "anything"); err != nil || c.Count() != 1 {
		t.Errorf("Dummy: err %v, %d hashes", err, c.Count())
	}
}

// A hash of a verifier's algorithm is verified by that verifier (one hash
// there, none with the preferred hasher).
func TestPolicyVerifierDispatch(t *testing.T) {
	pref := NewCountingHasher(fastArgon2(t))
	pb := NewCountingHasher(fastPBKDF2(t, "pbkdf2_sha256"))
	p, err := NewPolicy(WithHasher(pref), WithVerifiers(pb))
	if err != nil {
		t.Fatal(err)
	}
	enc, _ := pb.Hash("pw")
	pb.Reset()
	ok, rehash, err := p.Check(context.Background(), "pw", enc)
	if !ok || !rehash || err != nil {
		t.Errorf("Check = %v, %v, %v; want true, true (other algorithm), nil", ok, rehash, err)
	}
	if pb.Count() != 1 || pref.Count() != 0 {
		t.Errorf("verifier hashes %d, preferred %d", pb.Count(), pref.Count())
	}
	// Without the verifier, the same hash is unsupported: one dummy hash.
	p2, _ := NewPolicy(WithHasher(pref), WithVerifiers())
	ok, _, err = p2.Check(context.Background(), "pw", enc)
	if ok || err != nil || pref.Count() != 1 {
		t.Errorf("no verifier: ok %v, err %v, preferred hashes %d", ok, err, pref.Count())
	}
}

// needsRehash follows the preferred hasher's parameters (T-PW-09).
func TestPolicyNeedsRehash(t *testing.T) {
	p, _ := fastPolicy(t)
	ctx := context.Background()
	other := mustArgon2(t, Argon2Params{MemoryKiB: 128, Time: 1, Parallelism: 1, KeyLen: 32})
	enc, _ := other.Hash("pw")
	if ok, rehash, _ := p.Check(ctx, "pw", enc); !ok || !rehash {
		t.Errorf("other argon2 params: ok %v rehash %v", ok, rehash)
	}
	if ok, rehash, _ := p.Check(ctx, "px", enc); ok || rehash {
		t.Errorf("failed login reports rehash: ok %v rehash %v", ok, rehash)
	}
	bc, _ := fastBcrypt(t).Hash("pw")
	if ok, rehash, _ := p.Check(ctx, "pw", bc); !ok || !rehash {
		t.Errorf("bcrypt_sha256: ok %v rehash %v", ok, rehash)
	}
}

// T-PW-02: over-long passwords are refused before any hashing.
func TestPolicyMaxLength(t *testing.T) {
	p, c := fastPolicy(t)
	ctx := context.Background()
	for _, n := range []int{64, 256, 4096} {
		enc, err := p.Make(ctx, strings.Repeat("a", n))
		if err != nil {
			t.Fatalf("Make(%d bytes): %v", n, err)
		}
		if ok, _, err := p.Check(ctx, strings.Repeat("a", n), enc); !ok || err != nil {
			t.Errorf("Check(%d bytes) = %v, %v", n, ok, err)
		}
	}
	good, _ := p.Make(ctx, "pw")
	c.Reset()
	for _, n := range []int{4097, 10 << 10, 1 << 20} {
		pw := strings.Repeat("a", n)
		start := time.Now()
		if _, err := p.Make(ctx, pw); !errors.Is(err, ErrPasswordTooLong) {
			t.Errorf("Make(%d) err = %v", n, err)
		}
		if ok, rehash, err := p.Check(ctx, pw, good); ok || rehash || !errors.Is(err, ErrPasswordTooLong) {
			t.Errorf("Check(%d) = %v, %v, %v", n, ok, rehash, err)
		}
		if err := p.Dummy(ctx, pw); !errors.Is(err, ErrPasswordTooLong) {
			t.Errorf("Dummy(%d) err = %v", n, err)
		}
		if d := time.Since(start); d > 100*time.Millisecond {
			t.Errorf("%d bytes took %v", n, d)
		}
	}
	if c.Calls() != 0 {
		t.Errorf("hasher called %d times for over-long passwords", c.Calls())
	}
	// 15 emoji are 60 bytes: length is counted in bytes only for the cap.
	p2, _ := fastPolicy(t, WithMaxLength(72))
	if _, err := p2.Make(ctx, strings.Repeat("😀", 18)); err != nil {
		t.Errorf("72-byte emoji password: %v", err)
	}
	if _, err := p2.Make(ctx, strings.Repeat("😀", 19)); !errors.Is(err, ErrPasswordTooLong) {
		t.Errorf("76-byte emoji password: %v", err)
	}
}

// The dummy hash works even when the preferred hasher refuses the password
// (plain bcrypt and a long password): still one hash.
func TestPolicyDummyFallback(t *testing.T) {
	c := NewCountingHasher(fastPlainBcrypt(t))
	p, err := NewPolicy(WithHasher(c), WithVerifiers())
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := p.Check(context.Background(), strings.Repeat("x", 100), MakeUnusable()); err != nil {
		t.Fatal(err)
	}
	if c.Count() != 1 {
		t.Errorf("%d hashes, want 1", c.Count())
	}
	enc, _ := c.Hash(strings.Repeat("x", 72))
	c.Reset()
	ok, _, err := p.Check(context.Background(), strings.Repeat("x", 73), enc)
	if ok || err != nil || c.Count() != 1 {
		t.Errorf("73 bytes vs plain bcrypt: ok %v err %v hashes %d", ok, err, c.Count())
	}
}

func TestPolicyContext(t *testing.T) {
	l := mustLimiter(t, LimiterConfig{MaxConcurrent: 1})
	p, c := fastPolicy(t, WithLimiter(l))
	enc, _ := p.Make(context.Background(), "pw")
	c.Reset()

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := p.Check(ctx, "pw", enc); !errors.Is(err, context.Canceled) {
		t.Errorf("Check(cancelled) err = %v", err)
	}
	if _, err := p.Make(ctx, "pw"); !errors.Is(err, context.Canceled) {
		t.Errorf("Make(cancelled) err = %v", err)
	}
	if err := p.Dummy(ctx, "pw"); !errors.Is(err, context.Canceled) {
		t.Errorf("Dummy(cancelled) err = %v", err)
	}
	if c.Calls() != 0 {
		t.Errorf("hashed with a cancelled context")
	}

	// Waiting behind a busy limiter, then cancelled.
	release, _ := l.Acquire(context.Background(), Cost{})
	ctx2, cancel2 := context.WithTimeout(context.Background(), 5*time.Millisecond)
	defer cancel2()
	if _, _, err := p.Check(ctx2, "pw", MakeUnusable()); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Check(waiting) err = %v", err)
	}
	release()
	if s, m, w := l.inUse(); s != 0 || m != 0 || w != 0 {
		t.Errorf("limiter leaked: %d %d %d", s, m, w)
	}
}

// Integrity warnings name the problem, never the hash or the password.
func TestPolicyLogger(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, nil))
	p, _ := fastPolicy(t, WithLogger(logger))
	ctx := context.Background()
	const secretHash = "argon2$argon2id$v=19$m=4294967295,t=1,p=1$c2VjcmV0c2FsdA$c2VjcmV0aGFzaA"
	p.Check(ctx, "hunter2-password", secretHash)
	p.Check(ctx, "hunter2-password", "md5$seasalt$b614725f4cc025a51ab6a354d12890ab")
	p.Check(ctx, "hunter2-password", "s3cr3t-no-dollar-sign")
	out := buf.String()
	if strings.Count(out, "stored password hash is malformed") != 3 {
		t.Errorf("log = %q", out)
	}
	for _, secret := range []string{"hunter2", "c2VjcmV0", "seasalt", "b614725f", "s3cr3t"} {
		if strings.Contains(out, secret) {
			t.Errorf("log contains %q: %s", secret, out)
		}
	}
	if !strings.Contains(out, "algorithm=argon2") || !strings.Contains(out, "algorithm=md5") ||
		!strings.Contains(out, "reason=\"unsupported algorithm\"") {
		t.Errorf("log lacks algorithm/reason: %s", out)
	}
	buf.Reset()
	p.Check(ctx, "pw", MakeUnusable())
	p.Check(ctx, "pw", "")
	if buf.Len() != 0 {
		t.Errorf("unusable/empty hash logged: %s", buf.String())
	}
}

// concurrencyHasher records how many Hash/Verify calls overlap.
type concurrencyHasher struct {
	Hasher
	now, max atomic.Int64
}

func (h *concurrencyHasher) enter() func() {
	n := h.now.Add(1)
	for {
		old := h.max.Load()
		if n <= old || h.max.CompareAndSwap(old, n) {
			break
		}
	}
	time.Sleep(200 * time.Microsecond)
	return func() { h.now.Add(-1) }
}

func (h *concurrencyHasher) Hash(pw string) (string, error) {
	defer h.enter()()
	return h.Hasher.Hash(pw)
}

func (h *concurrencyHasher) Verify(pw, enc string) (bool, error) {
	defer h.enter()()
	return h.Hasher.Verify(pw, enc)
}

// All hashing goes through the limiter; a Policy is safe for concurrent use.
func TestPolicyConcurrentUsesLimiter(t *testing.T) {
	l := mustLimiter(t, LimiterConfig{MaxConcurrent: 2})
	h := &concurrencyHasher{Hasher: fastArgon2(t)}
	p, err := NewPolicy(WithHasher(h), WithLimiter(l), WithVerifiers())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	enc, _ := p.Make(ctx, "pw")
	var wg sync.WaitGroup
	var oks atomic.Int64
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pw := "pw"
			if i%2 == 1 {
				pw = "wrong"
			}
			switch i % 4 {
			case 0, 1:
				if ok, _, _ := p.Check(ctx, pw, enc); ok {
					oks.Add(1)
				}
			case 2:
				p.Check(ctx, pw, MakeUnusable())
			case 3:
				p.Dummy(ctx, pw)
			}
		}()
	}
	wg.Wait()
	if oks.Load() != 10 {
		t.Errorf("%d successful checks, want 10", oks.Load())
	}
	if h.max.Load() > 2 {
		t.Errorf("%d concurrent hashes, limit 2", h.max.Load())
	}
}

// A Django argon2 hash with m=100 MiB is budgeted at 100 MiB, not at the
// preferred hasher's 64 KiB.
func TestPolicyBudgetsStoredArgon2Memory(t *testing.T) {
	p, _ := fastPolicy(t)
	enc := "argon2$argon2id$v=19$m=102400,t=2,p=8$QUFBQUFBQUFBQUFBQUFBQUFBQUFBQQ$rN1kNK3cbUkCTGk15mM3PQ"
	h := p.byAlg["argon2"]
	if got := verifyCost(h, enc).MemoryBytes; got != 102400*1024 {
		t.Errorf("verify cost = %d", got)
	}
}
