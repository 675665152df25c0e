// Package djangosign reproduces the small pieces of Django, allauth and
// dj-rest-auth cryptography that appear on the wire of password-reset and
// email-confirmation flows, so that links and keys minted by a Django
// deployment are accepted here and vice versa:
//
//   - uids in reset links: allauth's base36 ([EncodeUIDBase36]) and Django's
//     unpadded urlsafe base64 of the decimal pk ([EncodeUIDBase64]);
//   - password-reset tokens of Django's PasswordResetTokenGenerator (Django
//     3.1+, HMAC-SHA256) and of allauth's email-aware variant
//     ([ResetTokens]);
//   - allauth's HMAC email-confirmation keys, which are Django
//     signing.dumps(pk, salt="account") values ([Signer]);
//   - allauth's database-mode confirmation keys ([RandomKey]).
//
// The package knows nothing about HTTP, users or storage. Callers load the
// user named by a uid, then ask whether the token fits that user's current
// state; every failure is a plain false or a sentinel error so that the
// HTTP layer can answer uniformly (dj-rest-auth: 400 "Invalid value"; the
// verify-email view: 404).
//
// # Strictness
//
// Decoders accept only the canonical spelling the encoders produce:
// lowercase base36 without leading zeros, unpadded base64url, decimal
// integers without sign, spaces or leading zeros. Django is more lenient
// on a few of these (int(s, 36) takes uppercase; urlsafe_base64_decode
// takes padding; int() takes "+1" and " 1 "), but Django itself never
// emits those forms, so real links are unaffected. Every input is
// length-checked before it is decoded, and no function panics on any
// input.
//
// # Time zones
//
// Reset-token timestamps are seconds since 2001-01-01 00:00:00 and the
// last-login string is a naive "YYYY-MM-DD HH:MM:SS". Django computes the
// former in the server's local time (TIME_ZONE) and the latter in UTC when
// USE_TZ=True. This package uses UTC for both, so tokens are interchangeable
// with Django only when TIME_ZONE="UTC" (and USE_TZ=True, the default).
//
// # Secrets
//
// Secrets are Django's SECRET_KEY as bytes (its UTF-8 encoding) and must
// not be empty; Django's own deployment check asks for at least 50
// characters. Constructors copy no raw secret: they keep only the derived
// HMAC keys. Old secrets can be accepted for verification
// (SECRET_KEY_FALLBACKS, Django ≥ 4.1) with [WithFallbackSecrets]; new
// values are always made with the primary secret. Comparisons are constant
// time, and no error message contains a token, key or secret.
//
// Not supported: Django ≤ 3.0 / legacy SHA-1 reset tokens, UUID or string
// primary keys, and compressed signing payloads.
package djangosign
