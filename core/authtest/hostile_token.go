package authtest

import "testing"

// hostileToken runs security.md §3 E. DB token auth.
func (s *suite) hostileToken(t *testing.T, c *cases) {
}
