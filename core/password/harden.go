package password

import (
	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/bcrypt"
)

// Hardener is implemented by hashers that can pad a failed verification
// against one of their own hashes made with a lower work factor up to the
// work of a hash with their current parameters, like Django's
// harden_runtime (CVE-2016-2513): without it, a wrong password for an
// account whose hash predates a cost increase fails faster than one for an
// account with a current hash or for an unknown user (whose dummy hash
// costs the current parameters), which tells the accounts apart.
//
// Work is counted in the hasher's own unit: PBKDF2 iterations, bcrypt
// rounds (2^cost), argon2 memory blocks filled (m·t). [Policy.Check] calls
// HardenRuntime after a failed Verify of a hash of the preferred hasher's
// algorithm that needs a rehash, inside the same limiter slot. Nothing can
// be padded when the stored hash costs more than the current parameters
// (e.g. Django's argon2 with m=100 MiB), or when it is of another
// algorithm, for which there is no common unit of work (Django does not
// pad that case either); those accounts are upgraded on their next
// successful login.
type Hardener interface {
	// HardenRuntime spends the work that verifying encoded fell short of
	// one verification at this hasher's parameters, and nothing if encoded
	// is malformed, of another algorithm or not cheaper.
	HardenRuntime(password, encoded string)
}

// HardenRuntime runs PBKDF2 for the iterations encoded lacks, with its
// salt, as Django's PBKDF2PasswordHasher.harden_runtime does.
func (p *PBKDF2) HardenRuntime(password, encoded string) {
	n := p.hardenIterations(encoded)
	if n <= 0 {
		return
	}
	d, err := p.parse(encoded)
	if err != nil {
		return
	}
	_, _ = p.derive(password, d.salt, n)
}

// hardenIterations returns how many iterations encoded lacks.
func (p *PBKDF2) hardenIterations(encoded string) int {
	d, err := p.parse(encoded)
	if err != nil {
		return 0
	}
	return max(p.iterations-d.iterations, 0)
}

// HardenRuntime hashes again at encoded's cost until the rounds add up to
// this hasher's cost (2^current − 2^stored rounds), as Django's
// BCryptSHA256PasswordHasher.harden_runtime does.
func (b *Bcrypt) HardenRuntime(password, encoded string) {
	n, cost := b.hardenHashes(encoded)
	if n == 0 {
		return
	}
	input, err := b.input(password)
	if err != nil {
		input = hexSHA256(password) // the stand-in Verify used
	}
	for range n {
		_, _ = bcrypt.GenerateFromPassword(input, cost)
	}
}

// hardenHashes returns how many extra hashes at encoded's cost make up
// the difference to this hasher's cost, and that cost.
func (b *Bcrypt) hardenHashes(encoded string) (n, cost int) {
	_, cost, err := b.parse(encoded)
	if err != nil || cost >= b.cost {
		return 0, 0
	}
	return 1<<(b.cost-cost) - 1, cost
}

// HardenRuntime fills the memory blocks encoded lacks (m·t of this
// hasher's parameters minus encoded's), as one argon2id pass set with this
// hasher's t and p, so it never holds more memory than a current hash.
// Django's Argon2PasswordHasher does not pad; restauth does because its
// default parameters are lower than Django's and deployments raise them.
func (a *Argon2) HardenRuntime(password, encoded string) {
	m, ok := a.hardenMemory(encoded)
	if !ok {
		return
	}
	d, err := parseArgon2(encoded)
	if err != nil {
		return
	}
	p := a.params
	_ = argon2.IDKey([]byte(password), d.salt, p.Time, m, p.Parallelism, p.KeyLen)
}

// hardenMemory returns the memory parameter (KiB) of the padding pass
// for encoded, and false when encoded needs no padding.
func (a *Argon2) hardenMemory(encoded string) (uint32, bool) {
	d, err := parseArgon2(encoded)
	if err != nil {
		return 0, false
	}
	p := a.params
	want := uint64(p.MemoryKiB) * uint64(p.Time)
	have := uint64(d.memory) * uint64(d.time)
	if have >= want {
		return 0, false
	}
	m := (want - have + uint64(p.Time) - 1) / uint64(p.Time) // ≤ p.MemoryKiB
	return uint32(max(m, 8*uint64(p.Parallelism))), true
}
