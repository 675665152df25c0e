package djangosign

import (
	"crypto/hmac"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// AllauthSalt is the salt allauth signs email-confirmation keys with
// (ACCOUNT_SALT / app_settings.SALT).
const AllauthSalt = "account"

// DefaultConfirmationMaxAge is allauth's default key lifetime,
// ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3 days.
const DefaultConfirmationMaxAge = 3 * 24 * time.Hour

// Signed-value shape: "<b64 json>:<base62 ts>:<43-char b64 HMAC-SHA256>".
const (
	signSep = ":"
	// sigLen is the unpadded base64 length of a SHA-256 digest.
	sigLen = 43
	// maxPayloadLen covers the base64 of any JSON int64 (27 characters)
	// with room to spare.
	maxPayloadLen = 64
	// maxSignedLen bounds LoadsInt input before it is split.
	maxSignedLen = maxPayloadLen + 1 + maxBase62Len + 1 + sigLen
	// maxTimestamp is 9999-12-31T23:59:59Z, the last second Python's
	// datetime (and so Django) can represent; later timestamps are
	// malformed.
	maxTimestamp = 253402300799
)

// Signer makes and loads Django signing.dumps / signing.loads values for
// integers, with TimestampSigner semantics, SHA-256 (Django 3.1+) and no
// compression: allauth's HMAC email-confirmation keys are
// signing.dumps(emailaddress.pk, salt="account").
//
// A Signer is immutable and safe for concurrent use.
type Signer struct {
	keys [][]byte // primary first, then fallbacks
	now  func() time.Time
}

// signerConfig collects SignerOptions.
type signerConfig struct {
	commonConfig
}

// NewSigner returns a Signer keyed with secret (Django's SECRET_KEY as
// bytes; must not be empty) and salt (must not be empty; use
// [AllauthSalt] for allauth confirmation keys). The HMAC key is Django's
// salted_hmac key for key_salt = salt + "signer":
// SHA-256(salt + "signer" + secret). Errors wrap [ErrInvalidConfig].
func NewSigner(secret []byte, salt string, opts ...SignerOption) (*Signer, error) {
	if len(secret) == 0 {
		return nil, fmt.Errorf("%w: empty secret", ErrInvalidConfig)
	}
	if salt == "" {
		return nil, fmt.Errorf("%w: empty salt", ErrInvalidConfig)
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
	return &Signer{
		keys: deriveKeys(salt+"signer", secret, cfg.fallbacks),
		now:  cfg.now,
	}, nil
}

// DumpsInt returns signing.dumps(v, salt=salt) timestamped now:
// b64(json(v)) ":" base62(unix seconds) ":" b64(HMAC-SHA256), base64url
// without padding. A clock before 1970 gives timestamp 0.
func (s *Signer) DumpsInt(v int64) string {
	ts := s.now().Unix()
	if ts < 0 {
		ts = 0
	}
	return s.dumpsAt(v, ts)
}

// dumpsAt signs v with the primary key and timestamp ts.
func (s *Signer) dumpsAt(v int64, ts int64) string {
	value := encodeB64(strconv.AppendInt(nil, v, 10)) + signSep + encodeBase62(ts)
	return value + signSep + signature(s.keys[0], value)
}

// signature is Django's base64_hmac: b64_encode(salted_hmac(...).digest()).
func signature(key []byte, value string) string {
	mac := newMAC(key)
	mac.Write([]byte(value))
	var sum [32]byte
	return encodeB64(mac.Sum(sum[:0]))
}

// LoadsInt verifies a value made by [Signer.DumpsInt] (or by Django's
// signing.dumps of an integer with the same secret and salt) and returns
// the integer and the signing time (UTC). Checks run in this order:
//
//  1. shape: at most 120 bytes (a dumps of any int64 is at most 83), exactly three ":"-separated parts, a
//     non-empty payload, a canonical base62 timestamp not after year
//     9999 → [ErrMalformed];
//  2. signature, against the secret and every fallback secret, in
//     constant time → [ErrBadSignature];
//  3. age: now - timestamp > maxAge → [ErrExpired] (as Django, a
//     timestamp in the future is not an error; maxAge ≤ 0 rejects
//     everything not signed in the future);
//  4. payload: unpadded base64url of a JSON integer in canonical form
//     (what json.dumps writes for an int64); a compressed payload
//     (leading ".") or any other JSON value → [ErrMalformed].
//
// Only the canonical spelling Dumps produces is accepted. On error the
// integer is 0 and the time is the zero Time.
func (s *Signer) LoadsInt(signed string, maxAge time.Duration) (int64, time.Time, error) {
	if len(signed) == 0 || len(signed) > maxSignedLen {
		return 0, time.Time{}, ErrMalformed
	}
	sepAt := strings.LastIndex(signed, signSep)
	if sepAt < 0 {
		return 0, time.Time{}, ErrMalformed
	}
	value, sig := signed[:sepAt], signed[sepAt+1:]
	payload, tsPart, ok := strings.Cut(value, signSep)
	if !ok || payload == "" || len(payload) > maxPayloadLen || strings.Contains(tsPart, signSep) {
		return 0, time.Time{}, ErrMalformed
	}
	ts, ok := decodeBase62(tsPart)
	if !ok || ts > maxTimestamp {
		return 0, time.Time{}, ErrMalformed
	}

	match := 0
	for _, key := range s.keys {
		if hmac.Equal([]byte(signature(key, value)), []byte(sig)) {
			match = 1
		}
	}
	if match != 1 {
		return 0, time.Time{}, ErrBadSignature
	}

	signedAt := time.Unix(ts, 0).UTC()
	if s.now().Sub(signedAt) > maxAge {
		return 0, time.Time{}, ErrExpired
	}

	v, ok := decodeIntPayload(payload)
	if !ok {
		return 0, time.Time{}, ErrMalformed
	}
	return v, signedAt, nil
}

// decodeIntPayload decodes a signing.dumps payload that must be an
// uncompressed JSON integer. A compressed payload starts with ".", which
// is not in the base64url alphabet, so decodeB64 refuses it.
func decodeIntPayload(payload string) (int64, bool) {
	raw, ok := decodeB64(payload)
	if !ok {
		return 0, false
	}
	return parseCanonicalInt(string(raw), 10)
}
