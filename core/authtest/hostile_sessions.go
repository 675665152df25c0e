package authtest

import "testing"

// hostileSessions runs security.md §3 I. Server sessions.
func (s *suite) hostileSessions(t *testing.T, c *cases) {
}
