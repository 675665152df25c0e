package core

import (
	"context"
	"net/netip"
	"time"
)

// EventType names what happened. The values are the "event" attribute of
// restauth's audit log records.
type EventType string

// The events restauth reports. Each is reported once, after the change it
// describes was written.
const (
	// EventLogin is a login attempt: Outcome "success" with the user and
	// the first credential's Method, or "failure" with a Reason
	// ("credentials", "inactive", "unverified", "throttled", …).
	EventLogin EventType = "login"
	// EventLogout is a logout that ended a credential.
	EventLogout EventType = "logout"
	// EventRegister is a new account made through registration/.
	EventRegister EventType = "register"
	// EventEmailVerified is an email address confirmed.
	EventEmailVerified EventType = "email_verified"
	// EventPasswordChange is a password changed through password/change/.
	EventPasswordChange EventType = "password_change"
	// EventPasswordReset is a password set through a reset link.
	EventPasswordReset EventType = "password_reset"
	// EventRefreshReuse is a rotated refresh token presented again: the
	// login (refresh family) was revoked. Outcome is "failure".
	EventRefreshReuse EventType = "refresh_reuse"
	// EventThrottled is a request refused or a mail dropped by a rate
	// limit. Outcome is "failure"; Reason names the limit.
	EventThrottled EventType = "throttled"
	// EventSocialConnect is a provider identity linked to a user (social
	// login's <provider>/connect/, or a sign-up through a provider);
	// Provider names the provider. A refused link is a "failure" with a
	// Reason ("taken": the identity belongs to another user).
	EventSocialConnect EventType = "social_connect"
	// EventSocialDisconnect is a provider identity unlinked
	// (socialaccounts/<id>/disconnect/); a refusal to remove the last way
	// to log in is a "failure" with Reason "last_login_method".
	EventSocialDisconnect EventType = "social_disconnect"
)

// Outcomes of events.
const (
	OutcomeSuccess = "success"
	OutcomeFailure = "failure"
)

// Event is one notification to Config.OnEvent.
type Event struct {
	Type EventType
	// Outcome is OutcomeSuccess or OutcomeFailure.
	Outcome string
	// UserID is the user concerned, 0 when none is known (a failed login
	// for an unknown account).
	UserID int64
	// User is a copy of the user as the change left it, when the handler
	// had it at hand; nil otherwise. Never mutate it.
	User *User
	// Method is the authentication method of the credential concerned
	// ("" when none is).
	Method Method
	// IP is the client address as Auth.ClientIP decides it; invalid when
	// the event did not come from a request.
	IP netip.Addr
	// Reason details a failure ("credentials", "inactive", a limit's
	// scope); "" for successes.
	Reason string
	// Provider is the external identity provider involved ("github",
	// "google"): for social logins, connects and disconnects; "" otherwise.
	Provider string
	// Time is when the event happened (Config.Now).
	Time time.Time
}

// EventFunc receives events (Config.OnEvent). It runs on a goroutine of
// its own, after the answer is on its way: it never delays or fails the
// request. An error is logged. Events arrive one at a time, in the order
// they happened; when the listener falls more than eventBuffer events
// behind, further events are dropped and logged until it catches up.
type EventFunc func(ctx context.Context, e Event) error
