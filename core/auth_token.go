package core

import (
	"context"
	"errors"
	"net/http"
	"time"
	"unicode/utf8"
)

// tokenAuthenticator is DRF's TokenAuthentication: it reads
// "Authorization: Token <key>" (keyword case-insensitive) and loads the
// key's owner with one store round trip. Its challenge is "Token".
type tokenAuthenticator struct {
	store  TokenStore
	keys   TokenKeyStore // non-nil when the store keeps keys themselves
	msgs   Messages
	now    func() time.Time
	logins *loginCache // nil: read the store every time
}

// challenge implements authenticator.
func (t *tokenAuthenticator) challenge() string { return "Token" }

// authenticate implements authenticator with DRF's parsing rules and
// messages: a lone keyword, a key with spaces, non-UTF-8 bytes, an unknown
// key and an inactive owner each get DRF's text.
func (t *tokenAuthenticator) authenticate(ctx context.Context, _ http.ResponseWriter, r *http.Request) (*Principal, error) {
	key, err := parseTokenHeader(r.Header.Get("Authorization"), t.msgs)
	if err != nil || key == "" {
		return nil, err
	}
	if !validTokenKey(key) {
		return nil, NewAuthError(t.msgs.Text(MsgInvalidToken))
	}
	digest := tokenDigest(key)
	box := new(principalWithUser)
	var tok Token
	now := t.now()
	err = t.lookup(ctx, key, digest, now, &box.user, &tok)
	if errors.Is(err, ErrNotFound) {
		return nil, NewAuthError(t.msgs.Text(MsgInvalidToken))
	}
	if err != nil {
		return nil, unavailable(err)
	}
	if !tok.Expires.IsZero() && !now.Before(tok.Expires) {
		return nil, NewAuthError(t.msgs.Text(MsgInvalidToken))
	}
	if !box.user.IsActive {
		return nil, NewAuthError(t.msgs.Text(MsgUserInactive))
	}
	box.Principal = Principal{User: &box.user, Method: MethodToken, Credential: digest}
	if t.keys != nil {
		box.tokenKey = key
	}
	return &box.Principal, nil
}

// lookup reads the token and its owner into tok and u, from the
// login-state cache when it holds a copy servable at now. The cache is
// keyed by digest in every case.
func (t *tokenAuthenticator) lookup(ctx context.Context, key, digest string, now time.Time, u *User, tok *Token) error {
	if t.logins != nil && t.logins.tokenInto(digest, now, u, tok) {
		return nil
	}
	var gen uint64
	var read time.Time
	if t.logins != nil {
		gen, read = t.logins.begin()
	}
	su, stok, err := t.read(ctx, key, digest)
	if err != nil {
		return err
	}
	if t.logins != nil {
		t.logins.putToken(gen, read, su, stok)
	}
	*u, *tok = *su, *stok
	return nil
}

// read asks the store for the token and its owner: by key from a
// TokenKeyStore (the Token's Digest is then replaced by the digest, so
// the key goes no further), by digest otherwise.
func (t *tokenAuthenticator) read(ctx context.Context, key, digest string) (*User, *Token, error) {
	if t.keys == nil {
		return t.store.UserByToken(ctx, digest)
	}
	u, tok, err := t.keys.UserByTokenKey(ctx, key)
	if err == nil {
		tok.Digest = digest
	}
	return u, tok, err
}

// parseTokenHeader splits an Authorization value like DRF: on ASCII white
// space, keyword compared case-insensitively. It returns "" and no error
// when the header is not a Token header at all.
func parseTokenHeader(h string, msgs Messages) (string, error) {
	keyword, key, n := headerFields(h)
	if n == 0 || !asciiEqualFold(keyword, "token") {
		return "", nil
	}
	switch {
	case n == 1:
		return "", NewAuthError(msgs.Text(MsgTokenNoCredentials))
	case n > 2:
		return "", NewAuthError(msgs.Text(MsgTokenSpaces))
	case !utf8.ValidString(key):
		return "", NewAuthError(msgs.Text(MsgTokenInvalidChars))
	}
	return key, nil
}

// isASCIISpace matches the bytes Python's bytes.split() splits on.
func isASCIISpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\v', '\f', '\r':
		return true
	}
	return false
}

// asciiEqualFold compares s and t ignoring ASCII case only, like Python's
// bytes.lower(): no Unicode folding, so "\u212Aey"-style look-alikes differ.
func asciiEqualFold(s, t string) bool {
	if len(s) != len(t) {
		return false
	}
	for i := 0; i < len(s); i++ {
		a, b := s[i], t[i]
		if 'A' <= a && a <= 'Z' {
			a += 'a' - 'A'
		}
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		if a != b {
			return false
		}
	}
	return true
}
