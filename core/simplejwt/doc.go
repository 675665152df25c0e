// Package simplejwt mints and strictly parses access and refresh tokens
// that are wire-compatible with djangorestframework-simplejwt (as used by
// dj-rest-auth): a token minted by Django with the same key is accepted,
// and one minted here is accepted by Django.
//
// It knows nothing about HTTP, users or storage: callers authenticate the
// user, record refresh families and jtis, and render the errors.
//
// # Wire format
//
// Mint writes what SimpleJWT 5.2.2 / PyJWT 2.6 write, byte for byte: header
// {"alg":"HS256","typ":"JWT"} (sorted keys, plus "kid" when the signing
// key has an ID), payload token_type, exp, iat, jti, user id, then
// restauth's optional "fam", custom claims, aud and iss, compact JSON with
// Python's ASCII escaping, base64url without padding. The user id is
// written as a JSON number (SimpleJWT ≤5.5.0); a string of digits
// (SimpleJWT ≥5.5.1) is accepted on parse. NewAccess gives the access token
// its own iat (SimpleJWT ≥5.5.1).
//
// # Strict parsing
//
// Parse bounds the input length before anything else, accepts only the
// algorithms of configured keys, lets kid select only among configured
// keys, refuses every header member except alg, kid and typ (so crit, jku,
// x5u, jwk and x5c are never honoured), refuses non-canonical base64,
// invalid UTF-8 and duplicate JSON members, verifies the signature with
// golang-jwt v5 before looking at any claim, requires exp and iat as
// integer NumericDates, and checks nbf, aud and iss. See Codec.Parse for the
// order of checks and the sentinel returned by each.
//
// # Errors
//
// Parse returns sentinel errors whose Error() is SimpleJWT's message
// ("Token is invalid or expired", "Token has no id", "Token has no type",
// "Token has wrong type", "Token contained no recognizable user
// identification"). The cryptographic and structural failures share
// ErrInvalid's message but are distinct values (ErrExpired, ErrBadSignature,
// ErrAlgorithm, …) that match ErrInvalid with errors.Is; Reason gives a
// log-safe word for each. No error from this package contains a token, a
// secret or a claim value.
//
// # Keys
//
// HMAC secrets must be at least 32 bytes (more for HS384/HS512), RSA keys
// at least 2048 bits. Config.PreviousKeys verify but never sign, for
// rotation. Access and refresh tokens are signed with the same key, as
// SimpleJWT does, and are kept apart by the token_type claim; deriving
// separate per-purpose keys (HKDF sub-keys of one master secret, say) would
// break Django compatibility, so if a deployment does not need it, callers
// may derive Key.Secret from a master secret themselves.
//
// Not supported: SimpleJWT's sliding tokens, JWK_URL (no key is ever
// fetched), non-integer user ids, and RSA-PSS.
package simplejwt
