package djangosign

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

// signingVectors are allauth HMAC confirmation keys observed from Django
// 3.2 / allauth 0.51 with the probe SECRET_KEY: keys the probe project
// printed, and keys from the confirmation mails it sent on registration.
// The signing time is the base62 timestamp field.
var signingVectors = []struct {
	pk   int64
	unix int64
	key  string
}{
	{1, 1700000000, "MQ:1r31eq:BoZqs4WbkgJOj-w2Ts4mxa3f1qGQXVYwGkQSocpZonk"},
	{42, 1700000000, "NDI:1r31eq:iTCDFx738VEiNJ-Y2tYuOmZ5MUaIuj1WCIrU5uVyV3k"},
	{1, 1795721842, "MQ:1xWfHW:A_b2-CZH5LkJswuTGdwkii61CsomjzO6fwkEO4ZbHqA"},
	{1, 1795721528, "MQ:1xWfCS:5F_UFd9N0M3LfifFuEeGG56R5Abp189Z7wyNEwEBlGs"},
	{2, 1795721528, "Mg:1xWfCS:D8sP4NcM7kc5gyn5jKaCDhTzpSCjIlvAmlxlk-zcpTk"},
	{2, 1795721530, "Mg:1xWfCU:joCKhNcuRYZcD1RpWEhz88icsYbSCxMYXv81BIQf0Mk"},
	{1, 1795721523, "MQ:1xWfCN:dLGwzjmhaeaBPtIXtA_HFjn1ZsNHU7XgFhyrEJR08Oo"},
	{2, 1795721524, "Mg:1xWfCO:I8L5dQQHUnagSY5-p_6H7pkRY-7HYJLdyOWM5MhlDUU"},
	{1, 1795721526, "MQ:1xWfCQ:KJ-9JCcjcYucdALW9D5IbFwQLTGh8GXzYb7FUNZDdBk"},
	{2, 1795721526, "Mg:1xWfCQ:LrzHFBOogyM9qirhv15fVZWnVyuR16UWQewuW6K1QK8"},
}

func TestSignerVectors(t *testing.T) {
	for _, v := range signingVectors {
		at := time.Unix(v.unix, 999_000_000)
		s := mustSigner(t, WithClock(func() time.Time { return at }))
		if got := s.DumpsInt(v.pk); got != v.key {
			t.Errorf("DumpsInt(%d) at %d = %q, want %q", v.pk, v.unix, got, v.key)
		}
		pk, signedAt, err := s.LoadsInt(v.key, DefaultConfirmationMaxAge)
		if err != nil || pk != v.pk || signedAt.Unix() != v.unix || signedAt.Location() != time.UTC {
			t.Errorf("LoadsInt(%q) = %d, %v, %v", v.key, pk, signedAt, err)
		}
	}
}

func TestSignerDumpsOtherValues(t *testing.T) {
	at := time.Unix(1700000000, 0)
	s := mustSigner(t, WithClock(func() time.Time { return at }))
	for _, v := range []int64{0, -1, 1 << 62, -1 << 63, 1<<63 - 1} {
		got, _, err := s.LoadsInt(s.DumpsInt(v), time.Hour)
		if err != nil || got != v {
			t.Errorf("round trip %d: %d, %v", v, got, err)
		}
	}
	if got := mustSigner(t, WithClock(func() time.Time { return time.Unix(-5, 0) })).DumpsInt(1); !strings.HasPrefix(got, "MQ:0:") {
		t.Errorf("pre-1970 clock: %q", got)
	}
}

func TestSignerExpiry(t *testing.T) {
	const key = "MQ:1r31eq:BoZqs4WbkgJOj-w2Ts4mxa3f1qGQXVYwGkQSocpZonk"
	signed := time.Unix(1700000000, 0)
	clock := newFakeClock(signed)
	s := mustSigner(t, WithClock(clock.now))
	for _, tc := range []struct {
		now    time.Time
		maxAge time.Duration
		want   error
	}{
		{signed.Add(DefaultConfirmationMaxAge), DefaultConfirmationMaxAge, nil},
		{signed.Add(DefaultConfirmationMaxAge + time.Nanosecond), DefaultConfirmationMaxAge, ErrExpired},
		{signed.Add(DefaultConfirmationMaxAge + time.Second), DefaultConfirmationMaxAge, ErrExpired},
		{signed.Add(-time.Hour), DefaultConfirmationMaxAge, nil}, // future: Django accepts
		{signed, 0, nil},
		{signed.Add(time.Millisecond), 0, ErrExpired},
		{signed, -time.Second, ErrExpired},
		{signed.Add(100 * 365 * 24 * time.Hour), DefaultConfirmationMaxAge, ErrExpired},
	} {
		clock.set(tc.now)
		pk, at, err := s.LoadsInt(key, tc.maxAge)
		if !errors.Is(err, tc.want) || (tc.want == nil && pk != 1) {
			t.Errorf("now %v maxAge %v: %d, %v, %v; want %v", tc.now.Sub(signed), tc.maxAge, pk, at, err, tc.want)
		}
		if tc.want != nil && (pk != 0 || !at.IsZero()) {
			t.Errorf("values returned with an error: %d %v", pk, at)
		}
	}
}

