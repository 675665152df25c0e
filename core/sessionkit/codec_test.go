package sessionkit

import (
	"bytes"
	"encoding/gob"
	"encoding/hex"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/restauth/restauth/core"
)

// storedGob is a session as EncodeValues wrote it before the compact
// encoding existed (gob of map[interface{}]interface{}):
// {"_auth_user_id": int64(42), "_auth_user_hash": "abc", "flag": true, "n": 7}.
const storedGob = "0d7f040102ff80000110011000007aff80000406737472696e670c060004666c616704626f6f6c0202000106737472696e670c0300016e03696e740402000e06737472696e670c0f000d5f617574685f757365725f696405696e7436340402005406737472696e670c11000f5f617574685f757365725f6861736806737472696e670c050003616263"

func TestValuesReadsStoredGob(t *testing.T) {
	data, _ := hex.DecodeString(storedGob)
	got, err := DecodeValues(data)
	want := map[interface{}]interface{}{"_auth_user_id": int64(42), "_auth_user_hash": "abc", "flag": true, "n": 7}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("stored gob session: %#v, %v; want %#v", got, err, want)
	}
}

func TestValuesCompactRoundTrip(t *testing.T) {
	for _, in := range []map[interface{}]interface{}{
		nil,
		{},
		{"_auth_user_id": int64(7), "_auth_user_hash": strings.Repeat("f", 64), "_created": int64(1700000000)},
		{"min": int64(math.MinInt64), "max": int64(math.MaxInt64), "zero": int64(0), "neg": -1, "int": math.MaxInt32},
		{"": "", "t": true, "f": false, "ünï\x00code": "日本語\xff"},
	} {
		data, err := EncodeValues(in, DefaultMaxSize)
		if err != nil {
			t.Fatalf("encode %v: %v", in, err)
		}
		if !bytes.HasPrefix(data, compactPrefix) {
			t.Errorf("%v: not compact: %q", in, data)
		}
		out, err := DecodeValues(data)
		if err != nil {
			t.Fatalf("decode %v: %v", in, err)
		}
		want := in
		if want == nil {
			want = map[interface{}]interface{}{}
		}
		if !reflect.DeepEqual(out, want) {
			t.Errorf("round trip: got %#v, want %#v", out, want)
		}
	}
}

func TestValuesGobFallback(t *testing.T) {
	for _, in := range []map[interface{}]interface{}{
		{"ratio": 0.5, "id": int64(1)},
		{int64(3): "key not a string"},
		{"list": []string{"a", "b"}},
	} {
		data, err := EncodeValues(in, DefaultMaxSize)
		if err != nil {
			t.Fatalf("encode %v: %v", in, err)
		}
		if bytes.HasPrefix(data, compactPrefix) {
			t.Errorf("%v: compact encoding of a type it cannot hold", in)
		}
		var direct map[interface{}]interface{}
		if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&direct); err != nil {
			t.Errorf("%v: fallback is not plain gob: %v", in, err)
		}
		out, err := DecodeValues(data)
		if err != nil || !reflect.DeepEqual(out, in) {
			t.Errorf("round trip: got %#v, %v; want %#v", out, err, in)
		}
	}
	type unregistered struct{ X int }
	if _, err := EncodeValues(map[interface{}]interface{}{"u": unregistered{1}}, DefaultMaxSize); !errors.Is(err, core.ErrInvalidValue) {
		t.Errorf("unregistered type: %v", err)
	}
	big := map[interface{}]interface{}{"blob": strings.Repeat("x", 2048), "f": 1.5}
	if _, err := EncodeValues(big, 1024); !errors.Is(err, ErrTooLarge) {
		t.Errorf("oversized gob: %v", err)
	}
}

// validCompact is a compact encoding of two entries, for corrupting.
func validCompact(t testing.TB) []byte {
	data, err := EncodeValues(map[interface{}]interface{}{"uid": int64(-300), "hash": "abcdef"}, DefaultMaxSize)
	if err != nil || !bytes.HasPrefix(data, compactPrefix) {
		t.Fatalf("encode: %q %v", data, err)
	}
	return data
}

func TestDecodeCompactMalformed(t *testing.T) {
	valid := validCompact(t)
	for n := len(compactPrefix); n < len(valid); n++ {
		if v, err := DecodeValues(valid[:n]); err == nil {
			t.Errorf("truncated to %d bytes: decoded %v", n, v)
		}
	}
	p := string(compactPrefix)
	for name, data := range map[string]string{
		"trailing byte":       string(valid) + "x",
		"unknown kind":        p + "\x01\x01kz\x00",
		"bool 2":              p + "\x01\x01kb\x02",
		"bool missing":        p + "\x01\x01kb",
		"count beyond data":   p + "\xff\xff\xff\xff\x0f\x01kb\x01",
		"count overflows":     p + "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01",
		"key length too long": p + "\x01\x10kb\x01",
		"string too long":     p + "\x01\x01ks\x7fabc",
		"string length huge":  p + "\x01\x01ks\xff\xff\xff\xff\xff\xff\xff\xff\x7fabc",
		"varint unterminated": p + "\x01\x01ki\xff\xff",
		"varint too long":     p + "\x01\x01ki\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01",
		"duplicate key":       p + "\x02\x01kb\x01\x01kb\x00",
		"no count":            p,
	} {
		if v, err := DecodeValues([]byte(data)); err == nil {
			t.Errorf("%s: decoded %v", name, v)
		}
	}
}

func FuzzDecodeValues(f *testing.F) {
	f.Add(validCompact(f))
	gobData, _ := hex.DecodeString(storedGob)
	f.Add(gobData)
	f.Add([]byte(string(compactPrefix) + "\x02\x01kb\x01\x01kb\x00"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		values, err := DecodeValues(data)
		if err != nil {
			if values != nil {
				t.Fatalf("error %v with values %v", err, values)
			}
			return
		}
		if !bytes.HasPrefix(data, compactPrefix) {
			return
		}
		again, err := EncodeValues(values, math.MaxInt)
		if err != nil {
			t.Fatalf("re-encode %v: %v", values, err)
		}
		back, err := DecodeValues(again)
		if err != nil || !reflect.DeepEqual(back, values) {
			t.Fatalf("re-decode: %v, %v; want %v", back, err, values)
		}
	})
}
