package mysql_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	gomysql "github.com/go-sql-driver/mysql"

	"github.com/restauth/restauth/sqlstore"
	"github.com/restauth/restauth/sqlstore/mysql"
	"github.com/restauth/restauth/sqlstore/sqltest"
)

// TestDriver runs the driver checks on a database of the server of
// RESTAUTH_TEST_MYSQL_URL.
func TestDriver(t *testing.T) {
	sqltest.RunDriver(t, sqltest.MySQL(), mysql.Open)
}

// TestClassify reads errors by number: a deadlock victim (1213) is
// retryable; a duplicate entry names its key, wrapped or not.
func TestClassify(t *testing.T) {
	d := mysql.Driver()
	for _, tc := range []struct {
		err  error
		kind sqlstore.ErrorKind
		name string
	}{
		{&gomysql.MySQLError{Number: 1213, Message: "Deadlock found when trying to get lock"}, sqlstore.Deadlock, ""},
		{fmt.Errorf("insert: %w", &gomysql.MySQLError{Number: 1062, Message: "Duplicate entry 'x' for key 'restauth_token.PRIMARY'"}), sqlstore.UniqueViolation, "restauth_token.PRIMARY"},
		{&gomysql.MySQLError{Number: 1452, Message: "Cannot add or update a child row"}, sqlstore.ForeignKeyViolation, ""},
		{&gomysql.MySQLError{Number: 1045, Message: "Access denied"}, sqlstore.OtherError, ""},
		{errors.New("Error 1062"), sqlstore.OtherError, ""},
	} {
		if kind, name := d.Classify(tc.err); kind != tc.kind || name != tc.name {
			t.Errorf("Classify(%v) = %v, %q; want %v, %q", tc.err, kind, name, tc.kind, tc.name)
		}
	}
}

func TestDuplicateKey(t *testing.T) {
	for msg, want := range map[string]string{
		"Duplicate entry 'alice' for key 'restauth_user_username_key_uniq'":                   "restauth_user_username_key_uniq",
		"Duplicate entry 'alice' for key 'restauth_user.restauth_user_email_key_uniq'":        "restauth_user.restauth_user_email_key_uniq",
		"Duplicate entry 'x' for key 'restauth_user_email_key_uniq'' for key 'PRIMARY'":       "PRIMARY",
		"Duplicate entry 'a for key 'restauth_user_email_key_uniq'' for key 'username_key_u'": "username_key_u",
		"something else": "",
	} {
		if got := mysql.DuplicateKey(msg); got != want {
			t.Errorf("duplicateKey(%q) = %q, want %q", msg, got, want)
		}
	}
}

