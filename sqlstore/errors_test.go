package sqlstore

import (
	"errors"
	"testing"

	"github.com/restauth/restauth/core"
)

func TestUniqueByName(t *testing.T) {
	for name, want := range map[string]conflict{
		"restauth_user.username_key":                    dupUsername,
		"restauth_user_username_key_uniq":               dupUsername,
		"restauth_user.restauth_user_username_key_uniq": dupUsername,
		"restauth_user.email_key":                       dupEmail,
		"restauth_user_email_key_uniq":                  dupEmail,
		"restauth_token.digest":                         dupDigest,
		"restauth_token_pkey":                           dupDigest,
		"PRIMARY":                                       dupDigest,
		"restauth_token.PRIMARY":                        dupDigest,
		"something_else":                                dupOther,
	} {
		if got := uniqueByName(name); got != want {
			t.Errorf("uniqueByName(%q) = %v, want %v", name, got, want)
		}
	}
}

// TestClassifyThroughDriver: the store maps what its Driver reports, and
// nothing else, to its conflicts.
func TestClassifyThroughDriver(t *testing.T) {
	dup := errors.New("dup")
	fk := errors.New("fk")
	dead := errors.New("deadlock")
	s := &Store{driver: fakeDriver{dialect: SQLite, kinds: map[error]kindAndName{
		dup:  {UniqueViolation, "restauth_user.email_key"},
		fk:   {ForeignKeyViolation, "restauth_token_user_id_fk"},
		dead: {Deadlock, ""},
	}}}
	for err, want := range map[error]conflict{
		nil:                   noConflict,
		dup:                   dupEmail,
		fk:                    foreignKey,
		dead:                  noConflict,
		errors.New("unknown"): noConflict,
	} {
		if got := s.classify(err); got != want {
			t.Errorf("classify(%v) = %v, want %v", err, got, want)
		}
	}
	if !s.isDeadlock(dead) || s.isDeadlock(dup) {
		t.Error("isDeadlock does not follow the driver")
	}
}

// TestWrapUnavailable: every database error wraps core.ErrUnavailable and
// keeps its cause.
func TestWrapUnavailable(t *testing.T) {
	cause := errors.New("connection refused")
	err := wrap("user by id", cause)
	if !errors.Is(err, core.ErrUnavailable) || !errors.Is(err, cause) {
		t.Errorf("wrap = %v, want core.ErrUnavailable and the cause", err)
	}
	if got, want := err.Error(), "sqlstore: user by id: connection refused"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
