package core

import "context"

// UserFields adds an application's own members to the user representation,
// like swapping dj-rest-auth's USER_DETAILS_SERIALIZER: a phone number, a
// display name, preferences, kept in the application's own tables. Both
// functions are optional.
type UserFields struct {
	// Render returns the extra members of u's representation. It runs only
	// where a user is rendered (user/ and the "user" member of JWT login,
	// registration and refresh answers), never in the middleware, so
	// application routes pay nothing for it. Members restauth renders
	// itself (pk, username, email, first_name, last_name) cannot be
	// replaced: they are dropped and logged. An error answers 503.
	Render func(ctx context.Context, u *User) (map[string]any, error)

	// Parse reads the application's writable members of PUT and PATCH
	// user/ from f, after restauth read its own: read values with
	// f.String or f.Value and report problems with f.AddError, so they
	// come back in one 400 together with restauth's own field errors, in
	// dj-rest-auth's shape. partial is true for PATCH, where absent members
	// keep their value. It returns the Save that writes what it accepted,
	// or nil when there is nothing to write; Save runs only when no field
	// has an error.
	Parse func(ctx context.Context, u *User, f *Form, partial bool) (Save, error)
}

// RegistrationFields reads extra members of registration/ (like swapping
// dj-rest-auth's REGISTER_SERIALIZER): terms accepted, a phone number, an
// invitation code.
type RegistrationFields struct {
	// Parse reads the extra members from f after restauth read its own,
	// reporting problems with f.AddError (one 400 with every field error,
	// in dj-rest-auth's shape, before any account exists). It returns the
	// Save that stores them for the new user, or nil.
	Parse func(ctx context.Context, f *Form) (Save, error)
}

// Save writes what a Parse accepted, after restauth wrote its own part of
// the change; u is the user as written (for a registration, with its new
// ID). When Save fails, restauth undoes its own part so nothing is left
// half done: a registration deletes the new account (and the client may
// simply retry), an update of user/ restores the previous profile. A
// returned *Error is answered as it is (a 400 field error for a value
// that turned out to be taken, say); any other error answers 503.
type Save func(ctx context.Context, u *User) error

// ClaimsFunc returns custom claims for u's JWTs (SimpleJWT's
// TokenObtainPairSerializer.get_token overrides): roles, a tenant, a
// plan. It runs at login and at each refresh, so claims follow changes of
// the user within one access-token lifetime. Names restauth sets itself
// (exp, iat, nbf, jti, iss, aud, token_type, the user id claim and the
// family claim) cannot be set: they are dropped and logged. Values must
// be JSON: strings, numbers, booleans, nil, and slices and maps of them.
// An error fails the login or refresh with 503.
type ClaimsFunc func(ctx context.Context, u *User) (map[string]any, error)
