package password

import "strings"

// unusablePrefix starts every unusable password, as in Django.
const unusablePrefix = "!"

// unusableSuffixLen is Django's UNUSABLE_PASSWORD_SUFFIX_LENGTH.
const unusableSuffixLen = 40

// MakeUnusable returns a new unusable password: "!" followed by 40 random
// characters from [a-zA-Z0-9], as Django's make_password(None) writes. The
// random suffix keeps distinct accounts' values distinct; no password ever
// verifies against it.
func MakeUnusable() string {
	return unusablePrefix + randomString(unusableSuffixLen)
}

// IsUsable reports whether encoded can ever match a password: it is false
// for the empty string and for anything starting with "!". (Django treats
// "" as usable but then fails to identify a hasher for it; the result is
// the same: no password matches.)
func IsUsable(encoded string) bool {
	return encoded != "" && !isUnusablePrefix(encoded)
}

// isUnusablePrefix reports whether encoded is marked unusable with "!".
func isUnusablePrefix(encoded string) bool {
	return strings.HasPrefix(encoded, unusablePrefix)
}
