package core

import (
	"context"
	"encoding/json"
	"errors"
	"time"
)

// Limits of SocialAccount values, like allauth's socialaccount table: a
// provider ID of up to 200 characters and a uid of up to 191 (allauth's
// UID_MAX_LENGTH, which keeps the unique index within MySQL's limits).
// ExtraData is at most MaxSocialExtraData bytes of JSON (MySQL's TEXT).
const (
	MaxSocialProviderLength = 200
	MaxSocialUIDLength      = 191
	MaxSocialExtraData      = 65535
)

// ErrSocialAccountTaken is returned by SocialAccountStore.CreateSocialAccount
// when the provider identity (provider, uid) is already linked, to this
// user or another: an identity belongs to one account only.
var ErrSocialAccountTaken = errors.New("restauth: social account already linked")

// ErrLastLoginMethod is returned by SocialAccountStore.DeleteSocialAccount
// when asked to keep at least one social account and the one to delete is
// the user's last.
var ErrLastLoginMethod = errors.New("restauth: last social account of the user")

// SocialAccount links a user to an identity at an external provider
// (allauth's SocialAccount): the user logs in by proving, through the
// provider, that they are that identity.
type SocialAccount struct {
	// ID is the primary key, shown to clients as "id".
	ID int64
	// UserID is the local account the identity logs in to.
	UserID int64
	// Provider is the provider's ID as mounted ("github", "google").
	Provider string
	// UID is the provider's stable identifier of the identity (the ID
	// token's sub, GitHub's numeric user id), compared byte for byte.
	UID string
	// ExtraData is what the provider said about the identity at the last
	// login, a JSON object (never tokens). Empty means {}.
	ExtraData json.RawMessage
	// LastLogin is the last login through this identity (UTC); zero if
	// never.
	LastLogin time.Time
	// DateJoined is when the identity was linked (UTC).
	DateJoined time.Time
}

// SocialAccountStore is an optional store capability: the links between
// users and provider identities that social login needs. The social
// module finds it by type assertion on the store and refuses to mount
// without it:
//
//	ss, ok := store.(core.SocialAccountStore)
//
// memstore and sqlstore implement it. The common rules of Store apply
// (contexts, UTC times with microseconds, copies, ErrInvalidValue for
// values no store could hold: an empty or over-long provider or uid,
// ExtraData that is not a JSON object or is over MaxSocialExtraData).
// Deleting a user deletes its social accounts.
type SocialAccountStore interface {
	// CreateSocialAccount inserts a and sets a.ID. It returns
	// ErrSocialAccountTaken when (a.Provider, a.UID) is already stored,
	// whoever it belongs to, including when a concurrent insert won the
	// race (a unique index decides), and an error wrapping ErrNotFound for
	// an unknown user, like a foreign key.
	CreateSocialAccount(ctx context.Context, a *SocialAccount) error

	// SocialAccountByUID returns the account of (provider, uid) and its
	// user in one read, or ErrNotFound. It does not check IsActive.
	SocialAccountByUID(ctx context.Context, provider, uid string) (*SocialAccount, *User, error)

	// SocialAccountsByUser returns the accounts of user userID ordered by
	// ID; none (an empty slice, no error) for a user without any or an
	// unknown user.
	SocialAccountsByUser(ctx context.Context, userID int64) ([]SocialAccount, error)

	// RecordSocialLogin sets LastLogin and ExtraData of account id (an
	// empty extra stores {}). It returns ErrNotFound for an unknown id.
	RecordSocialLogin(ctx context.Context, id int64, at time.Time, extra json.RawMessage) error

	// DeleteSocialAccount removes account id if it belongs to user
	// userID, and returns ErrNotFound otherwise (another user's account
	// is not found, never deleted). With keepOne, it removes the account
	// only if the user has another one, and returns ErrLastLoginMethod
	// otherwise; the check and the delete are one atomic step, so two
	// concurrent deletes of a user's last two accounts cannot both
	// succeed.
	DeleteSocialAccount(ctx context.Context, userID, id int64, keepOne bool) error
}
