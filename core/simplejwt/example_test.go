package simplejwt_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/restauth/restauth/core/simplejwt"
)

// Minting the known-answer token: the bytes Django's SimpleJWT produces for
// the same key and claims.
func ExampleCodec_Mint() {
	codec, err := simplejwt.New(simplejwt.Config{
		SigningKey: simplejwt.Key{Secret: []byte("probe-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")},
	})
	if err != nil {
		panic(err)
	}
	token, err := codec.Mint(simplejwt.Claims{
		TokenType: simplejwt.Access,
		Expires:   time.Unix(1700000300, 0),
		IssuedAt:  time.Unix(1700000000, 0),
		JTI:       "0123456789abcdef0123456789abcdef",
		UserID:    1,
	})
	fmt.Println(token, err)
	// Output:
	// eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoiYWNjZXNzIiwiZXhwIjoxNzAwMDAwMzAwLCJpYXQiOjE3MDAwMDAwMDAsImp0aSI6IjAxMjM0NTY3ODlhYmNkZWYwMTIzNDU2Nzg5YWJjZGVmIiwidXNlcl9pZCI6MX0.H448GkYRr551ToXWfq_ksil1FTVeRhFGgTuHCbTWZSU <nil>
}

// Parsing a token signed by Django, and the errors a caller renders.
func ExampleCodec_Parse() {
	codec, _ := simplejwt.New(simplejwt.Config{
		SigningKey: simplejwt.Key{Secret: []byte("probe-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")},
		Now:        func() time.Time { return time.Unix(1700000100, 0) },
	})
	const token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoiYWNjZXNzIiwiZXhwIjoxNzAwMDAwMzAwLCJpYXQiOjE3MDAwMDAwMDAsImp0aSI6IjAxMjM0NTY3ODlhYmNkZWYwMTIzNDU2Nzg5YWJjZGVmIiwidXNlcl9pZCI6MX0.H448GkYRr551ToXWfq_ksil1FTVeRhFGgTuHCbTWZSU"

	claims, err := codec.Parse(token, simplejwt.Access)
	fmt.Println(claims.UserID, claims.JTI, claims.Expires.Unix(), err)

	_, err = codec.Parse(token, simplejwt.Refresh)
	fmt.Println(err)

	_, err = codec.Parse(token[:len(token)-1]+"A", simplejwt.Access)
	fmt.Println(err, errors.Is(err, simplejwt.ErrInvalid), simplejwt.Reason(err))
	// Output:
	// 1 0123456789abcdef0123456789abcdef 1700000300 <nil>
	// Token has wrong type
	// Token is invalid or expired true bad_signature
}

// A login mints a pair; the refresh endpoint derives a new access token
// from the refresh token's claims.
func ExampleCodec_NewPair() {
	now := time.Date(2026, 11, 26, 19, 30, 23, 455492000, time.UTC)
	codec, _ := simplejwt.New(simplejwt.Config{
		SigningKey: simplejwt.Key{Secret: []byte("probe-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")},
		Now:        func() time.Time { return now },
	})
	_, refresh, access, _, err := codec.NewPair(1, simplejwt.NewJTI(), nil, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(access.TokenType, access.Expires.Format(time.RFC3339))

	now = now.Add(time.Minute)
	rc, err := codec.Parse(refresh, simplejwt.Refresh)
	if err != nil {
		panic(err)
	}
	_, fresh, err := codec.NewAccess(*rc)
	fmt.Println(fresh.TokenType, fresh.Expires.Format(time.RFC3339), fresh.Family == rc.Family, err)
	// Output:
	// access 2026-11-26T19:35:23Z
	// access 2026-11-26T19:36:23Z true <nil>
}

// Rotating the HMAC secret: the new key signs, the old one still verifies
// until it is dropped from PreviousKeys. With several keys of one
// algorithm each needs an ID, written as the kid header.
func ExampleNew_rotation() {
	codec, err := simplejwt.New(simplejwt.Config{
		SigningKey:   simplejwt.Key{ID: "2026-11", Secret: []byte("new-secret-0123456789abcdefghijklmnopqrstuv")},
		PreviousKeys: []simplejwt.Key{{ID: "2026-10", Secret: []byte("old-secret-0123456789abcdefghijklmnopqrstuv")}},
	})
	fmt.Println(codec.Algorithms(), err)

	_, err = simplejwt.New(simplejwt.Config{SigningKey: simplejwt.Key{Secret: []byte("changeme")}})
	fmt.Println(errors.Is(err, simplejwt.ErrConfig), err)
	// Output:
	// [HS256] <nil>
	// true simplejwt: invalid configuration: SigningKey: HS256 secret is 8 bytes, need at least 32
}
