package simplejwt

import (
	"strings"
	"testing"
)

// strictCase is a signed payload at an edge of the JSON grammar or of a
// claim decoder, with the sentinel Parse(…, Access) returns for it (nil:
// accepted). These answers predate the single-pass walker; it keeps them.
type strictCase struct {
	name, payload string
	err           error
}

// withTail appends raw member text before the payload's closing brace.
func withTail(tail string) string { return strings.TrimSuffix(payload(), "}") + tail + "}" }

func strictCases() []strictCase {
	return []strictCase{
		// String escapes.
		{"escape \\x", payload(member{"note", `"\x"`}), ErrMalformed},
		{"escape \\u short", payload(member{"note", `"\u12"`}), ErrMalformed},
		{"escape \\u not hex", payload(member{"note", `"\u12G4"`}), ErrMalformed},
		{"escape at end of input", withTail(`,"note":"\`), ErrMalformed},
		{"lone surrogate", payload(member{"note", `"\ud800"`}), nil},
		{"every short escape", payload(member{"note", `"\ud83d\ude00\/\b\f\n\r\t\"\\"`}), nil},
		{"raw tab in string", payload(member{"note", "\"a\tb\""}), ErrMalformed},
		{"raw DEL in string", payload(member{"note", "\"a\x7fb\""}), nil},
		{"unterminated string", withTail(`,"note":"abc`), ErrMalformed},

		// Literals.
		{"literal tru", payload(member{"note", `tru`}), ErrMalformed},
		{"literal truex", payload(member{"note", `truex`}), ErrMalformed},
		{"literal True", payload(member{"note", `True`}), ErrMalformed},
		{"literal nul", payload(member{"note", `nul`}), ErrMalformed},
		{"literal falsey", payload(member{"note", `falsey`}), ErrMalformed},
		{"literals", payload(member{"note", `[true,false,null]`}), nil},

		// Numbers.
		{"custom 1e309", payload(member{"note", `1e309`}), nil},
		{"custom -0", payload(member{"note", `-0`}), nil},
		{"custom 1E+2", payload(member{"note", `1E+2`}), nil},
		{"custom 01", payload(member{"note", `01`}), ErrMalformed},
		{"custom lone minus", withTail(`,"note":-`), ErrMalformed},
		{"custom 1.", payload(member{"note", `1.`}), ErrMalformed},
		{"custom .5", payload(member{"note", `.5`}), ErrMalformed},
		{"custom +1", payload(member{"note", `+1`}), ErrMalformed},
		{"custom 1e", payload(member{"note", `1e`}), ErrMalformed},
		{"custom 1e+", payload(member{"note", `1e+`}), ErrMalformed},
		{"exp 1e309", payload(member{"exp", `1e309`}), ErrMalformed},
		{"exp with exponent", payload(member{"exp", `17000003e2`}), ErrMalformed},
		{"exp -0", payload(member{"exp", `-0`}), ErrExpired},
		{"user_id -0", payload(member{"user_id", `-0`}), ErrNoUserID},
		{"user_id escaped digits", payload(member{"user_id", `"1\u0030"`}), nil},

		// Arrays and objects.
		{"array trailing comma", payload(member{"note", `[1,]`}), ErrMalformed},
		{"array missing comma", payload(member{"note", `[1 2]`}), ErrMalformed},
		{"nested duplicate names", payload(member{"note", `{"a":1,"a":2}`}), nil},
		{"nested missing colon", payload(member{"note", `{"a" 1}`}), ErrMalformed},
		{"nested number name", payload(member{"note", `{1:2}`}), ErrMalformed},
		{"object trailing comma", withTail(`,`), ErrMalformed},
		{"empty name", payload(member{"", `1`}), nil},

		// Duplicate members, also through escapes.
		{"duplicate user_id escaped", withTail(`,"\u0075ser_id":2`), ErrMalformed},
		{"duplicate jti escaped", withTail(`,"j\u0074i":"x"`), ErrMalformed},
		{"duplicate custom escaped", withTail(`,"a":1,"\u0061":2`), ErrMalformed},
		{"escaped token_type value", payload(member{"token_type", `"\u0061ccess"`}), nil},
		{"escaped fam", payload(member{"fam", `"\u0066"`}), nil},

		// The document around the object.
		{"JSON white space around", " \t\r\n" + payload() + " \t\r\n", nil},
		{"vertical tab before", "\v" + payload(), ErrMalformed},
		{"NUL after", payload() + "\x00", ErrMalformed},
		{"null", `null`, ErrMalformed},
		{"null in white space", " null\n", ErrMalformed},
		{"null twice", `null null`, ErrMalformed},
		{"nul", `nul`, ErrMalformed},
		{"empty object", `{}`, ErrClaims},
		{"open brace", `{`, ErrMalformed},
		{"close brace", `}`, ErrMalformed},
		{"name without value", `{"a"}`, ErrMalformed},
		{"colon without value", `{"a":}`, ErrMalformed},
		{"lone comma", `{,}`, ErrMalformed},
	}
}

func TestParseStrictJSON(t *testing.T) {
	c := mustNew(t)
	for _, sc := range strictCases() {
		t.Run(sc.name, func(t *testing.T) {
			got, err := c.Parse(signed(t, stdHeader, sc.payload), Access)
			if err != sc.err {
				t.Fatalf("Parse: %v (%s), want %v (%s)", err, Reason(err), sc.err, Reason(sc.err))
			}
			if (err == nil) != (got != nil) {
				t.Fatalf("claims %v with error %v", got, err)
			}
		})
	}
}

// Nesting within encoding/json's limit (the payload object counts as one
// level) is accepted; one level more is malformed.
func TestParseNestingLimit(t *testing.T) {
	c := mustNew(t, withMaxLen)
	for arrays, want := range map[int]error{maxDepth - 1: nil, maxDepth: ErrMalformed} {
		nested := strings.Repeat("[", arrays) + strings.Repeat("]", arrays)
		if _, err := c.Parse(signed(t, stdHeader, payload(member{"deep", nested})), Access); err != want {
			t.Fatalf("%d nested arrays: %v, want %v", arrays, err, want)
		}
	}
}
