package core

import (
	"net/http"
	"strconv"
)

// loginLimits applies the rate limits of one login attempt:
//
//   - attempts per client IP (ThrottleConfig.LoginPerIP), against password
//     spraying;
//   - failures per account (LoginFailuresPerAccount), keyed on the account
//     the identifier resolves to, so that every spelling of it shares one
//     counter; an identifier that resolves to no account is keyed on its
//     canonical form, with the same limit, so known and unknown accounts
//     answer alike;
//   - failures per device (LoginFailuresPerDevice) instead, when the request
//     carries a valid device cookie for the account: a trusted device is
//     held neither by the account's lock nor by the per-IP limit, which
//     strangers can fill.
//
// Only the password check sits between forAccount and failed: a refused
// attempt costs no hash.
type loginLimits struct {
	a      *Auth
	r      *http.Request
	ip     string
	device *device // the request's signed, unexpired device cookie, or nil
	// failures is the counter a failed password check is added to.
	failures rateKey
}

// rateKey names one rate-limit counter: its limit, scope and value.
type rateKey struct {
	rate         Rate
	scope, value string
}

func (a *Auth) newLoginLimits(r *http.Request) *loginLimits {
	return &loginLimits{a: a, r: r, ip: a.ClientIP(r).String(), device: a.devices.read(r)}
}

// beforeLookup applies the per-IP limit to a request without a device
// cookie before any store is read. One with a device cookie is decided in
// forAccount, once the account is known.
func (l *loginLimits) beforeLookup() error {
	if l.device != nil {
		return nil
	}
	return l.a.hit(l.r, l.a.cfg.Throttle.LoginPerIP, "login-ip", l.ip)
}

// forAccount picks the failure counter for the account user (nil: in names
// no account) and refuses the attempt when that counter is full.
func (l *loginLimits) forAccount(in loginRequest, user *User) error {
	t := l.a.cfg.Throttle
	trusted := l.device.trusts(user) // an HMAC of the password hash: once
	switch {
	case trusted:
		l.a.count(l.r, t.LoginPerIP, "login-ip", l.ip)
		l.failures = rateKey{t.LoginFailuresPerDevice, "login-device", l.device.nonce}
	case user != nil:
		l.failures = rateKey{t.LoginFailuresPerAccount, "login-account", "id:" + strconv.FormatInt(user.ID, 10)}
	case in.email != "":
		l.failures = rateKey{t.LoginFailuresPerAccount, "login-account", "e:" + CanonicalEmail(in.email)}
	default:
		l.failures = rateKey{t.LoginFailuresPerAccount, "login-account", "u:" + CanonicalUsername(in.username)}
	}
	if l.device != nil && !trusted {
		// A device cookie of another account (or of an older password)
		// earns nothing: the per-IP limit applies as without one.
		if err := l.a.hit(l.r, t.LoginPerIP, "login-ip", l.ip); err != nil {
			return err
		}
	}
	return l.a.blocked(l.r, l.failures.rate, l.failures.scope, l.failures.value)
}

// failed counts a failed password check.
func (l *loginLimits) failed() {
	l.a.count(l.r, l.failures.rate, l.failures.scope, l.failures.value)
}
