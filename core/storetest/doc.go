// Package storetest is the conformance suite for core.Store implementations.
//
// Every store (core/memstore, sqlstore on SQLite, PostgreSQL and MySQL, and
// any store a user writes) runs the same suite from its own tests:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) core.Store {
//			s := openFreshStore(t)
//			t.Cleanup(func() { s.Close() })
//			return s
//		})
//	}
//
// Each subtest asks for a fresh, empty store, so the suite never depends on
// the order of its cases. The cases follow the edge semantics written in the
// doc comments of core/store.go; where the suite is stricter than those
// comments (value limits, literal treatment of SQL metacharacters), the case
// says so.
//
// The group "Refresh" checks core.RefreshStore (core/store_refresh.go):
// rotation, reuse, revocation, flushing, limits and contexts, and
// refreshRacers goroutines rotating one token at once (exactly one wins,
// every other one gets core.ErrRefreshUsed). It runs when the store
// implements core.RefreshStore and is skipped, with a message, when it
// does not.
//
// The group "LoginToken" checks core.LoginTokenStore (core/store_login.go):
// the last login and the token written together, and nothing written when
// either write is refused. It is skipped, with a message, for a store
// without the capability.
//
// The group "StaffStore" checks core.StaffStore (core/store_staff.go):
// SetStaff sets both flags and nothing else, of that user only. It is
// skipped, with a message, for a store without the capability. The flags
// themselves are part of every user the suite reads back (the "Staff"
// cases: CreateUser round-trips them through every user read, and
// UpdateProfile and the other writes leave them alone).
//
// The group "SocialAccountStore" checks core.SocialAccountStore
// (core/store_social.go): a provider identity is linked once (racers
// linking one identity: one wins), uids compare byte for byte, only the
// owner deletes an account, keeping the last one is atomic (two racing
// deletes of a user's last two accounts leave one), and deleting a user
// deletes its accounts. It is skipped, with a message, for a store
// without the capability.
//
// The group "ChangeFeed" checks core.ChangeFeed (core/store_changes.go):
// each write that revokes or alters a login appends the right change (a
// user change, a deleted token, a revoked login), in order, and reads,
// creations, logins, rotations and writes that change nothing append
// none; paging, pruning (the latest change is kept, so LatestChange never
// goes back) and contexts. It is skipped, with a message, for a store
// without the capability.
//
// RunSessionStore is the suite for server-side gorilla/sessions stores
// (memstore.SessionStore, sqlstore's SessionStore): it drives them through
// real requests and response recorders, moves a fake clock the stores
// read, opens several stores on one backend to check that they share
// sessions and logouts, and, when the backend can be broken, checks that
// failures wrap core.ErrUnavailable:
//
//	func TestSessionStore(t *testing.T) {
//		storetest.RunSessionStore(t, func(t *testing.T, now func() time.Time) storetest.SessionBackend {
//			url := freshDatabase(t)
//			return storetest.SessionBackend{
//				Open: func(t *testing.T) sessions.Store {
//					return openStore(t, url).SessionStore(sqlstore.WithSessionClock(now))
//				},
//			}
//		})
//	}
package storetest
