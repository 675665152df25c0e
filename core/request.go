package core

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
)

// Body is a decoded request body: the top-level fields of a JSON object, or
// the values of a form. JSON values keep their JSON type (string,
// json.Number, bool, nil, map, slice) so that field rules can answer like
// DRF ("Not a valid string.", "This field may not be null.").
type Body map[string]any

// DecodeBody reads and decodes r's body the way DRF's default parsers do:
// application/json, application/x-www-form-urlencoded and
// multipart/form-data; an empty body decodes to an empty Body whatever the
// content type. Bodies over maxBytes give 413, other media types 415, and
// malformed or non-object JSON 400, each as an *Error with DRF's text.
// JSON is read strictly: invalid UTF-8, duplicate top-level keys and
// trailing data are rejected.
func DecodeBody(w http.ResponseWriter, r *http.Request, maxBytes int64, msgs Messages) (Body, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return Body{}, nil
	}
	if r.ContentLength > maxBytes {
		return nil, NewDetailError(http.StatusRequestEntityTooLarge, msgs.Text(MsgRequestTooLarge))
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, NewDetailError(http.StatusRequestEntityTooLarge, msgs.Text(MsgRequestTooLarge))
		}
		return nil, NewDetailError(http.StatusBadRequest, msgs.Format(MsgParseError, "error", "could not read the request body"))
	}
	if len(raw) == 0 {
		return Body{}, nil
	}
	ct := r.Header.Get("Content-Type")
	mediaType, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return nil, unsupportedMedia(ct, msgs)
	}
	switch mediaType {
	case "application/json":
		if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") && !strings.EqualFold(cs, "utf8") {
			return nil, unsupportedMedia(ct, msgs)
		}
		return decodeJSONObject(raw, msgs)
	case "application/x-www-form-urlencoded":
		if !utf8.Valid(raw) {
			return nil, NewDetailError(http.StatusBadRequest, msgs.Text(MsgInvalidValue))
		}
		vals, err := url.ParseQuery(string(raw))
		if err != nil {
			return nil, NewDetailError(http.StatusBadRequest, msgs.Text(MsgInvalidValue))
		}
		return formBody(vals, msgs)
	case "multipart/form-data":
		r.Body = io.NopCloser(bytes.NewReader(raw))
		if err := r.ParseMultipartForm(maxBytes); err != nil {
			return nil, NewDetailError(http.StatusBadRequest, "Multipart form parse error - Invalid boundary in multipart: None")
		}
		defer r.MultipartForm.RemoveAll()
		return formBody(r.MultipartForm.Value, msgs)
	default:
		return nil, unsupportedMedia(ct, msgs)
	}
}

func unsupportedMedia(ct string, msgs Messages) *Error {
	return NewDetailError(http.StatusUnsupportedMediaType, msgs.Format(MsgUnsupportedMediaType, "media_type", ct))
}

// formBody keeps the last value of each key, like Django's QueryDict.
// Percent-escapes (%FF) and multipart parts can carry bytes that are not
// UTF-8; Django would replace them silently, restauth refuses the body
// (400) so that no identifier is ever matched or stored in a lossy form.
func formBody(vals map[string][]string, msgs Messages) (Body, error) {
	b := make(Body, len(vals))
	for k, v := range vals {
		if !utf8.ValidString(k) {
			return nil, NewDetailError(http.StatusBadRequest, msgs.Text(MsgInvalidValue))
		}
		for _, x := range v {
			if !utf8.ValidString(x) {
				return nil, NewDetailError(http.StatusBadRequest, msgs.Text(MsgInvalidValue))
			}
		}
		if len(v) > 0 {
			b[k] = v[len(v)-1]
		}
	}
	return b, nil
}

// decodeJSONObject parses raw as one JSON object.
func decodeJSONObject(raw []byte, msgs Messages) (Body, error) {
	parseErr := func(detail string) error {
		return NewDetailError(http.StatusBadRequest, msgs.Format(MsgParseError, "error", detail))
	}
	if !utf8.Valid(raw) {
		return nil, parseErr("'utf-8' codec can't decode the request body")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, parseErr(describeJSONError(raw, err))
	}
	if delim, ok := tok.(json.Delim); !ok || delim != '{' {
		// Not an object: decode the whole value to name its type like DRF.
		var v any
		d := json.NewDecoder(bytes.NewReader(raw))
		d.UseNumber()
		if err := d.Decode(&v); err != nil {
			return nil, parseErr(describeJSONError(raw, err))
		}
		if err := expectEOF(d); err != nil {
			return nil, parseErr(describeJSONError(raw, err))
		}
		if v == nil {
			return nil, NonFieldError(msgs.Text(MsgNoData))
		}
		return nil, NonFieldError(msgs.Format(MsgNotADict, "type", pythonTypeName(v)))
	}
	body := Body{}
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return nil, parseErr(describeJSONError(raw, err))
		}
		key, _ := kt.(string)
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, parseErr(describeJSONError(raw, err))
		}
		if _, dup := body[key]; dup {
			return nil, parseErr(fmt.Sprintf("Duplicate key %q", key))
		}
		body[key] = v
	}
	if _, err := dec.Token(); err != nil { // closing brace
		return nil, parseErr(describeJSONError(raw, err))
	}
	if err := expectEOF(dec); err != nil {
		return nil, parseErr(describeJSONError(raw, err))
	}
	return body, nil
}

// errExtraData is reported to clients as Python's "Extra data" (see
// describeJSONError).
var errExtraData = errors.New("extra data after the JSON value")

// expectEOF fails when anything but white space follows the value.
func expectEOF(dec *json.Decoder) error {
	if _, err := dec.Token(); err != io.EOF {
		return errExtraData
	}
	return nil
}

// describeJSONError renders a decoding error in the style of Python's json
// module, which DRF quotes ("Expecting value: line 1 column 1 (char 0)").
func describeJSONError(raw []byte, err error) string {
	var syn *json.SyntaxError
	switch {
	case errors.As(err, &syn):
		off := int(syn.Offset) - 1
		if strings.Contains(syn.Error(), "in literal") {
			// Python reports the start of a bad literal ("nul", "tru").
			for off > 0 && off <= len(raw) && isASCIILetter(raw[off-1]) {
				off--
			}
		}
		if off < 0 {
			off = 0
		}
		return "Expecting value: " + position(raw, off)
	case errors.Is(err, errExtraData):
		return "Extra data"
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "Expecting value: " + position(raw, len(raw))
	default:
		return "Invalid JSON"
	}
}

// position formats a byte offset as Python's "line L column C (char N)".
func position(raw []byte, off int) string {
	if off > len(raw) {
		off = len(raw)
	}
	line := 1 + bytes.Count(raw[:off], []byte("\n"))
	col := off + 1
	if i := bytes.LastIndexByte(raw[:off], '\n'); i >= 0 {
		col = off - i
	}
	char := utf8.RuneCount(raw[:off])
	return fmt.Sprintf("line %d column %d (char %d)", line, col, char)
}

// pythonTypeName names a JSON value's type the way DRF's message does.
func pythonTypeName(v any) string {
	switch x := v.(type) {
	case []any:
		return "list"
	case string:
		return "str"
	case bool:
		return "bool"
	case json.Number:
		if strings.ContainsAny(string(x), ".eE") {
			return "float"
		}
		return "int"
	default:
		return "NoneType"
	}
}

func isASCIILetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
