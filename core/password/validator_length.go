package password

import (
	"strconv"
	"unicode/utf8"
)

// DefaultMinLength is Django's MinimumLengthValidator default.
const DefaultMinLength = 8

// MinimumLength is Django's MinimumLengthValidator: a password needs at
// least Min characters, counted as Unicode code points (not bytes), as
// Python's len does and NIST 800-63B asks.
type MinimumLength struct {
	// Min is the minimum number of code points; zero or less means
	// DefaultMinLength.
	Min int
}

// Validate implements [Validator]. Message: "This password is too short. It
// must contain at least 8 characters." ("character" when Min is 1).
func (v MinimumLength) Validate(password string, _ []Attribute) []Violation {
	n := v.Min
	if n <= 0 {
		n = DefaultMinLength
	}
	if utf8.RuneCountInString(password) >= n {
		return nil
	}
	unit := "characters"
	if n == 1 {
		unit = "character"
	}
	return []Violation{{
		Code:    CodeTooShort,
		Message: "This password is too short. It must contain at least " + strconv.Itoa(n) + " " + unit + ".",
	}}
}
