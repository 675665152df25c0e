package core

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
)

// tokenKeyLen is the length of a DRF token key: 40 lowercase hex characters
// from 20 random bytes (160 bits).
const tokenKeyLen = 40

// newTokenKey returns a fresh DRF-format key and its digest. The key is
// given to the client once; only the digest is stored.
func newTokenKey() (key, digest string) {
	var b [tokenKeyLen / 2]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	key = hex.EncodeToString(b[:])
	return key, tokenDigest(key)
}

// tokenDigest returns the lowercase hex SHA-256 of key: what the store
// keeps and looks up (storekit.TokenDigest, for store authors).
func tokenDigest(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// validTokenKey reports whether key has the exact DRF shape, so that
// garbage never reaches the store.
func validTokenKey(key string) bool {
	if len(key) != tokenKeyLen {
		return false
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}
