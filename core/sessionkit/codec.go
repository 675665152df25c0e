package sessionkit

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"math"
	"time"

	"github.com/restauth/restauth/core"
)

// Codec is an encoding of session values other than EncodeValues' (an
// Engine's Codec field), for a Backend whose data another framework reads
// and writes too (sqlstore's Django sessions).
type Codec interface {
	// Encode encodes values (nil encodes as empty). Values it cannot
	// encode wrap core.ErrInvalidValue; an encoding over maxSize bytes
	// wraps ErrTooLarge. It must not modify values.
	Encode(values map[interface{}]interface{}, maxSize int) ([]byte, error)
	// Decode decodes what Encode (or the other framework) wrote. Data it
	// cannot read, including data whose signature does not verify,
	// returns an error and never a partial map: the Engine then treats
	// the session as absent.
	Decode(data []byte) (map[interface{}]interface{}, error)
}

// EncodeValues encodes session values (nil encodes as empty). Values whose
// keys are all strings and whose values are all int64, int, string or bool
// (everything restauth itself stores) get the compact encoding
// (compact.go), which decodes without reflection; any other map is
// gob-encoded as map[interface{}]interface{}, as before the compact
// encoding existed. A value gob cannot encode (a type not gob.Register-ed)
// wraps core.ErrInvalidValue; an encoding over maxSize bytes wraps
// ErrTooLarge.
func EncodeValues(values map[interface{}]interface{}, maxSize int) ([]byte, error) {
	data, ok := encodeCompact(values)
	if !ok {
		if values == nil {
			values = map[interface{}]interface{}{}
		}
		var buf bytes.Buffer
		if err := gob.NewEncoder(&buf).Encode(values); err != nil {
			return nil, fmt.Errorf("%w: session values: %w", core.ErrInvalidValue, err)
		}
		data = buf.Bytes()
	}
	if len(data) > maxSize {
		return nil, fmt.Errorf("%w: %d bytes encoded, limit %d", ErrTooLarge, len(data), maxSize)
	}
	return data, nil
}

// DecodeValues decodes what EncodeValues wrote, in either encoding: data
// that starts with the compact prefix is compact, anything else gob (so
// sessions stored before the compact encoding stay readable). Malformed
// data returns an error, never a partial map.
func DecodeValues(data []byte) (map[interface{}]interface{}, error) {
	if bytes.HasPrefix(data, compactPrefix) {
		return decodeCompact(data[len(compactPrefix):])
	}
	values := map[interface{}]interface{}{}
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&values); err != nil {
		return nil, err
	}
	return values, nil
}

// Expiry returns now + maxAge seconds in Unix microseconds,
// saturating instead of overflowing.
func Expiry(now time.Time, maxAge int) int64 {
	base := now.UnixMicro()
	add := int64(maxAge)
	if add > (math.MaxInt64-base)/1_000_000 {
		return math.MaxInt64
	}
	return base + add*1_000_000
}
