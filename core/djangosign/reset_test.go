package djangosign

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

// Known answers observed from Django 3.2 / allauth 0.51 with probeSecret.
const (
	djangoVectorToken  = "d8ary8-f5dfcf0b994f848830d6d6e6ae76961a"
	allauthVectorToken = "d8ary8-62d0e061c376f1a5dbdbd6fd6128cfa0"
	vectorTS           = 800000000
)

func TestSecondsSince2001Vector(t *testing.T) {
	// Observed from Django: seconds 2001-01-01 -> 2023-11-14T22:13:20: 721692800
	at := time.Date(2023, 11, 14, 22, 13, 20, 999999999, time.UTC)
	if got := secondsSince2001(at); got != 721692800 {
		t.Fatalf("secondsSince2001 = %d, want 721692800", got)
	}
	if got := secondsSince2001(time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)); got != 0 {
		t.Fatalf("epoch = %d", got)
	}
	if got := secondsSince2001(time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC)); got != 0 {
		t.Fatalf("before 2001 = %d, want clamped 0", got)
	}
	// In another zone the instant, not the wall clock, counts.
	ny := time.FixedZone("UTC-5", -5*3600)
	if got := secondsSince2001(at.In(ny)); got != 721692800 {
		t.Fatalf("zoned = %d", got)
	}
}

func TestResetHashValueVectors(t *testing.T) {
	u := vectorUser()
	// Observed from Django and allauth: the hash value strings they sign.
	if got := string(resetHashValue(u, vectorTS, false)); got != "1pbkdf2_sha256$260000$abc$def800000000alice@example.com" {
		t.Errorf("django value %q", got)
	}
	if got := string(resetHashValue(u, vectorTS, true)); got != "1pbkdf2_sha256$260000$abc$def800000000alice@example.comalice@example.com" {
		t.Errorf("allauth value %q", got)
	}
	u.LastLogin = time.Date(2023, 11, 14, 22, 13, 20, 123456789, time.FixedZone("X", 3600))
	if got := string(resetHashValue(u, 5, false)); got != "1pbkdf2_sha256$260000$abc$def2023-11-14 21:13:205alice@example.com" {
		t.Errorf("value with last login %q", got)
	}
}

func TestResetTokenVectors(t *testing.T) {
	clock := newFakeClock(at2001(vectorTS))
	dj := mustResetTokens(t, WithClock(clock.now))
	aa := mustResetTokens(t, WithClock(clock.now), WithAllauth())
	u := vectorUser()

	if got := dj.Make(u); got != djangoVectorToken {
		t.Errorf("Django Make = %q, want %q", got, djangoVectorToken)
	}
	if got := aa.Make(u); got != allauthVectorToken {
		t.Errorf("allauth Make = %q, want %q", got, allauthVectorToken)
	}
	// allauth: the EmailAddress row of the primary address changes nothing.
	u.ExtraEmails = []string{"alice@example.com", "alice@example.com"}
	if got := aa.Make(u); got != allauthVectorToken {
		t.Errorf("allauth Make with its own row = %q", got)
	}
	if got := dj.Make(u); got != djangoVectorToken {
		t.Errorf("Django Make ignores ExtraEmails: %q", got)
	}
	if !dj.Check(u, djangoVectorToken) || !aa.Check(u, allauthVectorToken) {
		t.Error("vector tokens rejected")
	}
	if dj.Check(u, allauthVectorToken) || aa.Check(u, djangoVectorToken) {
		t.Error("a token of one generator accepted by the other")
	}
}

// Vectors derived with a Python transcription of Django's
// _make_hash_value / allauth's EmailAwarePasswordResetTokenGenerator
// (not observed from Django): last login, several addresses, ts 0.
func TestResetTokenDerivedVectors(t *testing.T) {
	lastLogin := time.Date(2023, 11, 14, 22, 13, 20, 123456000, time.UTC)
	u := ResetUser{PK: 42, PasswordHash: "argon2$x", LastLogin: lastLogin, Email: "bob@example.com"}
	clock := newFakeClock(at2001(721692800))
	dj := mustResetTokens(t, WithClock(clock.now))
	aa := mustResetTokens(t, WithClock(clock.now), WithAllauth())
	if got := dj.Make(u); got != "bxodq8-03f51ff12fb398593cc5b9da1ffdfd57" {
		t.Errorf("Django Make = %q", got)
	}
	u.ExtraEmails = []string{"ålice@example.com", "Zed@example.com", "bob@example.com"}
	if got := aa.Make(u); got != "bxodq8-a138d64a01ac782d796115172e4ad966" {
		t.Errorf("allauth Make = %q", got)
	}
	clock.set(at2001(0))
	none := ResetUser{PK: 7, PasswordHash: "!unusable"}
	if got := dj.Make(none); got != "0-499fdf2547dcb51f3ecd5f363da4ce52" {
		t.Errorf("Django Make at ts 0 = %q", got)
	}
	if got := aa.Make(none); got != "0-499fdf2547dcb51f3ecd5f363da4ce52" {
		t.Errorf("allauth Make, no addresses = %q", got)
	}
}

