package core_test

import (
	"testing"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/storetest"
)

func TestMemoryThrottle(t *testing.T) {
	storetest.RunThrottleStore(t, func(*testing.T) core.ThrottleStore { return core.NewMemoryThrottle() })
}
