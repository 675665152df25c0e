package simplejwt

import (
	"crypto"
	_ "crypto/sha256" // register SHA-256 for crypto.Hash.New
	_ "crypto/sha512" // register SHA-384 and SHA-512 for crypto.Hash.New
)

// keyFamily groups algorithms by the kind of key they take.
type keyFamily int

const (
	familyHMAC keyFamily = iota + 1
	familyRSA
	familyECDSA
	familyEdDSA
)

// algorithm describes one supported JWS "alg" value.
type algorithm struct {
	name   string
	family keyFamily
	hash   crypto.Hash // crypto.Hash(0) for EdDSA, which hashes internally
	// minSecret is the shortest HMAC secret accepted: 32 bytes, or the hash
	// size when larger (RFC 7518 §3.2).
	minSecret int
	// curve is the required curve name for ECDSA; size is the byte length
	// of each of r and s in the JWS signature.
	curve string
	size  int
}

// DefaultAlgorithm is SimpleJWT's default ALGORITHM, used when Key.Algorithm
// is empty.
const DefaultAlgorithm = "HS256"

// minRSABits is the smallest RSA modulus accepted (RFC 7518 §3.3).
const minRSABits = 2048

// lookupAlgorithm returns the description of a supported alg. The match is
// exact: "hs256" or "none" are not algorithms.
func lookupAlgorithm(name string) (algorithm, bool) {
	switch name {
	case "HS256":
		return algorithm{name: name, family: familyHMAC, hash: crypto.SHA256, minSecret: 32}, true
	case "HS384":
		return algorithm{name: name, family: familyHMAC, hash: crypto.SHA384, minSecret: 48}, true
	case "HS512":
		return algorithm{name: name, family: familyHMAC, hash: crypto.SHA512, minSecret: 64}, true
	case "RS256":
		return algorithm{name: name, family: familyRSA, hash: crypto.SHA256}, true
	case "RS384":
		return algorithm{name: name, family: familyRSA, hash: crypto.SHA384}, true
	case "RS512":
		return algorithm{name: name, family: familyRSA, hash: crypto.SHA512}, true
	case "ES256":
		return algorithm{name: name, family: familyECDSA, hash: crypto.SHA256, curve: "P-256", size: 32}, true
	case "ES384":
		return algorithm{name: name, family: familyECDSA, hash: crypto.SHA384, curve: "P-384", size: 48}, true
	case "ES512":
		return algorithm{name: name, family: familyECDSA, hash: crypto.SHA512, curve: "P-521", size: 66}, true
	case "EdDSA":
		return algorithm{name: name, family: familyEdDSA}, true
	}
	return algorithm{}, false
}
