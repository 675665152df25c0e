package simplejwt

import (
	"errors"
	"fmt"
	"sync"
	"testing"
)

// The sentinels render SimpleJWT 5.2.2's exact messages.
func TestErrorMessages(t *testing.T) {
	for err, want := range map[error]string{
		ErrInvalid:      "Token is invalid or expired",
		ErrExpired:      "Token is invalid or expired",
		ErrTooLong:      "Token is invalid or expired",
		ErrMalformed:    "Token is invalid or expired",
		ErrAlgorithm:    "Token is invalid or expired",
		ErrUnknownKey:   "Token is invalid or expired",
		ErrBadSignature: "Token is invalid or expired",
		ErrClaims:       "Token is invalid or expired",
		ErrNoID:         "Token has no id",
		ErrNoType:       "Token has no type",
		ErrWrongType:    "Token has wrong type",
		ErrNoUserID:     "Token contained no recognizable user identification",
	} {
		if err.Error() != want {
			t.Errorf("%s: Error() = %q, want %q", Reason(err), err.Error(), want)
		}
	}
}

func TestErrorHierarchy(t *testing.T) {
	for _, err := range []error{ErrExpired, ErrTooLong, ErrMalformed, ErrAlgorithm, ErrUnknownKey, ErrBadSignature, ErrClaims} {
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("%s does not match ErrInvalid", Reason(err))
		}
		if errors.Is(ErrInvalid, err) {
			t.Errorf("ErrInvalid matches %s", Reason(err))
		}
		if err != ErrExpired && errors.Is(err, ErrExpired) {
			t.Errorf("%s matches ErrExpired", Reason(err))
		}
	}
	for _, err := range []error{ErrNoID, ErrNoType, ErrWrongType, ErrNoUserID} {
		if errors.Is(err, ErrInvalid) {
			t.Errorf("%s matches ErrInvalid", Reason(err))
		}
	}
	wrapped := fmt.Errorf("authenticate: %w", ErrExpired)
	if !errors.Is(wrapped, ErrInvalid) || !errors.Is(wrapped, ErrExpired) || Reason(wrapped) != "expired" {
		t.Error("wrapping loses the hierarchy")
	}
	if Reason(errors.New("other")) != "" || Reason(nil) != "" {
		t.Error("Reason of a foreign error")
	}
}

// Parse and Mint share one immutable Codec across goroutines (run with
// -race).
func TestConcurrentUse(t *testing.T) {
	c := mustNew(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 200 {
				if _, err := c.Parse(katToken, Access); err != nil {
					t.Error(err)
					return
				}
				cl := katClaims()
				cl.UserID = int64(i)
				tok, err := c.Mint(cl)
				if err != nil {
					t.Error(err)
					return
				}
				got, err := c.Parse(tok, Access)
				if err != nil || got.UserID != int64(i) {
					t.Error("round trip under concurrency", err)
					return
				}
			}
		}()
	}
	wg.Wait()
}
