package djangosign

import (
	"crypto/hmac"
	"crypto/sha256"
	"hash"
)

// deriveKey returns the HMAC key of Django's salted_hmac with the SHA-256
// algorithm: sha256(key_salt + secret).digest().
func deriveKey(keySalt string, secret []byte) []byte {
	h := sha256.New()
	h.Write([]byte(keySalt))
	h.Write(secret)
	return h.Sum(nil)
}

// deriveKeys derives one key per secret, primary first.
func deriveKeys(keySalt string, primary []byte, fallbacks [][]byte) [][]byte {
	keys := make([][]byte, 0, 1+len(fallbacks))
	keys = append(keys, deriveKey(keySalt, primary))
	for _, s := range fallbacks {
		keys = append(keys, deriveKey(keySalt, s))
	}
	return keys
}

// newMAC returns salted_hmac's HMAC-SHA256 state for a derived key. The
// caller writes the message and reads Sum.
func newMAC(key []byte) hash.Hash {
	return hmac.New(sha256.New, key)
}
