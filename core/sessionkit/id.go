package sessionkit

import (
	"crypto/rand"
	"net/http"
)

// sessionIDAlphabet is Django's: lowercase ASCII letters and digits.
const sessionIDAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789"

// NewID returns IDLength characters drawn uniformly from
// sessionIDAlphabet with crypto/rand (log2(36) × 32 ≈ 165 bits). Bytes
// from 252 up are rejected so that byte % 36 is uniform.
func NewID() string {
	const limit = 256 - 256%len(sessionIDAlphabet) // 252
	var id [IDLength]byte
	var buf [2 * IDLength]byte
	for n := 0; n < len(id); {
		rand.Read(buf[:]) // never returns an error; it crashes the program instead
		for _, b := range buf {
			if int(b) >= limit {
				continue
			}
			id[n] = sessionIDAlphabet[int(b)%len(sessionIDAlphabet)]
			if n++; n == len(id) {
				break
			}
		}
	}
	return string(id[:])
}

// ValidID reports whether id has the exact shape of a generated
// ID. Nothing else is ever looked up.
func ValidID(id string) bool {
	if len(id) != IDLength {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; (c < 'a' || c > 'z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// RequestID returns the ID in the request's cookie name, if it has
// the shape of a generated ID.
func RequestID(r *http.Request, name string) (string, bool) {
	c, err := r.Cookie(name)
	if err != nil || !ValidID(c.Value) {
		return "", false
	}
	return c.Value, true
}
