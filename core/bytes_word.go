package core

// load64 reads s[i:i+8] as a little-endian word. The compiler merges the
// eight byte loads into one.
func load64(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// hasByteAtMostSpace reports whether a byte of x is ≤ ' ' (0x20), where
// every ASCII white space character lies: the classic "has a byte less
// than n" test for n = 0x21, exact as a yes/no answer.
func hasByteAtMostSpace(x uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	return (x-ones*0x21)&^x&highs != 0
}
