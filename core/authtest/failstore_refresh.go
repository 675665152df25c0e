package authtest

import (
	"context"
	"errors"
	"time"

	"github.com/restauth/restauth/core"
)

// errNoRefreshStore is returned when the wrapped store keeps no refresh
// tokens; the JWT groups only wrap stores that do.
var errNoRefreshStore = errors.New("authtest: wrapped store does not implement core.RefreshStore")

func (f *failingStore) refresh(method string) (core.RefreshStore, error) {
	if err := f.check(method); err != nil {
		return nil, err
	}
	rs, ok := f.Store.(core.RefreshStore)
	if !ok {
		return nil, errNoRefreshStore
	}
	return rs, nil
}

func (f *failingStore) CreateRefreshFamily(ctx context.Context, fam *core.RefreshFamily, first *core.RefreshToken) error {
	rs, err := f.refresh("CreateRefreshFamily")
	if err != nil {
		return err
	}
	return rs.CreateRefreshFamily(ctx, fam, first)
}

func (f *failingStore) ConsumeRefreshToken(ctx context.Context, jti string, at time.Time, successor *core.RefreshToken) (*core.RefreshToken, error) {
	rs, err := f.refresh("ConsumeRefreshToken")
	if err != nil {
		return nil, err
	}
	return rs.ConsumeRefreshToken(ctx, jti, at, successor)
}

func (f *failingStore) AddRefreshToken(ctx context.Context, t *core.RefreshToken) error {
	rs, err := f.refresh("AddRefreshToken")
	if err != nil {
		return err
	}
	return rs.AddRefreshToken(ctx, t)
}

func (f *failingStore) RefreshTokenByJTI(ctx context.Context, jti string) (*core.RefreshToken, *core.RefreshFamily, error) {
	rs, err := f.refresh("RefreshTokenByJTI")
	if err != nil {
		return nil, nil, err
	}
	return rs.RefreshTokenByJTI(ctx, jti)
}

func (f *failingStore) UserByRefreshFamily(ctx context.Context, familyID string) (*core.User, *core.RefreshFamily, error) {
	rs, err := f.refresh("UserByRefreshFamily")
	if err != nil {
		return nil, nil, err
	}
	return rs.UserByRefreshFamily(ctx, familyID)
}

func (f *failingStore) RevokeRefreshFamily(ctx context.Context, familyID string, at time.Time) error {
	rs, err := f.refresh("RevokeRefreshFamily")
	if err != nil {
		return err
	}
	return rs.RevokeRefreshFamily(ctx, familyID, at)
}

func (f *failingStore) RevokeUserRefreshFamilies(ctx context.Context, userID int64, except string, at time.Time) (int, error) {
	rs, err := f.refresh("RevokeUserRefreshFamilies")
	if err != nil {
		return 0, err
	}
	return rs.RevokeUserRefreshFamilies(ctx, userID, except, at)
}

func (f *failingStore) FlushExpiredRefreshTokens(ctx context.Context, before time.Time) (int, error) {
	rs, err := f.refresh("FlushExpiredRefreshTokens")
	if err != nil {
		return 0, err
	}
	return rs.FlushExpiredRefreshTokens(ctx, before)
}
