package djangosign

import (
	"math"
	"testing"
)

func TestBase62Vectors(t *testing.T) {
	for _, tc := range []struct {
		n int64
		s string
	}{
		{0, "0"},
		{61, "z"},
		{62, "10"},
		{1700000000, "1r31eq"}, // observed from Django: b62(1700000000)= 1r31eq
		{1795721842, "1xWfHW"}, // the timestamp of signing.dumps(1, salt=account)
		{math.MaxInt64, "AzL8n0Y58m7"},
	} {
		if got := encodeBase62(tc.n); got != tc.s {
			t.Errorf("encodeBase62(%d) = %q, want %q", tc.n, got, tc.s)
		}
		if got, ok := decodeBase62(tc.s); !ok || got != tc.n {
			t.Errorf("decodeBase62(%q) = %d, %v, want %d", tc.s, got, ok, tc.n)
		}
	}
	if got := encodeBase62(-5); got != "0" {
		t.Errorf("encodeBase62(-5) = %q", got)
	}
}

func TestBase62Rejects(t *testing.T) {
	for _, s := range []string{"", "00", "01", "-1", "+1", " 1", "1 ", "1-", "é", "AzL8n0Y58m8", "zzzzzzzzzzz", "100000000000"} {
		if v, ok := decodeBase62(s); ok {
			t.Errorf("decodeBase62(%q) = %d, accepted", s, v)
		}
	}
}
