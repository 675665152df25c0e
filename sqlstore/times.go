package sqlstore

import (
	"database/sql"
	"time"
)

// Times are stored as BIGINT microseconds since the Unix epoch, UTC.
//
// Why not the databases' own time types: TIMESTAMP/DATETIME round-trip only
// when every layer agrees on the zone (the MySQL session time_zone and the
// driver's loc, pgx's local-zone conversion of timestamptz, modernc's text
// format in SQLite), and SQLite compares its text times as strings, so
// "…05Z" and "…05.5Z" sort wrongly once expiry checks run in SQL. An integer
// has none of that: the same value on all three databases, exact to the
// microsecond, independent of the session time zone (T-DB-09), and ordered
// correctly by plain integer comparison. MySQL's TIMESTAMP would also end
// in 2038. Nullable columns (last_login, expires) hold NULL for the zero time.

// zeroMicros is what the zero time.Time (0001-01-01 UTC) is stored as in
// NOT NULL columns: time.Time{}.UnixMicro().
const zeroMicros int64 = -62135596800 * 1_000_000

// toMicros converts t to stored microseconds, cutting sub-microsecond
// precision.
func toMicros(t time.Time) int64 {
	return t.UnixMicro()
}

// fromMicros converts stored microseconds to a UTC time; zeroMicros maps
// back to the zero time.
func fromMicros(v int64) time.Time {
	if v == zeroMicros {
		return time.Time{}
	}
	return time.UnixMicro(v).UTC()
}

// toNullMicros stores the zero time as NULL.
func toNullMicros(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: toMicros(t), Valid: true}
}

// fromNullMicros maps NULL to the zero time.
func fromNullMicros(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return fromMicros(v.Int64)
}
