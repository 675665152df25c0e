package sqlstore

import (
	"database/sql/driver"
	"fmt"
	"time"
)

// Django's DateTimeField, as Django itself stores it with USE_TZ=True
// (restauth's own tables keep integer microseconds instead, see times.go):
//
//   - SQLite: TEXT "YYYY-MM-DD HH:MM:SS[.ffffff]", UTC, no zone: Python's
//     str(datetime), so the fraction is left out when the microseconds
//     are zero. Django compares these as strings in SQL (expire_date >
//     now), which works because every value has this one form.
//   - PostgreSQL: timestamp with time zone.
//   - MySQL/MariaDB: datetime(6) holding UTC (the sqlstore/mysql driver
//     forces time_zone '+00:00', parseTime=true and loc=UTC).
//
// djangoTime reads every form the three drivers return, and
// djangoTimeValue writes each dialect's own, at microsecond precision in
// UTC.

// djangoTimeText is the SQLite form Django writes when the microseconds
// are not zero; djangoTimeTextSeconds when they are.
const (
	djangoTimeText        = "2006-01-02 15:04:05.000000"
	djangoTimeTextSeconds = "2006-01-02 15:04:05"
)

// djangoTimeLayouts are the text forms djangoTime parses: Django's, the
// ISO 8601 "T" variants, with or without a zone, and a bare date (the
// forms SQLite's date functions and other writers produce). A value
// without a zone is UTC.
var djangoTimeLayouts = [...]string{
	"2006-01-02 15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999 -0700 MST", // Go's time.Time.String
	"2006-01-02 15:04",
	"2006-01-02T15:04",
	"2006-01-02",
}

// djangoTime scans a Django DateTimeField, nullable or not, from any
// dialect: a time.Time (pgx, go-sql-driver with parseTime, modernc for a
// column declared datetime), or text (SQLite, when the driver did not
// parse it). NULL scans as the zero time. The result is always UTC,
// truncated to the microsecond.
type djangoTime struct {
	Time time.Time
}

// Scan implements sql.Scanner.
func (t *djangoTime) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		t.Time = time.Time{}
		return nil
	case time.Time:
		t.Time = v.UTC().Truncate(time.Microsecond)
		return nil
	case string:
		return t.parse(v)
	case []byte:
		return t.parse(string(v))
	}
	return fmt.Errorf("sqlstore: cannot read a Django datetime from %T", src)
}

// parse reads the text form of a Django datetime.
func (t *djangoTime) parse(s string) error {
	for _, layout := range djangoTimeLayouts {
		if v, err := time.Parse(layout, s); err == nil {
			t.Time = v.UTC().Truncate(time.Microsecond)
			return nil
		}
	}
	// The value is a timestamp from the database, not a secret: quoting
	// it helps whoever has to fix the row.
	return fmt.Errorf("sqlstore: %q is not a Django datetime", s)
}

// djangoTimeValue writes t into a Django DateTimeField of Dialect D. The
// zero time is written as NULL (for nullable columns: last_login,
// created_at, …); see djangoTimeArg for NOT NULL ones.
type djangoTimeValue struct {
	D Dialect
	T time.Time
}

// Value implements driver.Valuer: SQLite gets Django's text form, the
// others a UTC time.Time (pgx writes it as timestamptz; go-sql-driver
// formats it in its loc, UTC).
func (v djangoTimeValue) Value() (driver.Value, error) {
	if v.T.IsZero() {
		return nil, nil
	}
	return djangoTimeArg(v.D, v.T), nil
}

// djangoTimeArg returns the statement argument that writes t into a Django
// DateTimeField on d, the zero time included (as 0001-01-01 00:00:00
// UTC): for NOT NULL columns. Nullable ones use djangoTimeValue.
func djangoTimeArg(d Dialect, t time.Time) any {
	u := t.UTC().Truncate(time.Microsecond)
	switch {
	case d == SQLite:
		return formatDjangoTime(u)
	case d == MySQL && u.IsZero():
		// go-sql-driver writes the zero time.Time as '0000-00-00', which
		// strict modes refuse; year 1 is stored (and read back as the
		// zero time).
		return formatDjangoTime(u)
	}
	return u
}

// formatDjangoTime is Python's str() of a naive UTC datetime, Django's
// SQLite form: the fraction appears only when the microseconds are not
// zero. t must be UTC.
func formatDjangoTime(t time.Time) string {
	if t.Nanosecond() == 0 {
		return t.Format(djangoTimeTextSeconds)
	}
	return t.Format(djangoTimeText)
}
