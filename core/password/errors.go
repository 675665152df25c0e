package password

import "errors"

// Sentinel errors. Compare with errors.Is: returned errors may wrap them
// with more context (never with a password or a hash).
var (
	// ErrMalformedHash reports a stored hash that cannot be parsed or whose
	// parameters are outside this package's safety ceilings.
	ErrMalformedHash = errors.New("password: malformed password hash")

	// ErrUnsupportedAlgorithm reports a stored hash whose algorithm (or
	// algorithm variant/version) this hasher or policy cannot verify, such as
	// Django's legacy md5, sha1, unsalted_* and crypt formats.
	ErrUnsupportedAlgorithm = errors.New("password: unsupported password hash algorithm")

	// ErrPasswordTooLong reports a password longer than a policy's maximum
	// length, or longer than the 72 bytes plain bcrypt can hash. No hash is
	// computed when it is returned.
	ErrPasswordTooLong = errors.New("password: password too long")

	// ErrInvalidPassword reports a password a hasher cannot hash faithfully,
	// such as one containing a NUL byte for plain bcrypt (C implementations,
	// and so Django, stop at the first NUL).
	ErrInvalidPassword = errors.New("password: password cannot be hashed by this algorithm")

	// ErrInvalidConfig reports invalid hasher parameters, limiter settings
	// or policy options.
	ErrInvalidConfig = errors.New("password: invalid configuration")
)
