package storetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"
	"time"

	"github.com/restauth/restauth/core"
)

// zoneIST and zonePST are non-UTC zones: a store must return instants in
// UTC whatever zone they were written in.
func zoneIST() *time.Location { return time.FixedZone("IST", 5*3600+1800) }

func zonePST() *time.Location { return time.FixedZone("PST", -8*3600) }

// joinedAt and loggedInAt are fixed instants with microsecond precision in
// a non-UTC zone, so a store that keeps the zone or drops the fraction fails.
func joinedAt() time.Time { return time.Date(2024, 2, 29, 23, 59, 58, 123456000, zoneIST()) }

func loggedInAt() time.Time { return time.Date(2025, 7, 1, 6, 5, 4, 987654000, zonePST()) }

// hashA and hashB are Django-format hashes (their exact value is opaque to
// the store).
const (
	hashA = "argon2$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$Zm9vYmFyYmF6cXV4cXV1eGZvb2Jhcg"
	hashB = "pbkdf2_sha256$1000000$c2FsdA$0123456789abcdef0123456789abcdef0123456789A="
)

// newUser returns an active user named name with an email derived from it.
func newUser(name string) *core.User {
	return &core.User{
		Username:     name,
		Email:        name + "@example.com",
		FirstName:    "First",
		LastName:     "Last",
		PasswordHash: hashA,
		IsActive:     true,
		DateJoined:   joinedAt(),
	}
}

// mustCreate inserts u and fails the test on error.
func mustCreate(t *testing.T, s core.Store, u *core.User) *core.User {
	t.Helper()
	if err := s.CreateUser(t.Context(), u); err != nil {
		t.Fatalf("CreateUser(%q, %q): %v", u.Username, u.Email, err)
	}
	if u.ID <= 0 {
		t.Fatalf("CreateUser(%q) set ID %d, want > 0", u.Username, u.ID)
	}
	return u
}

// mustGet reads user id back and fails the test on error.
func mustGet(t *testing.T, s core.Store, id int64) *core.User {
	t.Helper()
	u, err := s.UserByID(t.Context(), id)
	if err != nil {
		t.Fatalf("UserByID(%d): %v", id, err)
	}
	if u == nil {
		t.Fatalf("UserByID(%d) returned a nil user and no error", id)
	}
	return u
}

// tokenFor returns a token of user id with a digest derived from seed.
func tokenFor(id int64, seed byte) *core.Token {
	return &core.Token{
		Digest:  digest(seed),
		UserID:  id,
		Created: joinedAt(),
	}
}

// digest returns a realistic token digest (lowercase hex SHA-256) derived
// from seed.
func digest(seed byte) string {
	sum := sha256.Sum256([]byte{seed})
	return hex.EncodeToString(sum[:])
}

// mustCreateToken inserts tok and fails the test on error.
func mustCreateToken(t *testing.T, s core.Store, tok *core.Token) {
	t.Helper()
	if err := s.CreateToken(t.Context(), tok); err != nil {
		t.Fatalf("CreateToken(%s…, user %d): %v", tok.Digest[:min(8, len(tok.Digest))], tok.UserID, err)
	}
}

// checkUser compares every field of got with want.
func checkUser(t *testing.T, got, want *core.User) {
	t.Helper()
	if got.ID != want.ID {
		t.Errorf("ID = %d, want %d", got.ID, want.ID)
	}
	if got.Username != want.Username {
		t.Errorf("Username = %q, want %q", got.Username, want.Username)
	}
	if got.Email != want.Email {
		t.Errorf("Email = %q, want %q", got.Email, want.Email)
	}
	if got.FirstName != want.FirstName {
		t.Errorf("FirstName = %q, want %q", got.FirstName, want.FirstName)
	}
	if got.LastName != want.LastName {
		t.Errorf("LastName = %q, want %q", got.LastName, want.LastName)
	}
	if got.PasswordHash != want.PasswordHash {
		t.Errorf("PasswordHash = %q, want %q", got.PasswordHash, want.PasswordHash)
	}
	if got.IsActive != want.IsActive {
		t.Errorf("IsActive = %v, want %v", got.IsActive, want.IsActive)
	}
	if got.EmailVerified != want.EmailVerified {
		t.Errorf("EmailVerified = %v, want %v", got.EmailVerified, want.EmailVerified)
	}
	if got.IsStaff != want.IsStaff {
		t.Errorf("IsStaff = %v, want %v", got.IsStaff, want.IsStaff)
	}
	if got.IsSuperuser != want.IsSuperuser {
		t.Errorf("IsSuperuser = %v, want %v", got.IsSuperuser, want.IsSuperuser)
	}
	if got.TokenEpoch != want.TokenEpoch {
		t.Errorf("TokenEpoch = %d, want %d", got.TokenEpoch, want.TokenEpoch)
	}
	checkTime(t, "DateJoined", got.DateJoined, want.DateJoined)
	checkTime(t, "LastLogin", got.LastLogin, want.LastLogin)
}

// checkToken compares every field of got with want.
func checkToken(t *testing.T, got, want *core.Token) {
	t.Helper()
	if got.Digest != want.Digest {
		t.Errorf("Digest = %q, want %q", got.Digest, want.Digest)
	}
	if got.UserID != want.UserID {
		t.Errorf("UserID = %d, want %d", got.UserID, want.UserID)
	}
	checkTime(t, "Created", got.Created, want.Created)
	checkTime(t, "Expires", got.Expires, want.Expires)
}

// checkTime requires got to be the same instant as want, in UTC; a zero want
// requires a zero got.
func checkTime(t *testing.T, field string, got, want time.Time) {
	t.Helper()
	if want.IsZero() {
		if !got.IsZero() {
			t.Errorf("%s = %v, want the zero time", field, got)
		}
		return
	}
	if !got.Equal(want) {
		t.Errorf("%s = %v, want %v", field, got, want.UTC())
	}
	if got.Location() != time.UTC {
		t.Errorf("%s is in %v, want UTC", field, got.Location())
	}
}

// isSentinel reports whether err is one of the contract's sentinel errors:
// an error that sends the caller down a "missing", "taken", "reused" or
// "revoked" path instead of failing closed.
func isSentinel(err error) bool {
	return errors.Is(err, core.ErrNotFound) ||
		errors.Is(err, core.ErrUsernameTaken) ||
		errors.Is(err, core.ErrEmailTaken) ||
		errors.Is(err, core.ErrRefreshUsed) ||
		errors.Is(err, core.ErrRefreshRevoked)
}

// wantErrIs fails the test unless errors.Is(err, target).
func wantErrIs(t *testing.T, op string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s: err = %v, want %v", op, err, target)
	}
}

// wantNoUsername fails the test unless no user matches username.
func wantNoUsername(t *testing.T, s core.Store, username string) {
	t.Helper()
	u, err := s.UserByUsername(t.Context(), username)
	if !errors.Is(err, core.ErrNotFound) {
		t.Errorf("UserByUsername(%q) = %v, %v; want ErrNotFound", username, u, err)
	}
}

// wantNoEmail fails the test unless no user matches email.
func wantNoEmail(t *testing.T, s core.Store, email string) {
	t.Helper()
	u, err := s.UserByEmail(t.Context(), email)
	if !errors.Is(err, core.ErrNotFound) {
		t.Errorf("UserByEmail(%q) = %v, %v; want ErrNotFound", email, u, err)
	}
}

// cancelled returns a context that is already cancelled.
func cancelled(t *testing.T) context.Context {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	return ctx
}
