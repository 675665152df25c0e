package core

import (
	"context"
	"crypto/rand"
	"errors"
	"math/big"
	"strings"
	"unicode"
)

// generatedUsernameTries bounds how many candidates createEmailOnlyUser
// tries before giving up (each further one is random, so a collision
// after the first few means something else is wrong).
const generatedUsernameTries = 8

// maxGeneratedBase caps the part of a generated username taken from the
// email, like allauth's username generation.
const maxGeneratedBase = 30

// createEmailOnlyUser stores u (Config.EmailOnly) under a generated unique
// username: the email's local part cleaned to username characters, then,
// on a collision, the same with random digits appended, as allauth's
// generate_unique_username does. The username is never shown to the client
// in this mode. It returns the store's error otherwise (ErrEmailTaken
// among them).
func (a *Auth) createEmailOnlyUser(ctx context.Context, u *User) error {
	return a.createGenerated(ctx, u, usernameBase(u.Email))
}

// createGenerated stores u under base, or base with random digits
// appended after a collision.
func (a *Auth) createGenerated(ctx context.Context, u *User, base string) error {
	for i := range generatedUsernameTries {
		u.Username = base
		if i > 0 {
			digits := 4
			if i >= generatedUsernameTries/2 {
				digits = 8
			}
			u.Username = base + randomDigits(digits)
		}
		err := a.cfg.Store.CreateUser(ctx, u)
		if !errors.Is(err, ErrUsernameTaken) {
			return err
		}
	}
	return errors.New("restauth: no free generated username")
}

// usernameBase turns an email's local part into username characters:
// NFKC, lower case, anything Django's username validator refuses dropped,
// at most maxGeneratedBase characters; "user" when nothing is left.
func usernameBase(email string) string {
	local, _, _ := strings.Cut(email, "@")
	var b strings.Builder
	n := 0
	for _, r := range NormalizeUsername(local) {
		if n == maxGeneratedBase {
			break
		}
		r = unicode.ToLower(r)
		if usernameRe.MatchString(string(r)) {
			b.WriteRune(r)
			n++
		}
	}
	if b.Len() == 0 {
		return "user"
	}
	return b.String()
}

// randomDigits returns n random decimal digits.
func randomDigits(n int) string {
	var b strings.Builder
	for range n {
		// crypto/rand never fails (Go 1.24+: it crashes the program
		// rather than return an error).
		d, _ := rand.Int(rand.Reader, big.NewInt(10))
		b.WriteByte(byte('0' + d.Int64()))
	}
	return b.String()
}

// newUserGenerated stores u under a username generated from base
// (NewUser.GenerateUsername), answering a taken email as storeNewUser
// does.
func (a *Auth) newUserGenerated(ctx context.Context, u *User, base string, f *Form) error {
	err := a.createGenerated(ctx, u, base)
	switch {
	case errors.Is(err, ErrEmailTaken):
		f.AddError("email", a.msgs.Text(MsgEmailTaken))
		return f.Err()
	case err != nil:
		return storeErr(err)
	}
	return nil
}
