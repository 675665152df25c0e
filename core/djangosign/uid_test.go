package djangosign

import (
	"errors"
	"math"
	"testing"
)

func TestUIDBase36Vectors(t *testing.T) {
	for _, tc := range []struct {
		pk  int64
		uid string
	}{
		{1, "1"},
		{12345, "9ix"}, // observed from Django: base36(12345)= 9ix
		{800000000, "d8ary8"},
		{35, "z"},
		{36, "10"},
		{math.MaxInt64, "1y2p0ij32e8e7"},
	} {
		if got := EncodeUIDBase36(tc.pk); got != tc.uid {
			t.Errorf("EncodeUIDBase36(%d) = %q, want %q", tc.pk, got, tc.uid)
		}
		got, err := DecodeUIDBase36(tc.uid)
		if err != nil || got != tc.pk {
			t.Errorf("DecodeUIDBase36(%q) = %d, %v, want %d", tc.uid, got, err, tc.pk)
		}
	}
}

func TestUIDBase64Vectors(t *testing.T) {
	for _, tc := range []struct {
		pk  int64
		uid string
	}{
		{1, "MQ"},          // observed from Django: uidb64(1)= MQ
		{12345, "MTIzNDU"}, // observed from Django: uidb64(12345)= MTIzNDU
		{42, "NDI"},        // also the signing payload of pk 42
		{123, "MTIz"},      // a length that needs no padding
		{math.MaxInt64, "OTIyMzM3MjAzNjg1NDc3NTgwNw"},
	} {
		if got := EncodeUIDBase64(tc.pk); got != tc.uid {
			t.Errorf("EncodeUIDBase64(%d) = %q, want %q", tc.pk, got, tc.uid)
		}
		got, err := DecodeUIDBase64(tc.uid)
		if err != nil || got != tc.pk {
			t.Errorf("DecodeUIDBase64(%q) = %d, %v, want %d", tc.uid, got, err, tc.pk)
		}
	}
}

func TestEncodeUIDNonPositive(t *testing.T) {
	for _, pk := range []int64{0, -1, math.MinInt64} {
		if got := EncodeUIDBase36(pk); got != "" {
			t.Errorf("EncodeUIDBase36(%d) = %q, want empty", pk, got)
		}
		if got := EncodeUIDBase64(pk); got != "" {
			t.Errorf("EncodeUIDBase64(%d) = %q, want empty", pk, got)
		}
	}
}

func TestDecodeUIDBase36Rejects(t *testing.T) {
	bad := append(hostileStrings(),
		"zzzz!", "9IX", "9Ix", // uppercase: Django takes it, we do not
		"01", "0", "-1", "+1", "1_0", " 9ix", "9ix\n",
		"1y2p0ij32e8e8",  // MaxInt64 + 1
		"zzzzzzzzzzzzz",  // 13 digits, overflows
		"11111111111111", // 14 digits: over Django's limit
		"!!",             // probed: dj-rest-auth's "undecodable uid" case
	)
	for _, s := range bad {
		pk, err := DecodeUIDBase36(s)
		if !errors.Is(err, ErrInvalidUID) || pk != 0 {
			t.Errorf("DecodeUIDBase36(%.40q) = %d, %v, want ErrInvalidUID", s, pk, err)
		}
	}
}

func TestDecodeUIDBase64Rejects(t *testing.T) {
	bad := append(hostileStrings(),
		"MQ==", "MQ=", // padded (Django would accept; never emitted)
		"MR", // non-zero trailing bits
		"M", "MQ\n", "M\nQ", "MQ ", "+Q", "/w",
		"zzzz",                        // probed: dj-rest-auth's "bad uid" case, decodes to garbage
		"!!",                          // probed: dj-rest-auth's "undecodable uid" case
		b64Of("0"),                    // pk 0
		b64Of("-1"),                   // negative
		b64Of("+1"),                   // explicit sign
		b64Of(" 1"),                   // space
		b64Of("1 "),                   // space
		b64Of("01"),                   // leading zero
		b64Of("1_0"),                  // Python int() digit separator
		b64Of("1.0"),                  // not an integer
		b64Of("99999999999999999999"), // overflow (Django test_confirm_overflow_user)
		b64Of("9223372036854775808"),  // MaxInt64 + 1
		b64Of("١"),                    // Arabic-Indic digit one
		b64Of("1\x00"),
		b64Of("'; DROP TABLE auth_user; --"),
		b64Of("2c9e4f4e-2b0b-4f5e-9a1a-8b4f2c1d0e9f"), // UUID
	)
	for _, s := range bad {
		pk, err := DecodeUIDBase64(s)
		if !errors.Is(err, ErrInvalidUID) || pk != 0 {
			t.Errorf("DecodeUIDBase64(%.40q) = %d, %v, want ErrInvalidUID", s, pk, err)
		}
	}
}

// b64Of is Django's urlsafe_base64_encode of an arbitrary
// string.
func b64Of(s string) string { return encodeB64([]byte(s)) }

func TestUIDRoundTrip(t *testing.T) {
	for _, pk := range []int64{1, 2, 9, 10, 35, 36, 99, 100, 1 << 31, 1<<53 + 1, math.MaxInt64 - 1, math.MaxInt64} {
		if got, err := DecodeUIDBase36(EncodeUIDBase36(pk)); err != nil || got != pk {
			t.Errorf("base36 round trip %d: %d, %v", pk, got, err)
		}
		if got, err := DecodeUIDBase64(EncodeUIDBase64(pk)); err != nil || got != pk {
			t.Errorf("base64 round trip %d: %d, %v", pk, got, err)
		}
	}
}
