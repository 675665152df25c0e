package core

import "strings"

// placeholderSecret reports whether secret contains a fragment of the
// example values that tutorials, project templates and .env samples ship
// ("changeme", "your-256-bit-secret", Django's "django-insecure-" …).
// Such a value is public knowledge however long it is, so New refuses it
// (RFC 8725 §3.5; T-JWT-14 in docs/threat-model.md). The comparison
// ignores ASCII case, '-', '_' and ' ', so "CHANGE_ME" and "change me"
// match too. A
// secret from a CSPRNG never matches: every fragment is at least 8
// letters.
func placeholderSecret(secret []byte) bool {
	var b strings.Builder
	for _, c := range secret {
		switch {
		case c == '-' || c == '_' || c == ' ':
		case 'A' <= c && c <= 'Z':
			b.WriteByte(c + 'a' - 'A')
		default:
			b.WriteByte(c)
		}
	}
	s := b.String()
	for _, fragment := range []string{
		"changeme", "changethis", "replaceme", "placeholder",
		"yoursecret", "your256bitsecret", "mysecretkey", "supersecret",
		"djangoinsecure", "insecurekey", "notasecret", "secretkeyhere",
	} {
		if strings.Contains(s, fragment) {
			return true
		}
	}
	return false
}
