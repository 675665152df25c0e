package simplejwt

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"fmt"
	"slices"
	"sync"
	"unicode/utf8"

	"github.com/golang-jwt/jwt/v5"
)

// Key is one signing or verifying key.
//
// For HS256/HS384/HS512 set Secret. For RS*, ES* and EdDSA set Private (an
// *rsa.PrivateKey, *ecdsa.PrivateKey, ed25519.PrivateKey or any
// crypto.Signer backed by such a key, e.g. a KMS) and/or Public; a key in
// Config.PreviousKeys needs only Public.
type Key struct {
	// ID is written as the "kid" header and selects the key on parse. It is
	// optional for a single key of its algorithm and required when several
	// keys of one algorithm coexist (rotation), and must be unique.
	ID string

	// Algorithm is the JWS alg: "HS256" (default), "HS384", "HS512",
	// "RS256", "RS384", "RS512", "ES256", "ES384", "ES512" or "EdDSA". A
	// token is verified only with keys of its own algorithm, and only the
	// algorithms of configured keys are accepted.
	Algorithm string

	// Secret is the HMAC secret for HS* keys: at least 32 bytes (48 for
	// HS384, 64 for HS512, RFC 7518 §3.2), from a CSPRNG. For Django
	// compatibility it is SIMPLE_JWT's SIGNING_KEY (by default Django's
	// SECRET_KEY) as UTF-8 bytes. New copies it.
	Secret []byte

	// Private signs tokens (RS*, ES*, EdDSA). Only the signing key's is
	// used.
	Private crypto.Signer

	// Public verifies tokens (RS*, ES*, EdDSA). Derived from Private when
	// nil; when both are set they must match. RSA keys need ≥ 2048 bits;
	// ECDSA keys the curve of the algorithm.
	Public crypto.PublicKey
}

// keyEntry is a validated Key.
type keyEntry struct {
	id     string
	alg    algorithm
	secret []byte        // HMAC only; a private copy
	signer crypto.Signer // asymmetric signing key, nil for verify-only keys
	public crypto.PublicKey
	method jwt.SigningMethod // golang-jwt's verifier of asymmetric algs
	macs   sync.Pool         // HMAC only: *macState, see verify
}

// prepareKey validates k. where names the key in error messages (it never
// contains key material); needPrivate is set for the signing key.
func prepareKey(k Key, where string, needPrivate bool) (*keyEntry, error) {
	name := k.Algorithm
	if name == "" {
		name = DefaultAlgorithm
	}
	alg, ok := lookupAlgorithm(name)
	if !ok {
		return nil, fmt.Errorf("%w: %s: unknown algorithm %q", ErrConfig, where, name)
	}
	if !utf8.ValidString(k.ID) || len(k.ID) > maxIDLength {
		return nil, fmt.Errorf("%w: %s: ID must be valid UTF-8 of at most %d bytes", ErrConfig, where, maxIDLength)
	}
	e := &keyEntry{id: k.ID, alg: alg}
	if alg.family == familyHMAC {
		return e, e.setSecret(k, where)
	}
	if e.method = jwt.GetSigningMethod(alg.name); e.method == nil {
		return nil, fmt.Errorf("%w: %s: %s cannot be verified", ErrConfig, where, name)
	}
	return e, e.setAsymmetric(k, where, needPrivate)
}

// setSecret validates and copies an HMAC secret.
func (e *keyEntry) setSecret(k Key, where string) error {
	if k.Private != nil || k.Public != nil {
		return fmt.Errorf("%w: %s: %s takes a Secret, not a public/private key", ErrConfig, where, e.alg.name)
	}
	if len(k.Secret) == 0 {
		return fmt.Errorf("%w: %s: %s needs a Secret", ErrConfig, where, e.alg.name)
	}
	if len(k.Secret) < e.alg.minSecret {
		return fmt.Errorf("%w: %s: %s secret is %d bytes, need at least %d", ErrConfig, where, e.alg.name, len(k.Secret), e.alg.minSecret)
	}
	if lowEntropy(k.Secret) {
		return fmt.Errorf("%w: %s: secret has too few distinct bytes to be random", ErrConfig, where)
	}
	e.secret = bytes.Clone(k.Secret)
	return nil
}

// lowEntropy rejects obviously non-random secrets such as a repeated
// character. A hex string (16 symbols) or Django's SECRET_KEY alphabet pass;
// "aaaa…" or "abababab…" do not.
func lowEntropy(secret []byte) bool {
	var seen [256]bool
	distinct := 0
	for _, b := range secret {
		if !seen[b] {
			seen[b] = true
			distinct++
		}
	}
	return distinct < 8
}

