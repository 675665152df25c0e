package memstore

import "time"

// storedTime returns t as a database returns it: in UTC, cut to
// microseconds; the zero time stays zero.
func storedTime(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Microsecond)
}
