package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/restauth/restauth/core"
)

// changeFeedCase is one check of core.ChangeFeed.
type changeFeedCase struct {
	name string
	run  func(t *testing.T, s core.Store, cf core.ChangeFeed)
}

// changeFeedCases checks core.ChangeFeed (core/store_changes.go).
func changeFeedCases() []changeFeedCase {
	return []changeFeedCase{
		{"Fresh", testChangesFresh},
		{"UserWrites", testChangesUserWrites},
		{"CredentialWrites", testChangesCredentialWrites},
		{"DeleteUser", testChangesDeleteUser},
		{"NothingForReadsAndCreations", testChangesNothingForReads},
		{"NothingForNoOps", testChangesNothingForNoOps},
		{"Paging", testChangesPaging},
		{"Prune", testChangesPrune},
		{"CancelledContext", testChangesCancelled},
	}
}

// runChangeFeed runs the core.ChangeFeed cases, one fresh store each, and
// skips the group with a message when the store lacks the capability.
func runChangeFeed(t *testing.T, newStore func(t *testing.T) core.Store) {
	for _, tc := range changeFeedCases() {
		unsupported := ""
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			if s == nil {
				t.Fatal("newStore returned nil")
			}
			cf, ok := s.(core.ChangeFeed)
			if !ok {
				unsupported = fmt.Sprintf("%T", s)
				t.Skipf("skipped: %s does not implement core.ChangeFeed", unsupported)
			}
			tc.run(t, s, cf)
		})
		if unsupported != "" {
			t.Skipf("skipped: %s does not implement core.ChangeFeed", unsupported)
		}
	}
}

// feedReader follows a feed as core does: from the latest change when it
// starts, then after the last change it read.
type feedReader struct {
	cf   core.ChangeFeed
	last int64
}

func newFeedReader(t *testing.T, cf core.ChangeFeed) *feedReader {
	t.Helper()
	latest, err := cf.LatestChange(t.Context())
	if err != nil {
		t.Fatalf("LatestChange: %v", err)
	}
	return &feedReader{cf: cf, last: latest}
}

// userChange, tokenChange and familyChange are the expected changes
// (without their Seq).
func userChange(id int64) core.Change { return core.Change{UserID: id} }

func tokenChange(id int64, digest string) core.Change {
	return core.Change{UserID: id, TokenDigest: digest}
}

func familyChange(id int64, family string) core.Change {
	return core.Change{UserID: id, Family: family}
}

// want reads the changes written since the last call and requires them to
// be exactly want, in order, with increasing Seqs above the last one
// read, and LatestChange to be the last of them.
func (r *feedReader) want(t *testing.T, after string, want ...core.Change) {
	t.Helper()
	got, err := r.cf.Changes(t.Context(), r.last, 100)
	if err != nil {
		t.Fatalf("Changes after %s: %v", after, err)
	}
	if len(got) != len(want) {
		t.Fatalf("after %s: %d changes %+v, want %d %+v", after, len(got), got, len(want), want)
	}
	for i, c := range got {
		if c.Seq <= r.last {
			t.Errorf("after %s: change %d has Seq %d, not above %d", after, i, c.Seq, r.last)
		}
		r.last = c.Seq
		w := want[i]
		w.Seq = c.Seq
		if c != w {
			t.Errorf("after %s: change %d = %+v, want %+v", after, i, c, w)
		}
	}
	latest, err := r.cf.LatestChange(t.Context())
	if err != nil {
		t.Fatalf("LatestChange after %s: %v", after, err)
	}
	if latest != r.last {
		t.Errorf("LatestChange after %s = %d, want %d", after, latest, r.last)
	}
}

// testChangesFresh: an empty store's feed is empty: LatestChange 0 and no
// changes from the start.
func testChangesFresh(t *testing.T, _ core.Store, cf core.ChangeFeed) {
	latest, err := cf.LatestChange(t.Context())
	if err != nil || latest != 0 {
		t.Errorf("LatestChange of an empty store = %d, %v; want 0, nil", latest, err)
	}
	cs, err := cf.Changes(t.Context(), 0, 10)
	if err != nil || len(cs) != 0 {
		t.Errorf("Changes(0) of an empty store = %+v, %v; want none", cs, err)
	}
}

