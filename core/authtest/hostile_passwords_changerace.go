package authtest

import "testing"

// pwChangeRace: see below.
func (s *suite) pwChangeRace(t *testing.T) {}
