package authtest

import "testing"

// hostileRequest runs security.md §3 A. Request parsing and transport.
func (s *suite) hostileRequest(t *testing.T, c *cases) {
}