// testChangesUserWrites: every write that alters a user appends one user
// change, in the order of the writes.
func testChangesUserWrites(t *testing.T, s core.Store, cf core.ChangeFeed) {
	u := mustCreate(t, s, newUser("alice"))
	other := mustCreate(t, s, newUser("bob"))
	r := newFeedReader(t, cf)
	ctx := t.Context()
	steps := []struct {
		name  string
		write func() error
	}{
		{"SetPassword", func() error { return s.SetPassword(ctx, u.ID, hashB) }},
		{"UpgradePasswordHash (swapped)", func() error {
			ok, err := s.UpgradePasswordHash(ctx, u.ID, hashB, hashA)
			if err == nil && !ok {
				return fmt.Errorf("no swap")
			}
			return err
		}},
		{"SetActive(false)", func() error { return s.SetActive(ctx, u.ID, false) }},
		{"SetActive(true)", func() error { return s.SetActive(ctx, u.ID, true) }},
		{"SetEmailVerified(true)", func() error { return s.SetEmailVerified(ctx, u.ID, true) }},
		{"UpdateProfile", func() error {
			upd := *u
			upd.Username, upd.FirstName = "alicia", "Alicia"
			return s.UpdateProfile(ctx, &upd)
		}},
	}
	if ss, ok := s.(core.StaffStore); ok {
		steps = append(steps, struct {
			name  string
			write func() error
		}{"SetStaff", func() error { return ss.SetStaff(ctx, u.ID, true, false) }})
	}
	for _, st := range steps {
		if err := st.write(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		r.want(t, st.name, userChange(u.ID))
	}
	// Two users' writes, interleaved: one change each, in order.
	if err := s.SetPassword(ctx, other.ID, hashB); err != nil {
		t.Fatal(err)
	}
	if err := s.SetActive(ctx, u.ID, false); err != nil {
		t.Fatal(err)
	}
	r.want(t, "SetPassword(bob), SetActive(alice)", userChange(other.ID), userChange(u.ID))
}

// testChangesCredentialWrites: deleting a DB token appends a token change,
// revoking a live login a login change, and the bulk revocations (when
// they revoke anything) a user change.
func testChangesCredentialWrites(t *testing.T, s core.Store, cf core.ChangeFeed) {
	ctx := t.Context()
	u := mustCreate(t, s, newUser("alice"))
	for i := byte(1); i <= 3; i++ {
		mustCreateToken(t, s, tokenFor(u.ID, i))
	}
	r := newFeedReader(t, cf)
	if err := s.DeleteToken(ctx, digest(1)); err != nil {
		t.Fatal(err)
	}
	r.want(t, "DeleteToken", tokenChange(u.ID, digest(1)))
	if n, err := s.DeleteUserTokens(ctx, u.ID, digest(2)); err != nil || n != 1 {
		t.Fatalf("DeleteUserTokens = %d, %v; want 1, nil", n, err)
	}
	r.want(t, "DeleteUserTokens", userChange(u.ID))

	rs, ok := s.(core.RefreshStore)
	if !ok {
		return
	}
	f1, _ := mustLogin(t, rs, u.ID, 1)
	mustLogin(t, rs, u.ID, 2)
	mustLogin(t, rs, u.ID, 3)
	r.want(t, "CreateRefreshFamily") // logins are not changes
	if err := rs.RevokeRefreshFamily(ctx, f1.ID, rotateAt()); err != nil {
		t.Fatal(err)
	}
	r.want(t, "RevokeRefreshFamily", familyChange(u.ID, f1.ID))
	if n, err := rs.RevokeUserRefreshFamilies(ctx, u.ID, refreshID("family", 3), rotateAt()); err != nil || n != 1 {
		t.Fatalf("RevokeUserRefreshFamilies = %d, %v; want 1, nil", n, err)
	}
	r.want(t, "RevokeUserRefreshFamilies", userChange(u.ID))
}

// testChangesDeleteUser: deleting a user appends one user change, which
// stands for its tokens and logins too.
func testChangesDeleteUser(t *testing.T, s core.Store, cf core.ChangeFeed) {
	u := mustCreate(t, s, newUser("alice"))
	mustCreateToken(t, s, tokenFor(u.ID, 1))
	if rs, ok := s.(core.RefreshStore); ok {
		mustLogin(t, rs, u.ID, 1)
	}
	r := newFeedReader(t, cf)
	if err := s.DeleteUser(t.Context(), u.ID); err != nil {
		t.Fatal(err)
	}
	r.want(t, "DeleteUser", userChange(u.ID))
}

// testChangesNothingForReadsAndCreations: reads, creations, logins,
// rotations and flushing expired tokens append nothing.
func testChangesNothingForReads(t *testing.T, s core.Store, cf core.ChangeFeed) {
	ctx := t.Context()
	r := newFeedReader(t, cf)
	u := mustCreate(t, s, newUser("alice"))
	tok := tokenFor(u.ID, 1)
	mustCreateToken(t, s, tok)
	reads := []func() error{
		func() error { _, err := s.UserByID(ctx, u.ID); return err },
		func() error { _, err := s.UserByUsername(ctx, u.Username); return err },
		func() error { _, err := s.UserByEmail(ctx, u.Email); return err },
		func() error { _, _, err := s.UserByToken(ctx, tok.Digest); return err },
		func() error { return s.RecordLogin(ctx, u.ID, loggedInAt()) },
	}
	if ls, ok := s.(core.LoginTokenStore); ok {
		reads = append(reads, func() error { return ls.CreateLoginToken(ctx, tokenFor(u.ID, 2), loggedInAt()) })
	}
	if rs, ok := s.(core.RefreshStore); ok {
		f, first := mustLogin(t, rs, u.ID, 1)
		reads = append(reads,
			func() error { _, _, err := rs.UserByRefreshFamily(ctx, f.ID); return err },
			func() error { _, _, err := rs.RefreshTokenByJTI(ctx, first.JTI); return err },
			func() error {
				_, err := rs.ConsumeRefreshToken(ctx, first.JTI, rotateAt(), successorOf(first, 1, rotateAt()))
				return err
			},
			func() error {
				next := successorOf(first, 2, rotateAt())
				return rs.AddRefreshToken(ctx, next)
			},
			func() error {
				_, err := rs.FlushExpiredRefreshTokens(ctx, refreshBase().Add(100*refreshLifetime))
				return err
			},
		)
	}
	for i, read := range reads {
		if err := read(); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	r.want(t, "reads, creations, logins, rotations and a flush")
}

// testChangesNothingForNoOps: writes that change nothing or fail may
// append nothing; the suite requires nothing for those whose outcome the
// store knows without writing (unknown ids, missing tokens, revoked
// families, a refused rename, a hash that does not match, bulk
// revocations that find nothing).
func testChangesNothingForNoOps(t *testing.T, s core.Store, cf core.ChangeFeed) {
	ctx := t.Context()
	u := mustCreate(t, s, newUser("alice"))
	mustCreate(t, s, newUser("bob"))
	rs, _ := s.(core.RefreshStore)
	var revoked *core.RefreshFamily
	if rs != nil {
		revoked, _ = mustLogin(t, rs, u.ID, 1)
		if err := rs.RevokeRefreshFamily(ctx, revoked.ID, rotateAt()); err != nil {
			t.Fatal(err)
		}
	}
	r := newFeedReader(t, cf)
	unknown := u.ID + 1000
	_ = s.SetPassword(ctx, unknown, hashB)
	_ = s.SetActive(ctx, unknown, false)
	_ = s.SetEmailVerified(ctx, unknown, true)
	_ = s.DeleteUser(ctx, unknown)
	_ = s.UpdateProfile(ctx, &core.User{ID: unknown, Username: "nobody"})
	if ok, err := s.UpgradePasswordHash(ctx, u.ID, hashB, hashA); ok || err != nil {
		t.Fatalf("UpgradePasswordHash with a stale hash = %v, %v; want false, nil", ok, err)
	}
	taken := *u
	taken.Username = "bob"
	wantErrIs(t, "UpdateProfile to a taken username", s.UpdateProfile(ctx, &taken), core.ErrUsernameTaken)
	if err := s.DeleteToken(ctx, digest(9)); err != nil {
		t.Fatal(err)
	}
	if n, err := s.DeleteUserTokens(ctx, u.ID, ""); err != nil || n != 0 {
		t.Fatalf("DeleteUserTokens of a user without tokens = %d, %v", n, err)
	}
	if rs != nil {
		if err := rs.RevokeRefreshFamily(ctx, revoked.ID, rotateAt()); err != nil {
			t.Fatal(err)
		}
		if err := rs.RevokeRefreshFamily(ctx, refreshID("family", 99), rotateAt()); err != nil {
			t.Fatal(err)
		}
		if n, err := rs.RevokeUserRefreshFamilies(ctx, u.ID, "", rotateAt()); err != nil || n != 0 {
			t.Fatalf("RevokeUserRefreshFamilies with none live = %d, %v", n, err)
		}
	}
	r.want(t, "writes that changed nothing")
}

// testChangesPaging: Changes honours after and limit and orders by Seq.
func testChangesPaging(t *testing.T, s core.Store, cf core.ChangeFeed) {
	ctx := t.Context()
	var ids []int64
	for i := range 5 {
		ids = append(ids, mustCreate(t, s, newUser(fmt.Sprintf("user%d", i))).ID)
	}
	start := newFeedReader(t, cf).last
	for _, id := range ids {
		if err := s.SetEmailVerified(ctx, id, true); err != nil {
			t.Fatal(err)
		}
	}
	all, err := cf.Changes(ctx, start, 100)
	if err != nil || len(all) != 5 {
		t.Fatalf("Changes = %+v, %v; want 5 changes", all, err)
	}
	for i, c := range all {
		if c.UserID != ids[i] || (i > 0 && c.Seq <= all[i-1].Seq) {
			t.Errorf("change %d = %+v, want user %d in Seq order", i, c, ids[i])
		}
	}
	page, err := cf.Changes(ctx, start, 2)
	if err != nil || len(page) != 2 || page[0] != all[0] || page[1] != all[1] {
		t.Errorf("Changes(limit 2) = %+v, %v; want %+v", page, err, all[:2])
	}
	page, err = cf.Changes(ctx, all[1].Seq, 2)
	if err != nil || len(page) != 2 || page[0] != all[2] || page[1] != all[3] {
		t.Errorf("Changes(after the second, limit 2) = %+v, %v; want %+v", page, err, all[2:4])
	}
	page, err = cf.Changes(ctx, all[4].Seq, 10)
	if err != nil || len(page) != 0 {
		t.Errorf("Changes(after the last) = %+v, %v; want none", page, err)
	}
	page, err = cf.Changes(ctx, 0, 100)
	if err != nil || len(page) < 5 || page[len(page)-1] != all[4] {
		t.Errorf("Changes(0) = %+v, %v; want everything up to %+v", page, err, all[4])
	}
}

// testChangesPrune: pruning deletes the changes written before the time
// given, except the latest, so LatestChange never goes back; pruning
// with a time in the past deletes nothing.
func testChangesPrune(t *testing.T, s core.Store, cf core.ChangeFeed) {
	ctx := t.Context()
	u := mustCreate(t, s, newUser("alice"))
	for range 3 {
		if err := s.SetPassword(ctx, u.ID, hashB); err != nil {
			t.Fatal(err)
		}
	}
	latest, err := cf.LatestChange(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := cf.PruneChanges(ctx, time.Now().Add(-time.Hour)); err != nil || n != 0 {
		t.Errorf("PruneChanges(an hour ago) = %d, %v; want 0, nil", n, err)
	}
	if cs, err := cf.Changes(ctx, 0, 100); err != nil || len(cs) != 3 {
		t.Fatalf("Changes after pruning nothing = %+v, %v; want 3", cs, err)
	}
	if n, err := cf.PruneChanges(ctx, time.Now().Add(time.Hour)); err != nil || n != 2 {
		t.Errorf("PruneChanges(in an hour) = %d, %v; want 2 (all but the latest)", n, err)
	}
	cs, err := cf.Changes(ctx, 0, 100)
	if err != nil || len(cs) != 1 || cs[0].Seq != latest {
		t.Errorf("Changes after pruning = %+v, %v; want only Seq %d", cs, err, latest)
	}
	if got, err := cf.LatestChange(ctx); err != nil || got != latest {
		t.Errorf("LatestChange after pruning = %d, %v; want %d", got, err, latest)
	}
	if err := s.SetActive(ctx, u.ID, false); err != nil {
		t.Fatal(err)
	}
	if got, err := cf.LatestChange(ctx); err != nil || got <= latest {
		t.Errorf("LatestChange after a new change = %d, %v; want above %d", got, err, latest)
	}
}

// testChangesCancelled: a done context fails the reads with an error.
func testChangesCancelled(t *testing.T, _ core.Store, cf core.ChangeFeed) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := cf.Changes(ctx, 0, 10); err == nil {
		t.Error("Changes with a cancelled context succeeded")
	}
	if _, err := cf.LatestChange(ctx); err == nil {
		t.Error("LatestChange with a cancelled context succeeded")
	}
	if _, err := cf.PruneChanges(ctx, time.Now()); err == nil {
		t.Error("PruneChanges with a cancelled context succeeded")
	}
}