func TestSignerWrongKeyOrSalt(t *testing.T) {
	const key = "MQ:1r31eq:BoZqs4WbkgJOj-w2Ts4mxa3f1qGQXVYwGkQSocpZonk"
	at := func() time.Time { return time.Unix(1700000000, 0) }
	other, err := NewSigner(probeSecret, "django.core.signing", WithClock(at))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := other.LoadsInt(key, time.Hour); !errors.Is(err, ErrBadSignature) {
		t.Errorf("other salt: %v", err)
	}
	wrong, err := NewSigner([]byte("another-secret"), AllauthSalt, WithClock(at))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := wrong.LoadsInt(key, time.Hour); !errors.Is(err, ErrBadSignature) {
		t.Errorf("other secret: %v", err)
	}
	rotated, err := NewSigner([]byte("new-secret"), AllauthSalt, WithClock(at), WithFallbackSecrets([]byte("x"), probeSecret))
	if err != nil {
		t.Fatal(err)
	}
	if pk, _, err := rotated.LoadsInt(key, time.Hour); err != nil || pk != 1 {
		t.Errorf("fallback secret: %d, %v", pk, err)
	}
	if got := rotated.DumpsInt(1); got == key {
		t.Error("Dumps must use the primary secret")
	}
}

func TestSignerTampering(t *testing.T) {
	const key = "MQ:1r31eq:BoZqs4WbkgJOj-w2Ts4mxa3f1qGQXVYwGkQSocpZonk"
	s := mustSigner(t, WithClock(func() time.Time { return time.Unix(1700000000, 0) }))
	sig := key[len("MQ:1r31eq:"):]
	for _, tc := range []struct {
		in   string
		want error
	}{
		{"NDI:1r31eq:" + sig, ErrBadSignature},           // other pk
		{"MQ:1r31er:" + sig, ErrBadSignature},            // other time
		{"MQ:1r31eq:" + sig[:42] + "l", ErrBadSignature}, // non-canonical last char
		{"MQ:1r31eq:" + sig[:42], ErrBadSignature},
		{"MQ:1r31eq:" + sig + "A", ErrBadSignature},
		{"MQ:1r31eq:", ErrBadSignature},
		{"MQ:1r31eq:" + strings.ToLower(sig), ErrBadSignature},
		{"MQ==:1r31eq:" + sig, ErrBadSignature}, // padded payload changes the signed text
		{"MQ:01r31eq:" + sig, ErrMalformed},
		{"MQ:-1:" + sig, ErrMalformed},
		{"MQ:1r31eq", ErrMalformed},
		{"MQ" + sig, ErrMalformed},
		{":1r31eq:" + sig, ErrMalformed},
		{"MQ::" + sig, ErrMalformed},
		{"MQ:1r31eq:" + sig + ":", ErrMalformed},
		{"x:MQ:1r31eq:" + sig, ErrMalformed},
		{"MQ:zzzzzzzzzzz:" + sig, ErrMalformed},                          // overflow
		{"MQ:" + encodeBase62(maxTimestamp+1) + ":" + sig, ErrMalformed}, // after year 9999
		{"MQ:" + encodeBase62(maxTimestamp) + ":" + sig, ErrBadSignature},
		{strings.Repeat("A", 200) + ":1r31eq:" + sig, ErrMalformed},
		{strings.Repeat("MQ:", 3000), ErrMalformed},
	} {
		pk, at, err := s.LoadsInt(tc.in, time.Hour)
		if !errors.Is(err, tc.want) || pk != 0 || !at.IsZero() {
			t.Errorf("LoadsInt(%.60q) = %d, %v, %v; want %v", tc.in, pk, at, err, tc.want)
		}
	}
	for _, in := range hostileStrings() {
		if _, _, err := s.LoadsInt(in, time.Hour); err == nil {
			t.Errorf("LoadsInt(%.40q) accepted", in)
		}
	}
}

