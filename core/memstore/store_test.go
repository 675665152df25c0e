package memstore_test

import (
	"testing"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/memstore"
	"github.com/restauth/restauth/core/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) core.Store { return memstore.New() })
}
