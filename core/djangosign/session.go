package djangosign

import (
	"bytes"
	"compress/zlib"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/restauth/restauth/core/internal/pyjson"
)

// SessionSalt is the key_salt Django signs session data with:
// "django.contrib.sessions." + SessionStore.__qualname__, the same for
// the db, cached_db, cache and file backends (whose classes are all named
// SessionStore).
const SessionSalt = "django.contrib.sessions.SessionStore"

// sessionAuthHashSalt is AbstractBaseUser.get_session_auth_hash's key_salt.
const sessionAuthHashSalt = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash"

// legacySessionSalt is the key_salt of Django < 3.1 session data
// (SessionBase._hash: "django.contrib.sessions" + class name, no dot).
const legacySessionSalt = "django.contrib.sessions" + "SessionStore"

// DefaultMaxSessionSize bounds what SessionCodec.Loads reads: the session
// data string and the JSON it decompresses to, in bytes.
const DefaultMaxSessionSize = 1 << 20

// ErrUnsupportedValue reports a session value SessionCodec.Dumps cannot
// write as JSON the way Django would (a type it does not know, a
// json.Number or json.RawMessage that is not valid JSON).
var ErrUnsupportedValue = errors.New("djangosign: unsupported session value")

// SessionItem is one key of a Django session dict. Dumps writes items in
// the order given, as Python writes a dict in insertion order; Loads
// returns them in document order.
type SessionItem struct {
	Key   string
	Value any
}

// SessionCodec reads and writes Django's session data
// (django_session.session_data, and the cache and file backends' values):
//
//	signing.dumps(session_dict, salt=SessionSalt, serializer=JSONSerializer, compress=True)
//
// that is payload ":" base62(unix seconds) ":" signature, where payload is
// the unpadded base64url of the compact, ASCII-only JSON of the dict, or
// "." and the base64url of its zlib compression when that is shorter, and
// signature is the unpadded base64url of HMAC-SHA256 keyed with
// SHA-256(SessionSalt + "signer" + SECRET_KEY) over payload ":" timestamp.
//
// Loads accepts, as Django 3.2 does: that format signed with SHA-256 or
// with the SHA-1 variant (DEFAULT_HASHING_ALGORITHM = "sha1"), and the
// pre-3.1 format base64(hex HMAC-SHA1 ":" JSON). Like Django's session
// backends it ignores the signing time (the row's expiry decides). Old
// secrets are accepted with WithFallbackSecrets (Django ≥ 4.1); new data
// is always signed with the primary secret and SHA-256.
//
// A SessionCodec is immutable and safe for concurrent use.
type SessionCodec struct {
	keys       [][]byte // SHA-256 signer keys, primary first
	sha1Keys   [][]byte // SHA-1 signer keys (Django 3.2's legacy algorithm)
	legacyKeys [][]byte // pre-3.1 session hash keys
	now        func() time.Time
	maxSize    int
}

