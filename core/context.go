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

// principalContext is a context carrying a Principal, as WithPrincipal's
// does. The middleware keeps it inside the Principal it authenticated
// (Principal.attach), so that handing the principal to the handler costs
// no allocation of its own.
type principalContext struct {
	context.Context
	p *Principal
}

// Value implements context.Context.
func (c *principalContext) Value(key any) any {
	if _, ok := key.(principalKey); ok {
		return c.p
	}
	return c.Context.Value(key)
}

// attach returns parent carrying p, as WithPrincipal(parent, p) does,
// using the context space inside p. Only for a principal this request
// owns: authentication made it for this request, and a second attach
// would move its context.
func (p *Principal) attach(parent context.Context) context.Context {
	p.ctx = principalContext{Context: parent, p: p}
	return &p.ctx
}
