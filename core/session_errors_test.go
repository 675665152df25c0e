package core

import (
	"errors"
	"fmt"
	"io/fs"
	"testing"

	"github.com/gorilla/securecookie"
)

// A session store's error is anonymous only when it is known to mean "no
// session"; anything else fails closed.
func TestSessionLoadFailed(t *testing.T) {
	decodeErr := securecookie.DecodeMulti("sessionid", "tampered", new(string), securecookie.New([]byte("0123456789abcdef0123456789abcdef"), nil))
	if decodeErr == nil {
		t.Fatal("securecookie decoded garbage")
	}
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"no error", nil, false},
		{"restauth store outage", fmt.Errorf("x: %w", ErrUnavailable), true},
		{"third-party outage", errors.New("dial tcp 10.0.0.7:6379: connect: connection refused"), true},
		{"tampered cookie", decodeErr, false},
		{"session file gone", fmt.Errorf("open /tmp/session_x: %w", fs.ErrNotExist), false},
	} {
		if got := sessionLoadFailed(tc.err); got != tc.want {
			t.Errorf("%s: sessionLoadFailed = %v, want %v", tc.name, got, tc.want)
		}
	}
}
