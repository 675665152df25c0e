package sqlstore

import (
	"testing"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/storetest"
)

func TestThrottleStore(t *testing.T) {
	for _, db := range testDBs() {
		t.Run(db.name, func(t *testing.T) {
			db.requireServer(t)
			storetest.RunThrottleStore(t, func(t *testing.T) core.ThrottleStore { return openStore(t, db.url(t)).ThrottleStore() })
		})
	}
}
