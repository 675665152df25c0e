package authtest

import (
	"crypto/ed25519"
	"crypto/rand"
	"testing"
	"time"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/mail"
)

// fJWTEnvs are the servers group F shares, so that the group stays cheap
// on real databases; each case creates its own users.
type fJWTEnvs struct {
	clk    *clock
	fs     *failingStore // wraps base's store
	base   *env          // jwtMode: HS256 with jwtSecret, library defaults
	ed     *env          // EdDSA with edKey
	edKey  ed25519.PrivateKey
	scoped *env // HS256 with jwtSecret, plus Audience, Issuer and a 30 s leeway
	acct   *env // jwtMode with the account flows (mandatory verification)
	outbox *mail.Outbox
}

// fJWT audience and issuer of the scoped server.
const (
	fJWTAudience = "api"
	fJWTIssuer   = "https://a.example"
)

// hostileJWT runs group F of docs/threat-model.md (JWT access tokens).
func (s *suite) hostileJWT(t *testing.T, c *cases) {
	f := &fJWTEnvs{clk: newClock(), fs: &failingStore{}, outbox: mail.NewOutbox()}
	f.base = s.newEnv(t, jwtMode(f.clk), f.fs.install)
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	f.edKey = key
	f.ed = s.newEnv(t, jwtMode(f.clk), func(c *core.Config) {
		c.JWT.Algorithm = "EdDSA"
		c.JWT.PrivateKey = key
	})
	f.scoped = s.newEnv(t, jwtMode(f.clk), func(c *core.Config) {
		c.JWT.Audience = fJWTAudience
		c.JWT.Issuer = fJWTIssuer
		c.JWT.Leeway = 30 * time.Second
	})
	f.acct = s.newEnv(t, accountsMode(f.outbox, core.VerifyMandatory), jwtMode(f.clk))

	s.fJWTForgery(t, c, f)
	s.fJWTClaimChecks(t, c, f)
	s.fJWTKeys(t, c, f)
	s.fJWTLifecycle(t, c, f)
}
