package core

import (
	"context"
	"fmt"
	"log/slog"
)

// customClaims asks JWTConfig.Claims for u's custom claims and returns
// those of the access token and of the refresh token (nil unless
// JWTConfig.ClaimsInRefresh). Claims the codec writes itself are dropped
// and logged; a failing hook fails the login or refresh with 503.
func (a *Auth) customClaims(ctx context.Context, u *User) (access, refresh map[string]any, err error) {
	hook := a.cfg.JWT.Claims
	if hook == nil {
		return nil, nil, nil
	}
	claims, err := hook(ctx, u)
	if err != nil {
		return nil, nil, unavailable(fmt.Errorf("restauth: JWTConfig.Claims: %w", err))
	}
	for name := range claims {
		if a.jwt.codec.ReservedClaim(name) {
			a.cfg.Logger.LogAttrs(ctx, slog.LevelError, "restauth: JWTConfig.Claims returned a claim restauth sets itself; dropped",
				slog.String("claim", name))
			if len(claims) == 1 {
				claims = nil
				break
			}
			claims = withoutKey(claims, name)
		}
	}
	if len(claims) == 0 {
		return nil, nil, nil
	}
	if _, err := marshalRaw(claims); err != nil {
		return nil, nil, unavailable(fmt.Errorf("restauth: JWTConfig.Claims: %w", err))
	}
	if a.cfg.JWT.ClaimsInRefresh {
		return claims, claims, nil
	}
	return claims, nil, nil
}

// withoutKey returns a copy of m without key, leaving the hook's map alone.
func withoutKey(m map[string]any, key string) map[string]any {
	out := make(map[string]any, len(m)-1)
	for k, v := range m {
		if k != key {
			out[k] = v
		}
	}
	return out
}
