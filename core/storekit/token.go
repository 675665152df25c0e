package storekit

import (
	"crypto/sha256"
	"encoding/hex"
)

// TokenDigest returns what a store keeps and looks up for a DB token key
// ("Authorization: Token <key>"): the lowercase hex SHA-256 of the key,
// core.TokenDigestLength characters. Stores never see keys, only digests;
// tools and tests that hold a key use this to find its row.
func TokenDigest(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}
