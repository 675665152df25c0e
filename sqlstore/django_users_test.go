package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/storekit"
	"github.com/restauth/restauth/core/storetest"
	"github.com/restauth/restauth/sqlstore"
	"github.com/restauth/restauth/sqlstore/sqltest"
)

// TestDjangoFixtureUsers reads the users Django wrote: every field of
// alice, bob's unverified address, carol's inactive account, dave's
// unusable password, by id, by username (allauth's case-insensitive
// login: "ALICE" is alice) and by email.
func TestDjangoFixtureUsers(t *testing.T) {
	forEachDjango(t, func(t *testing.T, s *sqlstore.DjangoStore, _ string) {
		ctx := t.Context()
		alice, err := s.UserByID(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		want := &core.User{
			ID: 1, Username: "alice", Email: "alice@example.com", FirstName: "Alice", LastName: "Example",
			PasswordHash: "argon2$argon2id$v=19$m=102400,t=2,p=8$TXpIa0dnaGNuTDR1TDFVdEtzZjVTYg$bETHJMjPNU0R6cT9M7404Q",
			IsActive:     true, EmailVerified: true,
			DateJoined: djFixtureTime(t, "2026-12-06 18:38:29.717410"),
			LastLogin:  djFixtureTime(t, "2026-12-06 18:38:31.003312"),
		}
		checkDjangoUser(t, alice, want)

		for _, name := range []string{"alice", "ALICE", "Alice"} {
			u, err := s.UserByUsername(ctx, name)
			if err != nil || u.ID != 1 {
				t.Errorf("UserByUsername(%q) = %v, %v; want alice", name, u, err)
			}
		}
		for _, name := range []string{"alic", "alice ", "", "nobody", strings.Repeat("a", 151)} {
			if u, err := s.UserByUsername(ctx, name); !errors.Is(err, core.ErrNotFound) {
				t.Errorf("UserByUsername(%q) = %v, %v; want ErrNotFound", name, u, err)
			}
		}
		for _, email := range []string{"alice@example.com", "ALICE@Example.COM", " alice@example.com "} {
			u, err := s.UserByEmail(ctx, email)
			if err != nil || u.ID != 1 {
				t.Errorf("UserByEmail(%q) = %v, %v; want alice", email, u, err)
			}
		}
		for _, email := range []string{"", "alice@example.co", "alice"} {
			if u, err := s.UserByEmail(ctx, email); !errors.Is(err, core.ErrNotFound) {
				t.Errorf("UserByEmail(%q) = %v, %v; want ErrNotFound", email, u, err)
			}
		}

		bob, err := s.UserByUsername(ctx, "bob")
		if err != nil {
			t.Fatal(err)
		}
		if bob.ID != 2 || bob.EmailVerified || !bob.IsActive || !bob.LastLogin.IsZero() ||
			!strings.HasPrefix(bob.PasswordHash, "pbkdf2_sha256$260000$") {
			t.Errorf("bob = %+v; want id 2, active, unverified, never logged in, a pbkdf2 hash", bob)
		}
		carol, err := s.UserByEmail(ctx, "carol@example.com")
		if err != nil {
			t.Fatal(err)
		}
		if carol.ID != 3 || carol.IsActive || !carol.EmailVerified {
			t.Errorf("carol = %+v; want id 3, inactive, verified", carol)
		}
		dave, err := s.UserByID(ctx, 4)
		if err != nil {
			t.Fatal(err)
		}
		if dave.PasswordHash != "!ysrKIPFZvvQmpJe3F0z258M3ZUEfkJVwvIs3zwLq" || dave.FirstName != "Dave" || !dave.EmailVerified {
			t.Errorf("dave = %+v; want the unusable hash, Dave, verified", dave)
		}
		if _, err := s.UserByID(ctx, 5); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("UserByID(5): %v, want ErrNotFound", err)
		}
	})
}

// checkDjangoUser compares every field of got with want; TokenEpoch must
// be 0.
func checkDjangoUser(t *testing.T, got, want *core.User) {
	t.Helper()
	g, w := *got, *want
	if !g.DateJoined.Equal(w.DateJoined) || g.DateJoined.Location() != time.UTC {
		t.Errorf("DateJoined = %v, want %v in UTC", g.DateJoined, w.DateJoined)
	}
	if !g.LastLogin.Equal(w.LastLogin) || (!g.LastLogin.IsZero() && g.LastLogin.Location() != time.UTC) {
		t.Errorf("LastLogin = %v, want %v in UTC", g.LastLogin, w.LastLogin)
	}
	g.DateJoined, w.DateJoined, g.LastLogin, w.LastLogin = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	if g != w {
		t.Errorf("user = %+v\nwant   %+v", g, w)
	}
}

