package core

import (
	"strings"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// NormalizeUsername applies Django's normalize_username (NFKC) to the
// username as typed. The result is what gets stored and displayed.
func NormalizeUsername(username string) string {
	return norm.NFKC.String(username)
}

// CanonicalUsername returns the key on which usernames are unique and looked
// up: NFKC, then Unicode case folding, then NFKC again (folding can denormalise).
// It is idempotent: CanonicalUsername(CanonicalUsername(s)) == CanonicalUsername(s).
// Every store must compare usernames through this function, with a binary
// (not collation-based) comparison.
func CanonicalUsername(username string) string {
	return canonical(username)
}

// CanonicalEmail returns the key on which email addresses are unique and
// looked up: the same folding as CanonicalUsername over the whole address,
// surrounding white space removed, and A-labels of the domain
// ("xn--…") decoded so that an IDN domain and its punycode spelling share
// one key (see decodeALabels). Mail is still sent to the stored address,
// never to the canonical form or to what a client submitted.
// The empty string maps to the empty string, which stores treat as "no email"
// (never unique).
func CanonicalEmail(email string) string {
	return fixedPoint(strings.TrimSpace(email), func(k string) string { return strings.TrimSpace(canonical(decodeALabels(k))) })
}

// canonical folds s to its fixed point: NFKC, case folding, NFKC again.
// One round is not always enough (NFKC can expose characters that fold,
// and compatibility decompositions can start with a space), so rounds
// repeat until nothing changes.
func canonical(s string) string {
	return fixedPoint(s, func(k string) string { return norm.NFKC.String(cases.Fold().String(norm.NFKC.String(k))) })
}

// fixedPoint applies step until the result stops changing (a handful of
// rounds at most for real input; bounded for hostile input).
func fixedPoint(s string, step func(string) string) string {
	for i := 0; i < 8; i++ {
		next := step(s)
		if next == s {
			return s
		}
		s = next
	}
	return s
}
