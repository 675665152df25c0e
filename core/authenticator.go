package core

import (
	"errors"
	"net/http"
)

// Principal is the result of a successful authentication: who, and by
// which credential.
type Principal struct {
	// User is the authenticated, active user.
	User *User
	// Method is the authentication method that accepted the request.
	Method Method
	// Credential identifies the credential that was used, in a form that
	// can revoke it (MethodToken: the token digest; MethodJWT: the refresh
	// family, "" for a token minted elsewhere). It is never the secret
	// itself.
	Credential string
	// Stateless is true when User was built from token claims alone
	// (JWTConfig.Stateless): only User.ID is known.
	Stateless bool
}

// Authenticator turns the credentials of one method into a Principal.
//
// Authenticate returns:
//   - (nil, nil) when the request carries no credentials of this kind, so
//     the next authenticator in the chain is tried (DRF's "return None");
//   - (p, nil) when the credentials are valid;
//   - (nil, *Error of KindAuthentication) when credentials of this kind are
//     present but invalid; the chain stops there;
//   - (nil, other error) when a backing store failed; the request is
//     answered 503 and never treated as anonymous.
type Authenticator interface {
	Authenticate(r *http.Request) (*Principal, error)
	// Challenge is the WWW-Authenticate value this method offers
	// ("Token", `Bearer realm="api"`), or "" when it has none (sessions).
	Challenge() string
}

// Authenticate runs the configured authenticators in order. It returns
// (nil, nil) for an anonymous request.
func (a *Auth) Authenticate(r *http.Request) (*Principal, error) {
	for _, au := range a.chain {
		p, err := au.Authenticate(r)
		if err != nil || p != nil {
			return p, err
		}
	}
	return nil, nil
}

// challenge is the WWW-Authenticate value of the first authenticator.
func (a *Auth) challenge() string {
	if len(a.chain) == 0 {
		return ""
	}
	return a.chain[0].Challenge()
}

// isAuthFailure reports whether err is a credentials problem (as opposed
// to a store failure).
func isAuthFailure(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Kind == KindAuthentication
}