func TestConfig(t *testing.T) {
	for _, tc := range []struct {
		url, user, pass, net, addr, db string
		param                          string // a driver parameter that must survive
	}{
		{
			url:  "mysql://app:" + url.QueryEscape(sqltest.Secret) + "@db.example:3307/auth?timeout=5s",
			user: "app", pass: sqltest.Secret, net: "tcp", addr: "db.example:3307", db: "auth", param: "timeout",
		},
		{
			url:  "mysql://app@db.example/auth",
			user: "app", net: "tcp", addr: "db.example:3306", db: "auth",
		},
		{
			url:  "MySQL://app@[::1]:3306/auth",
			user: "app", net: "tcp", addr: "[::1]:3306", db: "auth",
		},
		{
			url:  "mysql://app:" + sqltest.Secret + "@tcp(127.0.0.1:3306)/auth?timeout=5s&parseTime=false&loc=Local",
			user: "app", pass: sqltest.Secret, net: "tcp", addr: "127.0.0.1:3306", db: "auth", param: "timeout",
		},
		{
			url:  "mysql://root@unix(/run/mysqld/mysqld.sock)/auth",
			user: "root", net: "unix", addr: "/run/mysqld/mysqld.sock", db: "auth",
		},
	} {
		c, err := mysql.Config(tc.url)
		if err != nil {
			t.Errorf("Config(%q): %v", tc.url, err)
			continue
		}
		if c.User != tc.user || c.Passwd != tc.pass || c.Net != tc.net || c.Addr != tc.addr || c.DBName != tc.db {
			t.Errorf("%q: user %q pass %q net %q addr %q db %q", tc.url, c.User, c.Passwd, c.Net, c.Addr, c.DBName)
		}
		if !c.ParseTime || c.Loc != time.UTC || !c.ClientFoundRows {
			t.Errorf("%q: parseTime %v loc %v clientFoundRows %v, want forced on/UTC/on", tc.url, c.ParseTime, c.Loc, c.ClientFoundRows)
		}
		if !strings.Contains(c.Params["sql_mode"], "STRICT_ALL_TABLES") || c.Params["time_zone"] != "'+00:00'" {
			t.Errorf("%q: params %v", tc.url, c.Params)
		}
		if tc.param == "timeout" && c.Timeout != 5*time.Second {
			t.Errorf("%q: timeout %v, want 5s", tc.url, c.Timeout)
		}
		if dsn := c.FormatDSN(); !strings.Contains(dsn, "charset=utf8mb4") {
			t.Errorf("%q: DSN %q lacks charset=utf8mb4", tc.url, dsn)
		}
	}
}

func TestConfigErrors(t *testing.T) {
	esc := url.QueryEscape(sqltest.Secret)
	secret := sqltest.Secret
	for _, raw := range []string{
		"",
		secret,
		"app:" + secret + "@tcp(localhost:3306)/db",
		"postgres://app:" + esc + "@localhost/db",
		// Password not percent-encoded: the URL cannot be split reliably.
		"mysql://app:" + secret + "@localhost/db",
		// Well-formed URLs with one bad part.
		"mysql://app:" + esc + "@localhost:3306",
		"mysql://app:" + esc + "@/db",
		"mysql://app:" + esc + "@localhost:3306/a/b",
		"mysql://app:" + esc + "@local host/db",
		"mysql://app:" + esc + "@[::1/db",
		"mysql://app:" + esc + "@localhost/db?%zz",
		"mysql://app:" + esc + "@localhost/db?parseTime=maybe",
		// The driver's DSN syntax takes the password verbatim.
		"mysql://app:" + secret + "@tcp(localhost:3306/db",
		"mysql://app:" + secret + "@tcp(localhost:3306)",
		"mysql://app:" + secret + "@tcp(localhost:3306)/db?timeout=never",
	} {
		_, err := mysql.Config(raw)
		if err == nil {
			t.Errorf("Config(%q) succeeded, want an error", raw)
			continue
		}
		sqltest.AssertNoSecret(t, raw, err)
		_, err = mysql.Driver().OpenDB(raw)
		if err == nil {
			t.Errorf("OpenDB(%q) succeeded, want an error", raw)
			continue
		}
		sqltest.AssertNoSecret(t, raw, err)
	}
}

// TestOpenUnreachableFailsFast: nothing listens on the port; Open fails
// within its context's deadline, without the password in the error, in
// both URL spellings.
func TestOpenUnreachableFailsFast(t *testing.T) {
	port := closedPort(t)
	for _, raw := range []string{
		"mysql://app:" + url.QueryEscape(sqltest.Secret) + "@127.0.0.1:" + port + "/auth",
		"mysql://app:" + sqltest.Secret + "@tcp(127.0.0.1:" + port + ")/auth",
	} {
		ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
		start := time.Now()
		s, err := mysql.Open(ctx, raw)
		cancel()
		if err == nil {
			s.Close()
			t.Errorf("Open(%q) succeeded on a closed port", raw)
			continue
		}
		if d := time.Since(start); d > 4*time.Second {
			t.Errorf("Open(%q) took %v", raw, d)
		}
		sqltest.AssertNoSecret(t, raw, err)
	}
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
