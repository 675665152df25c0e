package core

import (
	"errors"
	"fmt"
	"net/netip"
	"time"
)

// Rate is a limit of Limit events per Window. A zero Limit turns that
// limit off.
type Rate struct {
	Limit  int
	Window time.Duration
}

// ThrottleConfig configures rate limits (DRF's throttling, per endpoint,
// per client IP and per account), answered with 429, Retry-After and DRF's
// "Request was throttled. Expected available in N seconds.".
type ThrottleConfig struct {
	// Disabled turns every limit off (tests, or an upstream limiter).
	Disabled bool
	// LoginFailuresPerAccount limits failed logins for one identifier
	// (username or email as submitted, canonicalised), whether or not the
	// account exists, so lockout reveals nothing. Once reached, login
	// answers 429 without checking the password until the window ends (a
	// soft lock: the right password works again afterwards).
	// Default 10 per 15 minutes.
	LoginFailuresPerAccount Rate
	// LoginPerIP limits login attempts per client IP (password spraying).
	// Default 100 per 15 minutes.
	LoginPerIP Rate
	// RegisterPerIP limits registrations per client IP. Default 20 per hour.
	RegisterPerIP Rate
	// MailPerIP limits password-reset and resend-verification requests per
	// client IP. Default 20 per hour.
	MailPerIP Rate
	// MailPerAddress limits the same two per target address, so nobody's
	// inbox can be flooded. Default 5 per hour.
	MailPerAddress Rate
	// RefreshPerIP limits token refreshes per client IP. Default 600 per
	// 15 minutes (several tabs of many users behind one NAT).
	RefreshPerIP Rate
	// ResetConfirmFailures limits failed password-reset confirmations (bad
	// uid or token), counted per target uid and per client IP. Once
	// reached, confirm answers 429 without checking the token until the
	// window ends (a soft lock, like LoginFailuresPerAccount).
	// Default 20 per hour.
	ResetConfirmFailures Rate
	// Store keeps the counters. Default NewMemoryThrottle() (one
	// instance); use sqlstore's ThrottleStore when instances share a
	// database. While it fails, requests are neither failed nor let
	// through unlimited: each instance counts in process until the store
	// answers again, and the outage is logged once (Warn) and its end once
	// (Info).
	Store ThrottleStore
	// TrustedProxies are the addresses or CIDR ranges of reverse proxies
	// whose X-Forwarded-For is believed; the client IP is then the
	// right-most address not in this list. Default none: the client IP is
	// the socket peer, and forwarded headers are ignored (Gin and Echo
	// trust them by default; restauth does not).
	TrustedProxies []string
}

func (t ThrottleConfig) withDefaults() ThrottleConfig {
	def := func(r *Rate, limit int, window time.Duration) {
		if r.Limit == 0 && r.Window == 0 {
			*r = Rate{Limit: limit, Window: window}
		}
	}
	def(&t.LoginFailuresPerAccount, 10, 15*time.Minute)
	def(&t.LoginPerIP, 100, 15*time.Minute)
	def(&t.RegisterPerIP, 20, time.Hour)
	def(&t.MailPerIP, 20, time.Hour)
	def(&t.MailPerAddress, 5, time.Hour)
	def(&t.RefreshPerIP, 600, 15*time.Minute)
	def(&t.ResetConfirmFailures, 20, time.Hour)
	if t.Store == nil {
		t.Store = NewMemoryThrottle()
	}
	return t
}

// trustedProxies parses TrustedProxies.
func (t ThrottleConfig) trustedProxies() ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range t.TrustedProxies {
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, fmt.Errorf("Throttle.TrustedProxies: %q is not an address or CIDR range", s)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

func (t ThrottleConfig) validate() []error {
	var errs []error
	for _, r := range []Rate{t.LoginFailuresPerAccount, t.LoginPerIP, t.RegisterPerIP, t.MailPerIP, t.MailPerAddress, t.RefreshPerIP, t.ResetConfirmFailures} {
		if r.Limit < 0 || (r.Limit > 0 && r.Window < time.Second) {
			errs = append(errs, errors.New("Throttle rates need a non-negative Limit and a Window of at least a second"))
			break
		}
	}
	if _, err := t.trustedProxies(); err != nil {
		errs = append(errs, err)
	}
	return errs
}
