package core

// headerFields splits an Authorization value on ASCII white space, as
// strings.FieldsFunc(s, isASCIISpace) does (and Python's bytes.split()),
// without allocating: it returns the first two fields and how many there
// are, counting no further than three (callers only distinguish zero, one,
// two and more). Only ASCII bytes separate fields, so a byte scan gives
// the same fields as a rune scan, invalid UTF-8 included.
func headerFields(s string) (first, second string, n int) {
	i := 0
	for n < 3 {
		for i < len(s) && s[i] <= ' ' && isASCIISpace(rune(s[i])) {
			i++
		}
		if i == len(s) {
			return first, second, n
		}
		start := i
		// Every ASCII space is ≤ ' ': a token is skipped eight bytes at a
		// time while no byte is that low, then byte by byte.
		for i < len(s) {
			for i+8 <= len(s) && !hasByteAtMostSpace(load64(s, i)) {
				i += 8
			}
			if i == len(s) || (s[i] <= ' ' && isASCIISpace(rune(s[i]))) {
				break
			}
			i++
		}
		switch n {
		case 0:
			first = s[start:i]
		case 1:
			second = s[start:i]
		}
		n++
	}
	return first, second, n
}