// NewSessionCodec returns a SessionCodec keyed with secret (Django's
// SECRET_KEY as bytes; must not be empty). It takes WithClock (the
// signing time of Dumps) and WithFallbackSecrets. Errors wrap
// ErrInvalidConfig.
func NewSessionCodec(secret []byte, opts ...SignerOption) (*SessionCodec, error) {
	if len(secret) == 0 {
		return nil, fmt.Errorf("%w: empty secret", ErrInvalidConfig)
	}
	var cfg signerConfig
	for _, o := range opts {
		if o == nil {
			return nil, fmt.Errorf("%w: nil option", ErrInvalidConfig)
		}
		o.applySigner(&cfg)
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	secrets := append([][]byte{secret}, cfg.fallbacks...)
	c := &SessionCodec{
		keys:    deriveKeys(SessionSalt+"signer", secret, cfg.fallbacks),
		now:     cfg.now,
		maxSize: DefaultMaxSessionSize,
	}
	for _, s := range secrets {
		c.sha1Keys = append(c.sha1Keys, deriveSHA1Key(SessionSalt+"signer", s))
		c.legacyKeys = append(c.legacyKeys, deriveSHA1Key(legacySessionSalt, s))
	}
	return c, nil
}

// deriveSHA1Key is salted_hmac's key with algorithm="sha1":
// sha1(key_salt + secret).digest().
func deriveSHA1Key(keySalt string, secret []byte) []byte {
	h := sha1.New()
	h.Write([]byte(keySalt))
	h.Write(secret)
	return h.Sum(nil)
}

// Dumps returns the session data of items, signed now (a clock before
// 1970 gives timestamp 0). Values may be nil, bool, string, any integer
// type, float32/float64 (written as Python's repr), json.Number and
// json.RawMessage (valid JSON, rewritten in Django's compact ASCII form,
// object key order kept), []any, map[string]any (keys sorted: Go maps
// have no order) and []SessionItem (an object in the given order).
// Anything else returns an error wrapping ErrUnsupportedValue. Duplicate
// keys are written as given; Django keeps the last.
func (c *SessionCodec) Dumps(items []SessionItem) (string, error) {
	data, err := SessionJSON(items)
	if err != nil {
		return "", err
	}
	return c.DumpsJSON(data), nil
}

// SessionJSON returns the JSON that Dumps signs for items, as Django's
// JSONSerializer writes it (see Dumps for the value types), so that a
// caller can check its size first.
func SessionJSON(items []SessionItem) ([]byte, error) {
	return appendSessionJSON(nil, items)
}

// DumpsJSON signs data, the JSON of a session dict as SessionJSON writes
// it, now: Dumps(items) is DumpsJSON(SessionJSON(items)). data is not
// checked; anything else makes session data Django cannot use.
func (c *SessionCodec) DumpsJSON(data []byte) string {
	ts := c.now().Unix()
	if ts < 0 {
		ts = 0
	}
	return c.dumpsAt(data, compress(data), ts)
}

// compress is Python's zlib.compress(data) at the default level. Go's
// deflate makes a valid stream of about the same size, not the same
// bytes as zlib's: Django reads either.
func compress(data []byte) []byte {
	var buf bytes.Buffer
	w, _ := zlib.NewWriterLevel(&buf, zlib.DefaultCompression) // the level is valid
	w.Write(data)                                              // a bytes.Buffer does not fail
	w.Close()
	return buf.Bytes()
}

// dumpsAt assembles signing.dumps' value from the JSON data, its zlib
// compression and the timestamp: the compressed form is used, with the
// "." flag, only when it is shorter than len(data) - 1, as Django does.
func (c *SessionCodec) dumpsAt(data, compressed []byte, ts int64) string {
	payload := encodeB64(data)
	if len(compressed) < len(data)-1 {
		payload = "." + encodeB64(compressed)
	}
	value := payload + signSep + encodeBase62(ts)
	return value + signSep + signature(c.keys[0], value)
}

// Loads verifies and decodes session data and returns the dict's items in
// document order (a key repeated in the JSON keeps its first position and
// its last value, as Python's json.loads does). Top-level values are
// string, bool, nil, json.Number (any JSON number, as written) or
// json.RawMessage (an object or array, as written). The signing time is
// not checked. Every failure returns ErrMalformed or ErrBadSignature and
// no items: input longer than the codec's size limit, a signature that no
// key and algorithm verifies, a bad payload or compression, JSON that is
// not an object, or that decompresses past the size limit.
func (c *SessionCodec) Loads(sessionData string) ([]SessionItem, error) {
	if len(sessionData) == 0 || len(sessionData) > c.maxSize {
		return nil, ErrMalformed
	}
	items, err := c.loadsSigned(sessionData)
	if errors.Is(err, ErrBadSignature) {
		// Django 3.2's SessionBase.decode falls back to the pre-3.1 format
		// whenever the signature does not verify.
		if legacy, lerr := c.loadsLegacy(sessionData); lerr == nil {
			return legacy, nil
		}
	}
	return items, err
}

// loadsSigned is signing.loads(salt=SessionSalt, serializer=JSON) without
// max_age.
func (c *SessionCodec) loadsSigned(sessionData string) ([]SessionItem, error) {
	sepAt := strings.LastIndex(sessionData, signSep)
	if sepAt < 0 {
		return nil, ErrBadSignature // Django: "No ':' found in value" (BadSignature)
	}
	value, sig := sessionData[:sepAt], sessionData[sepAt+1:]
	if !c.verify(value, sig) {
		return nil, ErrBadSignature
	}
	tsAt := strings.LastIndex(value, signSep)
	if tsAt < 0 {
		return nil, ErrMalformed
	}
	payload := value[:tsAt]
	compressed := strings.HasPrefix(payload, ".")
	if compressed {
		payload = payload[1:]
	}
	raw, ok := decodeB64(payload)
	if !ok {
		return nil, ErrMalformed
	}
	if compressed {
		if raw, ok = decompress(raw, c.maxSize); !ok {
			return nil, ErrMalformed
		}
	}
	return parseSessionJSON(raw)
}

// verify checks sig over value with every key, SHA-256 and then SHA-1,
// in constant time per candidate.
func (c *SessionCodec) verify(value, sig string) bool {
	match := 0
	for _, key := range c.keys {
		match |= boolInt(hmac.Equal([]byte(signature(key, value)), []byte(sig)))
	}
	for _, key := range c.sha1Keys {
		mac := hmac.New(sha1.New, key)
		mac.Write([]byte(value))
		match |= boolInt(hmac.Equal([]byte(encodeB64(mac.Sum(nil))), []byte(sig)))
	}
	return match == 1
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// loadsLegacy decodes Django < 3.1 session data:
// base64(hex(HMAC-SHA1(sha1(legacySessionSalt + secret), json)) ":" json).
func (c *SessionCodec) loadsLegacy(sessionData string) ([]SessionItem, error) {
	decoded, err := base64.StdEncoding.DecodeString(sessionData)
	if err != nil {
		return nil, ErrMalformed
	}
	hash, serialized, ok := bytes.Cut(decoded, []byte(signSep))
	if !ok {
		return nil, ErrMalformed
	}
	match := 0
	for _, key := range c.legacyKeys {
		mac := hmac.New(sha1.New, key)
		mac.Write(serialized)
		match |= boolInt(hmac.Equal([]byte(hex.EncodeToString(mac.Sum(nil))), hash))
	}
	if match != 1 {
		return nil, ErrBadSignature
	}
	return parseSessionJSON(serialized)
}

// decompress inflates a zlib stream of at most limit bytes.
func decompress(raw []byte, limit int) ([]byte, bool) {
	r, err := zlib.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, false
	}
	out, err := io.ReadAll(io.LimitReader(r, int64(limit)+1))
	if err != nil || len(out) > limit {
		return nil, false
	}
	if err := r.Close(); err != nil {
		return nil, false
	}
	return out, true
}

// parseSessionJSON decodes JSONSerializer.loads' input: latin-1 bytes of
// a JSON object.
func parseSessionJSON(raw []byte) ([]SessionItem, error) {
	dec := json.NewDecoder(bytes.NewReader(latin1ToUTF8(raw)))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, ErrMalformed
	}
	var items []SessionItem
	at := map[string]int{}
	for dec.More() {
		tok, err := dec.Token()
		key, ok := tok.(string)
		if err != nil || !ok {
			return nil, ErrMalformed
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, ErrMalformed
		}
		value, err := topLevelValue(v)
		if err != nil {
			return nil, err
		}
		if i, seen := at[key]; seen {
			items[i].Value = value
			continue
		}
		at[key] = len(items)
		items = append(items, SessionItem{Key: key, Value: value})
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return nil, ErrMalformed
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, ErrMalformed // trailing data: Python's json.loads refuses it
	}
	if items == nil {
		items = []SessionItem{}
	}
	return items, nil
}

