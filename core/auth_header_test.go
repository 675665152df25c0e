package core

import (
	"errors"
	"net/http"
	"strings"
	"testing"
)

// headerSamples exercise every ASCII separator, runs of them, non-ASCII
// look-alikes (which do not separate) and invalid UTF-8.
var headerSamples = []string{
	"", " ", "\t\n\v\f\r ", "Bearer", "Bearer tok", "Bearer\ttok", " \tBearer \v tok \r\n",
	"Bearer a b", "Bearer a b c d", "Bearer a,Bearer b", "Bearer,tok", "Bearer\u00a0tok",
	"Bearer\u2003tok", "Token \xff\xfe", "\xffBearer tok", "Token  key", "\fToken\vkey\r",
	"Bearer tok\x00", "Bearer\x85tok", "Bearer\x1ctok",
}

// checkHeaderFields compares headerFields with the strings.FieldsFunc split
// it replaces.
func checkHeaderFields(t *testing.T, s string) {
	t.Helper()
	parts := strings.FieldsFunc(s, isASCIISpace)
	first, second, n := headerFields(s)
	if n != min(len(parts), 3) {
		t.Fatalf("%q: %d fields, FieldsFunc %d", s, n, len(parts))
	}
	if len(parts) > 0 && first != parts[0] || len(parts) == 0 && first != "" {
		t.Fatalf("%q: first %q, FieldsFunc %q", s, first, parts)
	}
	if len(parts) > 1 && second != parts[1] || len(parts) <= 1 && second != "" {
		t.Fatalf("%q: second %q, FieldsFunc %q", s, second, parts)
	}
}

func TestHeaderFields(t *testing.T) {
	for _, s := range headerSamples {
		checkHeaderFields(t, s)
	}
	// The results are checked inside the loop, so the call cannot be
	// optimized away and the zero below measures the real split.
	var bad bool
	allocs := testing.AllocsPerRun(100, func() {
		first, second, n := headerFields(" Bearer \t eyJ.eyJ.sig ")
		bad = bad || first != "Bearer" || second != "eyJ.eyJ.sig" || n != 2
	})
	if bad {
		t.Fatal("headerFields split the sample wrongly")
	}
	if allocs != 0 {
		t.Fatalf("headerFields: %v allocations, want 0", allocs)
	}
}

func FuzzHeaderFields(f *testing.F) {
	for _, s := range headerSamples {
		f.Add(s)
	}
	f.Fuzz(checkHeaderFields)
}

// jwtHeaderAuth is a header-only JWT authenticator accepting two schemes.
func jwtHeaderAuth() *jwtAuthenticator {
	return &jwtAuthenticator{auth: &Auth{cfg: Config{JWT: JWTConfig{HeaderTypes: []string{"Bearer", "JWT"}, DisableCookies: true}}}}
}

// extractWithHeaders runs extract on a request whose Authorization lines
// are hs (nil: no header at all).
func extractWithHeaders(j *jwtAuthenticator, hs []string) (string, error) {
	r, _ := http.NewRequest(http.MethodGet, "/", nil)
	if hs != nil {
		r.Header["Authorization"] = hs
	}
	token, fromCookie, err := j.extract(r)
	if fromCookie {
		panic("header-only authenticator read a cookie")
	}
	return token, err
}

