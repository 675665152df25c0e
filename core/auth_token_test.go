package core

import (
	"errors"
	"testing"
)

func TestParseTokenHeader(t *testing.T) {
	key := "0123456789abcdef0123456789abcdef01234567"
	cases := []struct {
		header, key, err string
	}{
		{"", "", ""},
		{"Bearer " + key, "", ""},
		{"Basic dXNlcjpwYXNz", "", ""},
		{"Token " + key, key, ""},
		{"token " + key, key, ""},
		{"TOKEN\t" + key + "\t", key, ""},
		{"Token", "", "Invalid token header. No credentials provided."},
		{"Token ", "", "Invalid token header. No credentials provided."},
		{"Token a b", "", "Invalid token header. Token string should not contain spaces."},
		{"Token \xff\xfe", "", "Invalid token header. Token string should not contain invalid characters."},
		{"To\u212Aen " + key, "", ""}, // Kelvin sign is not an ASCII k
		{"Tokens " + key, "", ""},
	}
	for _, c := range cases {
		got, err := parseTokenHeader(c.header, Messages{})
		if got != c.key {
			t.Errorf("%q: key %q, want %q", c.header, got, c.key)
		}
		var e *Error
		switch {
		case c.err == "" && err != nil:
			t.Errorf("%q: unexpected error %v", c.header, err)
		case c.err != "" && (!errors.As(err, &e) || e.Detail != c.err || e.Kind != KindAuthentication):
			t.Errorf("%q: error %v, want %q", c.header, err, c.err)
		}
	}
}

func TestValidTokenKey(t *testing.T) {
	key, digest := newTokenKey()
	if !validTokenKey(key) || len(digest) != 64 || tokenDigest(key) != digest {
		t.Fatalf("NewTokenKey produced %q / %q", key, digest)
	}
	for _, bad := range []string{"", "deadbeef", key + "0", "0123456789ABCDEF0123456789abcdef01234567", "' OR '1'='1", "%", key[:39] + "g"} {
		if validTokenKey(bad) {
			t.Errorf("validTokenKey(%q) = true", bad)
		}
	}
	other, _ := newTokenKey()
	if other == key {
		t.Error("two keys are equal")
	}
}

func FuzzParseTokenHeader(f *testing.F) {
	for _, s := range []string{"Token abc", "token", "Token a b c", "Bearer x", "Token \xff", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		key, err := parseTokenHeader(h, Messages{})
		if err != nil && key != "" {
			t.Fatal("key and error together")
		}
		if err != nil && !isAuthFailure(err) {
			t.Fatalf("non-auth error %v", err)
		}
	})
}