// TestDjangoTokenKeys covers DRF's authtoken_token: the fixture's keys
// authenticate their owners; a login of a user with a key gets that key
// (get_or_create) and records last_login with it; a user without one
// gets the fresh key, once, even when logins race; deletes.
func TestDjangoTokenKeys(t *testing.T) {
	forEachDjango(t, func(t *testing.T, s *sqlstore.DjangoStore, _ string) {
		ctx := t.Context()
		u, tok, err := s.UserByTokenKey(ctx, djAliceKey)
		if err != nil {
			t.Fatal(err)
		}
		if u.ID != 1 || u.Username != "alice" || tok.Digest != djAliceKey || tok.UserID != 1 ||
			!tok.Created.Equal(djFixtureTime(t, "2026-12-06 18:38:30.667933")) || !tok.Expires.IsZero() {
			t.Errorf("UserByTokenKey(alice's key) = %+v, %+v", u, tok)
		}
		if u, _, err := s.UserByTokenKey(ctx, djBobKey); err != nil || u.ID != 2 || u.EmailVerified {
			t.Errorf("UserByTokenKey(bob's key) = %+v, %v", u, err)
		}
		for _, key := range []string{strings.ToUpper(djAliceKey), djAliceKey[:39], djAliceKey + "0", "", strings.Repeat("0", 40), "x' OR '1'='1"} {
			if u, _, err := s.UserByTokenKey(ctx, key); !errors.Is(err, core.ErrNotFound) {
				t.Errorf("UserByTokenKey(%q) = %v, %v; want ErrNotFound", key, u, err)
			}
		}

		// alice logs in: her existing key, and last_login in the same write.
		at := time.Date(2027, 1, 2, 3, 4, 5, 678901000, time.FixedZone("X", 3600))
		key, created, err := s.GetOrCreateTokenKey(ctx, &core.Token{Digest: strings.Repeat("a", 40), UserID: 1, Created: at}, at)
		if err != nil || key != djAliceKey || created {
			t.Errorf("GetOrCreateTokenKey(alice) = %q, %v, %v; want her key, not created", key, created, err)
		}
		if u, _ := s.UserByID(ctx, 1); u == nil || !u.LastLogin.Equal(at) {
			t.Errorf("alice's last login = %v, want %v", u, at)
		}
		if n := djCount(t, s, "SELECT COUNT(*) FROM authtoken_token"); n != 2 {
			t.Errorf("%d tokens, want 2", n)
		}

		// carol (no token): the fresh key is stored; last_login untouched
		// when not asked for.
		fresh := "0123456789abcdef0123456789abcdef01234567"
		key, created, err = s.GetOrCreateTokenKey(ctx, &core.Token{Digest: fresh, UserID: 3, Created: at}, time.Time{})
		if err != nil || key != fresh || !created {
			t.Errorf("GetOrCreateTokenKey(carol) = %q, %v, %v; want the fresh key, created", key, created, err)
		}
		if u, tok, err := s.UserByTokenKey(ctx, fresh); err != nil || u.ID != 3 || !tok.Created.Equal(at) || !u.LastLogin.IsZero() {
			t.Errorf("carol's token: %+v, %+v, %v", u, tok, err)
		}

		// Unknown users and bad keys.
		if _, _, err := s.GetOrCreateTokenKey(ctx, &core.Token{Digest: strings.Repeat("b", 40), UserID: 99, Created: at}, at); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("GetOrCreateTokenKey(unknown user, with last login): %v, want ErrNotFound", err)
		}
		if _, _, err := s.GetOrCreateTokenKey(ctx, &core.Token{Digest: strings.Repeat("b", 40), UserID: 99, Created: at}, time.Time{}); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("GetOrCreateTokenKey(unknown user): %v, want ErrNotFound", err)
		}
		if _, _, err := s.GetOrCreateTokenKey(ctx, &core.Token{Digest: strings.Repeat("b", 41), UserID: 4, Created: at}, at); !errors.Is(err, core.ErrInvalidValue) {
			t.Errorf("GetOrCreateTokenKey(41-character key): %v, want ErrInvalidValue", err)
		}

		// dave: racing logins share one key; exactly one creates it.
		const racers = 8
		keys := make([]string, racers)
		createdBy := make([]bool, racers)
		errs := make([]error, racers)
		var wg sync.WaitGroup
		for i := range racers {
			wg.Go(func() {
				k := strings.Repeat(string(rune('a'+i)), 40)
				keys[i], createdBy[i], errs[i] = s.GetOrCreateTokenKey(ctx, &core.Token{Digest: k, UserID: 4, Created: at}, at)
			})
		}
		wg.Wait()
		creators := 0
		for i := range racers {
			if errs[i] != nil {
				t.Fatalf("racer %d: %v", i, errs[i])
			}
			if keys[i] != keys[0] {
				t.Errorf("racer %d got %q, racer 0 %q", i, keys[i], keys[0])
			}
			if createdBy[i] {
				creators++
			}
		}
		if creators != 1 {
			t.Errorf("%d racers report created, want 1", creators)
		}

		// Deletes: another user's token is kept; the except digest keeps
		// one's own.
		if n, err := s.DeleteUserTokens(ctx, 1, storekit.TokenDigest(djAliceKey)); n != 0 || err != nil {
			t.Errorf("DeleteUserTokens(alice, her digest) = %d, %v; want 0", n, err)
		}
		if n, err := s.DeleteUserTokens(ctx, 1, storekit.TokenDigest(djBobKey)); n != 1 || err != nil {
			t.Errorf("DeleteUserTokens(alice, bob's digest) = %d, %v; want 1", n, err)
		}
		if n, err := s.DeleteUserTokens(ctx, 1, ""); n != 0 || err != nil {
			t.Errorf("DeleteUserTokens(alice) again = %d, %v; want 0", n, err)
		}
		if err := s.DeleteTokenKey(ctx, strings.ToUpper(djBobKey)); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.UserByTokenKey(ctx, djBobKey); err != nil {
			t.Errorf("bob's key after deleting its upper-case spelling: %v", err)
		}
		for range 2 {
			if err := s.DeleteTokenKey(ctx, djBobKey); err != nil {
				t.Errorf("DeleteTokenKey(bob's key): %v", err)
			}
		}
		if _, _, err := s.UserByTokenKey(ctx, djBobKey); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("bob's key after logout: %v, want ErrNotFound", err)
		}

		// The digest-based methods are inert.
		if err := s.CreateToken(ctx, &core.Token{Digest: storekit.TokenDigest(fresh), UserID: 1, Created: at}); err == nil || errors.Is(err, core.ErrNotFound) {
			t.Errorf("CreateToken: %v, want a plain error", err)
		}
		if _, _, err := s.UserByToken(ctx, storekit.TokenDigest(fresh)); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("UserByToken: %v, want ErrNotFound", err)
		}
		if err := s.DeleteToken(ctx, storekit.TokenDigest(fresh)); err != nil {
			t.Errorf("DeleteToken: %v", err)
		}
		if _, _, err := s.UserByTokenKey(ctx, fresh); err != nil {
			t.Errorf("carol's key after DeleteToken(its digest): %v", err)
		}
	})
}

