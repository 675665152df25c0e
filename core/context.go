package core

import "context"

type principalKey struct{}

// WithPrincipal returns a context carrying p. Middleware stores the
// authenticated principal this way so that handlers of any framework can
// read it back with PrincipalFrom or UserFrom.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the principal stored by WithPrincipal, if any.
func PrincipalFrom(ctx context.Context) (*Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(*Principal)
	return p, ok && p != nil
}

// UserFrom returns the authenticated user stored in ctx, if any.
func UserFrom(ctx context.Context) (*User, bool) {
	p, ok := PrincipalFrom(ctx)
	if !ok {
		return nil, false
	}
	return p.User, true
}
