package core

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/restauth/restauth/core/password"
)

// loginRequest is the validated body of POST login/.
type loginRequest struct {
	username, email, password string
}

// serveLogin is POST login/: check the credentials, then answer with the
// credential of the configured mode ({"key": ...} in token mode).
//
// Every failure that depends on the account (unknown user, wrong password,
// inactive user, unusable or malformed hash) costs exactly one password hash
// and gets the same 400 body, so responses do not reveal which accounts
// exist. The rate limits are applied by loginLimits (login_limits.go).
func (a *Auth) serveLogin(req *request) error {
	in, err := a.decodeLogin(req)
	if err != nil {
		return err
	}
	lim := a.newLoginLimits(req.r)
	if err := lim.beforeLookup(); err != nil {
		return err
	}
	ctx := req.r.Context()
	user, err := a.loginAccount(ctx, in)
	if err != nil {
		return err
	}
	if err := lim.forAccount(in, user); err != nil {
		return err
	}
	user, err = a.checkCredentials(ctx, in, user)
	if isBadCredentials(err) {
		lim.failed()
	}
	if err != nil {
		return err
	}
	if a.cfg.EmailVerification == VerifyMandatory && !user.EmailVerified {
		return NonFieldError(a.msgs.Text(MsgEmailNotVerified))
	}
	return a.completeLogin(req, user, http.StatusOK, in.password)
}

// decodeLogin validates the login body like dj-rest-auth's LoginSerializer.
func (a *Auth) decodeLogin(req *request) (loginRequest, error) {
	body, err := DecodeBody(req.w, req.r, a.cfg.MaxBodyBytes, a.msgs)
	if err != nil {
		return loginRequest{}, err
	}
	f := NewForm(body, a.msgs)
	var in loginRequest
	in.username, _ = f.String(StringField{Name: "username", AllowBlank: true})
	in.email, _ = f.String(StringField{Name: "email", AllowBlank: true, Email: true})
	in.password, _ = f.String(StringField{Name: "password", Required: true})
	if err := f.Err(); err != nil {
		return in, err
	}
	switch a.cfg.LoginField {
	case LoginByUsername:
		if in.username == "" {
			return in, NonFieldError(a.msgs.Text(MsgLoginNeedsUsername))
		}
		in.email = ""
	case LoginByEmail:
		if in.email == "" {
			return in, NonFieldError(a.msgs.Text(MsgLoginNeedsEmail))
		}
		in.username = ""
	default:
		if in.email == "" && in.username == "" {
			return in, NonFieldError(a.msgs.Text(MsgLoginNeedsEither))
		}
		if in.email != "" {
			in.username = "" // a non-blank email wins, as in allauth
		}
	}
	return in, nil
}

// loginAccount returns the account in names (by email when one was
// given, else by username), or nil when none has it.
func (a *Auth) loginAccount(ctx context.Context, in loginRequest) (*User, error) {
	var (
		user *User
		err  error
	)
	if in.email != "" {
		user, err = a.cfg.Store.UserByEmail(ctx, in.email)
	} else {
		user, err = a.cfg.Store.UserByUsername(ctx, in.username)
	}
	switch {
	case errors.Is(err, ErrNotFound):
		return nil, nil
	case err != nil:
		return nil, unavailable(err)
	}
	return user, nil
}

// checkCredentials returns user when it is active and in.password matches,
// spending exactly one hash whatever the outcome; user nil (no such
// account) spends it on a dummy hash.
func (a *Auth) checkCredentials(ctx context.Context, in loginRequest, user *User) (*User, error) {
	invalid := NonFieldError(a.msgs.Text(MsgInvalidCredentials))
	if user == nil {
		if err := a.cfg.Passwords.Dummy(ctx, in.password); err != nil && !errors.Is(err, password.ErrPasswordTooLong) {
			return nil, err
		}
		a.logLogin(ctx, slog.LevelInfo, "login failed", 0, "unknown_user")
		return nil, invalid
	}
	ok, rehash, err := a.cfg.Passwords.Check(ctx, in.password, user.PasswordHash)
	if err != nil && !errors.Is(err, password.ErrPasswordTooLong) {
		return nil, err
	}
	if !ok || !user.IsActive {
		reason := "bad_password"
		if ok {
			reason = "inactive"
		}
		a.logLogin(ctx, slog.LevelInfo, "login failed", user.ID, reason)
		return nil, invalid
	}
	if rehash {
		a.upgradeHash(ctx, user, in.password)
	}
	return user, nil
}

// upgradeHash re-hashes with the preferred hasher after a successful login.
// It is best effort: a failure leaves the old, still valid hash in place.
func (a *Auth) upgradeHash(ctx context.Context, user *User, pw string) {
	newHash, err := a.cfg.Passwords.Make(ctx, pw)
	if err != nil {
		return
	}
	swapped, err := a.cfg.Store.UpgradePasswordHash(ctx, user.ID, user.PasswordHash, newHash)
	if err != nil {
		a.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "restauth: password hash upgrade failed",
			slog.Int64("user_id", user.ID), slog.String("error", err.Error()))
		return
	}
	if swapped {
		user.PasswordHash = newHash
		a.logins.forgetUser(user.ID) // sessions are bound to the hash
	}
}

