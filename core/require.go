package core

import (
	"context"
	"errors"
	"net/http"
)

// IsStaff reports whether p is an authenticated caller whose user is
// staff (Django's is_staff): DRF's IsAdminUser. Superusers that are not
// staff do not pass, as in DRF. It is the predicate of the adapters'
// RequireStaff.
func IsStaff(p *Principal) bool { return p != nil && p.User != nil && p.User.IsStaff }

// IsSuperuser reports whether p is an authenticated caller whose user is a
// superuser (Django's is_superuser).
func IsSuperuser(p *Principal) bool { return p != nil && p.User != nil && p.User.IsSuperuser }

// Require returns net/http middleware that lets through to next only
// authenticated requests whose principal satisfies allow, as a DRF view
// with IsAuthenticated and a permission class does:
//
//   - an anonymous request, or invalid credentials, is answered exactly as
//     [Auth.RequireUser] answers it (401 with the challenge of the first
//     configured method, or 403);
//   - an authenticated caller that allow refuses gets DRF's PermissionDenied:
//     403 {"detail":"You do not have permission to perform this action."}
//     (message code MsgPermissionDenied), without a WWW-Authenticate
//     challenge: other credentials would not help;
//   - a store failure is 503, a panic in allow 500 (logged), as for every
//     rejection of the middleware.
//
// allow sees the principal with its user fully loaded: with
// JWTConfig.Stateless, whose tokens carry only the user's ID, the user is
// read from the store first (one query per request), and a user deleted
// or deactivated since the token was minted is refused as JWT
// authentication refuses it (SimpleJWT's "User not found" or "User is
// inactive"). That principal, a copy with Stateless false, is the one
// stored in the request's context for next. allow must not modify the
// principal. A nil allow only requires authentication, like RequireUser,
// and never reads the store.
//
// See [Auth.GuardAllow] for the decision with the answer written and
// [Auth.Authorize] for the decision on a principal already at hand.
func (a *Auth) Require(allow func(*Principal) bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r, _, ok := a.GuardAllow(w, r, allow); ok {
				next.ServeHTTP(w, r)
			}
		})
	}
}

// GuardAllow is [Auth.Guard] for a required user that must also satisfy
// allow, with the answers of [Auth.Require]. On rejection the response is
// written and ok is false; otherwise it returns the request with the
// principal (its user loaded) stored in its context. Adapters build their
// Require middleware on it.
func (a *Auth) GuardAllow(w http.ResponseWriter, r *http.Request, allow func(*Principal) bool) (*http.Request, *Principal, bool) {
	r, p, err := a.guardAllow(w, r, allow)
	if err != nil {
		setSecurityHeaders(w.Header())
		a.WriteError(w, r, err)
		return r, nil, false
	}
	return r, p, true
}

// CheckAllow is [Auth.GuardAllow] without the answer, as [Auth.Check] is
// Guard's: a rejection comes back as an *Error already resolved to its
// final status, headers and dj-rest-auth body (a refused caller: Kind
// KindStatus, Status 403, Detail the MsgPermissionDenied text), for
// frameworks that render errors themselves.
func (a *Auth) CheckAllow(w http.ResponseWriter, r *http.Request, allow func(*Principal) bool) (*http.Request, *Principal, error) {
	r, p, err := a.guardAllow(w, r, allow)
	if err != nil {
		return r, nil, a.rejection(r, err)
	}
	return r, p, nil
}

// Authorize decides whether the principal p (nil for an anonymous caller)
// may proceed under allow, for code that authenticates elsewhere or
// decides inside a handler. It returns the principal allow accepted (for
// a stateless JWT principal, a copy with the user loaded from the store
// and Stateless false; otherwise p itself), or an error for
// [Auth.WriteError]:
//
//   - p nil (or without a user): the authentication failure RequireUser
//     answers, "Authentication credentials were not provided." (401 or 403
//     as the chain decides);
//   - a stateless principal whose user is gone or inactive: the JWT
//     authentication failure of that case;
//   - allow refuses: a 403 *Error with the MsgPermissionDenied text;
//   - the store failed: an error wrapping ErrUnavailable (503).
//
// A nil allow accepts every authenticated principal without reading the
// store. Store calls run under ctx.
func (a *Auth) Authorize(ctx context.Context, p *Principal, allow func(*Principal) bool) (*Principal, error) {
	if p == nil || p.User == nil {
		return nil, NewAuthError(a.msgs.Text(MsgNotAuthenticated))
	}
	if allow == nil {
		return p, nil
	}
	if p.Stateless {
		u, err := a.userByID(ctx, p.User.ID) // within Config.RevocationStaleness
		switch {
		case errors.Is(err, ErrNotFound):
			return nil, codedAuthError("User not found", "user_not_found")
		case err != nil:
			return nil, unavailable(err)
		case !u.IsActive:
			return nil, codedAuthError("User is inactive", "user_inactive")
		}
		loaded := *p
		loaded.User, loaded.Stateless = u, false
		p = &loaded
	}
	if !allow(p) {
		return nil, NewDetailError(http.StatusForbidden, a.msgs.Text(MsgPermissionDenied))
	}
	return p, nil
}

// guardAllow is the decision shared by GuardAllow and CheckAllow: the
// request carrying the accepted principal, or the unresolved reason for
// the rejection.
func (a *Auth) guardAllow(w http.ResponseWriter, r *http.Request, allow func(*Principal) bool) (*http.Request, *Principal, error) {
	p, err := a.authorizeWithin(w, r, allow)
	if err != nil {
		return r, nil, err
	}
	return r.WithContext(p.attach(r.Context())), p, nil
}

// authorizeWithin authenticates and authorizes r under
// Config.RequestTimeout, as authenticateWithin does: the store read of a
// stateless user shares the deadline of authentication, and a panic in an
// authenticator or in allow is answered as a generic 500.
func (a *Auth) authorizeWithin(w http.ResponseWriter, r *http.Request, allow func(*Principal) bool) (p *Principal, err error) {
	defer func() {
		if perr := a.recovered(r, recover()); perr != nil {
			p, err = nil, perr
		}
	}()
	ctx := withLazyDeadline(r.Context(), a.cfg.RequestTimeout)
	defer ctx.release()
	if p, err = a.authenticate(ctx, w, r); err != nil {
		return nil, err
	}
	return a.Authorize(ctx, p, allow)
}
