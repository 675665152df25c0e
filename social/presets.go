package social

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Google returns the configuration of Google's OpenID Connect provider,
// mounted as google/: issuer https://accounts.google.com. Add the client
// IDs of the application's Android and iOS apps to Audiences to accept
// the ID tokens Google Sign-In gives them.
func Google(clientID, clientSecret, redirectURI string) OIDCConfig {
	return OIDCConfig{ID: "google", Issuer: "https://accounts.google.com",
		ClientID: clientID, ClientSecret: clientSecret, RedirectURI: redirectURI}
}

// Microsoft returns the configuration of the Microsoft identity platform
// (Entra ID, personal accounts), mounted as microsoft/. tenant is a
// tenant ID or domain, or "common", "organizations" or "consumers" for a
// multi-tenant application: then every token's issuer must be the
// issuer of the tenant the token names (its tid claim), as Microsoft
// documents for multi-tenant validation. Microsoft does not assert that
// the email claim is verified, so its addresses count as unverified:
// they never link to an existing account (see Config.EmailAuthentication).
func Microsoft(tenant, clientID, clientSecret, redirectURI string) OIDCConfig {
	cfg := OIDCConfig{ID: "microsoft", Issuer: "https://login.microsoftonline.com/" + tenant + "/v2.0",
		ClientID: clientID, ClientSecret: clientSecret, RedirectURI: redirectURI}
	switch tenant {
	case "common", "organizations", "consumers":
		cfg.issuerTemplate = "https://login.microsoftonline.com/{tenantid}/v2.0"
	}
	return cfg
}

// AppleConfig configures Sign in with Apple.
type AppleConfig struct {
	// ClientID is the Services ID of the web flow (the audience of its
	// ID tokens and the client of the code exchange).
	ClientID string
	// TeamID and KeyID identify the signing key registered at Apple.
	TeamID, KeyID string
	// PrivateKey is that key: the PEM (PKCS #8) of the .p8 file Apple
	// hands out, a P-256 key.
	PrivateKey []byte
	// RedirectURI is the redirect URI of the web flow.
	RedirectURI string
	// Audiences are the bundle IDs of the application's iOS apps, whose
	// ID tokens carry them as audience.
	Audiences []string
	// Now is the clock for the client secret's times; default time.Now.
	Now func() time.Time
}

// appleSecretLifetime is how long a minted client secret is valid; Apple
// accepts up to six months, a short one limits the use of a leaked one.
const appleSecretLifetime = 5 * time.Minute

// Apple returns the configuration of Sign in with Apple, mounted as
// apple/: issuer https://appleid.apple.com. Apple has no static client
// secret: for each code exchange one is minted, a JWT signed with ES256
// by cfg.PrivateKey (iss the team, sub the client, aud Apple, valid for
// five minutes). Apple sends email_verified as a string, which is read as
// the boolean it means.
func Apple(cfg AppleConfig) (OIDCConfig, error) {
	if cfg.ClientID == "" || cfg.TeamID == "" || cfg.KeyID == "" {
		return OIDCConfig{}, errors.New("social: apple: ClientID, TeamID and KeyID are required")
	}
	key, err := parseAppleKey(cfg.PrivateKey)
	if err != nil {
		return OIDCConfig{}, err
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	secret := func(context.Context) (string, error) {
		return AppleClientSecret(key, cfg.TeamID, cfg.KeyID, cfg.ClientID, now())
	}
	return OIDCConfig{ID: "apple", Issuer: "https://appleid.apple.com", ClientID: cfg.ClientID,
		ClientSecretFunc: secret, RedirectURI: cfg.RedirectURI, Audiences: cfg.Audiences,
		Scopes: []string{"openid", "email", "name"}}, nil
}

// parseAppleKey reads a PEM PKCS #8 P-256 private key.
func parseAppleKey(pemBytes []byte) (*ecdsa.PrivateKey, error) {
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		return nil, errors.New("social: apple: PrivateKey is not PEM")
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, errors.New("social: apple: PrivateKey is not a PKCS #8 key")
	}
	ec, ok := k.(*ecdsa.PrivateKey)
	if !ok || ec.Curve != elliptic.P256() {
		return nil, errors.New("social: apple: PrivateKey is not a P-256 key")
	}
	return ec, nil
}

// AppleClientSecret mints Sign in with Apple's client secret: a JWT with
// header {"alg":"ES256","kid":keyID} and claims iss teamID, iat now, exp
// five minutes later, aud https://appleid.apple.com and sub clientID,
// signed with key.
func AppleClientSecret(key *ecdsa.PrivateKey, teamID, keyID, clientID string, now time.Time) (string, error) {
	// A map, so that aud is the single string Apple documents rather
	// than a one-element array.
	tok := jwt.NewWithClaims(jwt.SigningMethodES256, jwt.MapClaims{
		"iss": teamID,
		"iat": now.Unix(),
		"exp": now.Add(appleSecretLifetime).Unix(),
		"aud": "https://appleid.apple.com",
		"sub": clientID,
	})
	tok.Header["kid"] = keyID
	s, err := tok.SignedString(key)
	if err != nil {
		return "", fmt.Errorf("social: apple: signing the client secret: %w", err)
	}
	return s, nil
}
