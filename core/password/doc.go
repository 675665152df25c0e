// Package password makes and checks Django-compatible password hashes,
// bounds the resources spent on hashing, and validates new passwords with
// Django's four default validators.
//
// # Hash formats
//
// Hashes are the strings Django stores in auth_user.password, so a database
// can be shared with (or migrated from) a Django / dj-rest-auth deployment:
//
//	argon2$argon2id$v=19$m=19456,t=2,p=1$<b64 salt>$<b64 hash>
//	pbkdf2_sha256$1000000$<salt>$<b64 hash>
//	pbkdf2_sha1$1000000$<salt>$<b64 hash>
//	bcrypt_sha256$$2b$12$<53 chars>
//	bcrypt$$2b$12$<53 chars>
//	!<40 random chars>          (an unusable password)
//
// Each format is handled by a [Hasher]. Hashers never panic on hostile stored
// hashes: parameters are bounded (see the constants on each hasher) before
// any memory is allocated, and a malformed hash is reported with
// [ErrMalformedHash]; an unknown or legacy algorithm (md5, sha1, unsalted_*,
// crypt, scrypt) with [ErrUnsupportedAlgorithm].
//
// # Policy
//
// The rest of the library uses a [Policy]: it picks the hasher for a stored
// hash, caps password length before any work is done, makes every Check cost
// exactly one full hash (so unknown users, unusable passwords and wrong
// passwords cannot be told apart by timing; a wrong password against a hash
// made with a lower work factor is padded to the current cost, see
// [Hardener]), reports when a stored hash
// should be upgraded, and routes all hashing through a [Limiter] that bounds
// concurrency and memory.
//
// # Validators
//
// [DefaultValidators] returns Django's startproject validators
// (user-attribute similarity, minimum length 8, common passwords, entirely
// numeric) with Django's exact messages and codes.
//
// No function in this package puts a password or a hash into an error or a
// log record.
package password
