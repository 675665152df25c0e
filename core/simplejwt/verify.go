package simplejwt

import (
	"crypto/hmac"
	"hash"
)

// maxPooledInput is the largest signing input whose copy a pooled HMAC
// keeps for reuse; a longer (hostile, up to MaxTokenLength) one is not
// retained.
const maxPooledInput = 4096

// macState is one reusable HMAC of a key, with scratch space for the
// signing input and the computed MAC.
type macState struct {
	mac hash.Hash
	buf []byte
}

// verifySignature reports whether sig is a valid signature of input by
// one of keys, tried in order (as golang-jwt tries a VerificationKeySet).
func verifySignature(keys []*keyEntry, input string, sig []byte) bool {
	for _, e := range keys {
		if e.verify(input, sig) {
			return true
		}
	}
	return false
}

// verify reports whether sig is e's signature of input. HMAC is computed
// here with a pooled hmac.New and compared in constant time, exactly as
// golang-jwt's SigningMethodHMAC.Verify does but without building a new
// MAC per token; RS*, ES* and EdDSA go through golang-jwt's signing
// methods.
func (e *keyEntry) verify(input string, sig []byte) bool {
	if e.alg.family != familyHMAC {
		return e.method.Verify(input, sig, e.public) == nil
	}
	st, _ := e.macs.Get().(*macState)
	if st == nil {
		st = &macState{mac: hmac.New(e.alg.hash.New, e.secret)}
	}
	st.mac.Reset()
	st.buf = append(st.buf[:0], input...)
	st.mac.Write(st.buf)
	st.buf = st.mac.Sum(st.buf[:0])
	ok := hmac.Equal(sig, st.buf)
	if cap(st.buf) > maxPooledInput {
		st.buf = nil
	}
	e.macs.Put(st)
	return ok
}
