package storekit_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/storekit"
)

func TestCheckText(t *testing.T) {
	for _, tc := range []struct {
		value string
		max   int
		ok    bool
	}{
		{"alice", 150, true},
		{"", 150, true},
		{strings.Repeat("é", 150), 150, true}, // characters, not bytes
		{strings.Repeat("é", 151), 150, false},
		{"ad\x00min", 150, false},
		{"\xff", 150, false},
	} {
		err := storekit.CheckText(storekit.TextField{Name: "username", Value: tc.value, Max: tc.max})
		if (err == nil) != tc.ok || (err != nil && !errors.Is(err, core.ErrInvalidValue)) {
			t.Errorf("CheckText(%.20q, %d) = %v", tc.value, tc.max, err)
		}
		if storekit.Storable(tc.value, tc.max) != tc.ok {
			t.Errorf("Storable(%.20q, %d) != %v", tc.value, tc.max, tc.ok)
		}
	}
}

func TestUserKeys(t *testing.T) {
	u := &core.User{Username: "Alice", Email: "Alice@Example.COM", PasswordHash: "argon2$…"}
	uk, ek, err := storekit.UserKeys(u)
	if err != nil || uk != core.CanonicalUsername("ALICE") || ek != core.CanonicalEmail("alice@example.com") {
		t.Errorf("UserKeys = %q, %q, %v", uk, ek, err)
	}
	u.FirstName = strings.Repeat("x", core.MaxNameLength+1)
	if _, _, err := storekit.UserKeys(u); !errors.Is(err, core.ErrInvalidValue) || !strings.Contains(err.Error(), "first name") {
		t.Errorf("an over-long first name: %v", err)
	}
}

func TestRefreshChecks(t *testing.T) {
	if err := storekit.CheckRefreshID("jti", ""); !errors.Is(err, core.ErrInvalidValue) {
		t.Errorf("empty jti: %v", err)
	}
	if err := storekit.CheckRefreshID("jti", strings.Repeat("a", core.MaxRefreshIDLength)); err != nil {
		t.Errorf("jti at the limit: %v", err)
	}
	if storekit.RefreshIDStorable("") || storekit.RefreshIDStorable(strings.Repeat("a", core.MaxRefreshIDLength+1)) {
		t.Error("unstorable IDs reported storable")
	}
	if err := storekit.CheckInstant("revocation", time.Time{}); !errors.Is(err, core.ErrInvalidValue) {
		t.Errorf("zero time: %v", err)
	}
}

// A store refuses what no store could hold before it writes anything, and
// says which field.
func ExampleCheckText() {
	err := storekit.CheckText(
		storekit.TextField{Name: "username", Value: "alice", Max: core.MaxUsernameLength},
		storekit.TextField{Name: "first name", Value: "Ada\x00", Max: core.MaxNameLength},
	)
	fmt.Println(err)
	fmt.Println(errors.Is(err, core.ErrInvalidValue))
	// Output:
	// restauth: invalid value: first name contains a NUL byte
	// true
}

// Core stores only digests of DB token keys.
func ExampleTokenDigest() {
	d := storekit.TokenDigest("0123456789abcdef0123456789abcdef01234567")
	fmt.Println(len(d) == core.TokenDigestLength, d[:16])
	// Output: true deb87fabd17715bb
}