// TestDjangoCreateUser checks the rows CreateUser writes, as Django and
// allauth would (auth_user, a primary account_emailaddress), and Django's
// datetime forms; then the clashes: a username or an address that
// differs only by case is taken.
func TestDjangoCreateUser(t *testing.T) {
	forEachDjango(t, func(t *testing.T, s *sqlstore.DjangoStore, _ string) {
		ctx := t.Context()
		joined := time.Date(2024, 2, 29, 23, 59, 58, 123456789, time.FixedZone("IST", 5*3600+1800))
		u := &core.User{
			Username: "Erin", Email: "Erin@Example.com", FirstName: "Erin", LastName: "Émile",
			PasswordHash: "argon2$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", IsActive: true,
			IsStaff: true, DateJoined: joined,
		}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		if u.ID != 5 {
			t.Errorf("ID = %d, want 5 (after the fixture's four)", u.ID)
		}
		got, err := s.UserByID(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := *u
		want.DateJoined = joined.Truncate(time.Microsecond)
		checkDjangoUser(t, got, &want)
		if n := djCount(t, s, `SELECT COUNT(*) FROM auth_user WHERE id = ? AND username = 'Erin' AND email = 'Erin@Example.com'
			AND is_staff = ? AND is_superuser = ? AND is_active = ? AND last_login IS NULL`, u.ID, true, false, true); n != 1 {
			t.Errorf("auth_user row not as Django writes it")
		}
		if n := djCount(t, s, `SELECT COUNT(*) FROM account_emailaddress WHERE user_id = ? AND email = 'Erin@Example.com'
			AND verified = ? AND `+djQuote(s, "primary")+` = ?`, u.ID, false, true); n != 1 {
			t.Errorf("no primary, unverified account_emailaddress row for Erin")
		}
		if s.Dialect() == sqlstore.SQLite {
			var text string
			if err := s.DB().GetContext(ctx, &text, "SELECT date_joined || '' FROM auth_user WHERE id = ?", u.ID); err != nil {
				t.Fatal(err)
			}
			if text != "2024-02-29 18:29:58.123456" {
				t.Errorf("SQLite date_joined = %q, want Django's form 2024-02-29 18:29:58.123456", text)
			}
		}

		// A whole second is written without a fraction (Python's str()), a
		// zero LastLogin as NULL, an empty email without an address row,
		// and a verified one as verified.
		second := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		v := &core.User{Username: "fay", Email: "", PasswordHash: "!x", DateJoined: second, LastLogin: second}
		w := &core.User{Username: "gus", Email: "gus@example.com", PasswordHash: "!x", EmailVerified: true, IsSuperuser: true, DateJoined: second}
		for _, nu := range []*core.User{v, w} {
			if err := s.CreateUser(ctx, nu); err != nil {
				t.Fatal(err)
			}
			got, err := s.UserByID(ctx, nu.ID)
			if err != nil {
				t.Fatal(err)
			}
			checkDjangoUser(t, got, nu)
		}
		if n := djCount(t, s, "SELECT COUNT(*) FROM account_emailaddress WHERE user_id = ?", v.ID); n != 0 {
			t.Errorf("fay, without email, has %d address rows", n)
		}
		if s.Dialect() == sqlstore.SQLite {
			var text string
			if err := s.DB().GetContext(ctx, &text, "SELECT date_joined || '/' || last_login FROM auth_user WHERE id = ?", v.ID); err != nil {
				t.Fatal(err)
			}
			if text != "2025-01-01 00:00:00/2025-01-01 00:00:00" {
				t.Errorf("SQLite times = %q, want Django's form without a fraction", text)
			}
		}

		// Clashes, case-insensitive, with the username reported first.
		for _, c := range []struct {
			username, email string
			want            error
		}{
			{"ALICE", "new1@example.com", core.ErrUsernameTaken},
			{"erin", "new2@example.com", core.ErrUsernameTaken},
			{"ALICE", "BOB@example.com", core.ErrUsernameTaken},
			{"new3", "BOB@EXAMPLE.COM", core.ErrEmailTaken},
			{"new4", "erin@example.com", core.ErrEmailTaken},
			{"new5", " carol@example.com ", core.ErrEmailTaken},
		} {
			err := s.CreateUser(ctx, &core.User{Username: c.username, Email: c.email, PasswordHash: "!x", DateJoined: second})
			if !errors.Is(err, c.want) {
				t.Errorf("CreateUser(%q, %q): %v, want %v", c.username, c.email, err, c.want)
			}
		}
		if s.Dialect() == sqlstore.MySQL {
			// utf8mb4_general_ci also ignores accents: the unique keys
			// refuse what restauth's own check lets through, and the
			// violation maps to the same errors.
			for _, c := range []struct {
				username, email string
				want            error
			}{
				{"alicé", "new7@example.com", core.ErrUsernameTaken},
				{"new8", "alicé@example.com", core.ErrEmailTaken},
			} {
				err := s.CreateUser(ctx, &core.User{Username: c.username, Email: c.email, PasswordHash: "!x", DateJoined: second})
				if !errors.Is(err, c.want) {
					t.Errorf("CreateUser(%q, %q) on MySQL: %v, want %v", c.username, c.email, err, c.want)
				}
			}
			if u, err := s.UserByUsername(ctx, "alicé"); !errors.Is(err, core.ErrNotFound) {
				t.Errorf("UserByUsername(alicé) on MySQL = %v, %v; want ErrNotFound", u, err)
			}
		}
		// An address held only in auth_user.email (a user Django created
		// without allauth) is taken too.
		djExec(t, s, "UPDATE auth_user SET email = 'only-in-auth-user@example.com' WHERE id = ?", v.ID)
		if err := s.CreateUser(ctx, &core.User{Username: "new6", Email: "Only-In-Auth-User@example.com", PasswordHash: "!x", DateJoined: second}); !errors.Is(err, core.ErrEmailTaken) {
			t.Errorf("CreateUser with an address held in auth_user.email: %v, want ErrEmailTaken", err)
		}
		if n := djCount(t, s, "SELECT COUNT(*) FROM auth_user"); n != 7 {
			t.Errorf("%d users after the refused creations, want 7", n)
		}

		// Renames: one's own username in another case is fine, another
		// user's is taken.
		bob, _ := s.UserByID(ctx, 2)
		bob.Username, bob.FirstName = "Bob", "Robert"
		if err := s.UpdateProfile(ctx, bob); err != nil {
			t.Errorf("UpdateProfile(bob → Bob): %v", err)
		}
		bob.Username = "ALICE"
		if err := s.UpdateProfile(ctx, bob); !errors.Is(err, core.ErrUsernameTaken) {
			t.Errorf("UpdateProfile(bob → ALICE): %v, want ErrUsernameTaken", err)
		}
		if got, _ := s.UserByID(ctx, 2); got.Username != "Bob" || got.FirstName != "Robert" || got.LastName != "" {
			t.Errorf("bob after the renames = %+v", got)
		}
		if err := s.UpdateProfile(ctx, &core.User{ID: 99, Username: "zed"}); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("UpdateProfile(unknown): %v, want ErrNotFound", err)
		}
		if err := s.CreateUser(ctx, &core.User{Username: "long", PasswordHash: strings.Repeat("h", 129)}); !errors.Is(err, core.ErrInvalidValue) {
			t.Errorf("CreateUser with a 129-character hash: %v, want ErrInvalidValue (auth_user.password is varchar(128))", err)
		}
	})
}

// TestDjangoUsernamesDifferingByCase covers a database where Django
// (case-sensitive on SQLite and PostgreSQL) holds "alice" and "Alice":
// exact matches find each, a third spelling is ambiguous.
func TestDjangoUsernamesDifferingByCase(t *testing.T) {
	forEachDjango(t, func(t *testing.T, s *sqlstore.DjangoStore, _ string) {
		if s.Dialect() == sqlstore.MySQL {
			t.Skip("skipped: MySQL's _ci unique index refuses usernames differing only by case, as for Django")
		}
		djExec(t, s, `INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined)
			VALUES ('!x', ?, 'Alice', '', '', '', ?, ?, ?)`, false, false, true, sqlDate(s))
		ctx := t.Context()
		if u, err := s.UserByUsername(ctx, "alice"); err != nil || u.ID != 1 {
			t.Errorf("UserByUsername(alice) = %v, %v; want id 1", u, err)
		}
		if u, err := s.UserByUsername(ctx, "Alice"); err != nil || u.ID != 5 {
			t.Errorf("UserByUsername(Alice) = %v, %v; want id 5", u, err)
		}
		if u, err := s.UserByUsername(ctx, "ALICE"); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("UserByUsername(ALICE) = %v, %v; want ErrNotFound (ambiguous)", u, err)
		}
	})
}

