package core

import (
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"
)

// StringField describes one DRF CharField: how a body value becomes a Go
// string, and which messages it produces.
type StringField struct {
	// Name is the body key.
	Name string
	// Required makes a missing key an error ("This field is required.").
	Required bool
	// AllowBlank accepts "" (after trimming); otherwise "This field may
	// not be blank." for a present but blank value.
	AllowBlank bool
	// KeepSpace disables DRF's trimming of surrounding white space.
	KeepSpace bool
	// MaxLength, when positive, caps the length in characters.
	MaxLength int
	// Email validates the value as an email address when non-blank.
	Email bool
}

// Form reads typed fields out of a Body and collects DRF-shaped errors in
// declaration order.
type Form struct {
	body Body
	msgs Messages
	errs validationError
}

// NewForm starts reading fields from body.
func NewForm(body Body, msgs Messages) *Form {
	return &Form{body: body, msgs: msgs}
}

// Present reports whether the body has the key at all.
func (f *Form) Present(name string) bool {
	_, ok := f.body[name]
	return ok
}

// Value returns the raw decoded value of key name (a string, json.Number,
// bool, nil, []any or map[string]any; form bodies hold strings only) and
// whether it is present, for fields that are not strings. Report a wrong
// value with AddError.
func (f *Form) Value(name string) (any, bool) {
	v, ok := f.body[name]
	return v, ok
}

// String reads a CharField. It returns the cleaned value and whether the
// key was present and valid; on failure it records the error and returns
// "", false. A missing optional field returns "", false without an error.
func (f *Form) String(spec StringField) (string, bool) {
	raw, ok := f.body[spec.Name]
	if !ok {
		if spec.Required {
			f.errs.Add(spec.Name, f.msgs.Text(MsgRequired))
		}
		return "", false
	}
	var s string
	switch v := raw.(type) {
	case nil:
		f.errs.Add(spec.Name, f.msgs.Text(MsgNull))
		return "", false
	case string:
		s = v
	case json.Number:
		s = pythonNumberString(v)
	default:
		f.errs.Add(spec.Name, f.msgs.Text(MsgInvalidString))
		return "", false
	}
	if !spec.KeepSpace {
		s = strings.TrimSpace(s)
	}
	if s == "" {
		if !spec.AllowBlank {
			f.errs.Add(spec.Name, f.msgs.Text(MsgBlank))
			return "", false
		}
		return "", true
	}
	valid := true
	if spec.MaxLength > 0 && utf8.RuneCountInString(s) > spec.MaxLength {
		f.errs.Add(spec.Name, f.msgs.Format(MsgMaxLength, "max_length", strconv.Itoa(spec.MaxLength)))
		valid = false
	}
	if strings.IndexByte(s, 0) >= 0 {
		// DRF's ProhibitNullCharactersValidator; also keeps NUL out of
		// PostgreSQL text columns.
		f.errs.Add(spec.Name, "Null characters are not allowed.")
		valid = false
	}
	if valid && spec.Email && !validEmail(s) {
		f.errs.Add(spec.Name, f.msgs.Text(MsgInvalidEmail))
		valid = false
	}
	if !valid {
		return "", false
	}
	return s, true
}

// AddError records msg for field.
func (f *Form) AddError(field, msg string) { f.errs.Add(field, msg) }

// HasError reports whether field already failed.
func (f *Form) HasError(field string) bool { return f.errs.Has(field) }

// Valid reports whether no error was recorded.
func (f *Form) Valid() bool { return f.errs.Empty() }

// Err returns the collected errors as a 400, or nil.
func (f *Form) Err() error { return f.errs.Err() }

// pythonNumberString renders a JSON number the way Python's str() renders
// the int or float json.loads produced (DRF stringifies numbers).
func pythonNumberString(n json.Number) string {
	s := string(n)
	if !strings.ContainsAny(s, ".eE") {
		return s
	}
	f, err := n.Float64()
	if err != nil {
		return s
	}
	out := strconv.FormatFloat(f, 'g', -1, 64)
	if !strings.ContainsAny(out, ".eEn") { // 1.0 stays "1.0" in Python
		out += ".0"
	}
	return out
}
