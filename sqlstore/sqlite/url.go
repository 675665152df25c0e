package sqlite

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// busyTimeoutMS is how long a connection waits for a lock held by another
// writer before failing with SQLITE_BUSY.
const busyTimeoutMS = 10000

// target is a parsed "sqlite:" URL.
type target struct {
	dsn    string // for modernc.org/sqlite
	memory bool   // in-memory database, private to one connection
}

// parseURL parses a "sqlite:" URL (the scheme in any case): a file path
// ("restauth.db", "/var/lib/app/auth.db", "///abs/path.db"), ":memory:",
// or an SQLite URI ("file:auth.db?mode=rwc"), optionally followed by
// modernc.org/sqlite DSN parameters. It adds, unless the URL sets them:
// foreign_keys on, a busy_timeout, and journal_mode WAL for files.
func parseURL(raw string) (*target, error) {
	scheme, rest, ok := strings.Cut(raw, ":")
	if !ok || !strings.EqualFold(scheme, "sqlite") {
		return nil, errors.New("sqlstore: invalid sqlite URL: want sqlite:PATH")
	}
	if strings.HasPrefix(rest, "//") {
		if !strings.HasPrefix(rest, "///") {
			return nil, errors.New("sqlstore: invalid sqlite URL: use sqlite:PATH or sqlite:///ABSOLUTE/PATH")
		}
		rest = rest[2:]
	}
	path, rawQuery, _ := strings.Cut(rest, "?")
	if path == "" || path == "file:" {
		return nil, errors.New("sqlstore: invalid sqlite URL: missing path")
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: invalid sqlite URL: bad query: %w", err)
	}
	memory := path == ":memory:" || strings.HasPrefix(path, "file::memory:") || q.Get("mode") == "memory"

	set := make(map[string]bool)
	for _, p := range q["_pragma"] {
		set[pragmaName(p)] = true
	}
	defaults := []struct{ name, value string }{
		{"busy_timeout", fmt.Sprintf("busy_timeout(%d)", busyTimeoutMS)},
		{"foreign_keys", "foreign_keys(1)"},
		{"journal_mode", "journal_mode(WAL)"},
	}
	for _, d := range defaults {
		if set[d.name] || (memory && d.name == "journal_mode") {
			continue
		}
		q.Add("_pragma", d.value)
	}
	return &target{dsn: path + "?" + q.Encode(), memory: memory}, nil
}

// pragmaName returns the lower-case name of a _pragma value such as
// "busy_timeout(5000)" or "foreign_keys = on".
func pragmaName(p string) string {
	name := strings.TrimSpace(strings.ToLower(p))
	if i := strings.IndexAny(name, "(= "); i >= 0 {
		name = name[:i]
	}
	return name
}
