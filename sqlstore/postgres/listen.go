package postgres

import (
	"context"
	"database/sql"
	sqldriver "database/sql/driver"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/restauth/restauth/sqlstore"
)

var _ sqlstore.Notifier = driver{}

// Listen implements sqlstore.Notifier with LISTEN and pgx's
// WaitForNotification on conn's pgx connection. The connection is
// discarded when Listen returns (it would otherwise go back to the pool
// still listening). A pool of another driver than pgx's stdlib cannot
// listen: errors.ErrUnsupported.
func (driver) Listen(ctx context.Context, conn *sql.Conn, channel string, listening func(), notify func(payload string)) error {
	return conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("postgres: listen: a %T connection is not pgx's: %w", dc, errors.ErrUnsupported)
		}
		pc := c.Conn()
		if _, err := pc.Exec(ctx, "LISTEN "+pgx.Identifier{channel}.Sanitize()); err != nil {
			return errors.Join(fmt.Errorf("postgres: listen: %w", err), sqldriver.ErrBadConn)
		}
		listening()
		for {
			n, err := pc.WaitForNotification(ctx)
			if err != nil {
				return errors.Join(fmt.Errorf("postgres: listen: %w", err), sqldriver.ErrBadConn)
			}
			notify(n.Payload)
		}
	})
}
