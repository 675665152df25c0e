package core

import (
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// ClientIP returns the address of the client that sent r: the socket peer,
// or, when the peer is a trusted proxy, the right-most X-Forwarded-For
// address that is not one. Forwarded headers from anyone else are ignored,
// so a client cannot choose its own IP.
func (a *Auth) ClientIP(r *http.Request) netip.Addr {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	peer = peer.Unmap()
	if !a.trustedProxy(peer) {
		return peer
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			return peer // a garbled chain: trust nothing beyond the proxy
		}
		if hop = hop.Unmap(); !a.trustedProxy(hop) {
			return hop
		}
	}
	return peer
}

func (a *Auth) trustedProxy(addr netip.Addr) bool {
	for _, p := range a.proxies {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// throttleKey names a counter without storing the raw identifier.
func throttleKey(scope, value string) string {
	sum := sha256.Sum256([]byte(value))
	return scope + ":" + hex.EncodeToString(sum[:16])
}

// hit counts one event against rate for (scope, value) and returns a 429
// *Error once the limit is exceeded, nil otherwise.
func (a *Auth) hit(r *http.Request, rate Rate, scope, value string) error {
	if over, wait := a.over(r, rate, scope, value); over {
		return a.throttled(r, scope, wait)
	}
	return nil
}

// over counts one event against rate for (scope, value) and reports
// whether the limit is now exceeded, with the time left in the window. A
// failing counter store never fails the request and never drops the
// limit: counting moves to in-process counters until the store recovers
// (see throttleFallback).
func (a *Auth) over(r *http.Request, rate Rate, scope, value string) (bool, time.Duration) {
	if a.cfg.Throttle.Disabled || rate.Limit <= 0 {
		return false, 0
	}
	now := a.cfg.Now()
	n, reset, err := a.throttleHit(r.Context(), scope, throttleKey(scope, value), rate.Window, now)
	if err != nil {
		return false, 0 // only a cancelled request gets here
	}
	return n > rate.Limit, reset.Sub(now)
}

// blocked returns a 429 when the counter of (scope, value) has already
// reached rate's limit, without counting this request.
func (a *Auth) blocked(r *http.Request, rate Rate, scope, value string) error {
	if a.cfg.Throttle.Disabled || rate.Limit <= 0 {
		return nil
	}
	now := a.cfg.Now()
	n, reset, err := a.throttleCount(r.Context(), scope, throttleKey(scope, value), rate.Window, now)
	if err != nil {
		return nil // only a cancelled request gets here
	}
	if n >= rate.Limit {
		return a.throttled(r, scope, reset.Sub(now))
	}
	return nil
}

// count records one event without deciding anything (a failed login).
func (a *Auth) count(r *http.Request, rate Rate, scope, value string) {
	if a.cfg.Throttle.Disabled || rate.Limit <= 0 {
		return
	}
	_, _, _ = a.throttleHit(r.Context(), scope, throttleKey(scope, value), rate.Window, a.cfg.Now())
}

// throttled is DRF's 429 with Retry-After in whole seconds (at least 1).
func (a *Auth) throttled(r *http.Request, scope string, wait time.Duration) *Error {
	secs := int(math.Ceil(wait.Seconds()))
	if secs < 1 {
		secs = 1
	}
	unit := "seconds"
	if secs == 1 {
		unit = "second"
	}
	a.logEvent(withEventRequest(r.Context(), r), slog.LevelWarn, "restauth: throttled", Event{Type: EventThrottled, Outcome: OutcomeFailure, Reason: scope}, slog.String("scope", scope))
	e := NewDetailError(http.StatusTooManyRequests, "Request was throttled. Expected available in "+strconv.Itoa(secs)+" "+unit+".")
	e.Header = http.Header{"Retry-After": {strconv.Itoa(secs)}}
	return e
}

// mailIPLimit applies the per-IP limit of the endpoints that send mail
// (kind: "reset" or "resend").
func (a *Auth) mailIPLimit(r *http.Request, kind string) error {
	return a.hit(r, a.cfg.Throttle.MailPerIP, kind+"-ip", a.ClientIP(r).String())
}

// mailAllowed counts one mail of kind to user against MailPerAddress and
// reports whether it may be sent. Over the limit the mail is dropped (and
// logged) but the answer is not changed: the limit protects the inbox,
// and a stranger who fills it must not make the owner's request fail.
func (a *Auth) mailAllowed(r *http.Request, kind string, user *User) bool {
	scope := kind + "-address"
	if over, _ := a.over(r, a.cfg.Throttle.MailPerAddress, scope, "id:"+strconv.FormatInt(user.ID, 10)); !over {
		return true
	}
	a.logEvent(withEventRequest(r.Context(), r), slog.LevelWarn, "restauth: mail limit reached; mail not sent", Event{Type: EventThrottled, Outcome: OutcomeFailure, UserID: user.ID, Reason: scope},
		slog.String("scope", scope))
	return false
}

// resetConfirmFailed counts a failed reset confirmation against the client
// IP and, when hasID, user id (the decoded uid, so that spellings of one
// uid share a counter), and returns a 429 once either is over the limit.
// Only failures are counted: a genuine link is checked before any limit
// and never refused, so strangers filling a uid's counter cannot block
// its owner.
func (a *Auth) resetConfirmFailed(r *http.Request, id int64, hasID bool) error {
	rate := a.cfg.Throttle.ResetConfirmFailures
	ipErr := a.hit(r, rate, "reset-confirm-ip", a.ClientIP(r).String())
	var uidErr error
	if hasID {
		uidErr = a.hit(r, rate, "reset-confirm-uid", strconv.FormatInt(id, 10))
	}
	if ipErr != nil {
		return ipErr
	}
	return uidErr
}
