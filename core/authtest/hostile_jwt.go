package authtest

import "testing"

// hostileJWT runs security.md §3 F. JWT access tokens.
func (s *suite) hostileJWT(t *testing.T, c *cases) {
}
