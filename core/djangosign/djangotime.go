package djangosign

import (
	"math"
	"time"
)

// epoch2001 is 2001-01-01 00:00:00 UTC as a Unix time, the origin of
// PasswordResetTokenGenerator._num_seconds.
const epoch2001 = 978307200

// pythonDateTimeLayout is Python's str(datetime) for a datetime without
// microseconds or tzinfo.
const pythonDateTimeLayout = "2006-01-02 15:04:05"

// secondsSince2001 is Django's _num_seconds(now) for a UTC server:
// whole seconds since 2001-01-01 00:00:00, truncated. Instants before 2001
// give 0 (Django's int_to_base36 would raise on a negative count).
func secondsSince2001(t time.Time) int64 {
	u := t.Unix()
	if u <= epoch2001 {
		return 0
	}
	return u - epoch2001
}

// nowSince2001 is secondsSince2001 without the clamp, saturating instead
// of overflowing, for comparing against a token's timestamp.
func nowSince2001(t time.Time) int64 {
	u := t.Unix()
	if u < math.MinInt64+epoch2001 {
		return math.MinInt64
	}
	return u - epoch2001
}

// loginTimestamp is the last-login part of the reset hash value:
// last_login.replace(microsecond=0, tzinfo=None) rendered by Python's
// str(), taken in UTC, or "" when the user never logged in.
func loginTimestamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(pythonDateTimeLayout)
}
