package core

import (
	"fmt"
	"hash/maphash"
	"strings"
	"sync"
	"testing"
	"time"
	"unsafe"

	"github.com/restauth/restauth/core/simplejwt"
)

var cacheNow = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

func cacheClaims(user int64) *simplejwt.Claims {
	return &simplejwt.Claims{TokenType: simplejwt.Access, UserID: user, Expires: cacheNow.Add(5 * time.Minute)}
}

func TestVerifiedTokensOffWhenNotPositive(t *testing.T) {
	for _, n := range []int{0, -1} {
		if v := newVerifiedTokens(n, 0); v != nil {
			t.Errorf("newVerifiedTokens(%d) = %v, want nil (off)", n, v)
		}
	}
}

func TestVerifiedTokensWindow(t *testing.T) {
	v := newVerifiedTokens(10, 30*time.Second)
	c := cacheClaims(7)
	v.add("tok", c, cacheNow)
	for _, tc := range []struct {
		at   time.Time
		want bool
	}{
		{cacheNow, true},
		{cacheNow.Add(-time.Nanosecond), false}, // before the first verification
		{cacheNow.Add(5*time.Minute + 30*time.Second - time.Nanosecond), true},
		{cacheNow.Add(5*time.Minute + 30*time.Second), false}, // exp + leeway
	} {
		if got := v.get("tok", tc.at); (got == c) != tc.want {
			t.Errorf("get at %v = %v, want hit %v", tc.at, got, tc.want)
		}
	}
	if v.get("tok2", cacheNow) != nil || v.get("to", cacheNow) != nil {
		t.Error("a different token hit")
	}
}

// TestVerifiedTokensConfirmsTheWholeToken forces what the keyed hash
// makes practically impossible, two tokens under one hash: the entry must
// still answer only its own token.
func TestVerifiedTokensConfirmsTheWholeToken(t *testing.T) {
	v := newVerifiedTokens(10, 0)
	v.add("genuine.token.sig", cacheClaims(1), cacheNow)
	forged := "forged.token.sig"
	v.recent[maphash.String(v.seed, forged)] = v.recent[maphash.String(v.seed, "genuine.token.sig")]
	if got := v.get(forged, cacheNow); got != nil {
		t.Fatalf("a token sharing an entry's hash got its claims: %+v", got)
	}
}

func TestVerifiedTokensSkipsLongTokens(t *testing.T) {
	v := newVerifiedTokens(10, 0)
	long := strings.Repeat("a", maxCachedToken+1)
	v.add(long, cacheClaims(1), cacheNow)
	if len(v.recent) != 0 || v.get(long, cacheNow) != nil {
		t.Fatal("a token over maxCachedToken was remembered")
	}
	fits := strings.Repeat("a", maxCachedToken)
	v.add(fits, cacheClaims(1), cacheNow)
	if v.get(fits, cacheNow) == nil {
		t.Fatal("a token of maxCachedToken bytes was not remembered")
	}
}

func TestVerifiedTokensCopiesTheToken(t *testing.T) {
	v := newVerifiedTokens(10, 0)
	header := "access=a.b.c; other=" + string(make([]byte, 4096))
	token := header[len("access="):len("access=a.b.c")]
	v.add(token, cacheClaims(1), cacheNow)
	for _, e := range v.recent {
		if e.token != token || unsafe.StringData(e.token) == unsafe.StringData(token) {
			t.Fatal("the entry keeps a slice of the whole header, not a copy of the token")
		}
	}
}

func TestVerifiedTokensBoundedGenerations(t *testing.T) {
	const limit = 3
	v := newVerifiedTokens(limit, 0)
	tok := func(i int) string { return fmt.Sprintf("token-%d", i) }
	for i := range 10 {
		v.add(tok(i), cacheClaims(int64(i)), cacheNow)
		if len(v.recent) > limit || len(v.older) > limit {
			t.Fatalf("after %d adds: %d recent, %d older; limit %d each", i+1, len(v.recent), len(v.older), limit)
		}
	}
	// 10 adds with limit 3: recent holds 9, older 6..8; 0..5 are gone.
	for i := range 10 {
		hit := v.get(tok(i), cacheNow) != nil
		if want := i >= 6; hit != want {
			t.Errorf("%s: hit %v, want %v", tok(i), hit, want)
		}
	}
}

func TestVerifiedTokensPromotesFromOlder(t *testing.T) {
	v := newVerifiedTokens(2, 0)
	v.add("keep", cacheClaims(1), cacheNow)
	v.add("a", cacheClaims(2), cacheNow)
	v.add("b", cacheClaims(3), cacheNow) // turns over: keep and a are older
	if _, ok := v.older[maphash.String(v.seed, "keep")]; !ok {
		t.Fatal("setup: keep is not in the older generation")
	}
	if v.get("keep", cacheNow) == nil { // moves keep to recent
		t.Fatal("miss in the older generation")
	}
	v.add("c", cacheClaims(4), cacheNow) // turns over again: b, keep older
	if v.get("keep", cacheNow) == nil {
		t.Error("a token in use was dropped at the second turnover")
	}
	if v.get("a", cacheNow) != nil {
		t.Error("a token not used since the first turnover survived two")
	}
}

func TestEqualConstantTime(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{{"", "", true}, {"abc", "abc", true}, {"abc", "abd", false}, {"abc", "ab", false}, {"xbc", "abc", false}} {
		if got := equalConstantTime(tc.a, tc.b); got != tc.want {
			t.Errorf("equalConstantTime(%q, %q) = %v", tc.a, tc.b, got)
		}
	}
}

// TestVerifiedTokensConcurrent is for -race: every request of a server
// reads and fills the cache at once.
func TestVerifiedTokensConcurrent(t *testing.T) {
	v := newVerifiedTokens(8, 0)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 500 {
				tok := fmt.Sprintf("t-%d", (g*7+i)%20)
				if c := v.get(tok, cacheNow); c == nil {
					v.add(tok, cacheClaims(int64(i)), cacheNow)
				}
			}
		}()
	}
	wg.Wait()
}
