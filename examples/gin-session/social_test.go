package main

import (
	"path/filepath"
	"testing"

	"github.com/restauth/restauth/core/authtest/startertest"
	"github.com/restauth/restauth/social/socialtest"
)

// TestSocialLogin: with the social variables of the environment set,
// this starter mounts github/, oidc/ and socialaccounts/, and a client
// signs up with a GitHub code, connects an OpenID Connect identity, lists
// and disconnects through them, against a local OpenID Provider and a
// GitHub stand-in; without the variables it mounts none of them.
func TestSocialLogin(t *testing.T) {
	op, gh := socialtest.StartOP(t), socialtest.StartGitHub(t)
	srv := startertest.Start(t, run, "sqlite:"+filepath.Join(t.TempDir(), "social.db"), socialtest.StarterEnv(op, gh))
	socialtest.StarterFlow(t, srv.URL, "/api/auth/", op, gh)
	plain := startertest.Start(t, run, "sqlite:"+filepath.Join(t.TempDir(), "plain.db"), nil)
	socialtest.WantNotMounted(t, plain.URL, "/api/auth/")
}
