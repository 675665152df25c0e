package password

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"
)

var alice = []Attribute{
	{"username", "alice"},
	{"first name", "Alice"},
	{"last name", "Liddell"},
	{"email address", "alice.liddell@example.com"},
}

func messages(vs []Violation) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.Message)
	}
	return out
}

func TestDefaultValidatorsOrderAndMessages(t *testing.T) {
	vs := DefaultValidators()
	cases := []struct {
		pw    string
		user  []Attribute
		want  []string
		codes []string
	}{
		{"alice", alice, []string{
			"The password is too similar to the username.",
			"This password is too short. It must contain at least 8 characters.",
			"This password is too common.",
		}, []string{CodeTooSimilar, CodeTooShort, CodeTooCommon}},
		{"123", nil, []string{
			"This password is too short. It must contain at least 8 characters.",
			"This password is too common.",
			"This password is entirely numeric.",
		}, []string{CodeTooShort, CodeTooCommon, CodeEntirelyNumeric}},
		{"password", alice, []string{"This password is too common."}, []string{CodeTooCommon}},
		{"  PassWord ", nil, []string{"This password is too common."}, []string{CodeTooCommon}},
		{"12345678901234", nil, []string{"This password is entirely numeric."}, []string{CodeEntirelyNumeric}},
		// Only the first similar attribute is reported, as in Django:
		// quick_ratio("alice.liddell", "alice") is 0.56, with "liddell" 0.7.
		{"alice.liddell", alice, []string{"The password is too similar to the last name."}, []string{CodeTooSimilar}},
		{"alice1234", alice, []string{"The password is too similar to the username."}, []string{CodeTooSimilar}},
		{"Liddell-1865", alice, []string{"The password is too similar to the last name."}, []string{CodeTooSimilar}},
		{"correct horse battery staple", alice, nil, nil},
		{"alice", nil, []string{
			"This password is too short. It must contain at least 8 characters.",
			"This password is too common.",
		}, []string{CodeTooShort, CodeTooCommon}},
	}
	for _, c := range cases {
		got := Validate(c.pw, c.user, vs)
		if !reflect.DeepEqual(messages(got), c.want) {
			t.Errorf("Validate(%q) = %q, want %q", c.pw, messages(got), c.want)
		}
		for i, v := range got {
			if i < len(c.codes) && v.Code != c.codes[i] {
				t.Errorf("Validate(%q)[%d].Code = %q, want %q", c.pw, i, v.Code, c.codes[i])
			}
		}
	}
	if Validate("x", nil, nil) != nil {
		t.Error("no validators must give nil")
	}
}

// T-PW-01: length counts code points.
func TestMinimumLength(t *testing.T) {
	v := MinimumLength{Min: 15}
	if got := v.Validate(strings.Repeat("a", 14), nil); len(got) != 1 ||
		got[0].Message != "This password is too short. It must contain at least 15 characters." {
		t.Errorf("14 code points: %v", got)
	}
	if got := v.Validate(strings.Repeat("😀", 15), nil); got != nil {
		t.Errorf("15 emoji (60 bytes): %v", got)
	}
	if got := v.Validate(strings.Repeat("😀", 14), nil); got == nil {
		t.Error("14 emoji (56 bytes) accepted")
	}
	if got := (MinimumLength{Min: 1}).Validate("", nil); len(got) != 1 ||
		got[0].Message != "This password is too short. It must contain at least 1 character." {
		t.Errorf("singular: %v", got)
	}
	if got := (MinimumLength{}).Validate("1234567", nil); len(got) != 1 || !strings.Contains(got[0].Message, "8 characters") {
		t.Errorf("zero Min means 8: %v", got)
	}
}

func TestCommonPasswords(t *testing.T) {
	c, err := NewCommonPasswords()
	if err != nil {
		t.Fatal(err)
	}
	if c.Len() != 19727 {
		t.Errorf("embedded list has %d entries, want 19727", c.Len())
	}
	for _, pw := range []string{"password", "123456", "PASSWORD", " password\t", "qwerty"} {
		if !c.Contains(pw) {
			t.Errorf("%q not found", pw)
		}
	}
	for _, pw := range []string{"correct horse battery staple", "", "pass word"} {
		if c.Contains(pw) {
			t.Errorf("%q found", pw)
		}
	}
	own := NewCommonPasswordsFromList([]string{" Hunter2 ", ""})
	if own.Len() != 1 || !own.Contains("HUNTER2") {
		t.Error("NewCommonPasswordsFromList")
	}
}

