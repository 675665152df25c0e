package core

import (
	"testing"
	"time"
)

// JWTConfig.FamilyLifetime defaults to 30 days, or to RefreshLifetime when
// that is longer, and refuses nonsense.
func TestFamilyLifetimeDefaultsAndValidation(t *testing.T) {
	for _, tc := range []struct {
		refresh, family, want time.Duration
	}{
		{0, 0, DefaultFamilyLifetime},
		{7 * 24 * time.Hour, 0, 30 * 24 * time.Hour},
		{60 * 24 * time.Hour, 0, 60 * 24 * time.Hour},
		{0, time.Hour, time.Hour},
	} {
		j := JWTConfig{RefreshLifetime: tc.refresh, FamilyLifetime: tc.family}.withDefaults(Config{Prefix: DefaultPrefix})
		if j.FamilyLifetime != tc.want {
			t.Errorf("RefreshLifetime %v, FamilyLifetime %v: defaulted to %v, want %v", tc.refresh, tc.family, j.FamilyLifetime, tc.want)
		}
		if errs := j.validate(Config{}); len(errs) != 0 {
			t.Errorf("valid config refused: %v", errs)
		}
	}
	for _, family := range []time.Duration{-time.Hour, time.Minute} { // negative; shorter than an access token
		j := JWTConfig{FamilyLifetime: family}.withDefaults(Config{Prefix: DefaultPrefix})
		if errs := j.validate(Config{}); len(errs) == 0 {
			t.Errorf("FamilyLifetime %v accepted", family)
		}
	}
}
