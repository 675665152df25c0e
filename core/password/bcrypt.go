package password

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/bcrypt"
)

// bcrypt costs.
const (
	// DefaultBcryptCost is Django's bcrypt work factor (log2 rounds).
	DefaultBcryptCost = 12
	// MinBcryptCost is bcrypt's smallest cost (tests use it).
	MinBcryptCost = bcrypt.MinCost
	// MaxBcryptCost is the largest cost accepted when hashing or verifying.
	// bcrypt allows 31, which takes days; a corrupt stored hash must not.
	// Cost 16 is about 4.5 s on a 2-vCPU machine.
	MaxBcryptCost = 16
)

// BcryptMaxPasswordBytes is the longest password plain bcrypt (see
// [NewPlainBcrypt]) hashes: the number of bytes bcrypt reads.
const BcryptMaxPasswordBytes = 72

// bcryptMaxInput is the number of password bytes bcrypt reads.
const bcryptMaxInput = BcryptMaxPasswordBytes

// bcryptCost is bcrypt's memory: its 4 KiB of S-boxes plus state.
const bcryptCost = 5 << 10

// Bcrypt is Django's BCryptSHA256PasswordHasher ("bcrypt_sha256", see
// [NewBcrypt]) or BCryptPasswordHasher ("bcrypt", see [NewPlainBcrypt]).
// Hashes are "<alg>$" followed by the modular crypt string, written with
// the "$2b$" prefix Django uses.
type Bcrypt struct {
	alg     string
	cost    int
	prehash bool
}

// NewBcrypt returns a "bcrypt_sha256" hasher: bcrypt over the lowercase hex
// SHA-256 of the password (64 ASCII bytes), so long passwords are not
// truncated and NUL bytes are harmless. cost must be between
// [MinBcryptCost] and [MaxBcryptCost]; errors wrap [ErrInvalidConfig].
func NewBcrypt(cost int) (*Bcrypt, error) {
	return newBcrypt("bcrypt_sha256", cost, true)
}

// NewPlainBcrypt returns a "bcrypt" hasher: bcrypt over the raw password.
// bcrypt only reads 72 bytes; unlike Django and x/crypto's
// CompareHashAndPassword this hasher never truncates: Hash returns
// [ErrPasswordTooLong] for a longer password and Verify reports false for
// one. Prefer [NewBcrypt]; this one exists to verify legacy hashes.
func NewPlainBcrypt(cost int) (*Bcrypt, error) {
	return newBcrypt("bcrypt", cost, false)
}

// DefaultBcrypt returns a "bcrypt_sha256" hasher with [DefaultBcryptCost],
// Django's BCryptSHA256PasswordHasher settings.
func DefaultBcrypt() *Bcrypt {
	return &Bcrypt{alg: "bcrypt_sha256", cost: DefaultBcryptCost, prehash: true}
}

func newBcrypt(alg string, cost int, prehash bool) (*Bcrypt, error) {
	if cost < MinBcryptCost || cost > MaxBcryptCost {
		return nil, fmt.Errorf("%w: bcrypt cost must be between %d and %d", ErrInvalidConfig, MinBcryptCost, MaxBcryptCost)
	}
	return &Bcrypt{alg: alg, cost: cost, prehash: prehash}, nil
}

// Algorithm returns "bcrypt_sha256" or "bcrypt".
func (b *Bcrypt) Algorithm() string { return b.alg }

// BcryptCost returns the work factor new hashes are made with.
func (b *Bcrypt) BcryptCost() int { return b.cost }

// Cost returns bcrypt's small, constant memory use.
func (b *Bcrypt) Cost() Cost { return Cost{MemoryBytes: bcryptCost} }

// Hash returns a new hash of password with a random salt chosen by bcrypt.
// Plain bcrypt returns [ErrPasswordTooLong] for more than 72 bytes and
// [ErrInvalidPassword] for a NUL byte.
func (b *Bcrypt) Hash(password string) (string, error) {
	input, err := b.input(password)
	if err != nil {
		return "", err
	}
	mc, err := bcrypt.GenerateFromPassword(input, b.cost)
	if err != nil {
		return "", fmt.Errorf("password: bcrypt: %w", err)
	}
	// x/crypto writes "$2a$"; Django (and OpenBSD) write "$2b$". The hash is
	// the same.
	if len(mc) > 3 && mc[2] == 'a' {
		mc[2] = 'b'
	}
	return b.alg + "$" + string(mc), nil
}