func TestNumeric(t *testing.T) {
	for pw, want := range map[string]bool{
		"12345678":       true,
		"١٢٣٤٥٦٧٨":       true, // Arabic-Indic digits (Nd)
		"²³¹":            true, // superscripts: Python isdigit is true
		"①②③":            true,
		"":               false,
		"1234567a":       false,
		"1234 5678":      false,
		"Ⅻ":              false, // Roman numeral: isnumeric, not isdigit
		"½":              false,
		"12345678\u00a0": false,
	} {
		got := Numeric{}.Validate(pw, nil) != nil
		if got != want {
			t.Errorf("Numeric(%q) = %v, want %v", pw, got, want)
		}
	}
}

func TestQuickRatio(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want float64
	}{
		{"", "", 1.0},
		{"abc", "", 0},
		{"abcd", "bcde", 0.75},
		{"aab", "abb", 2.0 * 2 / 6},
		{"A", strings.Repeat("A", 10), 2.0 / 11},
	} {
		if got := quickRatio([]rune(c.a), []rune(c.b)); got != c.want {
			t.Errorf("quickRatio(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

func TestSplitNonWord(t *testing.T) {
	for s, want := range map[string][]string{
		"alice.liddell@example.com": {"alice", "liddell", "example", "com"},
		"-x-@y":                     {"", "x", "y"},
		"a-":                        {"a", ""},
		"jean-luc_picard":           {"jean", "luc_picard"},
		"zoë.müller":                {"zoë", "müller"},
		"":                          {""},
	} {
		if got := splitNonWord(s); !reflect.DeepEqual(got, want) {
			t.Errorf("splitNonWord(%q) = %q, want %q", s, got, want)
		}
	}
}

// TestSimilarityMatchesDjango compares with outputs of Django's algorithm
// run under CPython (testdata/django_similarity.py).
func TestSimilarityMatchesDjango(t *testing.T) {
	raw, err := os.ReadFile("testdata/django_similarity.json")
	if err != nil {
		t.Fatal(err)
	}
	var rows [][]any
	if err := json.Unmarshal(raw, &rows); err != nil {
		t.Fatal(err)
	}
	users := [][]Attribute{
		alice,
		{{"username", "jean-luc_picard"}, {"first name", "Jean-Luc"}, {"last name", ""}, {"email address", "jl@starfleet.example"}},
		{{"username", "müller"}, {"first name", "Zoë"}, {"last name", "Ødegård"}, {"email address", "zoë.müller@exämple.de"}},
		{{"username", "a"}, {"email address", "-x-@y"}},
	}
	if len(rows) < 400 {
		t.Fatalf("only %d rows", len(rows))
	}
	for _, r := range rows {
		user, pw, maxSim := users[int(r[0].(float64))], r[1].(string), r[2].(float64)
		want := ""
		if r[3] != nil {
			want = r[3].(string)
		}
		got := ""
		if vs := (UserAttributeSimilarity{MaxSimilarity: maxSim}).Validate(pw, user); vs != nil {
			got = vs[0].Message
			if len(vs) != 1 || vs[0].Code != CodeTooSimilar {
				t.Errorf("violations %v", vs)
			}
		}
		if got != want {
			t.Errorf("user %v, password %q, max %v: got %q, want %q", r[0], pw, maxSim, got, want)
		}
	}
}

func TestSimilarityEdges(t *testing.T) {
	v := UserAttributeSimilarity{}
	if v.Validate("alice", nil) != nil {
		t.Error("nil user must skip")
	}
	if v.Validate("alice", []Attribute{{"username", ""}}) != nil {
		t.Error("empty value must skip")
	}
	// CVE-2021-45115: a very long password against a short value part is
	// skipped (and stays fast).
	long := strings.Repeat("a", 100000)
	if v.Validate(long, []Attribute{{"username", "a"}}) != nil {
		t.Error("length-ratio guard")
	}
	// Below 0.1 is raised to 0.1.
	if got := (UserAttributeSimilarity{MaxSimilarity: 0.01}).Validate("zzzzzzzzzzzzzzzzzzzq", []Attribute{{"username", "qq"}}); got != nil {
		t.Errorf("MaxSimilarity 0.01 not raised to 0.1: %v", got)
	}
}
