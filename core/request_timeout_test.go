package core

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// RequestTimeout defaults to DefaultRequestTimeout and must not be
// negative.
func TestRequestTimeoutConfig(t *testing.T) {
	a, err := New(Config{Store: nopStore{}})
	if err != nil {
		t.Fatal(err)
	}
	if got := a.Config().RequestTimeout; got != DefaultRequestTimeout {
		t.Errorf("default RequestTimeout %v, want %v", got, DefaultRequestTimeout)
	}
	if _, err := New(Config{Store: nopStore{}, RequestTimeout: -time.Second}); err == nil || !strings.Contains(err.Error(), "RequestTimeout") {
		t.Errorf("negative RequestTimeout: %v", err)
	}
}

// deadlineStore reports whether token lookups run under a deadline.
type deadlineStore struct {
	nopStore
	deadline bool
}

func (s *deadlineStore) UserByToken(ctx context.Context, digest string) (*User, *Token, error) {
	_, s.deadline = ctx.Deadline()
	return &User{ID: 1, Username: "alice", IsActive: true}, &Token{Digest: digest, UserID: 1}, nil
}

// The middleware authenticates under the deadline; the application
// handler behind it keeps the request's own context.
func TestRequestTimeoutMiddleware(t *testing.T) {
	st := &deadlineStore{}
	a, err := New(Config{Store: st, RequestTimeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	var appDeadline, served bool
	h := a.RequireUser(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, appDeadline = r.Context().Deadline()
		served = true
	}))
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Authorization", "Token "+strings.Repeat("a", 40))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if !st.deadline {
		t.Error("authentication ran without a deadline")
	}
	if !served || appDeadline {
		t.Errorf("status %d, application handler served %v, under a deadline %v", w.Code, served, appDeadline)
	}
}

// A request that runs out of time is a 503, like a failing store.
func TestDeadlineIsUnavailable(t *testing.T) {
	a, err := New(Config{Store: nopStore{}})
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	a.WriteError(w, httptest.NewRequest(http.MethodGet, "/", nil), errors.Join(errors.New("acquire"), context.DeadlineExceeded))
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" {
		t.Errorf("status %d, Retry-After %q", w.Code, w.Header().Get("Retry-After"))
	}
}
