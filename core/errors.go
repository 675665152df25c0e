package core

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
)

// ErrorKind says how an Error chooses its HTTP status.
type ErrorKind int

const (
	// KindStatus errors are answered with their Status as is.
	KindStatus ErrorKind = iota
	// KindAuthentication errors (missing or invalid credentials) are
	// answered as DRF does: 401 with the WWW-Authenticate challenge of the
	// first configured authenticator when it has one, 403 otherwise.
	KindAuthentication
)

// ErrUnavailable marks a failure of a backing service (database, cache).
// Requests that hit it are answered 503 with Retry-After and a generic body,
// never as anonymous and never with the underlying error text.
var ErrUnavailable = errors.New("restauth: backing store unavailable")

// FieldError is the list of messages for one request field.
type FieldError struct {
	Field    string
	Messages []string
}

// Error is an error that renders as a dj-rest-auth response body:
//
//   - field errors:      {"username":["..."],"non_field_errors":["..."]}
//   - everything else:   {"detail":"..."}, plus "code" and "messages" for
//     the SimpleJWT-style errors that carry them.
//
// Field order is preserved (DRF renders fields in declaration order).
type Error struct {
	// Kind decides how the status is chosen.
	Kind ErrorKind
	// Status is the HTTP status for KindStatus errors.
	Status int
	// Detail is the "detail" text; ignored when Fields is non-empty.
	Detail string
	// Code is rendered as "code" when non-empty (SimpleJWT errors).
	Code string
	// Messages is rendered as "messages" when non-nil (SimpleJWT errors).
	Messages any
	// Fields are the field-keyed errors, in declaration order. The field
	// "non_field_errors" holds object-level errors.
	Fields []FieldError
	// Header holds extra response headers (e.g. Retry-After).
	Header http.Header
}

// Error implements error. It returns the detail or the first field message,
// which never contains a secret (messages come from the catalog).
func (e *Error) Error() string {
	if len(e.Fields) > 0 && len(e.Fields[0].Messages) > 0 {
		return e.Fields[0].Field + ": " + e.Fields[0].Messages[0]
	}
	return e.Detail
}

// NewDetailError returns an error answered with status and {"detail": detail}.
func NewDetailError(status int, detail string) *Error {
	return &Error{Kind: KindStatus, Status: status, Detail: detail}
}

// NewAuthError returns an authentication failure whose status (401 or 403)
// follows the first configured authenticator, with {"detail": detail}.
func NewAuthError(detail string) *Error {
	return &Error{Kind: KindAuthentication, Detail: detail}
}

// validationError collects field errors for one request, in the order they
// are added, and renders as a 400.
type validationError struct {
	fields []FieldError
}

// Add appends msg to field's list, creating the field entry on first use.
func (v *validationError) Add(field, msg string) {
	for i := range v.fields {
		if v.fields[i].Field == field {
			v.fields[i].Messages = append(v.fields[i].Messages, msg)
			return
		}
	}
	v.fields = append(v.fields, FieldError{Field: field, Messages: []string{msg}})
}

// Has reports whether field already has an error.
func (v *validationError) Has(field string) bool {
	for _, f := range v.fields {
		if f.Field == field {
			return true
		}
	}
	return false
}

// Empty reports whether no error was added.
func (v *validationError) Empty() bool { return len(v.fields) == 0 }

// Err returns nil when empty, else a 400 *Error with the collected fields.
func (v *validationError) Err() error {
	if v.Empty() {
		return nil
	}
	return &Error{Kind: KindStatus, Status: http.StatusBadRequest, Fields: v.fields}
}

// NewFieldError returns a 400 with {field: [msg]}, dj-rest-auth's shape
// for a field that failed validation. A Save of UserFields or
// RegistrationFields returns it for a value found taken while writing.
func NewFieldError(field, msg string) *Error {
	return &Error{Kind: KindStatus, Status: http.StatusBadRequest,
		Fields: []FieldError{{Field: field, Messages: []string{msg}}}}
}

// NonFieldError returns a 400 with {"non_field_errors": [msg]}.
func NonFieldError(msg string) *Error {
	return &Error{Kind: KindStatus, Status: http.StatusBadRequest,
		Fields: []FieldError{{Field: "non_field_errors", Messages: []string{msg}}}}
}

// MarshalJSON renders the dj-rest-auth body.
func (e *Error) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	if len(e.Fields) > 0 {
		for i, f := range e.Fields {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONValue(&b, f.Field)
			b.WriteByte(':')
			writeJSONValue(&b, f.Messages)
		}
	} else {
		b.WriteString(`"detail":`)
		writeJSONValue(&b, e.Detail)
		if e.Code != "" {
			b.WriteString(`,"code":`)
			writeJSONValue(&b, e.Code)
		}
		if e.Messages != nil {
			b.WriteString(`,"messages":`)
			writeJSONValue(&b, e.Messages)
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// writeJSONValue writes v as compact JSON without HTML escaping (DRF emits
// raw UTF-8 and raw <, >, &).
func writeJSONValue(b *bytes.Buffer, v any) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		b.WriteString("null")
		return
	}
	b.Truncate(b.Len() - 1) // Encode's trailing newline
}

// unavailable wraps a store failure so that it is answered 503.
func unavailable(err error) error {
	return &storeError{err: err}
}

// storeError keeps the cause for logs while matching ErrUnavailable.
type storeError struct{ err error }

func (e *storeError) Error() string   { return "restauth: store failure: " + e.err.Error() }
func (e *storeError) Unwrap() []error { return []error{ErrUnavailable, e.err} }
