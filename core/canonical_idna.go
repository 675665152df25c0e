package core

import (
	"strings"

	"golang.org/x/net/idna"
)

// aceLabelMax is the longest DNS label, in octets (RFC 1035 2.3.4).
const aceLabelMax = 63

// decodeALabels rewrites the IDNA A-labels ("xn--…", punycode) of an
// email's domain as the Unicode labels they encode, so that
// "user@xn--exmple-cua.com" and "user@exämple.com", one mailbox, share one
// canonical key. Anything that is not a well-formed A-label is left as it
// is, label by label: the address never fails, it only keeps a separate key.
func decodeALabels(email string) string {
	at := strings.LastIndexByte(email, '@')
	if at < 0 || !strings.Contains(strings.ToLower(email[at:]), "xn--") {
		return email
	}
	labels := strings.Split(email[at+1:], ".")
	for i, l := range labels {
		if u, ok := decodeALabel(l); ok {
			labels[i] = u
		}
	}
	return email[:at+1] + strings.Join(labels, ".")
}

// decodeALabel returns the U-label that the A-label l encodes. It reports
// false, and l is to be kept, unless l is ASCII, at most 63 octets, starts
// with "xn--" in any case, decodes as punycode to a non-ASCII label, and
// encodes back to itself (ignoring ASCII case). That last check refuses
// spellings that are not the encoding of any label (a delimiter with no
// basic code points before it, a surrogate): "xn---2ba" is a different DNS
// name from "xn--2ba" (¿) and must not take its key. A result that folds to a '.', an '@' or another
// "xn--" prefix is refused too: it would change how the address splits,
// and decoding again would not be idempotent.
//
// idna.Punycode is the profile without mapping or validation: whether the
// name is a valid IDNA2008 registration does not matter here, only whether
// the two spellings name the same label. The folding that CanonicalEmail
// applies afterwards covers case, width and normalisation.
func decodeALabel(l string) (string, bool) {
	if len(l) > aceLabelMax || len(l) < len("xn--")+1 || !strings.EqualFold(l[:4], "xn--") || !isASCII(l) {
		return "", false
	}
	lower := strings.ToLower(l)
	u, err := idna.Punycode.ToUnicode(lower)
	if err != nil || u == "" || isASCII(u) {
		return "", false
	}
	if back, err := idna.Punycode.ToASCII(u); err != nil || back != lower {
		return "", false
	}
	if k := canonical(u); strings.ContainsAny(k, ".@") || strings.HasPrefix(k, "xn--") {
		return "", false
	}
	return u, true
}

// isASCII reports whether s is all 7-bit.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
