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
// "Request was throttled. Expected available in N seconds.". Where
// allauth's ACCOUNT_RATE_LIMITS has a counterpart, the default is the same
// number over the same window; the README's "Rate limits and lockout"
// lists every default beside allauth's. A zero Rate takes its default; a
// Rate with a Window but Limit 0 turns that one limit off.
type ThrottleConfig struct {
	// Disabled turns every limit off, device cookies included: a client's
	// test suite against a development server, or an upstream limiter.
	// The starters set it from RESTAUTH_THROTTLE=off.
	Disabled bool
	// LoginFailuresPerAccount limits failed logins per account: the
	// username, the email and every case or canonical spelling of them
	// resolve to one account and share one counter, so changing the
	// spelling buys no extra guesses. An identifier that matches no
	// account gets a counter of its own with the same limit, so answers
	// and cost (one password hash) are the same for known and unknown
	// accounts. Once reached, a login from an untrusted client answers
	// 429 without checking the password until the window ends (a soft
	// lock: the right password works again afterwards). A client holding
	// a valid device cookie for the account is not held by this lock (see
	// DeviceCookie). Default 5 per 5 minutes (allauth's login_failed
	// per key).
	LoginFailuresPerAccount Rate
	// LoginFailuresPerDevice limits failed logins made with one valid
	// device cookie: its own counter, which only the holder of that cookie
	// can fill. Default 10 per 15 minutes (allauth has no device
	// cookies).
	LoginFailuresPerDevice Rate
	// DeviceCookie configures device cookies, which keep the per-account
	// lock from being turned against the account's owner. See
	// DeviceCookieConfig.
	DeviceCookie DeviceCookieConfig
	// LoginPerIP limits login attempts per client IP (password spraying).
	// Logins carrying a valid device cookie for their account are counted
	// but never refused by it. Default 30 per minute (allauth's login).
	LoginPerIP Rate
	// RegisterPerIP limits registrations per client IP. Default 20 per
	// minute (allauth's signup).
	RegisterPerIP Rate
	// MailPerIP limits password-reset and resend-verification requests per
	// client IP (429 beyond it). Default 20 per minute (allauth's
	// reset_password per IP).
	MailPerIP Rate
	// MailPerAddress limits the mails those two send to one account (the
	// account the address resolves to, so spellings share the limit), so
	// nobody's inbox can be flooded. Beyond it the mail is not sent but
	// the answer is unchanged: a stranger who fills the limit cannot make
	// the owner's request fail, and the links already mailed in the window
	// keep working. Counted separately for reset and verification mails.
	// Default 5 per minute (allauth's reset_password per key).
	MailPerAddress Rate
	// RefreshFailuresPerIP limits failed token refreshes (unusable,
	// revoked or reused refresh tokens) per client IP; beyond it failures
	// answer 429. A valid refresh token is never refused by it. Default
	// 600 per 15 minutes (allauth has no token refresh).
	RefreshFailuresPerIP Rate
	// ResetConfirmFailures limits failed password-reset confirmations (bad
	// uid or token), counted per client IP and per target uid. The token
	// is checked first, so a genuine link is never refused: only failures
	// are counted, and beyond the limit they answer 429 instead of 400.
	// Default 20 per minute (allauth's reset_password_from_key).
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
	// Keep these in step with the README's table (TestThrottleDefaultsMatchREADME).
	def(&t.LoginFailuresPerAccount, 5, 5*time.Minute)
	def(&t.LoginFailuresPerDevice, 10, 15*time.Minute)
	def(&t.LoginPerIP, 30, time.Minute)
	def(&t.RegisterPerIP, 20, time.Minute)
	def(&t.MailPerIP, 20, time.Minute)
	def(&t.MailPerAddress, 5, time.Minute)
	def(&t.RefreshFailuresPerIP, 600, 15*time.Minute)
	def(&t.ResetConfirmFailures, 20, time.Minute)
	if t.Store == nil {
		t.Store = NewMemoryThrottle()
	}
	t.DeviceCookie = t.DeviceCookie.withDefaults()
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
	for _, r := range []Rate{t.LoginFailuresPerAccount, t.LoginFailuresPerDevice, t.LoginPerIP, t.RegisterPerIP, t.MailPerIP, t.MailPerAddress, t.RefreshFailuresPerIP, t.ResetConfirmFailures} {
		if r.Limit < 0 || (r.Limit > 0 && r.Window < time.Second) {
			errs = append(errs, errors.New("every Throttle rate needs a non-negative Limit and a Window of at least a second"))
			break
		}
	}
	if _, err := t.trustedProxies(); err != nil {
		errs = append(errs, err)
	}
	if t.DeviceCookie.Lifetime < 0 {
		errs = append(errs, errors.New("Throttle.DeviceCookie.Lifetime must not be negative"))
	}
	return errs
}