// topLevelValue converts one value of the session dict: scalars to Go
// values, objects and arrays kept as written.
func topLevelValue(v json.RawMessage) (any, error) {
	switch v[0] {
	case '{', '[':
		return v, nil
	case '"':
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return nil, ErrMalformed
		}
		return s, nil
	case 't':
		return true, nil
	case 'f':
		return false, nil
	case 'n':
		return nil, nil
	}
	return json.Number(v), nil
}

// latin1ToUTF8 is bytes.decode("latin-1"): every byte is the code point
// of the same value. ASCII input, all Django writes, is returned as is.
func latin1ToUTF8(b []byte) []byte {
	for i, c := range b {
		if c >= utf8.RuneSelf {
			out := make([]byte, i, len(b)+8)
			copy(out, b[:i])
			for _, c := range b[i:] {
				out = utf8.AppendRune(out, rune(c))
			}
			return out
		}
	}
	return b
}

// appendSessionJSON appends the JSON of items as Python's json.dumps with
// separators=(",", ":") and ensure_ascii writes it.
func appendSessionJSON(b []byte, items []SessionItem) ([]byte, error) {
	b = append(b, '{')
	for i, it := range items {
		if i > 0 {
			b = append(b, ',')
		}
		b = pyjson.AppendString(b, it.Key)
		b = append(b, ':')
		var err error
		if b, err = appendPyValue(b, it.Value); err != nil {
			return nil, fmt.Errorf("%w: key %q", err, it.Key)
		}
	}
	return append(b, '}'), nil
}

// appendPyValue appends one value as Python's json.dumps writes it.
func appendPyValue(b []byte, v any) ([]byte, error) {
	switch v := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case bool:
		return strconv.AppendBool(b, v), nil
	case string:
		return pyjson.AppendString(b, v), nil
	case int:
		return strconv.AppendInt(b, int64(v), 10), nil
	case int8:
		return strconv.AppendInt(b, int64(v), 10), nil
	case int16:
		return strconv.AppendInt(b, int64(v), 10), nil
	case int32:
		return strconv.AppendInt(b, int64(v), 10), nil
	case int64:
		return strconv.AppendInt(b, v, 10), nil
	case uint:
		return strconv.AppendUint(b, uint64(v), 10), nil
	case uint8:
		return strconv.AppendUint(b, uint64(v), 10), nil
	case uint16:
		return strconv.AppendUint(b, uint64(v), 10), nil
	case uint32:
		return strconv.AppendUint(b, uint64(v), 10), nil
	case uint64:
		return strconv.AppendUint(b, v, 10), nil
	case float32:
		return appendPyFloat(b, float64(v)), nil
	case float64:
		return appendPyFloat(b, v), nil
	case json.Number:
		return appendRawJSON(b, []byte(v), true)
	case json.RawMessage:
		return appendRawJSON(b, v, false)
	case []SessionItem:
		return appendSessionJSON(b, v)
	case []any:
		b = append(b, '[')
		for i, e := range v {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendPyValue(b, e); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		items := make([]SessionItem, len(keys))
		for i, k := range keys {
			items[i] = SessionItem{Key: k, Value: v[k]}
		}
		return appendSessionJSON(b, items)
	}
	return nil, fmt.Errorf("%w: type %T", ErrUnsupportedValue, v)
}

