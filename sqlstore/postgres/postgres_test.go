package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/restauth/restauth/sqlstore"
	"github.com/restauth/restauth/sqlstore/postgres"
	"github.com/restauth/restauth/sqlstore/sqltest"
)

// TestDriver runs the driver checks on a schema of the server of
// RESTAUTH_TEST_POSTGRES_URL.
func TestDriver(t *testing.T) {
	sqltest.RunDriver(t, sqltest.Postgres(), postgres.Open)
}

// TestClassify reads errors by SQLSTATE: a deadlock victim (40P01) is
// retryable; constraint errors keep the constraint's name, wrapped or not.
func TestClassify(t *testing.T) {
	d := postgres.Driver()
	for _, tc := range []struct {
		err  error
		kind sqlstore.ErrorKind
		name string
	}{
		{&pgconn.PgError{Code: "40P01"}, sqlstore.Deadlock, ""},
		{fmt.Errorf("insert: %w", &pgconn.PgError{Code: "23505", ConstraintName: "restauth_token_pkey"}), sqlstore.UniqueViolation, "restauth_token_pkey"},
		{&pgconn.PgError{Code: "23503", ConstraintName: "restauth_token_user_id_fk"}, sqlstore.ForeignKeyViolation, "restauth_token_user_id_fk"},
		{&pgconn.PgError{Code: "57P01"}, sqlstore.OtherError, ""},
		{errors.New("23505"), sqlstore.OtherError, ""},
	} {
		if kind, name := d.Classify(tc.err); kind != tc.kind || name != tc.name {
			t.Errorf("Classify(%v) = %v, %q; want %v, %q", tc.err, kind, name, tc.kind, tc.name)
		}
	}
}

func TestParseURL(t *testing.T) {
	for _, raw := range []string{
		"postgres://app:" + url.QueryEscape(sqltest.Secret) + "@db.example:5433/auth?sslmode=disable&search_path=auth",
		"postgresql://app:" + url.QueryEscape(sqltest.Secret) + "@db.example:5433/auth?sslmode=disable&search_path=auth",
		"PostgreSQL://app:" + url.QueryEscape(sqltest.Secret) + "@db.example:5433/auth?sslmode=disable&search_path=auth",
	} {
		c, err := postgres.ParseURL(raw)
		if err != nil {
			t.Fatalf("ParseURL: %v", err)
		}
		if c.Host != "db.example" || c.Port != 5433 || c.User != "app" ||
			c.Password != sqltest.Secret || c.Database != "auth" || c.RuntimeParams["search_path"] != "auth" {
			t.Errorf("%s: config %+v", raw, c.Config)
		}
	}
}

func TestParseMultiHost(t *testing.T) {
	c, err := postgres.ParseURL("postgres://app:" + url.QueryEscape(sqltest.Secret) + "@h1:5432,h2:5433/auth?target_session_attrs=read-write")
	if err != nil {
		t.Fatalf("ParseURL: %v", err)
	}
	hosts := map[string]bool{c.Host: true}
	for _, f := range c.Fallbacks {
		hosts[f.Host] = true
	}
	if c.Password != sqltest.Secret || !hosts["h1"] || !hosts["h2"] {
		t.Errorf("password %v, hosts %v", c.Password == sqltest.Secret, hosts)
	}
}

func TestParseURLErrors(t *testing.T) {
	esc := url.QueryEscape(sqltest.Secret)
	for _, raw := range []string{
		"",
		sqltest.Secret,
		"host=localhost password=" + esc,
		"mysql://app:" + esc + "@localhost/db",
		// Password not percent-encoded: the URL cannot be split reliably.
		"postgres://app:" + sqltest.Secret + "@localhost/db",
		// Well-formed URLs with one bad part.
		"postgres://app:" + esc + "@localhost:notaport/db",
		"postgres://app:" + esc + "@local host/db",
		"postgresql://app:" + esc + "@[::1/db",
		"postgres://app:" + esc + "@localhost/db?sslmode=bogus",
		"postgres://app:" + esc + "@localhost/db?connect_timeout=soon",
	} {
		_, err := postgres.ParseURL(raw)
		if err == nil {
			t.Errorf("ParseURL(%q) succeeded, want an error", raw)
			continue
		}
		sqltest.AssertNoSecret(t, raw, err)
		_, err = postgres.Driver().OpenDB(raw)
		if err == nil {
			t.Errorf("OpenDB(%q) succeeded, want an error", raw)
			continue
		}
		sqltest.AssertNoSecret(t, raw, err)
	}
}

// TestOpenUnreachableFailsFast: nothing listens on the port; Open fails
// within its context's deadline, without the password in the error.
func TestOpenUnreachableFailsFast(t *testing.T) {
	raw := "postgres://app:" + url.QueryEscape(sqltest.Secret) + "@127.0.0.1:" + closedPort(t) + "/auth?sslmode=disable"
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
	defer cancel()
	start := time.Now()
	s, err := postgres.Open(ctx, raw)
	if err == nil {
		s.Close()
		t.Fatal("Open succeeded on a closed port")
	}
	if d := time.Since(start); d > 4*time.Second {
		t.Errorf("Open took %v", d)
	}
	sqltest.AssertNoSecret(t, raw, err)
}

// closedPort returns a local TCP port nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return strconv.Itoa(port)
}
