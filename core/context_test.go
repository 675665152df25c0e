package core

import (
	"context"
	"testing"
	"time"
)

type testKey struct{}

// TestPrincipalAttach: the context the middleware keeps inside a
// Principal answers as WithPrincipal's does: the principal, the parent's
// values and deadline, cancellation in both directions of derivation.
func TestPrincipalAttach(t *testing.T) {
	parent, cancel := context.WithTimeout(context.WithValue(context.Background(), testKey{}, "v"), time.Hour)
	defer cancel()
	p := &Principal{User: &User{ID: 7}, Method: MethodJWT}
	ctx := p.attach(parent)
	if got, ok := PrincipalFrom(ctx); !ok || got != p {
		t.Fatalf("PrincipalFrom = %v, %v", got, ok)
	}
	if u, ok := UserFrom(ctx); !ok || u.ID != 7 {
		t.Fatalf("UserFrom = %v, %v", u, ok)
	}
	if ctx.Value(testKey{}) != "v" {
		t.Error("the parent's value is lost")
	}
	if d, ok := ctx.Deadline(); !ok || time.Until(d) < 59*time.Minute {
		t.Errorf("deadline %v, %v", d, ok)
	}
	// A context derived from it still finds the principal, and a later
	// WithPrincipal (an application's own) takes precedence.
	child, stop := context.WithCancel(context.WithValue(ctx, testKey{}, "w"))
	defer stop()
	if got, _ := PrincipalFrom(child); got != p || child.Value(testKey{}) != "w" {
		t.Errorf("derived context: %v, %v", got, child.Value(testKey{}))
	}
	other := &Principal{User: &User{ID: 8}}
	if got, _ := PrincipalFrom(WithPrincipal(child, other)); got != other {
		t.Errorf("WithPrincipal on top: %v", got)
	}
	if _, ok := PrincipalFrom(parent); ok {
		t.Error("the parent carries the principal")
	}
	// Ending the parent ends what was derived from the attached context.
	cancel()
	select {
	case <-child.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("cancelling the parent did not reach the derived context")
	}
	if ctx.Err() == nil {
		t.Error("the attached context did not end with its parent")
	}
}
