package social

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/password"
)

// handler serves the endpoints of one Social for one core.Auth.
type handler struct {
	s     *Social
	auth  *core.Auth
	cfg   core.Config
	store core.SocialAccountStore
}

// readCredentials reads the body of <provider>/ and <provider>/connect/
// like dj-rest-auth's SocialLoginSerializer: every member optional, blank
// allowed, strings only; code_verifier and nonce are restauth's.
func (h *handler) readCredentials(c *core.Call) (Credentials, error) {
	f, err := c.Form()
	if err != nil {
		return Credentials{}, err
	}
	field := func(name string) string {
		v, _ := f.String(core.StringField{Name: name, AllowBlank: true})
		return v
	}
	cr := Credentials{
		AccessToken:  field("access_token"),
		Code:         field("code"),
		IDToken:      field("id_token"),
		CodeVerifier: field("code_verifier"),
		Nonce:        field("nonce"),
	}
	if err := f.Err(); err != nil {
		return cr, err
	}
	if cr.AccessToken == "" && cr.Code == "" && cr.IDToken == "" {
		return cr, core.NonFieldError(text(h.cfg, MsgNoCredentials))
	}
	return cr, nil
}

// identify asks p who cr belongs to and turns its errors into answers.
func (h *handler) identify(c *core.Call, p Provider, cr Credentials) (*Identity, error) {
	ctx := c.Request().Context()
	id, err := p.Identify(ctx, cr)
	if err == nil {
		err = checkIdentity(id)
	}
	if err == nil {
		return id, nil
	}
	reason, answer := "", error(nil)
	switch {
	case errors.Is(err, ErrNoCredentials):
		reason, answer = "no_credentials", core.NonFieldError(text(h.cfg, MsgNoCredentials))
		if cr.AccessToken != "" && cr.Code == "" && cr.IDToken == "" {
			answer = core.NonFieldError(text(h.cfg, MsgNeedsIDToken))
		}
	case errors.Is(err, ErrCodeExchange):
		reason, answer = "code_exchange", core.NonFieldError(text(h.cfg, MsgCodeExchange))
	case errors.Is(err, ErrInvalidCredentials):
		reason, answer = "provider_refused", core.NonFieldError(text(h.cfg, MsgIncorrectValue))
	case errors.Is(err, ErrProviderUnavailable), errors.Is(err, context.DeadlineExceeded):
		return nil, fmt.Errorf("%w: %w", core.ErrUnavailable, err)
	default:
		return nil, err
	}
	// The provider's reason, for the operator: never a token (the
	// providers' errors quote none).
	h.cfg.Logger.LogAttrs(ctx, slog.LevelInfo, "restauth: social credentials refused",
		slog.String("provider", p.ID()), slog.String("error", err.Error()))
	c.Report(core.Event{Type: core.EventLogin, Outcome: core.OutcomeFailure, Reason: reason, Provider: p.ID()})
	return nil, answer
}

// checkIdentity refuses an identity no store could hold.
func checkIdentity(id *Identity) error {
	if id == nil || id.UID == "" || utf8.RuneCountInString(id.UID) > core.MaxSocialUIDLength ||
		!utf8.ValidString(id.UID) || strings.ContainsRune(id.UID, 0) {
		return fmt.Errorf("%w: the provider's identity has no usable uid", ErrInvalidCredentials)
	}
	return nil
}

// serveLogin is POST <provider>/: log in the identity's account, link
// the identity to an account with its verified address (when enabled),
// or sign up; the answer is login/'s.
func (h *handler) serveLogin(c *core.Call, p Provider) error {
	if err := c.Limit(core.LimitLogin); err != nil {
		return err
	}
	cr, err := h.readCredentials(c)
	if err != nil {
		return err
	}
	id, err := h.identify(c, p, cr)
	if err != nil {
		return err
	}
	// One retry: a concurrent request may link the identity between the
	// lookup and the insert; the second round finds its link.
	for attempt := 0; ; attempt++ {
		user, err := h.loginTarget(c, p, id, attempt > 0)
		if errors.Is(err, core.ErrSocialAccountTaken) && attempt == 0 {
			continue
		}
		if err != nil {
			return err
		}
		return c.Login(user, core.LoginOptions{Provider: p.ID()})
	}
}