// signRaw signs an arbitrary payload string like TimestampSigner.sign, to
// test what LoadsInt does with correctly signed values Dumps never makes.
func signRaw(s *Signer, payload string, ts int64) string {
	value := payload + ":" + encodeBase62(ts)
	return value + ":" + signature(s.keys[0], value)
}

func TestSignerRejectsSignedNonIntegers(t *testing.T) {
	const ts = 1700000000
	s := mustSigner(t, WithClock(func() time.Time { return time.Unix(ts, 0) }))
	for _, payload := range []string{
		".eJwzBAAAMgAy",          // Django compressed dumps
		encodeB64([]byte(`"1"`)), // JSON string
		encodeB64([]byte(`1.0`)), // JSON float
		encodeB64([]byte(`1e3`)),
		encodeB64([]byte(`true`)),
		encodeB64([]byte(`null`)),
		encodeB64([]byte(`[1]`)),
		encodeB64([]byte(`{"pk":1}`)),
		encodeB64([]byte(` 1`)),
		encodeB64([]byte(`01`)),
		encodeB64([]byte(`-0`)),
		encodeB64([]byte(`+1`)),
		encodeB64([]byte(`9223372036854775808`)),
		encodeB64([]byte(``)) + "=",
		"MQ==",
		"MR",
	} {
		signed := signRaw(s, payload, ts)
		pk, at, err := s.LoadsInt(signed, time.Hour)
		if !errors.Is(err, ErrMalformed) || pk != 0 || !at.IsZero() {
			t.Errorf("payload %q: %d, %v, %v", payload, pk, at, err)
		}
	}
	// The same helper does produce what Dumps produces.
	if got := signRaw(s, "MQ", ts); got != signingVectors[0].key {
		t.Fatalf("signRaw = %q", got)
	}
}

func TestSignerConfig(t *testing.T) {
	for name, tc := range map[string]struct {
		secret []byte
		salt   string
		opts   []SignerOption
	}{
		"nil secret":     {nil, AllauthSalt, nil},
		"empty salt":     {probeSecret, "", nil},
		"nil clock":      {probeSecret, AllauthSalt, []SignerOption{WithClock(nil)}},
		"empty fallback": {probeSecret, AllauthSalt, []SignerOption{WithFallbackSecrets([]byte{})}},
		"nil option":     {probeSecret, AllauthSalt, []SignerOption{nil}},
	} {
		s, err := NewSigner(tc.secret, tc.salt, tc.opts...)
		if !errors.Is(err, ErrInvalidConfig) || s != nil {
			t.Errorf("%s: %v, %v", name, s, err)
		}
	}
}

func TestSignerConcurrent(t *testing.T) {
	clock := newFakeClock(time.Unix(1700000000, 0))
	s := mustSigner(t, WithClock(clock.now))
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 200 {
				v := int64(i*1000 + j)
				got, _, err := s.LoadsInt(s.DumpsInt(v), time.Hour)
				if err != nil || got != v {
					t.Error("concurrent round trip failed")
					return
				}
				clock.advance(time.Millisecond)
			}
		}()
	}
	wg.Wait()
}

func TestErrorsCarryNoInput(t *testing.T) {
	s := mustSigner(t)
	const secretish = "MQ:1r31eq:BoZqs4WbkgJOj-w2Ts4mxa3f1qGQXVYwGkQSocpZonX"
	_, _, err := s.LoadsInt(secretish, time.Hour)
	if err == nil || strings.Contains(err.Error(), "BoZqs4") || strings.Contains(err.Error(), "1r31eq") {
		t.Errorf("error %v", err)
	}
	_, err = DecodeUIDBase64("c2VjcmV0")
	if err == nil || strings.Contains(err.Error(), "c2VjcmV0") {
		t.Errorf("error %v", err)
	}
	_, err = NewSigner(nil, AllauthSalt, WithFallbackSecrets([]byte("")))
	if err == nil || strings.Contains(err.Error(), string(probeSecret)) {
		t.Errorf("error %v", err)
	}
}
