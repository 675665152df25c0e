package sqlstore

// Statements on restauth_throttle, written with "?" placeholders (rebound
// per dialect). A row holds the counter of one key in its current fixed
// window; times are Unix microseconds. A hit is one atomic upsert: it adds
// one in the current window, or restarts the counter at 1 when the stored
// window is an older one.

const (
	// sqlThrottleUpsert (SQLite, PostgreSQL) returns the new count.
	// Parameters: name, window_start, expires.
	sqlThrottleUpsert = `INSERT INTO restauth_throttle (name, window_start, expires, count) VALUES (?, ?, ?, 1)
ON CONFLICT (name) DO UPDATE SET
    count = CASE WHEN restauth_throttle.window_start = excluded.window_start THEN restauth_throttle.count + 1 ELSE 1 END,
    window_start = excluded.window_start,
    expires = excluded.expires
RETURNING count`

	// sqlThrottleUpsertMySQL is the same for MySQL/MariaDB (no RETURNING;
	// the count is read after it). Assignments run left to right, so count
	// is decided before window_start changes.
	sqlThrottleUpsertMySQL = `INSERT INTO restauth_throttle (name, window_start, expires, count) VALUES (?, ?, ?, 1)
ON DUPLICATE KEY UPDATE
    count = IF(window_start = VALUES(window_start), count + 1, 1),
    window_start = VALUES(window_start),
    expires = VALUES(expires)`

	// sqlThrottleCount reads the counter of the current window.
	// Parameters: name, window_start.
	sqlThrottleCount = `SELECT count FROM restauth_throttle WHERE name = ? AND window_start = ?`

	// sqlThrottlePrune deletes ended windows. Parameter: now.
	sqlThrottlePrune = `DELETE FROM restauth_throttle WHERE expires <= ?`
)