// Verify reports whether password matches encoded. For plain bcrypt a
// password bcrypt cannot read whole (over 72 bytes, or with a NUL byte)
// reports false, after the same work as any other check.
func (b *Bcrypt) Verify(password, encoded string) (bool, error) {
	if isUnusablePrefix(encoded) {
		return false, nil
	}
	mc, _, err := b.parse(encoded)
	if err != nil {
		return false, err
	}
	input, inErr := b.input(password)
	if inErr != nil {
		// Spend the same work on a stand-in so timing does not reveal
		// which hasher a stored hash uses, then reject.
		input = hexSHA256(password)
	}
	err = bcrypt.CompareHashAndPassword([]byte(mc), input)
	switch {
	case err == nil:
		return inErr == nil, nil
	case errors.Is(err, bcrypt.ErrMismatchedHashAndPassword):
		return false, nil
	default:
		return false, fmt.Errorf("%w: bcrypt hash rejected", ErrMalformedHash)
	}
}

// NeedsRehash reports whether encoded has another work factor than this
// hasher's, like Django's must_update.
func (b *Bcrypt) NeedsRehash(encoded string) bool {
	_, cost, err := b.parse(encoded)
	return err != nil || cost != b.cost
}

// input returns the bytes bcrypt hashes for password.
func (b *Bcrypt) input(password string) ([]byte, error) {
	if b.prehash {
		return hexSHA256(password), nil
	}
	if len(password) > bcryptMaxInput {
		return nil, fmt.Errorf("%w: bcrypt reads at most %d bytes", ErrPasswordTooLong, bcryptMaxInput)
	}
	if strings.IndexByte(password, 0) >= 0 {
		return nil, fmt.Errorf("%w: bcrypt cannot hash a NUL byte", ErrInvalidPassword)
	}
	return []byte(password), nil
}

// hexSHA256 returns the lowercase hex SHA-256 of s (64 ASCII bytes).
func hexSHA256(s string) []byte {
	sum := sha256.Sum256([]byte(s))
	out := make([]byte, hex.EncodedLen(len(sum)))
	hex.Encode(out, sum[:])
	return out
}

// bcryptAlphabet is bcrypt's base64 alphabet.
const bcryptAlphabet = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// parse checks <alg>$$2[aby]$<cost>$<53 chars> and returns the modular
// crypt part and its cost.
func (b *Bcrypt) parse(encoded string) (string, int, error) {
	mc, err := checkAlgorithm(b.alg, encoded)
	if err != nil {
		return "", 0, err
	}
	if len(mc) != 60 || mc[0] != '$' || mc[1] != '2' || mc[3] != '$' || mc[6] != '$' ||
		(mc[2] != 'a' && mc[2] != 'b' && mc[2] != 'y') {
		return "", 0, fmt.Errorf("%w: not a bcrypt modular crypt string", ErrMalformedHash)
	}
	if mc[4] < '0' || mc[4] > '9' || mc[5] < '0' || mc[5] > '9' {
		return "", 0, fmt.Errorf("%w: bad bcrypt cost", ErrMalformedHash)
	}
	cost := int(mc[4]-'0')*10 + int(mc[5]-'0')
	if cost < MinBcryptCost || cost > MaxBcryptCost {
		return "", 0, fmt.Errorf("%w: bcrypt cost outside %d..%d", ErrMalformedHash, MinBcryptCost, MaxBcryptCost)
	}
	for i := 7; i < len(mc); i++ {
		if strings.IndexByte(bcryptAlphabet, mc[i]) < 0 {
			return "", 0, fmt.Errorf("%w: bad bcrypt salt or hash", ErrMalformedHash)
		}
	}
	return mc, cost, nil
}
