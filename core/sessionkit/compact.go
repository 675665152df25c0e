package sessionkit

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// The compact session encoding (bench/NOTES.md, F4): gob compiles a decoder
// from the type description at the head of every stream, which was most
// of the cost of a session request. The compact encoding is
//
//	prefix  "\x00rsk1"
//	count   uvarint, the number of entries
//	entries count × (key, kind, value):
//	  key   uvarint length, then the string's bytes
//	  kind  one byte: kindInt64, kindInt, kindString, kindBool
//	  value int64 and int: varint (zig-zag); string: uvarint length, then
//	        the bytes; bool: one byte, 0 or 1
//
// and nothing after the last entry. A gob stream starts with the uvarint
// length of its first message, which is never 0, so the leading zero byte
// tells the two encodings apart.

// compactPrefix starts every compact encoding.
var compactPrefix = []byte("\x00rsk1")

// The kinds of value the compact encoding holds.
const (
	kindInt64  byte = 'i'
	kindInt    byte = 'n'
	kindString byte = 's'
	kindBool   byte = 'b'
)

// minEntrySize is the smallest encoded entry: an empty key, a kind and a
// one-byte value. It bounds the count a decoder believes.
const minEntrySize = 3

// errCompact is the error of every malformed compact encoding.
var errCompact = errors.New("sessionkit: malformed session data")

// encodeCompact returns the compact encoding of values, or false if a key
// is not a string or a value not of a kind the encoding holds.
func encodeCompact(values map[interface{}]interface{}) ([]byte, bool) {
	size := len(compactPrefix) + binary.MaxVarintLen64
	for k, v := range values {
		key, ok := k.(string)
		if !ok {
			return nil, false
		}
		size += 2*binary.MaxVarintLen64 + 1 + len(key)
		switch v := v.(type) {
		case int64, int, bool:
		case string:
			size += len(v)
		default:
			return nil, false
		}
	}
	b := make([]byte, 0, size)
	b = append(b, compactPrefix...)
	b = binary.AppendUvarint(b, uint64(len(values)))
	for k, v := range values {
		key := k.(string)
		b = binary.AppendUvarint(b, uint64(len(key)))
		b = append(b, key...)
		switch v := v.(type) {
		case int64:
			b = binary.AppendVarint(append(b, kindInt64), v)
		case int:
			b = binary.AppendVarint(append(b, kindInt), int64(v))
		case string:
			b = binary.AppendUvarint(append(b, kindString), uint64(len(v)))
			b = append(b, v...)
		case bool:
			var x byte
			if v {
				x = 1
			}
			b = append(b, kindBool, x)
		}
	}
	return b, true
}

// decodeCompact decodes the entries that follow the prefix.
func decodeCompact(data []byte) (map[interface{}]interface{}, error) {
	d := compactDecoder{data: data}
	n := d.uvarint()
	if d.err != nil || n > uint64(len(d.data)/minEntrySize) {
		return nil, errCompact
	}
	values := make(map[interface{}]interface{}, n)
	for range n {
		key := d.string()
		v := d.value()
		if d.err != nil {
			return nil, d.err
		}
		if _, dup := values[key]; dup {
			return nil, fmt.Errorf("%w: key %q repeated", errCompact, key)
		}
		values[key] = v
	}
	if len(d.data) != 0 {
		return nil, fmt.Errorf("%w: %d bytes after the last entry", errCompact, len(d.data))
	}
	return values, nil
}

// compactDecoder reads a compact encoding front to back; its first error
// sticks and every later read returns a zero value.
type compactDecoder struct {
	data []byte
	err  error
}

// uvarint reads an unsigned varint.
func (d *compactDecoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.data)
	if n <= 0 {
		d.err = errCompact
		return 0
	}
	d.data = d.data[n:]
	return v
}

// string reads a uvarint length and that many bytes.
func (d *compactDecoder) string() string {
	n := d.uvarint()
	if d.err != nil {
		return ""
	}
	if n > uint64(len(d.data)) {
		d.err = errCompact
		return ""
	}
	s := string(d.data[:n])
	d.data = d.data[n:]
	return s
}

// value reads a kind byte and the value it announces.
func (d *compactDecoder) value() interface{} {
	if d.err != nil {
		return nil
	}
	if len(d.data) == 0 {
		d.err = errCompact
		return nil
	}
	kind := d.data[0]
	d.data = d.data[1:]
	switch kind {
	case kindInt64:
		return d.varint()
	case kindInt:
		v := d.varint()
		if int64(int(v)) != v {
			d.err = errCompact // wider than this platform's int
		}
		return int(v)
	case kindString:
		return d.string()
	case kindBool:
		if len(d.data) == 0 || d.data[0] > 1 {
			d.err = errCompact
			return nil
		}
		v := d.data[0] == 1
		d.data = d.data[1:]
		return v
	}
	d.err = fmt.Errorf("%w: unknown kind %#x", errCompact, kind)
	return nil
}

// varint reads a signed (zig-zag) varint.
func (d *compactDecoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.data)
	if n <= 0 {
		d.err = errCompact
		return 0
	}
	d.data = d.data[n:]
	return v
}