func TestJWTExtractHeader(t *testing.T) {
	j := jwtHeaderAuth()
	const bad = "bad_authorization_header"
	for _, tc := range []struct {
		name  string
		lines []string
		token string
		code  string // error code; "" = none
	}{
		{"no header", nil, "", ""},
		{"present, no lines", []string{}, "", ""},
		{"empty line", []string{""}, "", ""},
		{"blank line", []string{" \t "}, "", ""},
		{"bearer", []string{"Bearer tok"}, "tok", ""},
		{"second scheme", []string{"JWT tok"}, "tok", ""},
		{"tabs", []string{"Bearer\ttok\t"}, "tok", ""},
		{"every separator", []string{"\t Bearer \v\f tok \r\n"}, "tok", ""},
		{"scheme is case-sensitive", []string{"bearer tok"}, "", ""},
		{"other scheme", []string{"Basic dXNlcjpwYXNz"}, "", ""},
		{"other scheme, extra fields", []string{"Basic a b c"}, "", ""},
		{"non-ASCII space does not separate", []string{"Bearer\u00a0tok"}, "", ""},
		{"scheme alone", []string{"Bearer"}, "", bad},
		{"scheme and blanks", []string{"Bearer \t "}, "", bad},
		{"extra field", []string{"Bearer a b"}, "", bad},
		{"extra fields", []string{"Bearer a b c d"}, "", bad},
		{"invalid UTF-8 token is passed on", []string{"Bearer tok\xff"}, "tok\xff", ""},
		// Several lines are joined with commas before splitting.
		{"two bearer lines", []string{"Bearer a", "Bearer b"}, "", bad},
		{"token continued on a second line", []string{"Bearer a", "b"}, "a,b", ""},
		{"scheme and token on two lines", []string{"Bearer", "tok"}, "", ""},
		{"empty first line", []string{"", "Bearer tok"}, "", ""},
		{"other scheme first", []string{"Basic x", "Bearer tok"}, "", ""},
		{"second line blank", []string{"Bearer tok", " "}, "tok,", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			token, err := extractWithHeaders(j, tc.lines)
			if token != tc.token {
				t.Fatalf("token %q, want %q", token, tc.token)
			}
			var e *Error
			switch {
			case tc.code == "" && err != nil:
				t.Fatalf("unexpected error %v", err)
			case tc.code != "" && (!errors.As(err, &e) || e.Code != tc.code || e.Kind != KindAuthentication):
				t.Fatalf("error %v, want code %q", err, tc.code)
			}
		})
	}
}

// The usual single Bearer line is taken apart without allocating.
func TestJWTExtractAllocations(t *testing.T) {
	j := jwtHeaderAuth()
	r, _ := http.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjoxfQ.c2ln")
	allocs := testing.AllocsPerRun(100, func() {
		if token, _, err := j.extract(r); err != nil || token == "" {
			t.Fatalf("extract: %q, %v", token, err)
		}
	})
	if allocs != 0 {
		t.Fatalf("extract: %v allocations, want 0", allocs)
	}
}

// DRF's TokenAuthentication splits on the same separators.
func TestParseTokenHeaderSeparators(t *testing.T) {
	key := "0123456789abcdef0123456789abcdef01234567"
	for _, tc := range []struct {
		header, key, err string
	}{
		{"\fToken\v" + key + "\r\n", key, ""},
		{"Token  \t " + key, key, ""},
		{"Token\u00a0" + key, "", ""},
		{"Token " + key + "\u00a0x", key + "\u00a0x", ""},
		{"Token \t\v\f\r\n", "", "Invalid token header. No credentials provided."},
		{"Token a\tb", "", "Invalid token header. Token string should not contain spaces."},
		{"Token a b c d", "", "Invalid token header. Token string should not contain spaces."},
		{"Token a\vb", "", "Invalid token header. Token string should not contain spaces."},
	} {
		got, err := parseTokenHeader(tc.header, Messages{})
		if got != tc.key {
			t.Errorf("%q: key %q, want %q", tc.header, got, tc.key)
		}
		var e *Error
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%q: unexpected error %v", tc.header, err)
		case tc.err != "" && (!errors.As(err, &e) || e.Detail != tc.err):
			t.Errorf("%q: error %v, want %q", tc.header, err, tc.err)
		}
	}
	header := "Token " + key
	allocs := testing.AllocsPerRun(100, func() { _, _ = parseTokenHeader(header, Messages{}) })
	if allocs != 0 {
		t.Fatalf("parseTokenHeader: %v allocations, want 0", allocs)
	}
}
