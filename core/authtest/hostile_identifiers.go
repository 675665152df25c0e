package authtest

import "testing"

// hostileIdentifiers runs security.md §3 B. Identifiers, Unicode and email.
func (s *suite) hostileIdentifiers(t *testing.T, c *cases) {
}
