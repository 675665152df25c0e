package djangosign

import (
	"slices"
	"strconv"
	"strings"
)

// resetHashValue builds PasswordResetTokenGenerator._make_hash_value:
// str(pk) + password + login_timestamp + str(ts) + email, and, for
// allauth's EmailAwarePasswordResetTokenGenerator, "|".join(sorted(set of
// the user's email, if any, and all of its EmailAddress rows)) appended
// directly after it.
func resetHashValue(u ResetUser, ts int64, allauth bool) []byte {
	var b strings.Builder
	b.WriteString(strconv.FormatInt(u.PK, 10))
	b.WriteString(u.PasswordHash)
	b.WriteString(loginTimestamp(u.LastLogin))
	b.WriteString(strconv.FormatInt(ts, 10))
	b.WriteString(u.Email)
	if allauth {
		b.WriteString(strings.Join(allauthEmails(u), "|"))
	}
	return []byte(b.String())
}

// allauthEmails is sorted(set([email] if email else [] + EmailAddress
// rows)): the user's address when non-empty plus ExtraEmails verbatim,
// deduplicated and sorted by code point (UTF-8 byte order is code point
// order, so a plain string sort matches Python's).
func allauthEmails(u ResetUser) []string {
	emails := make([]string, 0, 1+len(u.ExtraEmails))
	if u.Email != "" {
		emails = append(emails, u.Email)
	}
	emails = append(emails, u.ExtraEmails...)
	slices.Sort(emails)
	return slices.Compact(emails)
}
