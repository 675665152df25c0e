package sessionkit

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/restauth/restauth/core"
)

// mapBackend is a Backend on a map that keeps the bytes it is given.
type mapBackend struct {
	fakeBackend
	data map[string][]byte
}

func (b *mapBackend) Load(_ context.Context, id string, _ int64) ([]byte, bool, error) {
	d, ok := b.data[id]
	return d, ok, nil
}

func (b *mapBackend) Insert(_ context.Context, id string, data []byte, _ int64) error {
	b.inserts++
	b.data[id] = data
	return nil
}

// upperCodec stores "v:" + the single string value of key "k", upper-cased;
// it records the maxSize it was given and refuses other shapes.
type upperCodec struct {
	maxSize int
	decodes int
}

func (c *upperCodec) Encode(values map[interface{}]interface{}, maxSize int) ([]byte, error) {
	c.maxSize = maxSize
	v, ok := values["k"].(string)
	if !ok || len(values) != 1 {
		return nil, fmt.Errorf("%w: upperCodec takes one string k", core.ErrInvalidValue)
	}
	return []byte("v:" + strings.ToUpper(v)), nil
}

func (c *upperCodec) Decode(data []byte) (map[interface{}]interface{}, error) {
	c.decodes++
	v, ok := strings.CutPrefix(string(data), "v:")
	if !ok {
		return nil, errors.New("not upperCodec data")
	}
	return map[interface{}]interface{}{"k": v}, nil
}

// TestEngineCodec: with a Codec, Save stores the Codec's bytes (given the
// Engine's size limit) and New decodes with it; data the Codec refuses
// loads as no session; an Encode error fails Save before the Backend.
// Without a Codec the default encoding is used.
func TestEngineCodec(t *testing.T) {
	b := &mapBackend{data: map[string][]byte{}}
	c := &upperCodec{}
	e := &Engine{Backend: b, Name: "x", Codec: c, MaxSize: 1234}
	s := engineStore{e}

	sess, _ := s.New(httptest.NewRequest(http.MethodGet, "/", nil), "sessionid")
	sess.Values["k"] = "abc"
	if err := s.Save(httptest.NewRequest(http.MethodGet, "/", nil), httptest.NewRecorder(), sess); err != nil {
		t.Fatal(err)
	}
	if got := string(b.data[sess.ID]); got != "v:ABC" || c.maxSize != 1234 {
		t.Errorf("stored %q with maxSize %d, want v:ABC and 1234", got, c.maxSize)
	}

	load := func(id string) *http.Request {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.AddCookie(&http.Cookie{Name: "sessionid", Value: id})
		return r
	}
	got, err := s.New(load(sess.ID), "sessionid")
	if err != nil || got.IsNew || got.Values["k"] != "ABC" || c.decodes != 1 {
		t.Errorf("New = %+v, %v after %d decodes; want the Codec's values", got, err, c.decodes)
	}

	foreign := NewID()
	b.data[foreign] = []byte("something else")
	if got, err := s.New(load(foreign), "sessionid"); err != nil || !got.IsNew || got.ID != "" || len(got.Values) != 0 {
		t.Errorf("undecodable data: %+v, %v; want a new session and no error", got, err)
	}

	inserts := b.inserts
	bad, _ := s.New(httptest.NewRequest(http.MethodGet, "/", nil), "sessionid")
	bad.Values["k"] = 7
	if err := s.Save(httptest.NewRequest(http.MethodGet, "/", nil), httptest.NewRecorder(), bad); !errors.Is(err, core.ErrInvalidValue) || b.inserts != inserts {
		t.Errorf("Encode failing: %v after %d more inserts; want the Codec's error and none", err, b.inserts-inserts)
	}

	plain := &Engine{Backend: b, Name: "x"}
	sess, _ = engineStore{plain}.New(httptest.NewRequest(http.MethodGet, "/", nil), "sessionid")
	sess.Values["k"] = "abc"
	if err := (engineStore{plain}).Save(httptest.NewRequest(http.MethodGet, "/", nil), httptest.NewRecorder(), sess); err != nil {
		t.Fatal(err)
	}
	if values, err := DecodeValues(b.data[sess.ID]); err != nil || values["k"] != "abc" {
		t.Errorf("without a Codec: %v, %v; want EncodeValues' bytes", values, err)
	}
}
