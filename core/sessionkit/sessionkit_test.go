package sessionkit

import (
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/restauth/restauth/core"
)

func TestIDs(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 2000; i++ {
		id := NewID()
		if !ValidID(id) || len(id) != IDLength || seen[id] {
			t.Fatalf("bad or repeated ID %q", id)
		}
		seen[id] = true
	}
	for _, bad := range []string{"", "../x", strings.Repeat("a", 33), strings.Repeat("A", 32), strings.Repeat("a", 31) + "'"} {
		if ValidID(bad) {
			t.Errorf("ValidID(%q) = true", bad)
		}
	}
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Cookie", "sessionid="+strings.Repeat("b", 32)+"; other=x")
	if id, ok := RequestID(r, "sessionid"); !ok || id != strings.Repeat("b", 32) {
		t.Errorf("RequestID = %q, %v", id, ok)
	}
	r.Header.Set("Cookie", "sessionid=../../etc")
	if _, ok := RequestID(r, "sessionid"); ok {
		t.Error("malformed cookie accepted")
	}
}

func TestValues(t *testing.T) {
	in := map[interface{}]interface{}{"_auth_user_id": int64(7), "name": "x", "ok": true}
	data, err := EncodeValues(in, DefaultMaxSize)
	if err != nil {
		t.Fatal(err)
	}
	out, err := DecodeValues(data)
	if err != nil || out["_auth_user_id"] != int64(7) || out["name"] != "x" || out["ok"] != true {
		t.Fatalf("round trip: %v %v", out, err)
	}
	big := map[interface{}]interface{}{"blob": strings.Repeat("x", 2048)}
	if _, err := EncodeValues(big, 1024); !errors.Is(err, ErrTooLarge) || !errors.Is(err, core.ErrInvalidValue) {
		t.Errorf("oversized: %v", err)
	}
	if exp := Expiry(time.Unix(100, 0), 60); exp != time.Unix(160, 0).UnixMicro() {
		t.Errorf("Expiry = %d", exp)
	}
}