// TestDjangoSetEmailVerified covers allauth's rows: the row of the
// user's current email is updated, or inserted (primary only for a user
// without one); EmailAddressID and UserByEmailAddressID follow the
// current email.
func TestDjangoSetEmailVerified(t *testing.T) {
	forEachDjango(t, func(t *testing.T, s *sqlstore.DjangoStore, _ string) {
		ctx := t.Context()
		if err := s.SetEmailVerified(ctx, 2, true); err != nil {
			t.Fatal(err)
		}
		if u, _ := s.UserByID(ctx, 2); u == nil || !u.EmailVerified {
			t.Errorf("bob after SetEmailVerified(true): %+v", u)
		}
		if n := djCount(t, s, "SELECT COUNT(*) FROM account_emailaddress WHERE user_id = 2 AND verified = ?", true); n != 1 {
			t.Errorf("bob has %d verified rows, want 1", n)
		}
		if err := s.SetEmailVerified(ctx, 1, false); err != nil {
			t.Fatal(err)
		}
		if u, _ := s.UserByID(ctx, 1); u == nil || u.EmailVerified {
			t.Errorf("alice after SetEmailVerified(false): %+v", u)
		}
		if err := s.SetEmailVerified(ctx, 99, true); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("SetEmailVerified(unknown): %v, want ErrNotFound", err)
		}

		// A user Django created without allauth: no row, so one is
		// inserted, primary.
		djExec(t, s, `INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined)
			VALUES ('!x', ?, 'frank', '', '', 'frank@example.com', ?, ?, ?)`, false, false, true, sqlDate(s))
		frank, err := s.UserByUsername(ctx, "frank")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.EmailAddressID(ctx, frank.ID); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("EmailAddressID(frank) before: %v, want ErrNotFound", err)
		}
		if err := s.SetEmailVerified(ctx, frank.ID, false); err != nil {
			t.Fatal(err)
		}
		if n := djCount(t, s, "SELECT COUNT(*) FROM account_emailaddress WHERE user_id = ?", frank.ID); n != 0 {
			t.Errorf("SetEmailVerified(false) inserted %d rows", n)
		}
		if err := s.SetEmailVerified(ctx, frank.ID, true); err != nil {
			t.Fatal(err)
		}
		if u, _ := s.UserByID(ctx, frank.ID); u == nil || !u.EmailVerified {
			t.Errorf("frank after SetEmailVerified(true): %+v", u)
		}
		primary := djQuote(s, "primary")
		if n := djCount(t, s, "SELECT COUNT(*) FROM account_emailaddress WHERE user_id = ? AND email = 'frank@example.com' AND verified = ? AND "+primary+" = ?", frank.ID, true, true); n != 1 {
			t.Errorf("frank's inserted row is not verified and primary")
		}
		first, err := s.EmailAddressID(ctx, frank.ID)
		if err != nil {
			t.Fatal(err)
		}
		if u, err := s.UserByEmailAddressID(ctx, first); err != nil || u.ID != frank.ID {
			t.Errorf("UserByEmailAddressID(%d) = %v, %v; want frank", first, u, err)
		}

		// Django changes frank's email: the old row no longer names him,
		// and the new one, inserted on verification, is not primary.
		djExec(t, s, "UPDATE auth_user SET email = 'frank2@example.com' WHERE id = ?", frank.ID)
		if u, err := s.UserByEmailAddressID(ctx, first); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("UserByEmailAddressID(old address) = %v, %v; want ErrNotFound", u, err)
		}
		if u, _ := s.UserByID(ctx, frank.ID); u == nil || u.EmailVerified {
			t.Errorf("frank with a new, unconfirmed email: %+v, want unverified", u)
		}
		if err := s.SetEmailVerified(ctx, frank.ID, true); err != nil {
			t.Fatal(err)
		}
		if n := djCount(t, s, "SELECT COUNT(*) FROM account_emailaddress WHERE user_id = ? AND email = 'frank2@example.com' AND "+primary+" = ?", frank.ID, false); n != 1 {
			t.Errorf("frank's second row is not the non-primary one")
		}
		second, err := s.EmailAddressID(ctx, frank.ID)
		if err != nil || second == first {
			t.Errorf("EmailAddressID(frank) = %d, %v; want a new row", second, err)
		}

		// The fixture: alice's row is 1; unknown ids are not found.
		if id, err := s.EmailAddressID(ctx, 1); err != nil || id != 1 {
			t.Errorf("EmailAddressID(alice) = %d, %v; want 1", id, err)
		}
		if u, err := s.UserByEmailAddressID(ctx, 2); err != nil || u.ID != 2 {
			t.Errorf("UserByEmailAddressID(2) = %v, %v; want bob", u, err)
		}
		for _, id := range []int64{0, -1, 999} {
			if u, err := s.UserByEmailAddressID(ctx, id); !errors.Is(err, core.ErrNotFound) {
				t.Errorf("UserByEmailAddressID(%d) = %v, %v; want ErrNotFound", id, u, err)
			}
		}
		if _, err := s.EmailAddressID(ctx, 99); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("EmailAddressID(unknown): %v, want ErrNotFound", err)
		}
	})
}

// sqlDate returns a date_joined value for raw inserts.
func sqlDate(s *sqlstore.DjangoStore) any {
	if s.Dialect() == sqlstore.SQLite {
		return "2025-01-01 00:00:00"
	}
	return time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
}

