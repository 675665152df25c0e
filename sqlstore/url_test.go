package sqlstore

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

// secret is the password in every test URL; no error may contain it.
const secret = "s3cr%t-P@ss"

func TestParseSQLiteURL(t *testing.T) {
	for _, tc := range []struct {
		url      string
		path     string // DSN before '?'
		memory   bool
		wal      bool
		busyUser bool // the URL sets its own busy_timeout
	}{
		{url: "sqlite:restauth.db", path: "restauth.db", wal: true},
		{url: "sqlite:/var/lib/app/auth.db", path: "/var/lib/app/auth.db", wal: true},
		{url: "sqlite:///var/lib/app/auth.db", path: "/var/lib/app/auth.db", wal: true},
		{url: "SQLITE:data.db", path: "data.db", wal: true},
		{url: "sqlite::memory:", path: ":memory:", memory: true},
		{url: "sqlite:file::memory:?cache=shared", path: "file::memory:", memory: true},
		{url: "sqlite:file:auth.db?mode=memory", path: "file:auth.db", memory: true},
		{url: "sqlite:file:auth.db?mode=rwc", path: "file:auth.db", wal: true},
		{url: "sqlite:auth.db?_pragma=busy_timeout(100)", path: "auth.db", wal: true, busyUser: true},
	} {
		tg, err := parseURL(tc.url)
		if err != nil {
			t.Errorf("parseURL(%q): %v", tc.url, err)
			continue
		}
		path, rawQuery, _ := strings.Cut(tg.sqliteDSN, "?")
		q, _ := url.ParseQuery(rawQuery)
		pragmas := strings.Join(q["_pragma"], " ")
		switch {
		case tg.dialect != SQLite:
			t.Errorf("%q: dialect %v", tc.url, tg.dialect)
		case path != tc.path:
			t.Errorf("%q: path %q, want %q", tc.url, path, tc.path)
		case tg.sqliteMemory != tc.memory:
			t.Errorf("%q: memory = %v", tc.url, tg.sqliteMemory)
		case !strings.Contains(pragmas, "foreign_keys(1)"):
			t.Errorf("%q: pragmas %q lack foreign_keys", tc.url, pragmas)
		case strings.Contains(pragmas, "journal_mode(WAL)") != tc.wal:
			t.Errorf("%q: pragmas %q, want WAL %v", tc.url, pragmas, tc.wal)
		case strings.Count(pragmas, "busy_timeout") != 1:
			t.Errorf("%q: pragmas %q, want one busy_timeout", tc.url, pragmas)
		case tc.busyUser && !strings.Contains(pragmas, "busy_timeout(100)"):
			t.Errorf("%q: the URL's busy_timeout was overridden: %q", tc.url, pragmas)
		}
	}
}

func TestParsePostgresURL(t *testing.T) {
	for _, raw := range []string{
		"postgres://app:" + url.QueryEscape(secret) + "@db.example:5433/auth?sslmode=disable&search_path=auth",
		"postgresql://app:" + url.QueryEscape(secret) + "@db.example:5433/auth?sslmode=disable&search_path=auth",
	} {
		tg, err := parseURL(raw)
		if err != nil {
			t.Fatalf("parseURL: %v", err)
		}
		c := tg.pgConfig
		if tg.dialect != Postgres || c.Host != "db.example" || c.Port != 5433 || c.User != "app" ||
			c.Password != secret || c.Database != "auth" || c.RuntimeParams["search_path"] != "auth" {
			t.Errorf("%s: config %+v", raw, c.Config)
		}
	}
}

func TestParseMySQLURL(t *testing.T) {
	for _, tc := range []struct {
		url, user, pass, net, addr, db string
		param                          string // a driver parameter that must survive
	}{
		{
			url:  "mysql://app:" + url.QueryEscape(secret) + "@db.example:3307/auth?timeout=5s",
			user: "app", pass: secret, net: "tcp", addr: "db.example:3307", db: "auth", param: "timeout",
		},
		{
			url:  "mysql://app@db.example/auth",
			user: "app", net: "tcp", addr: "db.example:3306", db: "auth",
		},
		{
			url:  "mysql://app@[::1]:3306/auth",
			user: "app", net: "tcp", addr: "[::1]:3306", db: "auth",
		},
		{
			url:  "mysql://app:" + secret + "@tcp(127.0.0.1:3306)/auth?timeout=5s&parseTime=false&loc=Local",
			user: "app", pass: secret, net: "tcp", addr: "127.0.0.1:3306", db: "auth", param: "timeout",
		},
		{
			url:  "mysql://root@unix(/run/mysqld/mysqld.sock)/auth",
			user: "root", net: "unix", addr: "/run/mysqld/mysqld.sock", db: "auth",
		},
	} {
		tg, err := parseURL(tc.url)
		if err != nil {
			t.Errorf("parseURL(%q): %v", tc.url, err)
			continue
		}
		c := tg.mysqlConfig
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

func TestParseURLErrors(t *testing.T) {
	esc := url.QueryEscape(secret)
	for _, raw := range []string{
		"",
		secret,
		"app:" + secret + "@localhost/db",
		"sqlserver://app:" + esc + "@localhost/db",
		"sqlite:",
		"sqlite:?mode=memory",
		"sqlite://relative.db",
		"sqlite:auth.db?%zz",
		// Password not percent-encoded: the URL cannot be split reliably.
		"postgres://app:" + secret + "@localhost/db",
		"mysql://app:" + secret + "@localhost/db",
		// Well-formed URLs with one bad part.
		"postgres://app:" + esc + "@localhost:notaport/db",
		"postgres://app:" + esc + "@local host/db",
		"postgresql://app:" + esc + "@[::1/db",
		"postgres://app:" + esc + "@localhost/db?sslmode=bogus",
		"postgres://app:" + esc + "@localhost/db?connect_timeout=soon",
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
		_, err := parseURL(raw)
		if err == nil {
			t.Errorf("parseURL(%q) succeeded, want an error", raw)
			continue
		}
		assertNoSecret(t, raw, err)
	}
}

func TestParsePostgresMultiHost(t *testing.T) {
	tg, err := parseURL("postgres://app:" + url.QueryEscape(secret) + "@h1:5432,h2:5433/auth?target_session_attrs=read-write")
	if err != nil {
		t.Fatalf("parseURL: %v", err)
	}
	hosts := map[string]bool{tg.pgConfig.Host: true}
	for _, f := range tg.pgConfig.Fallbacks {
		hosts[f.Host] = true
	}
	if tg.pgConfig.Password != secret || !hosts["h1"] || !hosts["h2"] {
		t.Errorf("password %v, hosts %v", tg.pgConfig.Password == secret, hosts)
	}
}

// assertNoSecret fails if err's text contains any three consecutive
// characters of the test password, raw or percent-encoded.
func assertNoSecret(t *testing.T, raw string, err error) {
	t.Helper()
	msg := err.Error()
	for _, s := range []string{secret, url.QueryEscape(secret)} {
		for i := 0; i+3 <= len(s); i++ {
			if frag := s[i : i+3]; strings.Contains(msg, frag) {
				t.Errorf("error for %q leaks part of the password (%q): %s", raw, frag, msg)
			}
		}
	}
}
