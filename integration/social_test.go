package integration_test

import (
	"testing"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/authtest"
	"github.com/restauth/restauth/social/socialtest"
)

// TestSocial runs the social login suite (its flows and the hostile
// cases of the threat model's group N) through each adapter on each
// database: the social accounts live in the SQL store, the endpoints are
// mounted by the adapter from core's route table, placeholders included.
func TestSocial(t *testing.T) {
	forEach(t, func(t *testing.T, server, _ authtest.Server, newStore func(t *testing.T) core.Store) {
		socialtest.Run(t, server, newStore)
	})
}
