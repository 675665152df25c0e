package authtest_test

import (
	"testing"

	"github.com/restauth/restauth/core/authtest"
)

func TestNetHTTP(t *testing.T) {
	authtest.Run(t, authtest.NetHTTP)
}