// TestDjangoUserWrites covers the single-row writes and that they leave
// the other columns alone.
func TestDjangoUserWrites(t *testing.T) {
	forEachDjango(t, func(t *testing.T, s *sqlstore.DjangoStore, _ string) {
		ctx := t.Context()
		before, _ := s.UserByID(ctx, 1)
		newHash := "pbkdf2_sha256$1000000$c2FsdA$0123456789abcdef0123456789abcdef0123456789A="
		if err := s.SetPassword(ctx, 1, newHash); err != nil {
			t.Fatal(err)
		}
		if ok, err := s.UpgradePasswordHash(ctx, 1, before.PasswordHash, "x"); ok || err != nil {
			t.Errorf("UpgradePasswordHash from a stale hash = %v, %v; want false", ok, err)
		}
		if ok, err := s.UpgradePasswordHash(ctx, 1, newHash, before.PasswordHash); !ok || err != nil {
			t.Errorf("UpgradePasswordHash = %v, %v; want true", ok, err)
		}
		if err := s.SetActive(ctx, 1, false); err != nil {
			t.Fatal(err)
		}
		if err := s.SetStaff(ctx, 1, true, true); err != nil {
			t.Fatal(err)
		}
		at := time.Date(2030, 5, 6, 7, 8, 9, 10000, time.UTC)
		if err := s.RecordLogin(ctx, 1, at); err != nil {
			t.Fatal(err)
		}
		want := *before
		want.IsActive, want.IsStaff, want.IsSuperuser, want.LastLogin = false, true, true, at
		got, _ := s.UserByID(ctx, 1)
		checkDjangoUser(t, got, &want)
		for name, err := range map[string]error{
			"SetPassword":    s.SetPassword(ctx, 99, newHash),
			"SetActive":      s.SetActive(ctx, 99, true),
			"SetStaff":       s.SetStaff(ctx, 99, true, false),
			"RecordLogin":    s.RecordLogin(ctx, 99, at),
			"SetPassword129": s.SetPassword(ctx, 1, strings.Repeat("h", 129)),
		} {
			want := core.ErrNotFound
			if name == "SetPassword129" {
				want = core.ErrInvalidValue
			}
			if !errors.Is(err, want) {
				t.Errorf("%s: %v, want %v", name, err, want)
			}
		}
		if _, err := s.UpgradePasswordHash(ctx, 99, "a", "b"); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("UpgradePasswordHash(unknown): %v, want ErrNotFound", err)
		}
		// The same values again are no error (MySQL counts no changed row).
		if err := s.SetStaff(ctx, 1, true, true); err != nil {
			t.Errorf("SetStaff unchanged: %v", err)
		}
		if err := s.RecordLogin(ctx, 1, at); err != nil {
			t.Errorf("RecordLogin unchanged: %v", err)
		}
	})
}

// TestDjangoDeleteUser deletes users with rows in every app the fixture
// has: alice (DRF token, address, SimpleJWT outstanding and blacklisted
// tokens, restauth refresh family) and dave (allauth social account and
// token).
func TestDjangoDeleteUser(t *testing.T) {
	forEachDjango(t, func(t *testing.T, s *sqlstore.DjangoStore, _ string) {
		ctx := t.Context()
		djExec(t, s, "INSERT INTO restauth_refresh_family (id, user_id, created) VALUES ('fam1', 1, 1)")
		djExec(t, s, "INSERT INTO restauth_refresh_token (jti, family_id, user_id, issued, expires) VALUES ('jti1', 'fam1', 1, 1, 2)")
		if err := s.DeleteUser(ctx, 1); err != nil {
			t.Fatal(err)
		}
		for q, want := range map[string]int{
			"SELECT COUNT(*) FROM auth_user WHERE id = 1":                                     0,
			"SELECT COUNT(*) FROM authtoken_token WHERE user_id = 1":                          0,
			"SELECT COUNT(*) FROM account_emailaddress WHERE user_id = 1":                     0,
			"SELECT COUNT(*) FROM token_blacklist_outstandingtoken WHERE user_id IS NULL":     2,
			"SELECT COUNT(*) FROM token_blacklist_blacklistedtoken":                           1,
			"SELECT COUNT(*) FROM restauth_refresh_family":                                    0,
			"SELECT COUNT(*) FROM restauth_refresh_token":                                     0,
			"SELECT COUNT(*) FROM auth_user":                                                  3,
			"SELECT COUNT(*) FROM authtoken_token":                                            1,
			"SELECT COUNT(*) FROM socialaccount_socialaccount":                                1,
			"SELECT COUNT(*) FROM account_emailaddress":                                       3,
			"SELECT COUNT(*) FROM token_blacklist_outstandingtoken WHERE user_id IS NOT NULL": 0,
		} {
			if n := djCount(t, s, q); n != want {
				t.Errorf("%s = %d, want %d", q, n, want)
			}
		}
		if _, err := s.UserByUsername(ctx, "alice"); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("alice after DeleteUser: %v", err)
		}
		// Her username and email are free again.
		if err := s.CreateUser(ctx, &core.User{Username: "Alice", Email: "Alice@example.com", PasswordHash: "!x", DateJoined: time.Now()}); err != nil {
			t.Errorf("re-creating alice: %v", err)
		}

		if err := s.DeleteUser(ctx, 4); err != nil {
			t.Fatal(err)
		}
		for _, table := range []string{"socialaccount_socialaccount", "socialaccount_socialtoken"} {
			if n := djCount(t, s, "SELECT COUNT(*) FROM "+table); n != 0 {
				t.Errorf("%s has %d rows after deleting dave", table, n)
			}
		}
		if n := djCount(t, s, "SELECT COUNT(*) FROM socialaccount_socialapp"); n != 1 {
			t.Errorf("the social app was deleted with dave")
		}
		for _, id := range []int64{1, 4, 99} {
			if err := s.DeleteUser(ctx, id); !errors.Is(err, core.ErrNotFound) {
				t.Errorf("DeleteUser(%d) again: %v, want ErrNotFound", id, err)
			}
		}
	})
}

// TestDjangoDeleteUserReferencedElsewhere: a row of an app restauth does
// not know (here a project's own table with a foreign key to auth_user)
// makes DeleteUser fail, and nothing is deleted.
func TestDjangoDeleteUserReferencedElsewhere(t *testing.T) {
	forEachDjango(t, func(t *testing.T, s *sqlstore.DjangoStore, _ string) {
		ref := "CREATE TABLE shop_order (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES auth_user (id))"
		if s.Dialect() == sqlstore.MySQL {
			ref = "CREATE TABLE shop_order (id INT PRIMARY KEY, user_id INT NOT NULL, FOREIGN KEY (user_id) REFERENCES auth_user (id))"
		}
		djExec(t, s, ref)
		djExec(t, s, "INSERT INTO shop_order (id, user_id) VALUES (1, 2)")
		err := s.DeleteUser(t.Context(), 2)
		if err == nil || errors.Is(err, core.ErrNotFound) || !errors.Is(err, core.ErrUnavailable) {
			t.Errorf("DeleteUser of a referenced user: %v, want an error wrapping ErrUnavailable", err)
		}
		if u, err := s.UserByID(t.Context(), 2); err != nil || u.Email != "bob@example.com" || u.EmailVerified {
			t.Errorf("bob after the failed delete: %+v, %v", u, err)
		}
		if _, _, err := s.UserByTokenKey(t.Context(), djBobKey); err != nil {
			t.Errorf("bob's token after the failed delete: %v", err)
		}
	})
}

