package authtest

import "testing"

// hostileLogin runs security.md §3 D. Login, enumeration, brute force.
func (s *suite) hostileLogin(t *testing.T, c *cases) {
}
