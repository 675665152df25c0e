package password

import (
	"fmt"
	"strings"
)

// Hasher makes and checks Django-format password hashes of one algorithm.
//
// Implementations must be safe for concurrent use and must never panic or
// allocate unbounded memory on a hostile stored hash.
type Hasher interface {
	// Algorithm returns the Django algorithm id written before the first
	// "$" of every hash this hasher makes, e.g. "argon2",
	// "pbkdf2_sha256" or "bcrypt_sha256".
	Algorithm() string

	// Hash returns a new encoded hash of password with a fresh random salt
	// from crypto/rand, so hashing the same password twice gives two
	// different strings.
	Hash(password string) (string, error)

	// Verify reports whether password matches encoded. A mismatch is
	// (false, nil); an error (always with ok false) is returned only for
	// input that cannot be checked, such as [ErrMalformedHash] or
	// [ErrUnsupportedAlgorithm]. A nil error means one full-cost hash was
	// computed, except for an unusable password ("!…", see [IsUsable]),
	// which reports (false, nil) at once.
	Verify(password, encoded string) (bool, error)

	// NeedsRehash reports whether encoded was made with parameters (or an
	// algorithm) other than this hasher's, so a successful login should
	// store a fresh hash. Malformed input reports true.
	NeedsRehash(encoded string) bool

	// Cost returns the resources one Hash or Verify with this hasher's own
	// parameters holds while it runs; the [Limiter] uses it.
	Cost() Cost
}

// Cost is what one hash operation holds while it runs. Every operation also
// takes one concurrency slot of a [Limiter] (its share of CPU), so Cost only
// needs to carry memory, the resource that makes memory-hard hashers a
// denial-of-service risk.
type Cost struct {
	// MemoryBytes is the peak memory of one operation, in bytes.
	MemoryBytes int64
}

// EncodedCoster is implemented by hashers whose verification cost depends
// on parameters stored in the hash itself (argon2's memory parameter), so
// that a [Policy] can reserve the right memory budget for verifying a
// hash made elsewhere (e.g. by Django with m=100 MiB).
type EncodedCoster interface {
	// EncodedCost returns the cost of verifying encoded. For input it
	// cannot parse it returns the hasher's own [Hasher.Cost].
	EncodedCost(encoded string) Cost
}

// algorithmOf returns the algorithm id of encoded (the text before the
// first "$") and whether there was one, like Django's identify_hasher.
func algorithmOf(encoded string) (string, bool) {
	alg, _, ok := strings.Cut(encoded, "$")
	if !ok || alg == "" {
		return "", false
	}
	return alg, true
}

// safeAlgorithmName returns alg if it is a known Django id, else "unknown".
//
// Only Django's algorithm ids are ever named in an error or a log record:
// the prefix of an arbitrary stored string could be a secret.
func safeAlgorithmName(alg string) string {
	switch alg {
	case "argon2", "pbkdf2_sha256", "pbkdf2_sha1", "bcrypt_sha256", "bcrypt",
		"scrypt", "md5", "sha1", "unsalted_md5", "unsalted_sha1", "crypt":
		return alg
	}
	return "unknown"
}

// checkAlgorithm checks that encoded belongs to the hasher named want and
// returns the rest of the string after "want$".
func checkAlgorithm(want, encoded string) (string, error) {
	alg, ok := algorithmOf(encoded)
	if !ok {
		return "", fmt.Errorf("%w: no algorithm id", ErrMalformedHash)
	}
	if alg != want {
		return "", fmt.Errorf("%w: %s hasher cannot verify %s", ErrUnsupportedAlgorithm, want, safeAlgorithmName(alg))
	}
	return encoded[len(want)+1:], nil
}