// TestDjangoCheckTables opens databases that lack a Django table or
// column: OpenDjango refuses, naming what is missing and the app that
// provides it, and creates nothing.
func TestDjangoCheckTables(t *testing.T) {
	for _, db := range sqltest.All() {
		t.Run(db.Name, func(t *testing.T) {
			db.RequireServer(t)
			for _, c := range []struct {
				name, ddl string
				want      []string
			}{
				{"MissingTable", "DROP TABLE authtoken_token",
					[]string{"authtoken_token is missing", "rest_framework.authtoken", "manage.py migrate"}},
				{"MissingColumn", "ALTER TABLE auth_user DROP COLUMN first_name",
					[]string{"auth_user has no column first_name", "django.contrib.auth"}},
				{"MissingBlacklist", "DROP TABLE token_blacklist_blacklistedtoken",
					[]string{"token_blacklist_blacklistedtoken is missing", "rest_framework_simplejwt.token_blacklist"}},
			} {
				t.Run(c.name, func(t *testing.T) {
					url := db.DjangoURL(t)
					raw := sqltest.Connect(t, url)
					if _, err := raw.DB().ExecContext(t.Context(), c.ddl); err != nil {
						t.Fatal(err)
					}
					before := sqltest.SchemaSnapshot(t, url, "")
					s, err := sqlstore.OpenDjango(t.Context(), url, sqlstore.DjangoConfig{SecretKey: []byte(sqltest.DjangoSecretKey)}, sqltest.Drivers()...)
					if err == nil {
						s.Close()
						t.Fatal("OpenDjango succeeded")
					}
					if !errors.Is(err, sqlstore.ErrDjangoSchema) || errors.Is(err, core.ErrUnavailable) {
						t.Errorf("error %v does not wrap ErrDjangoSchema alone", err)
					}
					for _, w := range c.want {
						if !strings.Contains(err.Error(), w) {
							t.Errorf("error %q lacks %q", err, w)
						}
					}
					if after := sqltest.SchemaSnapshot(t, url, ""); after != before {
						t.Errorf("the refused open changed the schema:\nbefore:\n%s\nafter:\n%s", before, after)
					}
				})
			}
			// The optional socialaccount tables may be missing.
			t.Run("NoSocialaccount", func(t *testing.T) {
				url := db.DjangoURL(t)
				raw := sqltest.Connect(t, url)
				for _, table := range []string{"socialaccount_socialtoken", "socialaccount_socialapp_sites", "socialaccount_socialapp", "socialaccount_socialaccount"} {
					if _, err := raw.DB().ExecContext(t.Context(), "DROP TABLE "+table); err != nil {
						t.Fatal(err)
					}
				}
				s := sqltest.OpenDjango(t, url)
				if err := s.DeleteUser(t.Context(), 4); err != nil {
					t.Errorf("DeleteUser without socialaccount: %v", err)
				}
			})
		})
	}
}

// TestDjangoOpenLeavesDjangoTables compares the schema of Django's
// tables before and after OpenDjango (twice: its migrations are
// idempotent): identical; restauth's own tables are the only new ones,
// and its ThrottleStore works on them.
func TestDjangoOpenLeavesDjangoTables(t *testing.T) {
	for _, db := range sqltest.All() {
		t.Run(db.Name, func(t *testing.T) {
			db.RequireServer(t)
			url := db.DjangoURL(t)
			before := sqltest.SchemaSnapshot(t, url, "restauth_")
			whole := sqltest.SchemaSnapshot(t, url, "")
			if before != whole {
				t.Fatal("the fixture already holds restauth_ tables")
			}
			s := sqltest.OpenDjango(t, url)
			if err := s.Migrate(t.Context()); err != nil {
				t.Fatal(err)
			}
			sqltest.OpenDjango(t, url)
			if after := sqltest.SchemaSnapshot(t, url, "restauth_"); after != before {
				t.Errorf("Django's schema changed:\nbefore:\n%s\nafter:\n%s", before, after)
			}
			if n := djCount(t, s, "SELECT COUNT(*) FROM restauth_django_migrations"); n != 2 {
				t.Errorf("restauth_django_migrations records %d versions, want 2", n)
			}
			for _, table := range []string{"restauth_throttle", "restauth_refresh_family", "restauth_refresh_token"} {
				djCount(t, s, "SELECT COUNT(*) FROM "+table)
			}
			for _, native := range []string{"restauth_user", "restauth_token", "restauth_schema_migrations"} {
				if strings.Contains(sqltest.SchemaSnapshot(t, url, ""), native) {
					t.Errorf("OpenDjango created the native table %s", native)
				}
			}
			n, _, err := s.ThrottleStore().Hit(t.Context(), "login:abc", time.Minute, time.Now())
			if err != nil || n != 1 {
				t.Errorf("ThrottleStore().Hit = %d, %v", n, err)
			}
			fsys, err := sqlstore.DjangoMigrations(s.Dialect())
			if err != nil {
				t.Fatal(err)
			}
			if _, err := fsys.Open("0001_throttle.sql"); err != nil {
				t.Errorf("DjangoMigrations: %v", err)
			}
		})
	}
}

// TestDjangoCancelledContext: every method refuses a cancelled context
// with an error that is no contract sentinel.
func TestDjangoCancelledContext(t *testing.T) {
	forEachDjango(t, func(t *testing.T, s *sqlstore.DjangoStore, _ string) {
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		errs := map[string]error{}
		_, errs["UserByID"] = s.UserByID(ctx, 1)
		_, errs["UserByUsername"] = s.UserByUsername(ctx, "alice")
		_, errs["UserByEmail"] = s.UserByEmail(ctx, "alice@example.com")
		errs["CreateUser"] = s.CreateUser(ctx, &core.User{Username: "x", PasswordHash: "!x"})
		errs["UpdateProfile"] = s.UpdateProfile(ctx, &core.User{ID: 1, Username: "alice"})
		errs["SetEmailVerified"] = s.SetEmailVerified(ctx, 1, true)
		errs["DeleteUser"] = s.DeleteUser(ctx, 1)
		_, _, errs["GetOrCreateTokenKey"] = s.GetOrCreateTokenKey(ctx, &core.Token{Digest: strings.Repeat("c", 40), UserID: 1}, time.Now())
		_, _, errs["UserByTokenKey"] = s.UserByTokenKey(ctx, djAliceKey)
		errs["DeleteTokenKey"] = s.DeleteTokenKey(ctx, djAliceKey)
		_, errs["DeleteUserTokens"] = s.DeleteUserTokens(ctx, 1, "")
		_, errs["EmailAddressID"] = s.EmailAddressID(ctx, 1)
		for name, err := range errs {
			if err == nil || errors.Is(err, core.ErrNotFound) || errors.Is(err, core.ErrUsernameTaken) || !errors.Is(err, core.ErrUnavailable) {
				t.Errorf("%s with a cancelled context: %v, want an error wrapping ErrUnavailable", name, err)
			}
		}
		if _, _, err := s.UserByTokenKey(t.Context(), djAliceKey); err != nil {
			t.Errorf("alice's token after the cancelled calls: %v", err)
		}
	})
}

