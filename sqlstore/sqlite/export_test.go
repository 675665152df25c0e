package sqlite

// ParseURL exposes parseURL to the tests of package sqlite_test.
func ParseURL(raw string) (dsn string, memory bool, err error) {
	t, err := parseURL(raw)
	if err != nil {
		return "", false, err
	}
	return t.dsn, t.memory, nil
}

// ConstraintColumn is constraintColumn.
func ConstraintColumn(msg string) string { return constraintColumn(msg) }

// BusyTimeoutMS is busyTimeoutMS.
const BusyTimeoutMS = busyTimeoutMS
