package authtest

import "testing"

// hostileReset runs security.md §3 J. Password change, reset, email verification, redirects.
func (s *suite) hostileReset(t *testing.T, c *cases) {
}