func TestResetTokenStateBinding(t *testing.T) {
	clock := newFakeClock(at2001(vectorTS))
	for _, allauth := range []bool{false, true} {
		opts := []ResetOption{WithClock(clock.now)}
		if allauth {
			opts = append(opts, WithAllauth())
		}
		g := mustResetTokens(t, opts...)
		base := vectorUser()
		base.LastLogin = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
		base.ExtraEmails = []string{"alice@example.com", "alt@example.com"}
		token := g.Make(base)
		if !g.Check(base, token) {
			t.Fatalf("allauth=%v: fresh token rejected", allauth)
		}
		same := base
		same.LastLogin = base.LastLogin.Add(999 * time.Millisecond)
		if !g.Check(same, token) {
			t.Errorf("allauth=%v: sub-second last-login change must not matter", allauth)
		}
		mutations := map[string]func(*ResetUser){
			"password changed": func(u *ResetUser) { u.PasswordHash = "pbkdf2_sha256$260000$abc$xyz" },
			"logged in since":  func(u *ResetUser) { u.LastLogin = u.LastLogin.Add(time.Second) },
			"first login":      nil,
			"email changed":    func(u *ResetUser) { u.Email = "mallory@example.com" },
			"email case":       func(u *ResetUser) { u.Email = "Alice@example.com" },
			"other pk":         func(u *ResetUser) { u.PK = 2 },
			"unusable password": func(u *ResetUser) {
				u.PasswordHash = "!" + u.PasswordHash
			},
		}
		if allauth {
			mutations["address added"] = func(u *ResetUser) { u.ExtraEmails = append(u.ExtraEmails, "new@example.com") }
			mutations["address removed"] = func(u *ResetUser) { u.ExtraEmails = u.ExtraEmails[:1] }
		}
		for name, mutate := range mutations {
			u := base
			u.ExtraEmails = append([]string(nil), base.ExtraEmails...)
			if mutate == nil {
				u.LastLogin = time.Time{}
				tok := g.Make(u)
				u.LastLogin = base.LastLogin
				if g.Check(u, tok) {
					t.Errorf("allauth=%v: %s: token survived", allauth, name)
				}
				continue
			}
			mutate(&u)
			if g.Check(u, token) {
				t.Errorf("allauth=%v: %s: token survived", allauth, name)
			}
		}
		if allauth {
			u := base
			u.ExtraEmails = []string{"alt@example.com", "alice@example.com", "alt@example.com"}
			if !g.Check(u, token) {
				t.Error("address order/duplicates must not matter")
			}
		}
	}
}

func TestResetTokenTimeout(t *testing.T) {
	start := at2001(vectorTS)
	for _, tc := range []struct {
		name    string
		opts    []ResetOption
		timeout time.Duration
	}{
		{"default", nil, DefaultResetTimeout},
		{"one hour", []ResetOption{WithTimeout(time.Hour)}, time.Hour},
		{"one second", []ResetOption{WithTimeout(time.Second)}, time.Second},
	} {
		clock := newFakeClock(start)
		g := mustResetTokens(t, append(tc.opts, WithClock(clock.now))...)
		u := vectorUser()
		token := g.Make(u)
		clock.set(start.Add(tc.timeout))
		if !g.Check(u, token) {
			t.Errorf("%s: rejected at exactly the timeout", tc.name)
		}
		clock.set(start.Add(tc.timeout + 999*time.Millisecond))
		if !g.Check(u, token) {
			t.Errorf("%s: rejected within the last second", tc.name)
		}
		clock.set(start.Add(tc.timeout + time.Second))
		if g.Check(u, token) {
			t.Errorf("%s: accepted at timeout + 1 s", tc.name)
		}
		// Django accepts tokens from the future (its check is one-sided).
		clock.set(start.Add(-48 * time.Hour))
		if !g.Check(u, token) {
			t.Errorf("%s: future-dated token rejected, Django accepts it", tc.name)
		}
	}
}

