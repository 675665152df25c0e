package core

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// DeviceCookieConfig configures device cookies, OWASP's answer to a lockout
// that strangers can trigger. A per-account lock on failed logins lets
// anyone keep the owner out by failing on purpose; with device cookies, a
// successful login leaves a signed, HttpOnly cookie in the browser (or
// cookie jar) that made it, and a later login carrying a valid one for the
// same account is counted in that device's own bucket
// (ThrottleConfig.LoginFailuresPerDevice): failures from elsewhere do not
// block it, and neither does the per-IP login limit. Clients without one
// (header-only clients, new browsers, attackers) keep the account-wide lock.
//
// A device cookie names one user and is signed with SecretKey (so device
// cookies need one: without a SecretKey of 32 bytes or more they are off).
// Every successful login issues a fresh one. It dies with the user's
// sessions: when the password is changed or reset (it is bound to the
// password hash, so a change made by any program sharing the user table
// counts, and so does a hash upgrade at a login on another device), or
// the account is deactivated (the user's token epoch moves; the Django
// schema has no epoch, see docs/django.md), and after Lifetime. A
// password change re-issues the caller's. Browsers send it only to the
// auth endpoints (its Path is Prefix). Device cookies are off when rate
// limiting is (ThrottleConfig.Disabled).
type DeviceCookieConfig struct {
	// Disabled turns device cookies off: every login is then an untrusted
	// client, held by the account-wide lock.
	Disabled bool
	// Name is the cookie's name. Default "restauth_device".
	Name string
	// Lifetime is how long a device cookie keeps a device trusted after
	// the login that issued it; every login renews it. Default 365 days.
	Lifetime time.Duration
}

// Defaults of DeviceCookieConfig.
const (
	DefaultDeviceCookieName     = "restauth_device"
	DefaultDeviceCookieLifetime = 365 * 24 * time.Hour
)

func (d DeviceCookieConfig) withDefaults() DeviceCookieConfig {
	if d.Name == "" {
		d.Name = DefaultDeviceCookieName
	}
	if d.Lifetime == 0 {
		d.Lifetime = DefaultDeviceCookieLifetime
	}
	return d
}

// Device cookie values are "<user id>.<token epoch>.<issued, Unix
// seconds>.<nonce>.<credential>.<mac>", the nonce 16 random bytes, the
// credential the first 9 bytes of an HMAC-SHA256 of the user's password
// hash, and the mac an HMAC-SHA256 of everything before it, all unpadded
// base64url. Nothing in it is secret but the keys (the credential tells
// nothing of the hash without its key); it is bound to the user, to the
// epoch that password changes and deactivation move, and to the password
// hash itself.
const (
	deviceNonceBytes   = 16
	deviceMaxValueLen  = 200 // well above the longest valid value
	deviceClockLeeway  = time.Minute
	deviceMACKeyDomain = "restauth.device-cookie"
	deviceCredDomain   = "restauth.device-cookie.credential"
	deviceCredBytes    = 9
)

// deviceCookies issues and checks device cookies. A nil *deviceCookies is
// off: it issues nothing and trusts nobody.
type deviceCookies struct {
	key     [32]byte
	credKey [32]byte
	spec    cookieSpec
	now     func() time.Time
}

// newDeviceCookies returns the device cookies of cfg, or nil when they are
// off (disabled, rate limiting off, no per-account lock, or no SecretKey).
func newDeviceCookies(cfg Config) *deviceCookies {
	t := cfg.Throttle
	if t.Disabled || t.DeviceCookie.Disabled || t.LoginFailuresPerAccount.Limit <= 0 || len(cfg.SecretKey) < 32 {
		return nil
	}
	return &deviceCookies{
		key:     sha256.Sum256(append([]byte(deviceMACKeyDomain), cfg.SecretKey...)),
		credKey: sha256.Sum256(append([]byte(deviceCredDomain), cfg.SecretKey...)),
		spec: cookieSpec{name: t.DeviceCookie.Name, path: cfg.Prefix,
			maxAge: t.DeviceCookie.Lifetime, httpOnly: true},
		now: cfg.Now,
	}
}

// device is a device cookie whose signature and age checked out.
type device struct {
	userID, epoch int64
	nonce         string
	credential    string
	dc            *deviceCookies
}

// trusts reports whether d was issued to user under its current token
// epoch and password hash.
func (d *device) trusts(user *User) bool {
	return d != nil && user != nil && d.userID == user.ID && d.epoch == user.TokenEpoch &&
		hmac.Equal([]byte(d.credential), []byte(d.dc.credential(user)))
}

// credential binds a device cookie to user's password hash.
func (dc *deviceCookies) credential(user *User) string {
	m := hmac.New(sha256.New, dc.credKey[:])
	m.Write([]byte(user.PasswordHash))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:deviceCredBytes])
}

// read returns the request's device cookie when its signature is valid and
// it has not expired, else nil. It reads no store: whether it still
// belongs to the account being logged into is trusts' question.
func (dc *deviceCookies) read(r *http.Request) *device {
	if dc == nil {
		return nil
	}
	c, err := r.Cookie(dc.spec.name)
	if err != nil || len(c.Value) > deviceMaxValueLen {
		return nil
	}
	signed, mac, ok := cutLast(c.Value, '.')
	if !ok || !hmac.Equal([]byte(mac), []byte(dc.mac(signed))) {
		return nil
	}
	fields := strings.Split(signed, ".")
	if len(fields) != 5 {
		return nil
	}
	uid, err1 := strconv.ParseInt(fields[0], 10, 64)
	epoch, err2 := strconv.ParseInt(fields[1], 10, 64)
	issued, err3 := strconv.ParseInt(fields[2], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return nil
	}
	now, at := dc.now(), time.Unix(issued, 0)
	if at.After(now.Add(deviceClockLeeway)) || !now.Before(at.Add(dc.spec.maxAge)) {
		return nil
	}
	return &device{userID: uid, epoch: epoch, nonce: fields[3], credential: fields[4], dc: dc}
}

// issueDeviceCookie sets a fresh device cookie for user on w (nothing
// when device cookies are off).
func (a *Auth) issueDeviceCookie(w http.ResponseWriter, user *User) {
	dc := a.devices
	if dc == nil {
		return
	}
	nonce := make([]byte, deviceNonceBytes)
	_, _ = rand.Read(nonce) // never fails (crypto/rand)
	signed := strconv.FormatInt(user.ID, 10) + "." + strconv.FormatInt(user.TokenEpoch, 10) + "." +
		strconv.FormatInt(dc.now().Unix(), 10) + "." + base64.RawURLEncoding.EncodeToString(nonce) + "." +
		dc.credential(user)
	a.setCookie(w, dc.spec, signed+"."+dc.mac(signed))
}

// mac signs a device cookie's fields.
func (dc *deviceCookies) mac(signed string) string {
	m := hmac.New(sha256.New, dc.key[:])
	m.Write([]byte(signed))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// cutLast splits s around its last sep.
func cutLast(s string, sep byte) (before, after string, found bool) {
	i := strings.LastIndexByte(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+1:], true
}