// setAsymmetric validates the public/private halves of an RSA, ECDSA or
// Ed25519 key.
func (e *keyEntry) setAsymmetric(k Key, where string, needPrivate bool) error {
	if len(k.Secret) != 0 {
		return fmt.Errorf("%w: %s: %s takes a public/private key, not a Secret", ErrConfig, where, e.alg.name)
	}
	if needPrivate && k.Private == nil {
		return fmt.Errorf("%w: %s: %s signing key needs Private", ErrConfig, where, e.alg.name)
	}
	pub := k.Public
	if k.Private != nil {
		derived := k.Private.Public()
		if pub == nil {
			pub = derived
		} else if eq, ok := pub.(interface{ Equal(crypto.PublicKey) bool }); !ok || !eq.Equal(derived) {
			return fmt.Errorf("%w: %s: Public does not match Private", ErrConfig, where)
		}
		e.signer = k.Private
	}
	if pub == nil {
		return fmt.Errorf("%w: %s: %s key needs Public or Private", ErrConfig, where, e.alg.name)
	}
	if err := checkPublic(e.alg, pub); err != nil {
		return fmt.Errorf("%w: %s: %s", ErrConfig, where, err.Error())
	}
	e.public = pub
	return nil
}

// checkPublic verifies that pub is the key type, size and curve alg needs.
// Its error text names types and sizes only.
func checkPublic(alg algorithm, pub crypto.PublicKey) error {
	switch alg.family {
	case familyRSA:
		k, ok := pub.(*rsa.PublicKey)
		if !ok {
			return fmt.Errorf("%s needs an RSA key, got %T", alg.name, pub)
		}
		if k.N == nil || k.N.BitLen() < minRSABits {
			return fmt.Errorf("RSA key is smaller than %d bits", minRSABits)
		}
	case familyECDSA:
		k, ok := pub.(*ecdsa.PublicKey)
		if !ok {
			return fmt.Errorf("%s needs an ECDSA key, got %T", alg.name, pub)
		}
		if k.Curve == nil || k.Curve.Params().Name != alg.curve {
			return fmt.Errorf("%s needs an ECDSA key on %s", alg.name, alg.curve)
		}
	case familyEdDSA:
		k, ok := pub.(ed25519.PublicKey)
		if !ok {
			return fmt.Errorf("EdDSA needs an Ed25519 key, got %T", pub)
		}
		if len(k) != ed25519.PublicKeySize {
			return fmt.Errorf("ed25519 public key has the wrong size")
		}
	}
	return nil
}

// keyring is the immutable set of configured keys.
type keyring struct {
	byID  map[string][]*keyEntry // kid → its one key, as a list of one
	byAlg map[string][]*keyEntry // alg → every key of that algorithm
	algs  []string               // sorted; the only algs Parse accepts
}

// newKeyring validates every key and builds the lookup tables. It returns
// the ring and the signing key's entry.
func newKeyring(signing Key, previous []Key) (*keyring, *keyEntry, error) {
	cur, err := prepareKey(signing, "SigningKey", true)
	if err != nil {
		return nil, nil, err
	}
	entries := []*keyEntry{cur}
	for i, k := range previous {
		e, err := prepareKey(k, fmt.Sprintf("PreviousKeys[%d]", i), false)
		if err != nil {
			return nil, nil, err
		}
		entries = append(entries, e)
	}

	r := &keyring{byID: map[string][]*keyEntry{}, byAlg: map[string][]*keyEntry{}}
	for _, e := range entries {
		if e.id != "" {
			if _, dup := r.byID[e.id]; dup {
				return nil, nil, fmt.Errorf("%w: duplicate key ID %q", ErrConfig, e.id)
			}
			r.byID[e.id] = []*keyEntry{e}
		}
		r.byAlg[e.alg.name] = append(r.byAlg[e.alg.name], e)
	}
	for name, group := range r.byAlg {
		r.algs = append(r.algs, name)
		if len(group) == 1 {
			continue
		}
		for _, e := range group {
			if e.id == "" {
				return nil, nil, fmt.Errorf("%w: several %s keys are configured, so each needs an ID", ErrConfig, name)
			}
		}
	}
	slices.Sort(r.algs)
	return r, cur, nil
}

// algName returns the configured algorithm named alg (compared exactly),
// as a string that does not alias alg.
func (r *keyring) algName(alg []byte) (string, bool) {
	group, ok := r.byAlg[string(alg)]
	if !ok {
		return "", false
	}
	return group[0].alg.name, true
}

// verifiers selects the verification key(s) for a token: with a kid,
// exactly the configured key of that ID and algorithm; without one, every
// key of the algorithm (a Django-minted token carries no kid), to be tried
// in configuration order.
func (r *keyring) verifiers(h tokenHeader) ([]*keyEntry, error) {
	if !h.hasKID {
		group, ok := r.byAlg[h.alg]
		if !ok {
			return nil, ErrAlgorithm
		}
		return group, nil
	}
	one, ok := r.byID[string(h.kid)]
	if !ok || one[0].alg.name != h.alg {
		return nil, ErrUnknownKey
	}
	return one, nil
}
