package password

import (
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2 variants as written in the second field of Django's argon2 hashes.
const (
	argon2ID = "argon2id"
	argon2I  = "argon2i"
)

// Ceilings applied to the argon2 parameters of stored hashes and of
// [Argon2Params]. They keep a hostile or corrupt stored hash from making a
// single verification allocate or compute without bound.
const (
	// MaxArgon2MemoryKiB is the largest accepted memory parameter m, in KiB
	// (1 GiB). Django's own default is 102400 (100 MiB).
	MaxArgon2MemoryKiB = 1 << 20
	// MaxArgon2Time is the largest accepted number of passes t.
	MaxArgon2Time = 16
	// Argon2 output lengths accepted when verifying (argon2-cffi writes 16
	// or 32 bytes) and when hashing.
	minArgon2VerifyKeyLen = 4
	minArgon2KeyLen       = 16
	maxArgon2KeyLen       = 256
	// minArgon2Salt is Argon2's own minimum salt length in bytes.
	minArgon2Salt = 8
)

// Argon2Params are the parameters new argon2id hashes are made with.
type Argon2Params struct {
	// MemoryKiB is the memory cost m in KiB; at least 8*Parallelism and at
	// most MaxArgon2MemoryKiB. Each concurrent operation holds this much
	// memory, which is what a [Limiter] budgets.
	MemoryKiB uint32
	// Time is the number of passes t, from 1 to MaxArgon2Time.
	Time uint32
	// Parallelism is the lane count p, from 1 to 255.
	Parallelism uint8
	// KeyLen is the output length in bytes, from 16 to 256. Django with
	// argon2-cffi ≥ 21.2 writes 32; older argon2-cffi wrote 16.
	KeyLen uint32
	// AnyStoredKeyLen makes NeedsRehash ignore the output length of a
	// stored hash. Django's must_update compares it with the default of
	// its argon2-cffi (16 bytes before 21.2, 32 since), so a database
	// shared with Django holds both lengths; with this set, neither side
	// re-hashes the other's hashes at every login (each re-hash changes
	// the password hash, and with it ends the user's Django sessions).
	AnyStoredKeyLen bool
}

// DefaultArgon2Params returns production parameters: argon2id with
// m=19456 KiB (19 MiB), t=2, p=1 and a 32-byte output, the OWASP minimum,
// about 33 ms per hash on a 2-vCPU machine. Django's own defaults
// (m=102400, t=2, p=8) are still verified, but cost 100 MiB per login.
func DefaultArgon2Params() Argon2Params {
	return Argon2Params{MemoryKiB: 19456, Time: 2, Parallelism: 1, KeyLen: 32}
}

// DjangoArgon2Params returns the parameters of Django's own
// Argon2PasswordHasher since Django 3.2 (argon2id, m=102400 KiB, t=2,
// p=8, 32-byte output) with AnyStoredKeyLen: the ones to use on a
// database shared with a Django application, so that a hash one side
// wrote is not re-hashed by the other at its next login. They cost 100 MiB
// of memory per hash.
func DjangoArgon2Params() Argon2Params {
	return Argon2Params{MemoryKiB: 102400, Time: 2, Parallelism: 8, KeyLen: 32, AnyStoredKeyLen: true}
}

// FastArgon2Params returns deliberately weak parameters (m=64 KiB, t=1,
// p=1) for tests only, so test suites that go through a [Policy] stay fast.
// Never use them in production.
func FastArgon2Params() Argon2Params {
	return Argon2Params{MemoryKiB: 64, Time: 1, Parallelism: 1, KeyLen: 32}
}

func (p Argon2Params) validate() error {
	switch {
	case p.Parallelism < 1:
		return fmt.Errorf("%w: argon2 parallelism must be at least 1", ErrInvalidConfig)
	case p.Time < 1 || p.Time > MaxArgon2Time:
		return fmt.Errorf("%w: argon2 time must be between 1 and %d", ErrInvalidConfig, MaxArgon2Time)
	case p.MemoryKiB < 8*uint32(p.Parallelism) || p.MemoryKiB > MaxArgon2MemoryKiB:
		return fmt.Errorf("%w: argon2 memory must be between 8*parallelism and %d KiB", ErrInvalidConfig, MaxArgon2MemoryKiB)
	case p.KeyLen < minArgon2KeyLen || p.KeyLen > maxArgon2KeyLen:
		return fmt.Errorf("%w: argon2 key length must be between %d and %d bytes", ErrInvalidConfig, minArgon2KeyLen, maxArgon2KeyLen)
	}
	return nil
}

// Argon2 is Django's Argon2PasswordHasher ("argon2"). It makes argon2id
// hashes and verifies argon2id and legacy argon2i hashes (version 19 only)
// of any accepted parameters and an output length of 4 to 256 bytes.
type Argon2 struct {
	params Argon2Params
}

// NewArgon2 returns an argon2 hasher that makes hashes with p, or an error
// wrapping [ErrInvalidConfig] if p is out of range.
func NewArgon2(p Argon2Params) (*Argon2, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	return &Argon2{params: p}, nil
}

// DefaultArgon2 returns an argon2 hasher with [DefaultArgon2Params].
func DefaultArgon2() *Argon2 {
	return &Argon2{params: DefaultArgon2Params()}
}

// Params returns the parameters new hashes are made with.
func (a *Argon2) Params() Argon2Params { return a.params }

// Algorithm returns "argon2".
func (a *Argon2) Algorithm() string { return "argon2" }

// Cost returns the memory parameter in bytes.
func (a *Argon2) Cost() Cost { return Cost{MemoryBytes: int64(a.params.MemoryKiB) * 1024} }

// EncodedCost returns the memory that verifying encoded takes, from its own
// m parameter, so a Django-made hash with m=100 MiB is budgeted as such.
func (a *Argon2) EncodedCost(encoded string) Cost {
	d, err := parseArgon2(encoded)
	if err != nil {
		return a.Cost()
	}
	return Cost{MemoryBytes: int64(d.memory) * 1024}
}

// Hash returns a new argon2id hash of password with a random 22-character
// salt, in Django's format.
func (a *Argon2) Hash(password string) (string, error) {
	salt := randomString(saltLen)
	p := a.params
	key := argon2.IDKey([]byte(password), []byte(salt), p.Time, p.MemoryKiB, p.Parallelism, p.KeyLen)
	b64 := base64.RawStdEncoding
	return "argon2$" + argon2ID + "$v=19$m=" + strconv.FormatUint(uint64(p.MemoryKiB), 10) +
		",t=" + strconv.FormatUint(uint64(p.Time), 10) +
		",p=" + strconv.FormatUint(uint64(p.Parallelism), 10) +
		"$" + b64.EncodeToString([]byte(salt)) + "$" + b64.EncodeToString(key), nil
}

// Verify reports whether password matches the argon2 hash encoded.
func (a *Argon2) Verify(password, encoded string) (bool, error) {
	if isUnusablePrefix(encoded) {
		return false, nil
	}
	d, err := parseArgon2(encoded)
	if err != nil {
		return false, err
	}
	var key []byte
	if d.variant == argon2ID {
		key = argon2.IDKey([]byte(password), d.salt, d.time, d.memory, d.threads, uint32(len(d.hash)))
	} else {
		key = argon2.Key([]byte(password), d.salt, d.time, d.memory, d.threads, uint32(len(d.hash)))
	}
	return subtle.ConstantTimeCompare(key, d.hash) == 1, nil
}

// NeedsRehash reports whether encoded differs from this hasher's variant
// (argon2id), m, t, p or output length, or has a salt of less than 128 bits,
// like Django's Argon2PasswordHasher.must_update.
func (a *Argon2) NeedsRehash(encoded string) bool {
	d, err := parseArgon2(encoded)
	if err != nil {
		return true
	}
	p := a.params
	return d.variant != argon2ID || d.memory != p.MemoryKiB || d.time != p.Time ||
		d.threads != p.Parallelism || (!p.AnyStoredKeyLen && uint32(len(d.hash)) != p.KeyLen) ||
		saltNeedsUpdate(len(d.salt))
}

// argon2Hash is a parsed stored argon2 hash.
type argon2Hash struct {
	variant      string
	memory, time uint32
	threads      uint8
	salt, hash   []byte
}

// parseArgon2 parses
// argon2$<variant>$v=19$m=<m>,t=<t>,p=<p>$<b64 salt>$<b64 hash>
// enforcing every ceiling before decoding.
func parseArgon2(encoded string) (*argon2Hash, error) {
	rest, err := checkAlgorithm("argon2", encoded)
	if err != nil {
		return nil, err
	}
	f := strings.Split(rest, "$")
	if len(f) == 4 && strings.HasPrefix(f[1], "m=") {
		// argon2 1.0 hashes carry no version field (implicitly v=16).
		return nil, fmt.Errorf("%w: argon2 version 16", ErrUnsupportedAlgorithm)
	}
	if len(f) != 5 {
		return nil, fmt.Errorf("%w: argon2 hash must have 6 fields", ErrMalformedHash)
	}
	d := &argon2Hash{variant: f[0]}
	switch d.variant {
	case argon2ID, argon2I:
	case "argon2d":
		return nil, fmt.Errorf("%w: argon2d", ErrUnsupportedAlgorithm)
	default:
		return nil, fmt.Errorf("%w: unknown argon2 variant", ErrMalformedHash)
	}
	if f[1] != "v=19" {
		if v, ok := strings.CutPrefix(f[1], "v="); ok {
			if _, ok := parseUint(v, 1<<32-1); ok {
				return nil, fmt.Errorf("%w: argon2 version other than 19", ErrUnsupportedAlgorithm)
			}
		}
		return nil, fmt.Errorf("%w: bad argon2 version field", ErrMalformedHash)
	}
	if err := d.parseParams(f[2]); err != nil {
		return nil, err
	}
	if d.salt, err = decodeArgon2B64(f[3], minArgon2Salt, maxSaltBytes); err != nil {
		return nil, fmt.Errorf("%w: argon2 salt", err)
	}
	if d.hash, err = decodeArgon2B64(f[4], minArgon2VerifyKeyLen, maxArgon2KeyLen); err != nil {
		return nil, fmt.Errorf("%w: argon2 hash", err)
	}
	return d, nil
}

// parseParams parses "m=<m>,t=<t>,p=<p>" in that order.
func (d *argon2Hash) parseParams(s string) error {
	parts := strings.Split(s, ",")
	if len(parts) != 3 {
		return fmt.Errorf("%w: bad argon2 parameters", ErrMalformedHash)
	}
	m, okM := cutUint(parts[0], "m=", MaxArgon2MemoryKiB)
	t, okT := cutUint(parts[1], "t=", MaxArgon2Time)
	p, okP := cutUint(parts[2], "p=", 255)
	if !okM || !okT || !okP || t < 1 || p < 1 || m < 8*p {
		return fmt.Errorf("%w: argon2 parameters missing or outside ceilings", ErrMalformedHash)
	}
	d.memory, d.time, d.threads = uint32(m), uint32(t), uint8(p)
	return nil
}

// cutUint parses "<prefix><number>" with number ≤ max.
func cutUint(s, prefix string, max uint64) (uint64, bool) {
	v, ok := strings.CutPrefix(s, prefix)
	if !ok {
		return 0, false
	}
	return parseUint(v, max)
}

// decodeArgon2B64 decodes unpadded standard base64 of min to max bytes,
// checking the length before decoding.
func decodeArgon2B64(s string, min, max int) ([]byte, error) {
	enc := base64.RawStdEncoding.Strict()
	if len(s) < enc.EncodedLen(min) || len(s) > enc.EncodedLen(max) {
		return nil, ErrMalformedHash
	}
	b, err := enc.DecodeString(s)
	if err != nil || len(b) < min || len(b) > max {
		return nil, ErrMalformedHash
	}
	return b, nil
}
