package mysql

// DuplicateKey exposes duplicateKey to the tests of package mysql_test.
func DuplicateKey(msg string) string { return duplicateKey(msg) }
