package core

import (
	"bytes"
	"mime/multipart"
	"testing"
)

// TestDecodeBodyFormNotUTF8 refuses form and multipart bodies whose keys or
// values decode to bytes that are not UTF-8 (T-REQ-08 in
// docs/threat-model.md), instead of replacing them or passing them on.
func TestDecodeBodyFormNotUTF8(t *testing.T) {
	const want = `{"detail":"Enter a valid value."}`
	for _, body := range []string{"username=ad%FFmin", "%FF=x", "a=ok&a=%C3", "username=alice&password=%ED%A0%80"} {
		_, e := decode(t, "application/x-www-form-urlencoded", body)
		if e == nil || e.Status != 400 || rendered(t, e) != want {
			t.Errorf("form %q: %+v, want 400 %s", body, e, want)
		}
	}
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("username", "ad\xffmin")
	_ = w.Close()
	if _, e := decode(t, w.FormDataContentType(), buf.String()); e == nil || e.Status != 400 || rendered(t, e) != want {
		t.Errorf("multipart: %+v, want 400 %s", e, want)
	}
	if b, e := decode(t, "application/x-www-form-urlencoded", "username=%C3%A9mile&x=%E2%82%AC"); e != nil || b["username"] != "émile" || b["x"] != "€" {
		t.Errorf("valid UTF-8 form: %v, %+v", b, e)
	}
}
