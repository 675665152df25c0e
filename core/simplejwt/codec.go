package simplejwt

import (
	"encoding/base64"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Codec mints and parses tokens for one Config. It is immutable and safe
// for concurrent use.
type Codec struct {
	keys      *keyring
	signer    *keyEntry
	header    []byte // base64url of the signing key's header, then '.'
	b64       *base64.Encoding
	validator *jwt.Validator
	// ownHeaderSeg is the signing key's header segment and ownHeader its
	// parseHeader result, so Parse decodes the usual header only once.
	ownHeaderSeg string
	ownHeader    tokenHeader
	audience     string
	issuer       string
	userIDClaim  string
	access       time.Duration
	refresh      time.Duration
	maxLen       int
	now          func() time.Time
}

// New validates cfg and returns a Codec. It returns an error wrapping
// ErrConfig, and never panics, when a key is too short or weak (HMAC
// secrets < 32 bytes, RSA < 2048 bits), an algorithm is unknown or does not
// match its key's type, two keys share an ID, several keys of one
// algorithm lack IDs, a duration is negative or inconsistent, or
// UserIDClaim collides with a standard claim. It also signs and verifies a
// probe with the signing key, so a crypto.Signer whose Public does not
// match its private half is caught at startup rather than at first login.
func New(cfg Config) (*Codec, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	keys, signer, err := newKeyring(cfg.SigningKey, cfg.PreviousKeys)
	if err != nil {
		return nil, err
	}
	c := &Codec{
		keys:        keys,
		signer:      signer,
		b64:         base64.RawURLEncoding.Strict(),
		audience:    cfg.Audience,
		issuer:      cfg.Issuer,
		userIDClaim: cfg.UserIDClaim,
		access:      cfg.AccessLifetime,
		refresh:     cfg.RefreshLifetime,
		maxLen:      cfg.MaxTokenLength,
		now:         cfg.Now,
	}
	c.header = base64.RawURLEncoding.AppendEncode(nil, appendHeader(nil, signer))
	c.header = append(c.header, '.')
	c.validator = jwt.NewValidator(c.parserOptions(cfg.Leeway)...)
	c.ownHeaderSeg = string(c.header[:len(c.header)-1])
	if c.ownHeader, err = c.parseHeader(c.ownHeaderSeg); err != nil {
		return nil, fmt.Errorf("%w: the signing key's own header does not parse", ErrConfig)
	}
	if err := c.selfTest(); err != nil {
		return nil, err
	}
	return c, nil
}

// parserOptions is the one place golang-jwt's claim checks are configured
// (Parse uses its Validator; the method and decoding options are what
// Parse enforces itself, kept so the set reads as one policy). Its
// defaults are unsafe for us (exp optional, iat unchecked, any registered
// alg accepted, lenient base64), so every check is switched on explicitly.
func (c *Codec) parserOptions(leeway time.Duration) []jwt.ParserOption {
	opts := []jwt.ParserOption{
		jwt.WithValidMethods(c.keys.algs),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(leeway),
		jwt.WithTimeFunc(c.now),
		jwt.WithStrictDecoding(),
	}
	if c.audience != "" {
		opts = append(opts, jwt.WithAudience(c.audience))
	}
	if c.issuer != "" {
		opts = append(opts, jwt.WithIssuer(c.issuer))
	}
	return opts
}

// selfTest signs a probe with the signing key and verifies it the way
// Parse does.
func (c *Codec) selfTest() error {
	const input = "restauth.simplejwt.selftest"
	sig, err := c.signer.sign([]byte(input))
	if err != nil {
		return fmt.Errorf("%w: signing key cannot sign: %w", ErrConfig, err)
	}
	if !c.signer.verify(input, sig) {
		return fmt.Errorf("%w: signing key's signatures do not verify with its public key", ErrConfig)
	}
	return nil
}

// AccessLifetime returns the configured access token lifetime.
func (c *Codec) AccessLifetime() time.Duration { return c.access }

// RefreshLifetime returns the configured refresh token lifetime.
func (c *Codec) RefreshLifetime() time.Duration { return c.refresh }

// Algorithms returns the algorithms Parse accepts (those of the configured
// keys), sorted.
func (c *Codec) Algorithms() []string { return append([]string(nil), c.keys.algs...) }