// loginTarget returns the account the identity logs in to, linking or
// creating it as needed. It returns core.ErrSocialAccountTaken when a
// concurrent request linked the identity first.
func (h *handler) loginTarget(c *core.Call, p Provider, id *Identity, retry bool) (*core.User, error) {
	ctx := c.Request().Context()
	now := h.cfg.Now().UTC()
	extra := extraData(id)
	acc, user, err := h.store.SocialAccountByUID(ctx, p.ID(), id.UID)
	switch {
	case err == nil:
		if err := h.store.RecordSocialLogin(ctx, acc.ID, now, extra); err != nil {
			return nil, storeErr(err)
		}
		return user, nil
	case !errors.Is(err, core.ErrNotFound):
		return nil, storeErr(err)
	}
	email := usableEmail(h.auth, id.Email)
	if email != "" {
		existing, err := h.cfg.Store.UserByEmail(ctx, email)
		switch {
		case err == nil:
			return h.linkByEmail(c, p, id, existing, extra)
		case !errors.Is(err, core.ErrNotFound):
			return nil, storeErr(err)
		}
	}
	return h.signUp(c, p, id, email, extra, retry)
}

// linkByEmail links the identity to existing, the account holding its
// address, when Config.EmailAuthentication is on and both sides have it
// verified; otherwise it refuses like dj-rest-auth.
func (h *handler) linkByEmail(c *core.Call, p Provider, id *Identity, existing *core.User, extra json.RawMessage) (*core.User, error) {
	if !h.s.cfg.EmailAuthentication || !id.EmailVerified || !existing.EmailVerified || !existing.IsActive {
		c.Report(core.Event{Type: core.EventLogin, Outcome: core.OutcomeFailure, Reason: "email_taken", Provider: p.ID()})
		return nil, core.NonFieldError(text(h.cfg, MsgEmailTaken))
	}
	now := h.cfg.Now().UTC()
	acc := &core.SocialAccount{UserID: existing.ID, Provider: p.ID(), UID: id.UID, ExtraData: extra, LastLogin: now, DateJoined: now}
	if err := h.store.CreateSocialAccount(c.Request().Context(), acc); err != nil {
		if errors.Is(err, core.ErrSocialAccountTaken) {
			return nil, err
		}
		return nil, storeErr(err)
	}
	c.Report(core.Event{Type: core.EventSocialConnect, Outcome: core.OutcomeSuccess, User: existing, Provider: p.ID()})
	return existing, nil
}

// signUp creates an account for the identity: a generated unique
// username, an unusable password, the provider's address (verified when
// the provider says so) and names. An unverified address gets the
// verification mail, and with mandatory verification the login that
// follows answers "E-mail is not verified." as login/ does.
func (h *handler) signUp(c *core.Call, p Provider, id *Identity, email string, extra json.RawMessage, retry bool) (*core.User, error) {
	ctx := c.Request().Context()
	if h.cfg.Accounts.DisableRegistration {
		c.Report(core.Event{Type: core.EventLogin, Outcome: core.OutcomeFailure, Reason: "signup_closed", Provider: p.ID()})
		return nil, core.NonFieldError(text(h.cfg, MsgSignupClosed))
	}
	if email == "" && (h.cfg.EmailOnly || h.cfg.EmailVerification == core.VerifyMandatory) {
		c.Report(core.Event{Type: core.EventLogin, Outcome: core.OutcomeFailure, Reason: "no_email", Provider: p.ID()})
		return nil, core.NonFieldError(text(h.cfg, MsgSignupNeedsEmail))
	}
	if !retry {
		if err := c.Limit(core.LimitRegister); err != nil {
			return nil, err
		}
	}
	user, err := h.auth.CreateUser(ctx, core.NewUser{
		Username:         id.Username,
		GenerateUsername: true,
		Email:            email,
		EmailVerified:    email != "" && id.EmailVerified,
		FirstName:        displayName(id.FirstName),
		LastName:         displayName(id.LastName),
	})
	if err != nil {
		var e *core.Error
		if errors.As(err, &e) && len(e.Fields) > 0 && e.Fields[0].Field == "email" {
			// Taken between the lookup and the insert, or a database
			// integrity error: dj-rest-auth's answer to both.
			return nil, core.NonFieldError(text(h.cfg, MsgEmailTaken))
		}
		return nil, err
	}
	now := h.cfg.Now().UTC()
	acc := &core.SocialAccount{UserID: user.ID, Provider: p.ID(), UID: id.UID, ExtraData: extra, LastLogin: now, DateJoined: now}
	if err := h.store.CreateSocialAccount(ctx, acc); err != nil {
		// Undo the account, so nothing half-made stays behind; on a lost
		// race the caller logs in the winner's account.
		if delErr := h.cfg.Store.DeleteUser(context.WithoutCancel(ctx), user.ID); delErr != nil {
			h.cfg.Logger.LogAttrs(ctx, slog.LevelError, "restauth: undoing a social sign-up failed",
				slog.Int64("user_id", user.ID), slog.String("error", delErr.Error()))
		}
		if errors.Is(err, core.ErrSocialAccountTaken) {
			return nil, err
		}
		return nil, storeErr(err)
	}
	c.Report(core.Event{Type: core.EventRegister, Outcome: core.OutcomeSuccess, User: user, Provider: p.ID()})
	c.Report(core.Event{Type: core.EventSocialConnect, Outcome: core.OutcomeSuccess, User: user, Provider: p.ID()})
	if h.cfg.EmailVerification != core.VerifyNone {
		h.auth.SendEmailConfirmation(ctx, user)
	}
	return user, nil
}