// djangoConformanceSkips are the storetest cases that assume what
// Django's tables do not have, by subtest name (after the database's),
// with the reason.
var djangoConformanceSkips = map[string]string{
	"Create/AllFieldsRoundTrip":          noEpoch + " (TestDjangoCreateUser checks the other fields)",
	"SetPassword/BumpsEpoch":             noEpoch,
	"SetActive/DeactivateBumpsEpoch":     noEpoch,
	"Refresh/UserByFamily":               noEpoch,
	"Lookup/UsernameCaseInsensitive":     "LOWER() does not fold \"ß\" to \"ss\" (nor does allauth's iexact)",
	"Token":                              keyTokens,
	"Copies/InputValues":                 keyTokens,
	"Copies/ReturnedToken":               keyTokens,
	"Literal/SQLMetacharacters":          keyTokens + " (TestDjangoLiteralValues)",
	"Literal/Wildcards":                  keyTokens + " (TestDjangoLiteralValues)",
	"Limits/AtLimitRoundTrips":           keyTokens + " (TestDjangoLimits)",
	"Context/Cancelled":                  keyTokens + " (TestDjangoCancelledContext)",
	"Context/DeadlineExceeded":           keyTokens + " (TestDjangoCancelledContext)",
	"Delete/FreesKeysAndCredentials":     keyTokens + " (TestDjangoDeleteUser)",
	"Staff/RoundTrip":                    keyTokens + " (TestDjangoUserWrites)",
	"SocialAccountStore/RoundTrip":       "allauth's socialaccount last_login is NOT NULL: a zero LastLogin cannot be kept",
	"SocialAccountStore/LimitsRoundTrip": "allauth's socialaccount provider is varchar(30)",
}

// djangoConformanceSkipsMySQL are djangoConformanceSkips for MySQL only.
var djangoConformanceSkipsMySQL = map[string]string{
	"SocialAccountStore/ExactUID": "allauth's UNIQUE (provider, uid) is case-insensitive under MySQL's _ci collation",
}

// Reasons for djangoConformanceSkips.
const (
	noEpoch   = "Django has no TokenEpoch column (always 0; Django's session auth hash binds sessions to the password)"
	keyTokens = "the case creates digest tokens (CreateToken); authtoken_token keeps keys (core.TokenKeyStore)"
)

// djangoResetTables are the tables a conformance case may write,
// children first.
var djangoResetTables = []string{
	"restauth_refresh_token", "restauth_refresh_family", "restauth_throttle",
	"token_blacklist_blacklistedtoken", "token_blacklist_outstandingtoken", "authtoken_token",
	"account_emailconfirmation", "account_emailaddress", "socialaccount_socialtoken",
	"socialaccount_socialapp_sites", "socialaccount_socialapp", "socialaccount_socialaccount",
	"auth_user_groups", "auth_user_user_permissions", "django_session", "auth_user",
}

// TestDjangoConformance runs core/storetest on an empty Django database
// (Django's DDL, no rows) of every available kind, skipping the cases
// djangoConformanceSkips names. The cases share one database per kind,
// emptied before each (making one per case takes minutes on a loaded
// machine); ids keep counting.
func TestDjangoConformance(t *testing.T) {
	for _, db := range sqltest.All() {
		t.Run(db.Name, func(t *testing.T) {
			db.RequireServer(t)
			prefix := t.Name() + "/"
			url := db.DjangoEmptyURL(t)
			sqltest.OpenDjango(t, url) // restauth's own tables
			raw := sqltest.Connect(t, url)
			storetest.Run(t, func(t *testing.T) core.Store {
				name := strings.TrimPrefix(t.Name(), prefix)
				skips := djangoConformanceSkips
				if db.Driver.Dialect() == sqlstore.MySQL {
					skips = maps.Clone(skips)
					maps.Copy(skips, djangoConformanceSkipsMySQL)
				}
				for skip, why := range skips {
					if name == skip || strings.HasPrefix(name, skip+"/") {
						t.Skipf("skipped on the Django schema: %s", why)
					}
				}
				for _, table := range djangoResetTables {
					if _, err := raw.DB().ExecContext(t.Context(), "DELETE FROM "+table); err != nil {
						t.Fatalf("empty %s: %v", table, err)
					}
				}
				return sqltest.OpenDjango(t, url)
			})
		})
	}
}

// TestDjangoLiteralValues: usernames and emails holding SQL
// metacharacters and LIKE wildcards are compared literally.
func TestDjangoLiteralValues(t *testing.T) {
	forEachDjango(t, func(t *testing.T, s *sqlstore.DjangoStore, _ string) {
		ctx := t.Context()
		names := []string{"o'brien", `back\slash`, "per%cent", "under_score", "x' OR '1'='1", `q"uote`}
		for i, name := range names {
			u := &core.User{Username: name, Email: strings.ReplaceAll(name, " ", "") + "@example.com", PasswordHash: "!x", DateJoined: time.Now()}
			if err := s.CreateUser(ctx, u); err != nil {
				t.Fatalf("CreateUser(%q): %v", name, err)
			}
			if u.ID != int64(5+i) {
				t.Errorf("CreateUser(%q) ID %d", name, u.ID)
			}
		}
		for i, name := range names {
			if u, err := s.UserByUsername(ctx, strings.ToUpper(name)); err != nil || u.ID != int64(5+i) || u.Username != name {
				t.Errorf("UserByUsername(%q) = %v, %v", strings.ToUpper(name), u, err)
			}
			email := strings.ReplaceAll(name, " ", "") + "@example.com"
			if u, err := s.UserByEmail(ctx, email); err != nil || u.ID != int64(5+i) {
				t.Errorf("UserByEmail(%q) = %v, %v", email, u, err)
			}
		}
		for _, q := range []string{"per_cent", "per%", "%", "_", "under%score", "o''brien", "x"} {
			if u, err := s.UserByUsername(ctx, q); !errors.Is(err, core.ErrNotFound) {
				t.Errorf("UserByUsername(%q) = %v, %v; want ErrNotFound", q, u, err)
			}
			if u, err := s.UserByEmail(ctx, q+"@example.com"); !errors.Is(err, core.ErrNotFound) {
				t.Errorf("UserByEmail(%q) = %v, %v; want ErrNotFound", q+"@example.com", u, err)
			}
		}
		if err := s.CreateUser(ctx, &core.User{Username: "per_cent", PasswordHash: "!x"}); err != nil {
			t.Errorf("CreateUser(per_cent) beside per%%cent: %v", err)
		}
	})
}

