package djangosign_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/restauth/restauth/core/djangosign"
)

// secretKey is Django's SECRET_KEY of the probe project whose outputs the
// examples reproduce.
var secretKey = []byte("probe-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")

// The two uid spellings of reset links: allauth's base36 and Django's
// unpadded base64 of the decimal pk.
func ExampleEncodeUIDBase36() {
	fmt.Println(djangosign.EncodeUIDBase36(1), djangosign.EncodeUIDBase36(12345))
	fmt.Println(djangosign.EncodeUIDBase64(1), djangosign.EncodeUIDBase64(12345))
	// Output:
	// 1 9ix
	// MQ MTIzNDU
}

// Decoding a submitted uid; anything that is not a canonical positive pk
// is ErrInvalidUID, which the reset-confirm view renders as
// {"uid":["Invalid value"]}.
func ExampleDecodeUIDBase64() {
	pk, err := djangosign.DecodeUIDBase64("MTIzNDU")
	fmt.Println(pk, err)
	_, err = djangosign.DecodeUIDBase64("MQ==")
	fmt.Println(errors.Is(err, djangosign.ErrInvalidUID))
	pk, err = djangosign.DecodeUIDBase36("9ix")
	fmt.Println(pk, err)
	// Output:
	// 12345 <nil>
	// true
	// 12345 <nil>
}

// Making and checking Django's reset token for the known-answer user; the
// same token Django 3.2 produced at the same instant.
func ExampleResetTokens() {
	now := time.Date(2026, 5, 9, 6, 13, 20, 0, time.UTC) // 800000000 s after 2001-01-01
	tokens, err := djangosign.NewResetTokens(secretKey,
		djangosign.WithClock(func() time.Time { return now }))
	if err != nil {
		panic(err)
	}
	user := djangosign.ResetUser{
		PK:           1,
		PasswordHash: "pbkdf2_sha256$260000$abc$def",
		Email:        "alice@example.com",
	}
	token := tokens.Make(user)
	fmt.Println(token)
	fmt.Println(tokens.Check(user, token))

	user.PasswordHash = "pbkdf2_sha256$260000$abc$new" // the reset happened
	fmt.Println(tokens.Check(user, token))
	// Output:
	// d8ary8-f5dfcf0b994f848830d6d6e6ae76961a
	// true
	// false
}

// allauth's email-aware variant, used by dj-rest-auth when allauth is
// installed: the user's addresses are bound too.
func ExampleWithAllauth() {
	now := time.Date(2026, 5, 9, 6, 13, 20, 0, time.UTC)
	tokens, _ := djangosign.NewResetTokens(secretKey,
		djangosign.WithAllauth(),
		djangosign.WithClock(func() time.Time { return now }))
	user := djangosign.ResetUser{
		PK:           1,
		PasswordHash: "pbkdf2_sha256$260000$abc$def",
		Email:        "alice@example.com",
		ExtraEmails:  []string{"alice@example.com"},
	}
	fmt.Println(tokens.Make(user))
	// Output:
	// d8ary8-62d0e061c376f1a5dbdbd6fd6128cfa0
}

// allauth's HMAC email-confirmation key for EmailAddress pk 1.
func ExampleSigner_DumpsInt() {
	signer, err := djangosign.NewSigner(secretKey, djangosign.AllauthSalt,
		djangosign.WithClock(func() time.Time { return time.Unix(1700000000, 0) }))
	if err != nil {
		panic(err)
	}
	fmt.Println(signer.DumpsInt(1))
	// Output:
	// MQ:1r31eq:BoZqs4WbkgJOj-w2Ts4mxa3f1qGQXVYwGkQSocpZonk
}

// Verifying a confirmation key from a mail, as allauth's
// EmailConfirmationHMAC.from_key does.
func ExampleSigner_LoadsInt() {
	now := time.Unix(1700000000, 0).Add(time.Hour)
	signer, _ := djangosign.NewSigner(secretKey, djangosign.AllauthSalt,
		djangosign.WithClock(func() time.Time { return now }))
	const key = "NDI:1r31eq:iTCDFx738VEiNJ-Y2tYuOmZ5MUaIuj1WCIrU5uVyV3k"

	pk, signedAt, err := signer.LoadsInt(key, djangosign.DefaultConfirmationMaxAge)
	fmt.Println(pk, signedAt.Format(time.RFC3339), err)

	now = now.Add(djangosign.DefaultConfirmationMaxAge)
	_, _, err = signer.LoadsInt(key, djangosign.DefaultConfirmationMaxAge)
	fmt.Println(errors.Is(err, djangosign.ErrExpired))

	_, _, err = signer.LoadsInt("NDI:1r31eq:not-the-signature", djangosign.DefaultConfirmationMaxAge)
	fmt.Println(errors.Is(err, djangosign.ErrBadSignature))
	// Output:
	// 42 2023-11-14T22:13:20Z <nil>
	// true
	// true
}

// Rotating SECRET_KEY: new tokens use the new secret, tokens made with the
// old one stay valid until they expire.
func ExampleWithFallbackSecrets() {
	now := func() time.Time { return time.Unix(1700000000, 0) }
	old, _ := djangosign.NewSigner(secretKey, djangosign.AllauthSalt, djangosign.WithClock(now))
	rotated, _ := djangosign.NewSigner([]byte("a-new-secret-key-of-at-least-fifty-characters-0123"), djangosign.AllauthSalt,
		djangosign.WithClock(now), djangosign.WithFallbackSecrets(secretKey))
	pk, _, err := rotated.LoadsInt(old.DumpsInt(7), time.Hour)
	fmt.Println(pk, err)
	// Output:
	// 7 <nil>
}

// A database-mode confirmation key.
func ExampleRandomKey() {
	fmt.Println(len(djangosign.RandomKey()))
	// Output:
	// 64
}
