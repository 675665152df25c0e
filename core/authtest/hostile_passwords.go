package authtest

import "testing"

// hostilePasswords runs security.md §3 C. Passwords and hashers.
func (s *suite) hostilePasswords(t *testing.T, c *cases) {
}
