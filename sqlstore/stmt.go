package sqlstore

import (
	"context"
	"database/sql"

	"github.com/jmoiron/sqlx"
)

// exec runs a statement on the pool, through the statement cache when the
// store has one.
func (s *Store) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if s.stmts == nil {
		return s.db.ExecContext(ctx, query, args...)
	}
	st, err := s.stmts.get(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

// queryRow runs a query on the pool, through the statement cache when the
// store has one, and scans its first row into dest. No row returns
// sql.ErrNoRows.
func (s *Store) queryRow(ctx context.Context, query string, args []any, dest ...any) error {
	if s.stmts == nil {
		return s.db.QueryRowContext(ctx, query, args...).Scan(dest...)
	}
	st, err := s.stmts.get(ctx, query)
	if err != nil {
		return err
	}
	return st.QueryRowContext(ctx, args...).Scan(dest...)
}

// lookup is queryRow for a row that may be missing: no row is
// core.ErrNotFound, and any other error is wrapped for op.
func (s *Store) lookup(ctx context.Context, op string, query string, args []any, dest ...any) error {
	return lookupErr(s.queryRow(ctx, query, args, dest...), op, wrap)
}

// txStmt returns the cached statement for query bound to ex with
// StmtContext when ex is a *sqlx.Tx and the statement is cached (inTx
// warms the statements it is given before it begins), else nil: on a
// connection (SQLite's BEGIN IMMEDIATE transactions), which database/sql
// cannot bind a statement to, or for a statement not cached, the query
// runs as is. A transaction never prepares on the pool (stmtCache.lookup).
func (s *Store) txStmt(ctx context.Context, ex execQueryer, query string) *sql.Stmt {
	tx, ok := ex.(*sqlx.Tx)
	if !ok || s.stmts == nil {
		return nil
	}
	st := s.stmts.lookup(query)
	if st == nil {
		return nil
	}
	return tx.StmtContext(ctx, st)
}

// execOn runs a statement on ex, a transaction or a connection of inTx,
// through the statement cache where txStmt allows.
func (s *Store) execOn(ctx context.Context, ex execQueryer, query string, args ...any) (sql.Result, error) {
	if st := s.txStmt(ctx, ex, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return ex.ExecContext(ctx, query, args...)
}

// queryRowOn is queryRow on ex, through the statement cache where txStmt
// allows.
func (s *Store) queryRowOn(ctx context.Context, ex execQueryer, query string, args []any, dest ...any) error {
	if st := s.txStmt(ctx, ex, query); st != nil {
		return st.QueryRowContext(ctx, args...).Scan(dest...)
	}
	return ex.QueryRowxContext(ctx, query, args...).Scan(dest...)
}
