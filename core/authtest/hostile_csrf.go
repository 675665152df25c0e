package authtest

import "testing"

// hostileCookiesCSRF runs security.md §3 H. Cookies, CSRF and cross-origin.
func (s *suite) hostileCookiesCSRF(t *testing.T, c *cases) {
}
