package core

import (
	"strings"
	"unicode/utf8"
)

// decodeALabels rewrites the IDNA A-labels ("xn--…", punycode) of an
// email's domain as the Unicode labels they encode, so that
// "user@xn--exmple-cua.com" and "user@exämple.com", one mailbox, share one
// canonical key (security.md T-ID-10). A label that does not decode to a
// plain Unicode label (bad punycode, over 63 bytes, or a result holding
// '.', '@' or another "xn--" prefix once folded) is left as it is.
func decodeALabels(email string) string {
	at := strings.LastIndexByte(email, '@')
	if at < 0 || !strings.Contains(strings.ToLower(email[at:]), "xn--") {
		return email
	}
	labels := strings.Split(email[at+1:], ".")
	for i, l := range labels {
		if len(l) > 63 || len(l) < 5 || !strings.EqualFold(l[:4], "xn--") {
			continue
		}
		u, ok := punycodeDecode(l[4:])
		if !ok {
			continue
		}
		if k := canonical(u); strings.ContainsAny(k, ".@") || strings.HasPrefix(k, "xn--") {
			continue
		}
		labels[i] = u
	}
	return email[:at+1] + strings.Join(labels, ".")
}

// Punycode parameters (RFC 3492 §5).
const (
	pcBase        = 36
	pcTMin        = 1
	pcTMax        = 26
	pcSkew        = 38
	pcDamp        = 700
	pcInitialBias = 72
	pcInitialN    = 128
	pcMaxInt      = 1<<31 - 1
)

// punycodeDecode decodes the part of an A-label after "xn--" (RFC 3492
// §6.2). It reports false for anything malformed; the result always holds
// at least one non-ASCII code point.
func punycodeDecode(s string) (string, bool) {
	var out []rune
	pos := 0
	if d := strings.LastIndexByte(s, '-'); d >= 0 {
		for j := 0; j < d; j++ {
			if s[j] >= utf8.RuneSelf {
				return "", false
			}
			out = append(out, rune(s[j]))
		}
		pos = d + 1
	}
	if pos == len(s) {
		return "", false // no encoded code point: not a real A-label
	}
	i, n, bias := 0, pcInitialN, pcInitialBias
	for pos < len(s) {
		oldI, w := i, 1
		for k := pcBase; ; k += pcBase {
			if pos == len(s) {
				return "", false
			}
			digit, ok := punycodeDigit(s[pos])
			pos++
			if !ok || digit > (pcMaxInt-i)/w {
				return "", false
			}
			i += digit * w
			t := min(max(k-bias, pcTMin), pcTMax)
			if digit < t {
				break
			}
			if w > pcMaxInt/(pcBase-t) {
				return "", false
			}
			w *= pcBase - t
		}
		x := len(out) + 1
		bias = punycodeAdapt(i-oldI, x, oldI == 0)
		if i/x > pcMaxInt-n {
			return "", false
		}
		n += i / x
		i %= x
		if n > utf8.MaxRune || (0xD800 <= n && n <= 0xDFFF) {
			return "", false
		}
		out = append(out, 0)
		copy(out[i+1:], out[i:])
		out[i] = rune(n)
		i++
	}
	return string(out), true
}

// punycodeDigit is the value of one base-36 digit, either case.
func punycodeDigit(c byte) (int, bool) {
	switch {
	case '0' <= c && c <= '9':
		return int(c-'0') + 26, true
	case 'a' <= c && c <= 'z':
		return int(c - 'a'), true
	case 'A' <= c && c <= 'Z':
		return int(c - 'A'), true
	}
	return 0, false
}

// punycodeAdapt is RFC 3492's bias adaptation.
func punycodeAdapt(delta, numPoints int, first bool) int {
	if first {
		delta /= pcDamp
	} else {
		delta /= 2
	}
	delta += delta / numPoints
	k := 0
	for delta > ((pcBase-pcTMin)*pcTMax)/2 {
		delta /= pcBase - pcTMin
		k += pcBase
	}
	return k + (pcBase-pcTMin+1)*delta/(delta+pcSkew)
}
