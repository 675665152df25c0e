package core

import (
	"hash/maphash"
	"strings"
	"sync"
	"time"

	"github.com/restauth/restauth/core/simplejwt"
)

// verifiedTokens remembers access tokens whose signature and claims have
// been verified, so that a client presenting its token again (an SPA or a
// phone does so on every call for the token's five minutes) skips the
// base64, HMAC or signature, and JSON work: about half of what the JWT
// middleware costs. Envoy's jwt_authn filter caches verified tokens the
// same way. Only that work is skipped: the login (refresh family) and the
// user are still checked on every request (through the login-state cache,
// within Config.RevocationStaleness), so logout, revocation and
// deactivation take effect exactly as without this cache.
//
// A remembered verification is as good as a new one because its outcome
// depends only on the token, the codec's fixed keys and settings, and the
// clock; a hit is therefore refused, and the token verified again, unless
// the clock is between the first verification and exp + leeway (the
// window a fresh Parse accepts: nbf and iat were already passed when it
// was first verified).
//
// Entries are found by a 64-bit hash of the token under a per-process
// random seed, then confirmed by comparing the whole token in constant
// time: an attacker can neither aim a token at an entry nor learn one
// from timing. Only tokens that verified are added, so unauthenticated
// clients cannot fill the cache. Memory is bounded by two generations of
// at most limit entries each: when the recent one is full it becomes the
// older one and the previous older one is dropped; a hit in the older
// generation moves the entry back to the recent one.
type verifiedTokens struct {
	seed   maphash.Seed
	limit  int
	leeway time.Duration

	mu     sync.RWMutex
	recent map[uint64]*verifiedToken
	older  map[uint64]*verifiedToken
}

// verifiedToken is one remembered verification. Its claims are shared by
// every request that presents the token and must not be modified.
type verifiedToken struct {
	token      string
	claims     *simplejwt.Claims
	verifiedAt time.Time
	until      time.Time // exp + leeway: the first instant Parse refuses it
}

// newVerifiedTokens returns a cache of at most 2×limit tokens, or nil when
// limit is not positive (the cache is off).
func newVerifiedTokens(limit int, leeway time.Duration) *verifiedTokens {
	if limit <= 0 {
		return nil
	}
	return &verifiedTokens{
		seed:   maphash.MakeSeed(),
		limit:  limit,
		leeway: leeway,
		recent: make(map[uint64]*verifiedToken),
	}
}

// get returns the remembered claims of token if it verified before and is
// still valid at now, or nil.
func (v *verifiedTokens) get(token string, now time.Time) *simplejwt.Claims {
	h := maphash.String(v.seed, token)
	v.mu.RLock()
	e, fromRecent := v.recent[h]
	if !fromRecent {
		e = v.older[h]
	}
	v.mu.RUnlock()
	if e == nil || !equalConstantTime(e.token, token) ||
		now.Before(e.verifiedAt) || !now.Before(e.until) {
		return nil
	}
	if !fromRecent {
		v.put(h, e)
	}
	return e.claims
}

// maxCachedToken is the longest token remembered. restauth's tokens are
// about 300 bytes; a longer one (many custom claims) is verified every
// time, which bounds an entry, and the cache, whatever tokens an
// application mints: 2 × limit entries of at most a few KiB.
const maxCachedToken = 1024

// add remembers that token verified at now with claims.
func (v *verifiedTokens) add(token string, claims *simplejwt.Claims, now time.Time) {
	if len(token) > maxCachedToken {
		return
	}
	// The token may be a slice of a whole Cookie header: keep only its
	// own bytes.
	e := &verifiedToken{token: strings.Clone(token), claims: claims, verifiedAt: now,
		until: claims.Expires.Add(v.leeway)}
	v.put(maphash.String(v.seed, token), e)
}

// put stores e in the recent generation, turning generations over when
// it is full. The new generation's map is not sized up front: a large
// configured limit must not allocate its whole size at once.
func (v *verifiedTokens) put(h uint64, e *verifiedToken) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if len(v.recent) >= v.limit {
		v.older, v.recent = v.recent, make(map[uint64]*verifiedToken)
	}
	v.recent[h] = e
}

// equalConstantTime compares two strings without an early exit on the
// first difference (their lengths are not secret).
func equalConstantTime(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	var diff uint64
	i := 0
	for ; i+8 <= len(a); i += 8 {
		diff |= load64(a, i) ^ load64(b, i)
	}
	for ; i < len(a); i++ {
		diff |= uint64(a[i] ^ b[i])
	}
	return diff == 0
}
