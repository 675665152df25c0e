package password

import "unicode"

// Numeric is Django's NumericPasswordValidator: it rejects a password made
// only of digits. Like Python's str.isdigit, any Unicode decimal digit
// counts, and so do the other characters Unicode gives Numeric_Type=Digit
// (superscripts, circled digits, …).
type Numeric struct{}

// Validate implements [Validator]. Message: "This password is entirely
// numeric."
func (Numeric) Validate(password string, _ []Attribute) []Violation {
	if !isDigits(password) {
		return nil
	}
	return []Violation{{Code: CodeEntirelyNumeric, Message: "This password is entirely numeric."}}
}

// isDigits is Python's str.isdigit: non-empty and every rune a digit.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !unicode.IsDigit(r) && !unicode.Is(otherDigits, r) {
			return false
		}
	}
	return true
}

// otherDigits are the code points with Numeric_Type=Digit that are not
// decimal digits (category Nd), for which Python's isdigit is also true
// (Unicode 14, as in Python 3.11).
var otherDigits = &unicode.RangeTable{
	R16: []unicode.Range16{
		{Lo: 0x00B2, Hi: 0x00B3, Stride: 1},
		{Lo: 0x00B9, Hi: 0x00B9, Stride: 1},
		{Lo: 0x1369, Hi: 0x1371, Stride: 1},
		{Lo: 0x19DA, Hi: 0x19DA, Stride: 1},
		{Lo: 0x2070, Hi: 0x2070, Stride: 1},
		{Lo: 0x2074, Hi: 0x2079, Stride: 1},
		{Lo: 0x2080, Hi: 0x2089, Stride: 1},
		{Lo: 0x2460, Hi: 0x2468, Stride: 1},
		{Lo: 0x2474, Hi: 0x247C, Stride: 1},
		{Lo: 0x2488, Hi: 0x2490, Stride: 1},
		{Lo: 0x24EA, Hi: 0x24EA, Stride: 1},
		{Lo: 0x24F5, Hi: 0x24FD, Stride: 1},
		{Lo: 0x24FF, Hi: 0x24FF, Stride: 1},
		{Lo: 0x2776, Hi: 0x277E, Stride: 1},
		{Lo: 0x2780, Hi: 0x2788, Stride: 1},
		{Lo: 0x278A, Hi: 0x2792, Stride: 1},
	},
	R32: []unicode.Range32{
		{Lo: 0x10A40, Hi: 0x10A43, Stride: 1},
		{Lo: 0x10E60, Hi: 0x10E68, Stride: 1},
		{Lo: 0x11052, Hi: 0x1105A, Stride: 1},
		{Lo: 0x1F100, Hi: 0x1F10A, Stride: 1},
	},
	LatinOffset: 2,
}