// appendRawJSON rewrites the JSON text raw compactly with ASCII escapes,
// keeping object key order and numbers as written; numberOnly requires a
// single number (a json.Number).
func appendRawJSON(b []byte, raw []byte, numberOnly bool) ([]byte, error) {
	if !json.Valid(raw) {
		return nil, fmt.Errorf("%w: invalid JSON", ErrUnsupportedValue)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	// Each open container remembers whether it is an object and how many
	// tokens it has seen, to place "," and ":".
	type frame struct {
		object bool
		n      int
	}
	var stack []frame
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%w: invalid JSON", ErrUnsupportedValue)
		}
		if numberOnly {
			if _, ok := tok.(json.Number); !ok {
				return nil, fmt.Errorf("%w: json.Number %q is not a number", ErrUnsupportedValue, string(raw))
			}
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			stack = stack[:len(stack)-1]
			b = append(b, byte(d))
			continue
		}
		if n := len(stack); n > 0 {
			top := &stack[n-1]
			switch {
			case top.object && top.n%2 == 1:
				b = append(b, ':')
			case top.n > 0:
				b = append(b, ',')
			}
			top.n++
		}
		switch tok := tok.(type) {
		case json.Delim:
			stack = append(stack, frame{object: tok == '{'})
			b = append(b, byte(tok))
		case string:
			b = pyjson.AppendString(b, tok)
		case json.Number:
			b = append(b, tok...)
		case bool:
			b = strconv.AppendBool(b, tok)
		case nil:
			b = append(b, "null"...)
		}
	}
}

// appendPyFloat appends Python's float repr as json.dumps writes it:
// the shortest round-tripping digits, positional between 1e-4 and 1e16
// with at least one decimal ("1.0"), else exponential ("1e+16",
// "1.5e-05"); NaN and infinities as NaN, Infinity, -Infinity.
func appendPyFloat(b []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(b, "NaN"...)
	case math.IsInf(f, 1):
		return append(b, "Infinity"...)
	case math.IsInf(f, -1):
		return append(b, "-Infinity"...)
	}
	e := strconv.FormatFloat(f, 'e', -1, 64)
	exp, _ := strconv.Atoi(e[strings.IndexByte(e, 'e')+1:])
	if exp < -4 || exp >= 16 {
		return append(b, e...)
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	b = append(b, s...)
	if !strings.ContainsRune(s, '.') {
		b = append(b, ".0"...)
	}
	return b
}

// SessionAuthHash returns Django's AbstractBaseUser.get_session_auth_hash
// for a user whose auth_user.password is passwordHash, with secret as
// SECRET_KEY: hex(HMAC-SHA256(key = SHA-256(
// "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash" +
// secret), passwordHash)), 64 lowercase hex characters. It is the
// _auth_user_hash of the sessions Django (3.1+, sha256) creates.
func SessionAuthHash(secret []byte, passwordHash string) string {
	mac := newMAC(deriveKey(sessionAuthHashSalt, secret))
	mac.Write([]byte(passwordHash))
	return hex.EncodeToString(mac.Sum(nil))
}

// legacySessionAuthHash is Django 3.2's _legacy_get_session_auth_hash:
// the same with SHA-1, 40 hex characters.
func legacySessionAuthHash(secret []byte, passwordHash string) string {
	mac := hmac.New(sha1.New, deriveSHA1Key(sessionAuthHashSalt, secret))
	mac.Write([]byte(passwordHash))
	return hex.EncodeToString(mac.Sum(nil))
}

// ValidSessionAuthHash reports whether hash, a session's _auth_user_hash,
// matches passwordHash under secret, as Django 3.2's get_user checks it:
// the SHA-256 SessionAuthHash or its 40-character SHA-1 variant. It runs
// in constant time in the hash's content.
func ValidSessionAuthHash(secret []byte, passwordHash, hash string) bool {
	want := SessionAuthHash(secret, passwordHash)
	legacy := legacySessionAuthHash(secret, passwordHash)
	return hmac.Equal([]byte(hash), []byte(want)) || hmac.Equal([]byte(hash), []byte(legacy))
}
