package core

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestFormStringDRFRules(t *testing.T) {
	body := Body{
		"s": "  padded  ", "n": json.Number("123"), "f": json.Number("1.0"), "b": true,
		"o": map[string]any{"a": 1}, "l": []any{"a"}, "z": nil, "blank": "   ",
		"long": strings.Repeat("é", 151), "nul": "ad\x00min", "email": "not-an-email",
	}
	f := NewForm(body, Messages{})
	if v, ok := f.String(StringField{Name: "s"}); !ok || v != "padded" {
		t.Errorf("trim: %q %v", v, ok)
	}
	if v, ok := f.String(StringField{Name: "s", KeepSpace: true}); !ok || v != "  padded  " {
		t.Errorf("keep space: %q", v)
	}
	if v, _ := f.String(StringField{Name: "n"}); v != "123" {
		t.Errorf("number: %q", v)
	}
	if v, _ := f.String(StringField{Name: "f"}); v != "1.0" {
		t.Errorf("float: %q", v)
	}
	if _, ok := f.String(StringField{Name: "missing"}); ok || f.HasError("missing") {
		t.Error("optional missing field must be silent")
	}
	if v, ok := f.String(StringField{Name: "blank", AllowBlank: true}); !ok || v != "" {
		t.Error("allowed blank")
	}
	for _, name := range []string{"b", "o", "l", "z", "blank", "long", "nul", "email", "req"} {
		f.String(StringField{Name: name, Required: true, MaxLength: 150, Email: name == "email"})
	}
	got, _ := json.Marshal(f.Err())
	want := `{"b":["Not a valid string."],"o":["Not a valid string."],"l":["Not a valid string."],` +
		`"z":["This field may not be null."],"blank":["This field may not be blank."],` +
		`"long":["Ensure this field has no more than 150 characters."],"nul":["Null characters are not allowed."],` +
		`"email":["Enter a valid email address."],"req":["This field is required."]}`
	if string(got) != want {
		t.Errorf("errors\n got %s\nwant %s", got, want)
	}
}

func TestPythonNumberString(t *testing.T) {
	for in, want := range map[string]string{"123": "123", "1.0": "1.0", "1.5": "1.5", "-0": "-0", "1e3": "1000.0"} {
		if got := pythonNumberString(json.Number(in)); got != want {
			t.Errorf("%s → %q, want %q", in, got, want)
		}
	}
}
