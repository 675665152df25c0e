package simplejwt

import (
	"crypto"
	"crypto/hmac"
	"crypto/rand"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
)

// sign returns the JWS signature of input with e. Asymmetric keys are used
// through crypto.Signer so that keys held in a KMS or HSM work; RS* use
// PKCS #1 v1.5 and ES* signatures are converted from ASN.1 to JWS's fixed
// r‖s form.
func (e *keyEntry) sign(input []byte) ([]byte, error) {
	switch e.alg.family {
	case familyHMAC:
		mac := hmac.New(e.alg.hash.New, e.secret)
		mac.Write(input)
		return mac.Sum(nil), nil
	case familyEdDSA:
		sig, err := e.signer.Sign(rand.Reader, input, crypto.Hash(0))
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrSigning, err)
		}
		return sig, nil
	}
	h := e.alg.hash.New()
	h.Write(input)
	sig, err := e.signer.Sign(rand.Reader, h.Sum(nil), e.alg.hash)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrSigning, err)
	}
	if e.alg.family == familyECDSA {
		return ecdsaRaw(sig, e.alg.size)
	}
	return sig, nil
}

// ecdsaRaw converts an ASN.1 ECDSA signature to r‖s, each size bytes.
func ecdsaRaw(der []byte, size int) ([]byte, error) {
	var sig struct{ R, S *big.Int }
	rest, err := asn1.Unmarshal(der, &sig)
	if err != nil || len(rest) != 0 || sig.R == nil || sig.S == nil ||
		sig.R.Sign() <= 0 || sig.S.Sign() <= 0 ||
		sig.R.BitLen() > size*8 || sig.S.BitLen() > size*8 {
		return nil, fmt.Errorf("%w: %w", ErrSigning, errors.New("signer returned a malformed ECDSA signature"))
	}
	out := make([]byte, 2*size)
	sig.R.FillBytes(out[:size])
	sig.S.FillBytes(out[size:])
	return out, nil
}
