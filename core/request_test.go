package core

import (
	"bytes"
	"encoding/json"
	"errors"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func decode(t *testing.T, ct, body string) (Body, *Error) {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	if ct != "" {
		r.Header.Set("Content-Type", ct)
	}
	b, err := DecodeBody(httptest.NewRecorder(), r, 1<<10, Messages{})
	if err == nil {
		return b, nil
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("DecodeBody returned %T %v, want *Error", err, err)
	}
	return nil, e
}

func rendered(t *testing.T, e *Error) string {
	t.Helper()
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestDecodeBodyErrors(t *testing.T) {
	cases := []struct {
		name, ct, body string
		status         int
		want           string
	}{
		{"not json", "application/json", "not json", 400, `{"detail":"JSON parse error - Expecting value: line 1 column 1 (char 0)"}`},
		{"truncated", "application/json", `{"username":`, 400, ``},
		{"list", "application/json", `[1, 2]`, 400, `{"non_field_errors":["Invalid data. Expected a dictionary, but got list."]}`},
		{"string", "application/json", `"x"`, 400, `{"non_field_errors":["Invalid data. Expected a dictionary, but got str."]}`},
		{"int", "application/json", `123`, 400, `{"non_field_errors":["Invalid data. Expected a dictionary, but got int."]}`},
		{"null", "application/json", `null`, 400, `{"non_field_errors":["No data provided"]}`},
		{"trailing object", "application/json", `{"a":1}{"b":2}`, 400, ``},
		{"trailing junk", "application/json", `{"a":1} junk`, 400, ``},
		{"duplicate key", "application/json", `{"password":"a","password":"b"}`, 400, `{"detail":"JSON parse error - Duplicate key \"password\""}`},
		{"invalid utf-8", "application/json", "{\"username\":\"\xff\"}", 400, ``},
		{"deep nesting", "application/json", strings.Repeat("[", 100000), 413, ``},
		{"text/plain", "text/plain", `{"a":1}`, 415, `{"detail":"Unsupported media type \"text/plain\" in request."}`},
		{"no content type", "", `{"a":1}`, 415, `{"detail":"Unsupported media type \"\" in request."}`},
		{"utf-16", "application/json; charset=utf-16", `{"a":1}`, 415, ``},
		{"xml", "application/xml", `<a/>`, 415, ``},
		{"too large", "application/json", `{"a":"` + strings.Repeat("x", 2000) + `"}`, 413, `{"detail":"Request body is too large."}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, e := decode(t, c.ct, c.body)
			if e == nil {
				t.Fatal("no error")
			}
			if e.Status != c.status {
				t.Errorf("status %d, want %d (%s)", e.Status, c.status, rendered(t, e))
			}
			if c.want != "" && rendered(t, e) != c.want {
				t.Errorf("body %s\nwant %s", rendered(t, e), c.want)
			}
		})
	}
}

func TestDecodeBodyDeepNestingUnderCap(t *testing.T) {
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"a":`+strings.Repeat("[", 20000)))
	r.Header.Set("Content-Type", "application/json")
	_, err := DecodeBody(httptest.NewRecorder(), r, 1<<20, Messages{})
	var e *Error
	if !errors.As(err, &e) || e.Status != 400 {
		t.Fatalf("got %v, want a 400", err)
	}
}

func TestDecodeBodyAccepts(t *testing.T) {
	b, e := decode(t, "Application/JSON; charset=UTF-8", `{"username":"alice","n":12,"f":1.0,"ok":true,"z":null}`)
	if e != nil {
		t.Fatal(rendered(t, e))
	}
	if b["username"] != "alice" || b["n"] != json.Number("12") || b["ok"] != true || b["z"] != nil {
		t.Errorf("body %#v", b)
	}
	if _, ok := b["z"]; !ok {
		t.Error("null key dropped")
	}
	b, e = decode(t, "application/x-www-form-urlencoded", "username=alice&password=a&password=b")
	if e != nil || b["username"] != "alice" || b["password"] != "b" {
		t.Errorf("form: %#v %v", b, e)
	}
	b, e = decode(t, "application/json", "")
	if e != nil || len(b) != 0 {
		t.Errorf("empty body: %#v %v", b, e)
	}
}

func TestDecodeBodyMultipart(t *testing.T) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("username", "alice")
	_ = mw.WriteField("password", "pw")
	_ = mw.Close()
	r := httptest.NewRequest(http.MethodPost, "/", &buf)
	r.Header.Set("Content-Type", mw.FormDataContentType())
	b, err := DecodeBody(httptest.NewRecorder(), r, 1<<20, Messages{})
	if err != nil || b["username"] != "alice" || b["password"] != "pw" {
		t.Fatalf("got %#v %v", b, err)
	}
}

func TestDecodeBodyChunkedOverCap(t *testing.T) {
	// No Content-Length: the cap must still stop the read.
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"a":"`+strings.Repeat("x", 4096)+`"}`))
	r.ContentLength = -1
	r.Header.Set("Content-Type", "application/json")
	_, err := DecodeBody(httptest.NewRecorder(), r, 1024, Messages{})
	var e *Error
	if !errors.As(err, &e) || e.Status != http.StatusRequestEntityTooLarge {
		t.Fatalf("got %v, want 413", err)
	}
}

// FuzzDecodeBody feeds arbitrary bytes as JSON and form bodies: decoding
// never panics, and either fails with a 4xx *Error or yields an object.
func FuzzDecodeBody(f *testing.F) {
	for _, s := range []string{`{"username":"alice","password":"x"}`, `{"a":1}{"b":2}`, `[1,2]`, `null`, "{\"u\":\"\xff\"}",
		`{"password":"a","password":"b"}`, `username=alice&password=x`, strings.Repeat("[", 1000), `{"a":{"b":[1,2,{"c":null}]}}`} {
		f.Add([]byte(s), true)
		f.Add([]byte(s), false)
	}
	f.Fuzz(func(t *testing.T, raw []byte, asJSON bool) {
		r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(raw))
		if asJSON {
			r.Header.Set("Content-Type", "application/json")
		} else {
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		b, err := DecodeBody(httptest.NewRecorder(), r, 1<<16, Messages{})
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Status < 400 || e.Status > 499 {
				t.Fatalf("non-4xx error %v", err)
			}
			return
		}
		if b == nil {
			t.Fatal("nil body without error")
		}
	})
}
