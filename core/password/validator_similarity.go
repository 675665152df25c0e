package password

import (
	"strings"
	"unicode"
)

// DefaultMaxSimilarity is Django's UserAttributeSimilarityValidator default.
const DefaultMaxSimilarity = 0.7

// minMaxSimilarity is the smallest threshold Django accepts.
const minMaxSimilarity = 0.1

// UserAttributeSimilarity is Django's UserAttributeSimilarityValidator
// (3.2.11 and later, with the CVE-2021-45115 length guard). It rejects a
// password too similar to one of the user's attributes or to a
// \W+-separated part of one (so "alice" is compared with both
// "alice@example.com" and "alice"). Attributes are checked in the order
// given and only the first similar one is reported, as in Django.
type UserAttributeSimilarity struct {
	// MaxSimilarity is the difflib quick_ratio at or above which a
	// password is too similar. Zero means DefaultMaxSimilarity; values
	// below 0.1 (which Django refuses) are raised to 0.1.
	MaxSimilarity float64
}

// Validate implements [Validator]. It does nothing when user is nil.
// Message: "The password is too similar to the <Name>."
func (v UserAttributeSimilarity) Validate(password string, user []Attribute) []Violation {
	if user == nil {
		return nil
	}
	maxSim := v.MaxSimilarity
	switch {
	case maxSim == 0:
		maxSim = DefaultMaxSimilarity
	case maxSim < minMaxSimilarity:
		maxSim = minMaxSimilarity
	}
	pw := []rune(strings.ToLower(password))
	for _, attr := range user {
		if attr.Value == "" {
			continue
		}
		value := strings.ToLower(attr.Value)
		for _, part := range append(splitNonWord(value), value) {
			rp := []rune(part)
			if exceedsMaximumLengthRatio(len(pw), maxSim, len(rp)) {
				continue
			}
			if quickRatio(pw, rp) >= maxSim {
				return []Violation{{
					Code:    CodeTooSimilar,
					Message: "The password is too similar to the " + attr.Name + ".",
				}}
			}
		}
	}
	return nil
}

// exceedsMaximumLengthRatio is Django's exceeds_maximum_length_ratio: a
// value part much shorter than the password cannot reach the threshold, so
// the comparison is skipped (quick_ratio ≤ 2/ratio).
func exceedsMaximumLengthRatio(pwdLen int, maxSimilarity float64, valueLen int) bool {
	lengthBoundSimilarity := maxSimilarity / 2 * float64(pwdLen)
	return pwdLen >= 10*valueLen && float64(valueLen) < lengthBoundSimilarity
}

// splitNonWord is Python's re.split(r"\W+", s) for str patterns: it splits
// on runs of characters that are not Unicode letters, numbers or "_", and
// keeps the empty strings a leading or trailing separator produces.
func splitNonWord(s string) []string {
	isWord := func(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r) }
	var parts []string
	start, inSep := 0, false
	for i, r := range s {
		switch w := isWord(r); {
		case !w && !inSep:
			parts = append(parts, s[start:i])
			inSep = true
		case w && inSep:
			start = i
			inSep = false
		}
	}
	if inSep {
		parts = append(parts, "")
	} else {
		parts = append(parts, s[start:])
	}
	return parts
}

// quickRatio is Python's difflib.SequenceMatcher(a=a, b=b).quick_ratio():
// 2*M/T where M is the size of the multiset intersection of a's and b's
// characters and T the total length (1.0 when both are empty).
func quickRatio(a, b []rune) float64 {
	total := len(a) + len(b)
	if total == 0 {
		return 1.0
	}
	avail := make(map[rune]int, len(b))
	for _, r := range b {
		avail[r]++
	}
	matches := 0
	for _, r := range a {
		if avail[r] > 0 {
			matches++
		}
		avail[r]--
	}
	return 2.0 * float64(matches) / float64(total)
}
