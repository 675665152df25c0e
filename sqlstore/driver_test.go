package sqlstore

import (
	"errors"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"
)

// kindAndName is what fakeDriver.Classify answers for an error.
type kindAndName struct {
	kind ErrorKind
	name string
}

// fakeDriver is a Driver without a database: OpenDB fails with openErr.
type fakeDriver struct {
	dialect Dialect
	schemes []string
	kinds   map[error]kindAndName
	openErr error
}

func (d fakeDriver) Dialect() Dialect  { return d.dialect }
func (d fakeDriver) Schemes() []string { return d.schemes }

func (d fakeDriver) OpenDB(string) (*sqlx.DB, error) {
	if d.openErr != nil {
		return nil, d.openErr
	}
	return nil, errors.New("fake: no database")
}

func (d fakeDriver) Classify(err error) (ErrorKind, string) {
	k := d.kinds[err]
	return k.kind, k.name
}

var (
	fakeSQLite   = fakeDriver{dialect: SQLite, schemes: []string{"sqlite"}}
	fakePostgres = fakeDriver{dialect: Postgres, schemes: []string{"postgres", "postgresql"}}
)

// password is the password in this file's URLs; no error may contain it.
const password = "pw-Zq9!x"

func TestDriverForPicksByScheme(t *testing.T) {
	drivers := []Driver{fakeSQLite, fakePostgres}
	for url, want := range map[string]Dialect{
		"sqlite:auth.db":                            SQLite,
		"SQLite::memory:":                           SQLite,
		"postgres://app@db/auth":                    Postgres,
		"PostgreSQL://app:" + password + "@db/auth": Postgres,
	} {
		d, err := driverFor(url, drivers)
		if err != nil || d.Dialect() != want {
			t.Errorf("driverFor(%q) = %v, %v; want the %v driver", url, d, err, want)
		}
	}
}

// TestOpenNamesTheMissingDriver: a URL whose driver was not passed fails
// with ErrNoDriver, naming the package to import, before any connection
// and without the password.
func TestOpenNamesTheMissingDriver(t *testing.T) {
	for _, tc := range []struct {
		url     string
		drivers []Driver
		want    []string // in the error text
	}{
		{"postgres://app:" + password + "@db/auth", []Driver{fakeSQLite},
			[]string{`"github.com/restauth/restauth/sqlstore/postgres"`, "postgres.Driver()"}},
		{"postgresql://app:" + password + "@db/auth", nil,
			[]string{`"github.com/restauth/restauth/sqlstore/postgres"`, "postgres.Driver()"}},
		{"mysql://app:" + password + "@tcp(db:3306)/auth", []Driver{fakeSQLite, fakePostgres},
			[]string{`"github.com/restauth/restauth/sqlstore/mysql"`, "mysql.Driver()"}},
		{"sqlite:auth.db", []Driver{fakePostgres},
			[]string{`"github.com/restauth/restauth/sqlstore/sqlite"`, "sqlite.Driver()"}},
		{"sqlserver://app:" + password + "@db/auth", []Driver{fakeSQLite, fakePostgres},
			[]string{"want a URL of scheme sqlite, postgres, postgresql"}},
		{"sqlserver://app:" + password + "@db/auth", nil,
			[]string{"no driver given", "sqlite.Driver(), postgres.Driver() or mysql.Driver()"}},
		{"app:" + password + "@db/auth", []Driver{fakeSQLite}, []string{"want a URL of scheme sqlite"}},
		{password, []Driver{fakeSQLite}, []string{"want a URL of scheme sqlite"}},
	} {
		for _, open := range []func() error{
			func() error { _, err := Open(t.Context(), tc.url, tc.drivers...); return err },
			func() error { _, err := Connect(t.Context(), tc.url, tc.drivers...); return err },
		} {
			err := open()
			if !errors.Is(err, ErrNoDriver) {
				t.Errorf("%q: err = %v, want ErrNoDriver", tc.url, err)
				continue
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q: error %q does not say %q", tc.url, err, w)
				}
			}
			if strings.Contains(err.Error(), password) || strings.Contains(err.Error(), "sqlserver") {
				t.Errorf("%q: error quotes the URL: %s", tc.url, err)
			}
		}
	}
}

func TestOpenRejectsAmbiguousDrivers(t *testing.T) {
	for name, drivers := range map[string][]Driver{
		"nil driver":  {fakeSQLite, nil},
		"same scheme": {fakePostgres, fakeDriver{dialect: Postgres, schemes: []string{"postgresql"}}},
	} {
		if _, err := Open(t.Context(), "postgresql://app@db/auth", drivers...); err == nil || errors.Is(err, ErrNoDriver) {
			t.Errorf("%s: Open = %v, want an error about the drivers", name, err)
		}
	}
}

// TestOpenRedactsDriverErrors: even a driver that puts the password in
// its error does not get it through Open.
func TestOpenRedactsDriverErrors(t *testing.T) {
	cause := errors.New("cannot reach app:" + password + "@db")
	d := fakeDriver{dialect: Postgres, schemes: []string{"postgres"}, openErr: cause}
	_, err := Open(t.Context(), "postgres://app:"+password+"@db/auth", d)
	if !errors.Is(err, cause) {
		t.Fatalf("Open = %v, want the driver's error in the chain", err)
	}
	if strings.Contains(err.Error(), password) {
		t.Errorf("Open's error contains the password: %s", err)
	}
}

func TestURLScheme(t *testing.T) {
	for url, want := range map[string]string{
		"sqlite:a.db":       "sqlite",
		"SQLite::memory:":   "sqlite",
		"postgresql://h/db": "postgresql",
		"my-sql+x.y://h":    "my-sql+x.y",
		"":                  "",
		":memory:":          "",
		"1db://h":           "",
		"user name:pw@h/db": "",
		"/var/lib/auth.db":  "",
	} {
		got, ok := urlScheme(url)
		if got != want || ok != (want != "") {
			t.Errorf("urlScheme(%q) = %q, %v; want %q", url, got, ok, want)
		}
	}
}

func TestNewValidates(t *testing.T) {
	db := sqlx.NewDb(nil, "sqlite")
	if _, err := New(nil, fakeSQLite); err == nil {
		t.Error("New(nil pool) succeeded")
	}
	if _, err := New(db, nil); err == nil {
		t.Error("New(nil Driver) succeeded")
	}
	for _, d := range []Dialect{0, MySQL + 1, -1} {
		if _, err := New(db, fakeDriver{dialect: d}); err == nil {
			t.Errorf("New with dialect %v succeeded", d)
		}
	}
	s, err := New(db, fakePostgres)
	if err != nil || s.Dialect() != Postgres {
		t.Errorf("New = %v, %v; want a Postgres store", s, err)
	}
}

func TestDialectString(t *testing.T) {
	for d, want := range map[Dialect]string{SQLite: "sqlite", Postgres: "postgres", MySQL: "mysql", 9: "Dialect(9)"} {
		if got := d.String(); got != want {
			t.Errorf("Dialect(%d).String() = %q, want %q", int(d), got, want)
		}
	}
}
