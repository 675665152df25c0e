package sessionkit

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"math"
	"time"

	"github.com/restauth/restauth/core"
)

// EncodeValues gob-encodes values (nil encodes as empty). A value
// gob cannot encode (a type not gob.Register-ed) wraps core.ErrInvalidValue;
// an encoding over maxSize bytes wraps ErrTooLarge.
func EncodeValues(values map[interface{}]interface{}, maxSize int) ([]byte, error) {
	if values == nil {
		values = map[interface{}]interface{}{}
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(values); err != nil {
		return nil, fmt.Errorf("%w: session values: %w", core.ErrInvalidValue, err)
	}
	if buf.Len() > maxSize {
		return nil, fmt.Errorf("%w: %d bytes encoded, limit %d", ErrTooLarge, buf.Len(), maxSize)
	}
	return buf.Bytes(), nil
}

// DecodeValues decodes what EncodeValues wrote.
func DecodeValues(data []byte) (map[interface{}]interface{}, error) {
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
