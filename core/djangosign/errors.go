package djangosign

import "errors"

// Sentinel errors. Compare with errors.Is: constructors wrap
// ErrInvalidConfig with a description of the bad setting (never with a
// secret). None of them ever carries a token, uid or key.
var (
	// ErrInvalidConfig reports an invalid constructor argument or option:
	// an empty secret, an empty salt, a nil clock, a bad timeout.
	ErrInvalidConfig = errors.New("djangosign: invalid configuration")

	// ErrInvalidUID reports a uid that is not the canonical encoding of a
	// positive 64-bit primary key.
	ErrInvalidUID = errors.New("djangosign: invalid uid")

	// ErrMalformed reports a signed value that does not have the shape of
	// a signing.dumps result for an integer: wrong number of ":"-separated
	// parts, a bad timestamp, an over-long input, or (once the signature is
	// verified) a payload that is compressed or not a JSON integer.
	ErrMalformed = errors.New("djangosign: malformed signed value")

	// ErrBadSignature reports a well-formed signed value whose signature
	// matches neither the secret nor any fallback secret.
	ErrBadSignature = errors.New("djangosign: bad signature")

	// ErrExpired reports a correctly signed value older than the maximum
	// age (Django's SignatureExpired).
	ErrExpired = errors.New("djangosign: signature expired")
)