// serveConnect is POST <provider>/connect/: link the identity to the
// authenticated caller, then answer like login/ for the caller (as
// dj-rest-auth's SocialConnectView, a LoginView, does). An identity
// linked to another account is refused.
func (h *handler) serveConnect(c *core.Call, p Provider) error {
	ctx := c.Request().Context()
	cr, err := h.readCredentials(c)
	if err != nil {
		return err
	}
	id, err := h.identify(c, p, cr)
	if err != nil {
		return err
	}
	user, err := h.cfg.Store.UserByID(ctx, c.Principal().User.ID)
	if err != nil {
		return storeErr(err)
	}
	now := h.cfg.Now().UTC()
	extra := extraData(id)
	acc, owner, err := h.store.SocialAccountByUID(ctx, p.ID(), id.UID)
	switch {
	case err == nil && owner.ID == user.ID:
		if err := h.store.RecordSocialLogin(ctx, acc.ID, now, extra); err != nil {
			return storeErr(err)
		}
	case err == nil:
		return h.connectedElsewhere(c, p, user)
	case errors.Is(err, core.ErrNotFound):
		acc := &core.SocialAccount{UserID: user.ID, Provider: p.ID(), UID: id.UID, ExtraData: extra, LastLogin: now, DateJoined: now}
		if err := h.store.CreateSocialAccount(ctx, acc); err != nil {
			if errors.Is(err, core.ErrSocialAccountTaken) {
				return h.connectedElsewhere(c, p, user)
			}
			return storeErr(err)
		}
		c.Report(core.Event{Type: core.EventSocialConnect, Outcome: core.OutcomeSuccess, User: user, Provider: p.ID()})
	default:
		return storeErr(err)
	}
	return c.Login(user, core.LoginOptions{Provider: p.ID()})
}

func (h *handler) connectedElsewhere(c *core.Call, p Provider, user *core.User) error {
	c.Report(core.Event{Type: core.EventSocialConnect, Outcome: core.OutcomeFailure, UserID: user.ID, Reason: "taken", Provider: p.ID()})
	return core.NonFieldError(text(h.cfg, MsgConnectedElsewhere))
}

// accountJSON is a social account as dj-rest-auth's
// SocialAccountSerializer renders it.
type accountJSON struct {
	ID         int64   `json:"id"`
	Provider   string  `json:"provider"`
	UID        string  `json:"uid"`
	LastLogin  *string `json:"last_login"`
	DateJoined string  `json:"date_joined"`
}

func renderAccount(a core.SocialAccount) accountJSON {
	out := accountJSON{ID: a.ID, Provider: a.Provider, UID: a.UID, DateJoined: drfTime(a.DateJoined)}
	if !a.LastLogin.IsZero() {
		s := drfTime(a.LastLogin)
		out.LastLogin = &s
	}
	return out
}