// TestDjangoLimits: values at Django's column sizes, in multi-byte
// characters, round-trip; longer ones are refused before anything is
// written.
func TestDjangoLimits(t *testing.T) {
	forEachDjango(t, func(t *testing.T, s *sqlstore.DjangoStore, _ string) {
		ctx := t.Context()
		u := &core.User{
			Username:     strings.Repeat("é", 150),
			Email:        strings.Repeat("ü", 254-len("@example.com")) + "@example.com",
			FirstName:    strings.Repeat("名", 150),
			LastName:     strings.Repeat("😀", 150),
			PasswordHash: strings.Repeat("h", 128),
			IsActive:     true,
			DateJoined:   time.Date(2024, 2, 29, 23, 59, 58, 123456000, time.UTC),
		}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		got, err := s.UserByID(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		checkDjangoUser(t, got, u)
		if got, err := s.UserByEmail(ctx, strings.ToUpper(u.Email)); err != nil || got.ID != u.ID {
			t.Errorf("UserByEmail(upper-case long address) = %v, %v", got, err)
		}
		if got, err := s.UserByUsername(ctx, strings.ToUpper(u.Username)); err != nil || got.ID != u.ID {
			t.Errorf("UserByUsername(upper-case long name) = %v, %v", got, err)
		}
		for name, over := range map[string]*core.User{
			"username": {Username: strings.Repeat("é", 151), PasswordHash: "!x"},
			"email":    {Username: "e", Email: strings.Repeat("ü", 255-len("@example.com")) + "@example.com", PasswordHash: "!x"},
			"first":    {Username: "f", FirstName: strings.Repeat("名", 151), PasswordHash: "!x"},
			"password": {Username: "p", PasswordHash: strings.Repeat("h", 129)},
			"nul":      {Username: "n\x00", PasswordHash: "!x"},
			"utf8":     {Username: "bad\xff", PasswordHash: "!x"},
		} {
			if err := s.CreateUser(ctx, over); !errors.Is(err, core.ErrInvalidValue) {
				t.Errorf("CreateUser(%s over the limit): %v, want ErrInvalidValue", name, err)
			}
		}
		if n := djCount(t, s, "SELECT COUNT(*) FROM auth_user"); n != 5 {
			t.Errorf("%d users, want 5", n)
		}
		for _, q := range []string{"bad\xff", "n\x00", strings.Repeat("a", 1000)} {
			if _, err := s.UserByUsername(ctx, q); !errors.Is(err, core.ErrNotFound) {
				t.Errorf("UserByUsername(impossible %q…): %v", q[:3], err)
			}
			if _, err := s.UserByEmail(ctx, q); !errors.Is(err, core.ErrNotFound) {
				t.Errorf("UserByEmail(impossible %q…): %v", q[:3], err)
			}
		}
	})
}

// TestDjangoConcurrentCaseVariants races creations of usernames and
// emails that differ only by case, which Django's unique indexes let
// through on SQLite and PostgreSQL: exactly one of each wins.
func TestDjangoConcurrentCaseVariants(t *testing.T) {
	forEachDjango(t, func(t *testing.T, s *sqlstore.DjangoStore, _ string) {
		ctx := t.Context()
		spellings := []string{"racer", "Racer", "RACER", "rAcer", "raCer", "racEr", "raceR", "RaCeR"}
		for _, c := range []struct {
			name  string
			user  func(i int) *core.User
			loser error
		}{
			{"Username", func(i int) *core.User {
				return &core.User{Username: spellings[i], Email: fmt.Sprintf("r%d@example.com", i), PasswordHash: "!x", DateJoined: time.Now()}
			}, core.ErrUsernameTaken},
			{"Email", func(i int) *core.User {
				return &core.User{Username: fmt.Sprintf("mailer%d", i), Email: spellings[i] + "@example.com", PasswordHash: "!x", DateJoined: time.Now()}
			}, core.ErrEmailTaken},
		} {
			errs := make([]error, len(spellings))
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i := range spellings {
				wg.Go(func() {
					<-start
					errs[i] = s.CreateUser(ctx, c.user(i))
				})
			}
			close(start)
			wg.Wait()
			winners := 0
			for i, err := range errs {
				switch {
				case err == nil:
					winners++
				case !errors.Is(err, c.loser):
					t.Errorf("%s racer %d: %v, want %v", c.name, i, err, c.loser)
				}
			}
			if winners != 1 {
				t.Errorf("%s: %d racers won, want 1", c.name, winners)
			}
		}
	})
}

// restauthDDL is what a Django migration statement may be: the creation
// of a restauth_ table, or of a restauth_ index on one.
var restauthDDL = regexp.MustCompile(`^CREATE (TABLE (IF NOT EXISTS )?restauth_\w+ \(|INDEX restauth_\w+ ON restauth_\w+ )`)

// djangoStatements splits a migration file at ";" line ends, without
// comment lines.
func djangoStatements(body string) []string {
	var stmts []string
	var cur strings.Builder
	for line := range strings.Lines(body) {
		if strings.HasPrefix(strings.TrimSpace(line), "--") || strings.TrimSpace(line) == "" {
			continue
		}
		cur.WriteString(line)
		if strings.HasSuffix(strings.TrimSpace(line), ";") {
			stmts = append(stmts, strings.TrimSpace(cur.String()))
			cur.Reset()
		}
	}
	return stmts
}

// TestDjangoMigrationsSameFilesPerDialect: the three dialects' Django
// migrations have the same versions and names, every file holds goose's
// "-- +goose Up", and every statement creates a restauth_ table or index
// (nothing of Django's is created or altered).
func TestDjangoMigrationsSameFilesPerDialect(t *testing.T) {
	var want []string
	for _, d := range []sqlstore.Dialect{sqlstore.SQLite, sqlstore.Postgres, sqlstore.MySQL} {
		fsys, err := sqlstore.DjangoMigrations(d)
		if err != nil {
			t.Fatal(err)
		}
		entries, err := fs.ReadDir(fsys, ".")
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
			body, err := fs.ReadFile(fsys, e.Name())
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(body), "\n-- +goose Up\n") {
				t.Errorf("%s/%s lacks -- +goose Up", d, e.Name())
			}
			stmts := djangoStatements(string(body))
			if len(stmts) == 0 {
				t.Errorf("%s/%s: %d statements", d, e.Name(), len(stmts))
			}
			for _, stmt := range stmts {
				if !restauthDDL.MatchString(stmt) {
					t.Errorf("%s/%s: statement is not a CREATE of a restauth_ table or index: %.80s", d, e.Name(), stmt)
				}
			}
		}
		if want == nil {
			want = names
		} else if !slices.Equal(names, want) {
			t.Errorf("%s migrations %v, SQLite's %v", d, names, want)
		}
	}
	if len(want) != 2 {
		t.Errorf("migrations %v, want 0001 and 0002", want)
	}
	if _, err := sqlstore.DjangoMigrations(sqlstore.Dialect(99)); err == nil {
		t.Error("DjangoMigrations(99) succeeded")
	}
}
