package social_test

import (
	"testing"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/authtest"
	"github.com/restauth/restauth/core/memstore"
	"github.com/restauth/restauth/social/socialtest"
)

// TestSocial runs the social suite through net/http on the in-memory
// store; the integration module runs it through Gin and Echo on the SQL
// databases.
func TestSocial(t *testing.T) {
	socialtest.Run(t, authtest.NetHTTP, func(*testing.T) core.Store { return memstore.New() })
}
