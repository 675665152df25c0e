package core

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// tokenKeyLen is the length of a DRF token key: 40 lowercase hex characters
// from 20 random bytes (160 bits).
const tokenKeyLen = 40

// newTokenKey returns a fresh DRF-format key and its digest. The key is
// given to the client once; only the digest is stored.
func newTokenKey() (key, digest string) {
	var b [tokenKeyLen / 2]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	key = hex.EncodeToString(b[:])
	return key, tokenDigest(key)
}

// tokenDigest returns the lowercase hex SHA-256 of key: what the store
// keeps and looks up (storekit.TokenDigest, for store authors).
func tokenDigest(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// validTokenKey reports whether key has the exact DRF shape, so that
// garbage never reaches the store.
func validTokenKey(key string) bool {
	if len(key) != tokenKeyLen {
		return false
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// tokenKeys returns the store's TokenKeyStore capability, or nil.
func (a *Auth) tokenKeys() TokenKeyStore {
	ks, _ := a.cfg.Store.(TokenKeyStore)
	return ks
}

// issueToken gives user a DB token at login and returns its key and the
// principal that revokes it, nil when the login created nothing (the
// user's existing key of a TokenKeyStore, which a failed login must not
// delete). With record, LastLogin is set to now in the same write where
// the store can.
func (a *Auth) issueToken(ctx context.Context, user *User, now time.Time, record bool) (string, *Principal, error) {
	key, digest := newTokenKey()
	tok := &Token{Digest: digest, UserID: user.ID, Created: now}
	if a.cfg.TokenLifetime > 0 {
		tok.Expires = now.Add(a.cfg.TokenLifetime)
	}
	if ks := a.tokenKeys(); ks != nil {
		tok.Digest = key
		var at time.Time
		if record {
			at = now
		}
		stored, created, err := ks.GetOrCreateTokenKey(ctx, tok, at)
		if err != nil {
			return "", nil, unavailable(err)
		}
		if !created {
			return stored, nil, nil
		}
		return stored, &Principal{User: user, Method: MethodToken, Credential: tokenDigest(stored), tokenKey: stored}, nil
	}
	var err error
	if lt, ok := a.cfg.Store.(LoginTokenStore); ok && record {
		err = lt.CreateLoginToken(ctx, tok, now)
	} else {
		if record {
			if err := a.cfg.Store.RecordLogin(ctx, user.ID, now); err != nil {
				return "", nil, unavailable(err)
			}
		}
		err = a.cfg.Store.CreateToken(ctx, tok)
	}
	if err != nil {
		return "", nil, unavailable(err)
	}
	return key, &Principal{User: user, Method: MethodToken, Credential: digest}, nil
}

// deleteToken removes the DB token p authenticated with.
func (a *Auth) deleteToken(ctx context.Context, p *Principal) error {
	if ks := a.tokenKeys(); ks != nil {
		if p.tokenKey == "" {
			return nil // set by WithPrincipal: no key to delete by
		}
		return ks.DeleteTokenKey(ctx, p.tokenKey)
	}
	return a.cfg.Store.DeleteToken(ctx, p.Credential)
}
