package sqlstore_test

import (
	"testing"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/storetest"
	"github.com/restauth/restauth/sqlstore/sqltest"
)

func TestThrottleStore(t *testing.T) {
	for _, db := range sqltest.All() {
		t.Run(db.Name, func(t *testing.T) {
			db.RequireServer(t)
			storetest.RunThrottleStore(t, func(t *testing.T) core.ThrottleStore { return sqltest.Open(t, db.URL(t)).ThrottleStore() })
		})
	}
}
