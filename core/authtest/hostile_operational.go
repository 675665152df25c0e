package authtest

import "testing"

// hostileOperational runs security.md §3 M. Operational.
func (s *suite) hostileOperational(t *testing.T, c *cases) {
}
