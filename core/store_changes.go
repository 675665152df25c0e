package core

import (
	"context"
	"time"
)

// Change is one entry of a store's change feed: a write that revoked or
// altered a login. Exactly one of three shapes:
//
//   - a user change: UserID alone (the user's password, activity, profile,
//     verified email or staff flags changed, its DB tokens or JWT logins
//     were revoked in bulk, or it was deleted). Every credential of the
//     user may have changed;
//   - a revoked login: Family (a refresh family ID) and its owner UserID;
//   - a deleted DB token: TokenDigest and its owner UserID.
type Change struct {
	// Seq is the change's position in the feed: assigned by the store,
	// positive, increasing in the order the changes were written (not
	// necessarily the order they committed; see ChangeFeed).
	Seq int64
	// UserID is the user the change concerns.
	UserID int64
	// Family is the revoked refresh family; "" unless the change revoked
	// one login.
	Family string
	// TokenDigest is the deleted DB token's digest; "" unless the change
	// deleted one token.
	TokenDigest string
}

// ChangeFeed is an optional store capability: a feed of the writes that
// revoke or alter a login, so that every instance of an application learns
// of a change made elsewhere (another instance, the CLI) with one small
// query per interval instead of one store read per request. core finds it
// by type assertion on Config.Store; with it, the login-state cache behind
// Config.RevocationStaleness serves an entry until the feed reports a
// change to it (see docs/design.md, "Revocation bound and change feed").
// memstore and sqlstore implement it.
//
// What a store must write: one change, in the same transaction as the
// write itself (both are committed or neither), for each of these writes
// that changed something:
//
//   - a user change (UserID alone) for SetPassword, SetActive,
//     UpdateProfile, SetEmailVerified, UpgradePasswordHash when the swap
//     happened, DeleteUser, StaffStore.SetStaff, and for DeleteUserTokens
//     and RevokeUserRefreshFamilies when they removed or revoked at least
//     one credential;
//   - a token change (TokenDigest, UserID) for DeleteToken of an existing
//     token;
//   - a login change (Family, UserID) for RevokeRefreshFamily of a live
//     family.
//
// A write that changed nothing (an unknown id, a token already deleted, a
// family already revoked, a compare-and-swap that did not swap) may write
// no change; a write that failed writes none. Writes that create
// credentials or users, RecordLogin, CreateLoginToken, rotations
// (ConsumeRefreshToken, AddRefreshToken) and FlushExpiredRefreshTokens
// (which only deletes what has expired) write none, nor do reads. A
// store whose data other programs also write (hand-written SQL) is only as
// good as those programs: each must add the same change in the same
// transaction, or the change is seen only when cached entries expire
// (loginCacheMaxAge, 10 minutes).
//
// Sequence numbers may have gaps (a rolled-back transaction), and
// concurrent transactions may commit out of order: a change with a lower
// Seq may become visible after one with a higher Seq was read. Readers
// must not assume that everything below the highest Seq read is visible;
// core's reader re-reads from its lowest unresolved Seq and gives a gap up
// only after it has stayed open for a while (see change_poller.go).
//
// The common rules of Store apply (contexts, copies).
type ChangeFeed interface {
	// Changes returns up to limit changes with Seq > after, ordered by
	// Seq. after = 0 reads from the start of what the feed retains; none
	// (an empty slice, no error) when there are no such changes. limit is
	// positive.
	Changes(ctx context.Context, after int64, limit int) ([]Change, error)

	// LatestChange returns the highest Seq written so far, 0 for a feed
	// never written. It never decreases (PruneChanges keeps the latest
	// change); a decrease means the feed was reset (a database restored
	// from a backup), and core then drops everything it cached.
	LatestChange(ctx context.Context) (int64, error)

	// PruneChanges deletes the changes written before `before` (by the
	// store's clock), except the latest one, and reports how many it
	// deleted. core calls it from every instance about once a minute with
	// a retention far longer than any reader needs (changeRetention).
	PruneChanges(ctx context.Context, before time.Time) (int, error)
}

// ChangeNotifier is an optional store capability alongside ChangeFeed: it
// wakes core's reader as soon as a change is committed, so a change is
// usually enforced everywhere within milliseconds; the periodic read stays
// as the safety net, so a notification lost costs latency, never safety.
// memstore implements it, and sqlstore on PostgreSQL with LISTEN/NOTIFY.
//
// A notifier may also come from outside the store (Config.ChangeNotifier):
// redisstore carries the wake-ups over Redis pub/sub, for databases that
// cannot notify (SQLite, MySQL). Such a notifier learns of changes only
// from the instances that publish them (ChangePublisher); the feed in the
// store stays the truth.
type ChangeNotifier interface {
	// WaitChange blocks until the store learns of a change with a Seq
	// above seq (the highest Seq the caller has read): at once if it
	// already knows of one. It may return nil spuriously (for instance
	// when it starts listening, as changes before that may have been
	// missed), and returns ctx's error when ctx ends. It returns an error
	// wrapping errors.ErrUnsupported at once when this store cannot notify
	// (a database without notifications); core then only polls. Other
	// errors mean notifications are failing for now; core asks again
	// later.
	WaitChange(ctx context.Context, seq int64) error
}

// ChangePublisher is an optional interface of a Config.ChangeNotifier that
// carries wake-ups between instances itself (redisstore's, over Redis
// pub/sub) instead of learning of changes from the database: every
// instance then tells the others when it has written a change.
//
// After each write through an Auth that revokes or alters a login (a
// logout, a password change or reset, a deactivation, a profile update, a
// refresh token's reuse, the CLI's commands through Auth) and once the
// write has returned, core reads the feed's LatestChange and publishes it,
// in the background: a request never waits for it and never fails because
// of it. Writes made while a publication is under way are coalesced into
// the next one. A failed publication is logged (at most once per minute)
// and not retried: the other instances see the change at their next read
// of the feed, within RevocationStaleness/4. Auth.Close waits for the
// publications of the writes made before it (a CLI command exits right
// after its write).
//
// An instance with RevocationStaleness = ReadEveryRequest keeps no cache
// and publishes nothing; writes made without Auth (scripts, the store's own
// methods) are published by nobody: the instances see them by polling.
type ChangePublisher interface {
	// PublishChange tells every instance's notifier that the feed holds
	// changes up to seq (its LatestChange after the write): a WaitChange
	// below seq returns. It must not block for long (core bounds it with
	// Config.RequestTimeout) and its error must carry no secret: core logs
	// it.
	PublishChange(ctx context.Context, seq int64) error
}
