package authtest

import "testing"

// hostileStorage runs security.md §3 L. Storage, SQL and dependency faults.
func (s *suite) hostileStorage(t *testing.T, c *cases) {
}
