package storetest

import (
	"testing"

	"github.com/restauth/restauth/core"
)

func literalCases() []testCase {
	return []testCase{
		{"Literal/SQLMetacharacters", testLiteralMetacharacters},
		{"Literal/Wildcards", testLiteralWildcards},
	}
}

// hostileStrings returns strings that change the meaning of a query built
// by string concatenation or compared with LIKE (T-DB-01).
func hostileStrings() []string {
	return []string{
		`' OR '1'='1`,
		`" OR "1"="1`,
		`x';--`,
		`a%`,
		`a_c`,
		`back\slash`,
		`back\\slash\'`,
		`semi;colon`,
	}
}

func testLiteralMetacharacters(t *testing.T, s core.Store) {
	hostile := hostileStrings()
	users := make([]*core.User, len(hostile))
	for i, v := range hostile {
		users[i] = mustCreate(t, s, &core.User{
			Username: v, Email: v + "@example.com", FirstName: v, LastName: v,
			PasswordHash: v, IsActive: true, DateJoined: joinedAt(),
		})
		tok := tokenFor(users[i].ID, byte(i))
		tok.Digest = v
		mustCreateToken(t, s, tok)
	}
	for i, v := range hostile {
		u := users[i]
		checkUser(t, mustGet(t, s, u.ID), u)
		if got, err := s.UserByUsername(t.Context(), v); err != nil || got.ID != u.ID {
			t.Errorf("UserByUsername(%q) = %v, %v; want user %d", v, got, err, u.ID)
		}
		if got, err := s.UserByEmail(t.Context(), v+"@example.com"); err != nil || got.ID != u.ID {
			t.Errorf("UserByEmail(%q) = %v, %v; want user %d", v, got, err, u.ID)
		}
		if got, tok, err := s.UserByToken(t.Context(), v); err != nil || got.ID != u.ID || tok.Digest != v {
			t.Errorf("UserByToken(%q) = %v, %v, %v; want user %d", v, got, tok, err, u.ID)
		}
	}
	// The injection strings are values, not predicates.
	ok, err := s.UpgradePasswordHash(t.Context(), users[0].ID, `' OR '1'='1`+"x", hashB)
	if err != nil || ok {
		t.Errorf("UpgradePasswordHash(injection as old hash) = %v, %v; want false, nil", ok, err)
	}
	if err := s.DeleteToken(t.Context(), `' OR '1'='1' --`); err != nil {
		t.Fatalf("DeleteToken: %v", err)
	}
	for i, v := range hostile {
		if _, _, err := s.UserByToken(t.Context(), v); err != nil {
			t.Errorf("token %d (%q) gone after deleting an injection string: %v", i, v, err)
		}
	}
}

func testLiteralWildcards(t *testing.T, s core.Store) {
	mustCreate(t, s, newUser("abc"))
	ab := mustCreate(t, s, newUser("ab"))
	tok := tokenFor(ab.ID, 1)
	mustCreateToken(t, s, tok)

	for _, q := range []string{"%", "a%", "_", "a_", "a_c", "%b%", "*", ".*"} {
		wantNoUsername(t, s, q)
	}
	for _, q := range []string{"%", "%@example.com", "a_@example.com", "abc@%", "_%@%"} {
		wantNoEmail(t, s, q)
	}
	for _, q := range []string{"%", "_", tok.Digest[:10] + "%", "%" + tok.Digest[10:]} {
		_, _, err := s.UserByToken(t.Context(), q)
		wantErrIs(t, "UserByToken("+q+")", err, core.ErrNotFound)
		if err := s.DeleteToken(t.Context(), q); err != nil {
			t.Fatalf("DeleteToken(%q): %v", q, err)
		}
	}
	if _, _, err := s.UserByToken(t.Context(), tok.Digest); err != nil {
		t.Errorf("token gone after deleting wildcard digests: %v", err)
	}
}
