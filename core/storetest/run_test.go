package storetest_test

import (
	"testing"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/memstore"
	"github.com/restauth/restauth/core/storetest"
)

// TestRunOnMemstore runs the suite on the reference in-memory store, so a
// change to the suite is checked where it is made.
func TestRunOnMemstore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) core.Store { return memstore.New() })
}
