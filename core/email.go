package core

import (
	"regexp"
	"strings"
)

// Django's EmailValidator (3.2), compiled once; immutable.
var (
	emailUserRe = regexp.MustCompile(`(?i)^(?:[-!#$%&'*+/=?^_` + "`" + `{}|~0-9a-z]+(?:\.[-!#$%&'*+/=?^_` + "`" + `{}|~0-9a-z]+)*|"(?:[\x01-\x08\x0b\x0c\x0e-\x1f!#-\[\]-\x7f]|\\[\x01-\x09\x0b\x0c\x0e-\x7f])*")$`)
	// Labels may hold any letter or digit so that IDN domains validate as
	// Django does after IDNA-encoding them.
	emailLabelRe = regexp.MustCompile(`^[\p{L}\p{N}](?:[\p{L}\p{N}\p{M}-]{0,61}[\p{L}\p{N}\p{M}])?$`)
	emailTLDRe   = regexp.MustCompile(`^(?:[\p{L}\p{N}\p{M}-]{2,63})$`)
)

// validEmail reports whether s is an email address Django's EmailValidator
// accepts (dot-atom or quoted local part; a dotted domain of letters,
// digits and hyphens, Unicode letters allowed; "localhost"). The length is
// checked first, so hostile inputs are rejected in constant time.
func validEmail(s string) bool {
	if len(s) > MaxEmailLength || strings.ContainsAny(s, "\r\n\x00") {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 {
		return false
	}
	user, domain := s[:at], s[at+1:]
	if !emailUserRe.MatchString(user) {
		return false
	}
	if domain == "localhost" {
		return true
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels[:len(labels)-1] {
		if !emailLabelRe.MatchString(l) {
			return false
		}
	}
	tld := labels[len(labels)-1]
	return emailTLDRe.MatchString(tld) && !strings.HasSuffix(tld, "-")
}
