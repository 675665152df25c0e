package password

import (
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"hash"
	"strconv"
	"strings"
	"unicode/utf8"
)

// PBKDF2 iteration limits.
const (
	// DefaultPBKDF2Iterations is Django 5.2's iteration count.
	DefaultPBKDF2Iterations = 1_000_000
	// MaxPBKDF2Iterations is the largest iteration count accepted when
	// hashing or verifying, so a corrupt stored hash cannot pin a CPU for
	// minutes. Django 6.2 uses 1,800,000.
	MaxPBKDF2Iterations = 10_000_000
	// MinPBKDF2Iterations is the smallest iteration count [NewPBKDF2]
	// accepts (tests use it). Stored hashes with fewer (old Django
	// releases) still verify, and report NeedsRehash.
	MinPBKDF2Iterations = 1000
)

// pbkdf2Cost is PBKDF2's memory: a few KiB of hash state.
const pbkdf2Cost = 4 << 10

// PBKDF2 is Django's PBKDF2PasswordHasher ("pbkdf2_sha256") or
// PBKDF2SHA1PasswordHasher ("pbkdf2_sha1"): PBKDF2-HMAC over the UTF-8
// password with the salt's raw bytes, 32 (SHA-256) or 20 (SHA-1) bytes of
// output in padded standard base64.
type PBKDF2 struct {
	alg        string
	newHash    func() hash.Hash
	keyLen     int
	iterations int
}

// NewPBKDF2 returns a PBKDF2 hasher for alg ("pbkdf2_sha256" or
// "pbkdf2_sha1") that makes hashes with the given iteration count, between
// [MinPBKDF2Iterations] and [MaxPBKDF2Iterations]. Errors wrap
// [ErrInvalidConfig].
func NewPBKDF2(alg string, iterations int) (*PBKDF2, error) {
	p := &PBKDF2{alg: alg, iterations: iterations}
	switch alg {
	case "pbkdf2_sha256":
		p.newHash, p.keyLen = sha256.New, sha256.Size
	case "pbkdf2_sha1":
		p.newHash, p.keyLen = sha1.New, sha1.Size
	default:
		return nil, fmt.Errorf("%w: PBKDF2 algorithm must be pbkdf2_sha256 or pbkdf2_sha1", ErrInvalidConfig)
	}
	if iterations < MinPBKDF2Iterations || iterations > MaxPBKDF2Iterations {
		return nil, fmt.Errorf("%w: PBKDF2 iterations must be between %d and %d", ErrInvalidConfig, MinPBKDF2Iterations, MaxPBKDF2Iterations)
	}
	return p, nil
}

// DefaultPBKDF2 returns a pbkdf2_sha256 hasher with
// [DefaultPBKDF2Iterations], Django 5.2's preferred hasher.
func DefaultPBKDF2() *PBKDF2 {
	p, _ := NewPBKDF2("pbkdf2_sha256", DefaultPBKDF2Iterations) // constant, valid arguments
	return p
}

// Algorithm returns "pbkdf2_sha256" or "pbkdf2_sha1".
func (p *PBKDF2) Algorithm() string { return p.alg }

// Iterations returns the iteration count new hashes are made with.
func (p *PBKDF2) Iterations() int { return p.iterations }

// Cost returns PBKDF2's small, constant memory use.
func (p *PBKDF2) Cost() Cost { return Cost{MemoryBytes: pbkdf2Cost} }

// Hash returns a new hash of password with a random 22-character salt.
func (p *PBKDF2) Hash(password string) (string, error) {
	salt := randomString(saltLen)
	key, err := p.derive(password, salt, p.iterations)
	if err != nil {
		return "", err
	}
	return p.alg + "$" + strconv.Itoa(p.iterations) + "$" + salt + "$" +
		base64.StdEncoding.EncodeToString(key), nil
}

// Verify reports whether password matches the PBKDF2 hash encoded, using
// the iteration count and salt stored in it.
func (p *PBKDF2) Verify(password, encoded string) (bool, error) {
	if isUnusablePrefix(encoded) {
		return false, nil
	}
	d, err := p.parse(encoded)
	if err != nil {
		return false, err
	}
	key, err := p.derive(password, d.salt, d.iterations)
	if err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare(key, d.hash) == 1, nil
}

// NeedsRehash reports whether encoded has another iteration count than
// this hasher's or a salt of less than 128 bits, like Django's
// must_update.
func (p *PBKDF2) NeedsRehash(encoded string) bool {
	d, err := p.parse(encoded)
	if err != nil {
		return true
	}
	return d.iterations != p.iterations || saltNeedsUpdate(utf8.RuneCountInString(d.salt))
}

func (p *PBKDF2) derive(password, salt string, iterations int) ([]byte, error) {
	key, err := pbkdf2.Key(p.newHash, password, []byte(salt), iterations, p.keyLen)
	if err != nil {
		// Only possible in FIPS 140-only mode; the message holds no secret.
		return nil, fmt.Errorf("password: pbkdf2: %w", err)
	}
	return key, nil
}

// pbkdf2Hash is a parsed stored PBKDF2 hash.
type pbkdf2Hash struct {
	iterations int
	salt       string
	hash       []byte
}

// parse parses <alg>$<iterations>$<salt>$<b64 hash>. Like Django's
// decode, a "$" inside the salt cannot be told apart, so it makes the hash
// field invalid.
func (p *PBKDF2) parse(encoded string) (*pbkdf2Hash, error) {
	rest, err := checkAlgorithm(p.alg, encoded)
	if err != nil {
		return nil, err
	}
	f := strings.SplitN(rest, "$", 3)
	if len(f) != 3 {
		return nil, fmt.Errorf("%w: PBKDF2 hash must have 4 fields", ErrMalformedHash)
	}
	iter, ok := parseUint(f[0], MaxPBKDF2Iterations)
	if !ok || iter < 1 {
		return nil, fmt.Errorf("%w: PBKDF2 iterations not a number between 1 and %d", ErrMalformedHash, MaxPBKDF2Iterations)
	}
	if f[1] == "" || len(f[1]) > maxSaltBytes {
		return nil, fmt.Errorf("%w: PBKDF2 salt empty or too long", ErrMalformedHash)
	}
	enc := base64.StdEncoding.Strict()
	if len(f[2]) != enc.EncodedLen(p.keyLen) {
		return nil, fmt.Errorf("%w: PBKDF2 hash has the wrong length", ErrMalformedHash)
	}
	h, err := enc.DecodeString(f[2])
	if err != nil || len(h) != p.keyLen {
		return nil, fmt.Errorf("%w: PBKDF2 hash is not valid base64", ErrMalformedHash)
	}
	return &pbkdf2Hash{iterations: int(iter), salt: f[1], hash: h}, nil
}