func TestResetTokenFallbackSecrets(t *testing.T) {
	clock := newFakeClock(at2001(vectorTS))
	oldSecret := []byte("old-secret-old-secret-old-secret-old-secret-old")
	old := mustResetTokensWith(t, oldSecret, WithClock(clock.now))
	rotated := mustResetTokens(t, WithClock(clock.now), WithFallbackSecrets([]byte("another-one"), oldSecret))
	plain := mustResetTokens(t, WithClock(clock.now))
	u := vectorUser()

	oldToken := old.Make(u)
	if !rotated.Check(u, oldToken) {
		t.Error("token of a fallback secret rejected")
	}
	if plain.Check(u, oldToken) {
		t.Error("token of an unknown secret accepted")
	}
	if got := rotated.Make(u); got != djangoVectorToken {
		t.Errorf("Make must use the primary secret: %q", got)
	}
	if !rotated.Check(u, djangoVectorToken) {
		t.Error("primary token rejected with fallbacks configured")
	}
}

func mustResetTokensWith(tb testing.TB, secret []byte, opts ...ResetOption) *ResetTokens {
	tb.Helper()
	g, err := NewResetTokens(secret, opts...)
	if err != nil {
		tb.Fatal(err)
	}
	return g
}

func TestResetCheckMalformed(t *testing.T) {
	clock := newFakeClock(at2001(vectorTS))
	g := mustResetTokens(t, WithClock(clock.now))
	u := vectorUser()
	hash := djangoVectorToken[len("d8ary8-"):]
	bad := append(hostileStrings(),
		"abc", "abc-def", // probed: dj-rest-auth's "bad token" case
		"d8ary8", "d8ary8-", "-"+hash, "d8ary8--"+hash[1:],
		"D8ARY8-"+hash, "0d8ary8-"+hash, "+d8ary8-"+hash, "-d8ary8-"+hash,
		"d8ary8-"+strings.ToUpper(hash), "d8ary8-"+hash[:31], "d8ary8-"+hash+"0",
		"d8ary8-"+hash[:31]+"0", "d8ary8 -"+hash, " "+djangoVectorToken, djangoVectorToken+"\n",
		"d8ary9-"+hash, // another timestamp
		"zzzzzzzzzzzzzz-"+hash, "zzzzzzzzzzzzz-"+hash, "1y2p0ij32e8e8-"+hash,
		"-1-"+hash, "d8ary8-"+hash+"-"+hash,
		"d8ary8-f5dfcf0b994f848830d6d6e6ae76961é",
		strings.Repeat("d8ary8-", 2000),
		"dio0wk-d5d560ca2480e62abdcd57cb254cef9d", // a real token for another state
	)
	for _, token := range bad {
		if g.Check(u, token) {
			t.Errorf("Check(%.50q) = true", token)
		}
	}
	if !g.Check(u, djangoVectorToken) {
		t.Error("the vector itself must still pass")
	}
}

func TestResetTokensConfig(t *testing.T) {
	for name, tc := range map[string]struct {
		secret []byte
		opts   []ResetOption
	}{
		"nil secret":       {nil, nil},
		"empty secret":     {[]byte{}, nil},
		"zero timeout":     {probeSecret, []ResetOption{WithTimeout(0)}},
		"negative timeout": {probeSecret, []ResetOption{WithTimeout(-time.Hour)}},
		"sub-second":       {probeSecret, []ResetOption{WithTimeout(500 * time.Millisecond)}},
		"fractional":       {probeSecret, []ResetOption{WithTimeout(1500 * time.Millisecond)}},
		"nil clock":        {probeSecret, []ResetOption{WithClock(nil)}},
		"empty fallback":   {probeSecret, []ResetOption{WithFallbackSecrets([]byte("x"), nil)}},
		"nil option":       {probeSecret, []ResetOption{nil}},
	} {
		g, err := NewResetTokens(tc.secret, tc.opts...)
		if !errors.Is(err, ErrInvalidConfig) || g != nil {
			t.Errorf("%s: %v, %v", name, g, err)
		}
	}
	if _, err := NewResetTokens([]byte("k"), WithTimeout(time.Second), WithAllauth(), WithFallbackSecrets()); err != nil {
		t.Errorf("minimal valid config: %v", err)
	}
}

func TestResetTokensDoNotAliasSecret(t *testing.T) {
	clock := newFakeClock(at2001(vectorTS))
	secret := append([]byte(nil), probeSecret...)
	g := mustResetTokensWith(t, secret, WithClock(clock.now))
	for i := range secret {
		secret[i] = 0
	}
	if got := g.Make(vectorUser()); got != djangoVectorToken {
		t.Fatalf("generator depends on the caller's slice: %q", got)
	}
}

func TestResetTokensConcurrent(t *testing.T) {
	clock := newFakeClock(at2001(vectorTS))
	g := mustResetTokens(t, WithClock(clock.now), WithAllauth())
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			u := vectorUser()
			u.PK = int64(i + 1)
			for range 200 {
				if tok := g.Make(u); !g.Check(u, tok) {
					t.Error("concurrent round trip failed")
					return
				}
				clock.advance(time.Millisecond)
			}
		}()
	}
	wg.Wait()
}
