package authtest

import "testing"

// hostileRegistration runs security.md §3 K. Registration.
func (s *suite) hostileRegistration(t *testing.T, c *cases) {
}