// completeLogin records the login and issues a credential for every
// configured method (recording the login and creating the DB token in one
// write when the store is a LoginTokenStore), then answers:
//   - JWT configured: the JWT body and cookies (plus "key" when DB tokens
//     are configured too, so that mobile clients of a combined server get
//     one);
//   - else DB tokens: {"key": ...};
//   - else (sessions only): 204 with no body, like dj-rest-auth.
//
// A session, when configured, is started with a fresh ID. If any step
// fails, the credentials already minted are revoked again, so a failed
// login leaves nothing usable behind.
//
// For a password login (pw is the password it verified; "" otherwise),
// the user's stored password hash is read again after the token and JWT
// are minted: a password change or reset that committed since the password
// was verified (it revokes only the credentials that existed then) turns
// the login into the generic failure and revokes what it minted, so no
// credential obtained with the old password outlives the change. Sessions
// need no recheck: they are bound to the password hash they start with.
func (a *Auth) completeLogin(req *request, user *User, status int, pw string) (err error) {
	ctx := req.r.Context()
	now := a.cfg.Now().UTC()
	record := !a.cfg.uses(MethodJWT) || a.cfg.JWT.UpdateLastLogin || len(a.cfg.Methods) > 1
	if record && !a.cfg.uses(MethodToken) {
		if err := a.cfg.Store.RecordLogin(ctx, user.ID, now); err != nil {
			return unavailable(err)
		}
	}
	var minted []*Principal
	defer func() {
		if err != nil {
			for _, p := range minted {
				_ = a.revokePrincipal(context.WithoutCancel(ctx), p)
			}
		}
	}()
	var key string
	if a.cfg.uses(MethodToken) {
		var p *Principal
		if key, p, err = a.issueToken(ctx, user, now, record); err != nil {
			return err
		}
		if p != nil {
			minted = append(minted, p)
		}
	}
	var pair jwtPair
	if a.jwt != nil {
		if pair, err = a.issueLogin(ctx, user); err != nil {
			return err
		}
		minted = append(minted, &Principal{User: user, Method: MethodJWT, Credential: pair.family})
	}
	if pw != "" {
		if err := a.passwordStillValid(ctx, user, pw); err != nil {
			return err
		}
	}
	var details any
	if a.jwt != nil {
		// Rendered before the session starts, so a failing
		// UserFields.Render leaves no login behind.
		if details, err = a.userDetails(ctx, user); err != nil {
			return err
		}
	}
	if a.cfg.uses(MethodSession) {
		if err := a.startSession(req.w, req.r, user); err != nil {
			return err
		}
	}
	a.logLoginSucceeded(ctx, user, req.provider)
	a.issueDeviceCookie(req.w, user)
	switch {
	case a.jwt != nil:
		a.writeJWTLogin(req.w, status, details, pair, key)
	case key != "":
		WriteJSON(req.w, status, map[string]string{"key": key})
	default:
		WriteJSON(req.w, http.StatusNoContent, nil)
	}
	return nil
}

// passwordStillValid returns the generic login failure unless user is
// still active and pw still matches the stored hash. The hash is checked
// again (one more hash) only if it changed since the login verified it,
// which a concurrent login's upgrade of an outdated hash also does.
func (a *Auth) passwordStillValid(ctx context.Context, user *User, pw string) error {
	invalid := func() error {
		a.logLogin(ctx, slog.LevelInfo, "login failed", user.ID, "password_changed")
		return NonFieldError(a.msgs.Text(MsgInvalidCredentials))
	}
	fresh, err := a.cfg.Store.UserByID(ctx, user.ID)
	if errors.Is(err, ErrNotFound) {
		return invalid()
	}
	if err != nil {
		return unavailable(err)
	}
	if !fresh.IsActive {
		return invalid()
	}
	if fresh.PasswordHash == user.PasswordHash {
		return nil
	}
	ok, _, err := a.cfg.Passwords.Check(ctx, pw, fresh.PasswordHash)
	if err != nil && !errors.Is(err, password.ErrPasswordTooLong) {
		return err
	}
	if !ok {
		return invalid()
	}
	return nil
}

// logLogin emits one structured auth event; it never logs identifiers typed
// by the client or secrets.
func (a *Auth) logLogin(ctx context.Context, level slog.Level, msg string, userID int64, reason string) {
	a.logEvent(ctx, level, "restauth: "+msg, Event{Type: EventLogin, Outcome: OutcomeFailure, UserID: userID, Reason: reason},
		slog.String("reason", reason))
}

// logLoginSucceeded reports a successful login of user with the first
// method that issued a credential; provider is the identity provider of
// a social login, "" for a password.
func (a *Auth) logLoginSucceeded(ctx context.Context, user *User, provider string) {
	a.logEvent(ctx, slog.LevelInfo, "restauth: login succeeded", Event{Type: EventLogin, Outcome: OutcomeSuccess, User: user, Method: a.cfg.Methods[0], Provider: provider})
}

// isBadCredentials reports the generic login failure, the one that counts
// toward the failed-login limits.
func isBadCredentials(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Status == http.StatusBadRequest && len(e.Fields) == 1 && e.Fields[0].Field == "non_field_errors"
}
