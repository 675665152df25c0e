package core

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestWriteErrorMapping(t *testing.T) {
	var logs bytes.Buffer
	a, err := New(Config{Store: nopStore{}, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		err    error
		status int
		body   string
		header [2]string
	}{
		{"auth error uses the first challenge", NewAuthError("Invalid token."), 401, `{"detail":"Invalid token."}`, [2]string{"WWW-Authenticate", "Token"}},
		{"validation", NonFieldError("nope"), 400, `{"non_field_errors":["nope"]}`, [2]string{}},
		{"invalid value from a store", unavailable(fmt.Errorf("%w: username too long", ErrInvalidValue)), 400, `{"detail":"Enter a valid value."}`, [2]string{}},
		{"store failure", unavailable(errors.New("dial tcp: connection refused")), 503, `{"detail":"Service temporarily unavailable, try again later."}`, [2]string{"Retry-After", "5"}},
		{"anything else", errors.New("boom: secret-ish internals"), 500, `{"detail":"A server error occurred."}`, [2]string{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			a.WriteError(w, httptest.NewRequest(http.MethodGet, "/x", nil), c.err)
			if w.Code != c.status || w.Body.String() != c.body {
				t.Errorf("got %d %s, want %d %s", w.Code, w.Body, c.status, c.body)
			}
			if c.header[0] != "" && w.Header().Get(c.header[0]) != c.header[1] {
				t.Errorf("%s = %q", c.header[0], w.Header().Get(c.header[0]))
			}
			if w.Header().Get("Content-Type") != "application/json" {
				t.Errorf("content type %q", w.Header().Get("Content-Type"))
			}
		})
	}
	if !strings.Contains(logs.String(), "connection refused") || !strings.Contains(logs.String(), "boom") {
		t.Errorf("causes not logged: %s", logs.String())
	}
}