// drfTime renders t as DRF renders an aware datetime in UTC: Python's
// isoformat (microseconds only when there are some) with "Z".
func drfTime(t time.Time) string {
	t = t.UTC()
	if t.Nanosecond()/1000 == 0 {
		return t.Format("2006-01-02T15:04:05Z")
	}
	return t.Format("2006-01-02T15:04:05.000000Z")
}

// serveList is GET socialaccounts/: the caller's social accounts.
func (h *handler) serveList(c *core.Call) error {
	list, err := h.store.SocialAccountsByUser(c.Request().Context(), c.Principal().User.ID)
	if err != nil {
		return storeErr(err)
	}
	out := make([]accountJSON, 0, len(list))
	for _, a := range list {
		out = append(out, renderAccount(a))
	}
	core.WriteJSON(c.ResponseWriter(), http.StatusOK, out)
	return nil
}

// serveDisconnect is POST socialaccounts/<id>/disconnect/: unlink one of
// the caller's accounts and answer it. Another user's account, or none,
// is 404. The last account of a user without a usable password (or,
// with mandatory verification, without a verified address) stays: it is
// the last way to log in.
func (h *handler) serveDisconnect(c *core.Call) error {
	ctx := c.Request().Context()
	notFound := core.NewDetailError(http.StatusNotFound, h.auth.Messages().Text(core.MsgNotFound))
	id, err := strconv.ParseInt(c.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return notFound
	}
	user, err := h.cfg.Store.UserByID(ctx, c.Principal().User.ID)
	if err != nil {
		return storeErr(err)
	}
	list, err := h.store.SocialAccountsByUser(ctx, user.ID)
	if err != nil {
		return storeErr(err)
	}
	var target *core.SocialAccount
	for i := range list {
		if list[i].ID == id {
			target = &list[i]
		}
	}
	if target == nil {
		return notFound
	}
	noPassword := !password.IsUsable(user.PasswordHash)
	unverified := h.cfg.EmailVerification == core.VerifyMandatory && !user.EmailVerified
	switch err := h.store.DeleteSocialAccount(ctx, user.ID, id, noPassword || unverified); {
	case errors.Is(err, core.ErrNotFound):
		return notFound
	case errors.Is(err, core.ErrLastLoginMethod):
		c.Report(core.Event{Type: core.EventSocialDisconnect, Outcome: core.OutcomeFailure, UserID: user.ID,
			Reason: "last_login_method", Provider: target.Provider})
		if noPassword {
			return core.NonFieldError(text(h.cfg, MsgNoPassword))
		}
		return core.NonFieldError(text(h.cfg, MsgNoVerifiedEmail))
	case err != nil:
		return storeErr(err)
	}
	c.Report(core.Event{Type: core.EventSocialDisconnect, Outcome: core.OutcomeSuccess, User: user, Provider: target.Provider})
	core.WriteJSON(c.ResponseWriter(), http.StatusOK, renderAccount(*target))
	return nil
}

// storeErr keeps a refused value (core.ErrInvalidValue, a 400) and turns
// every other store failure into a 503.
func storeErr(err error) error {
	if errors.Is(err, core.ErrInvalidValue) || errors.Is(err, core.ErrUnavailable) {
		return err
	}
	return fmt.Errorf("%w: %w", core.ErrUnavailable, err)
}

// usableEmail returns the provider's address if it is one restauth
// accepts (syntax, length), else "".
func usableEmail(a *core.Auth, email string) string {
	if email == "" {
		return ""
	}
	f := core.NewForm(core.Body{"email": email}, a.Messages())
	v, ok := f.String(core.StringField{Name: "email", Email: true, MaxLength: core.MaxEmailLength})
	if !ok {
		return ""
	}
	return v
}

// displayName makes a provider's name storable: control and format
// characters dropped, cut to core.MaxNameLength characters.
func displayName(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == utf8.RuneError || unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	if utf8.RuneCountInString(s) > core.MaxNameLength {
		s = string([]rune(s)[:core.MaxNameLength])
	}
	return s
}

// extraData renders the identity's Extra for storage; {} when it does not
// fit.
func extraData(id *Identity) json.RawMessage {
	if len(id.Extra) == 0 {
		return json.RawMessage("{}")
	}
	b, err := json.Marshal(id.Extra)
	if err != nil || len(b) > core.MaxSocialExtraData || !utf8.Valid(b) || strings.Contains(string(b), `\u0000`) {
		return json.RawMessage("{}")
	}
	return b
}
