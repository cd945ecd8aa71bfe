package storage

import (
	"context"
	stdsql "database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"strings"
	"syscall"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"github.com/jackc/pgx/v5/pgconn"

	"switchboard/internal/fault"
)

// An outage is not a bug: every error that comes from the database being out of reach (refused,
// reset, restarting, shutting down) is turned, where it leaves the database driver, into one that
// is also fault.ErrUnavailable, so every answer built from it says UNAVAILABLE (HTTP 503 with
// Retry-After), never INTERNAL_SERVER_ERROR. The cause stays in the chain for logs and for InTx,
// which retries what is safe to retry.

// unavailable is a database error caused by an outage.
type unavailable struct{ cause error }

func (e *unavailable) Error() string {
	return fault.ErrUnavailable.Error() + " (" + e.cause.Error() + ")"
}
func (e *unavailable) Unwrap() []error { return []error{fault.ErrUnavailable, e.cause} }

// Unreachable reports whether err says the database could not be reached or the connection to it
// was lost (as opposed to the database answering with an error).
func Unreachable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var u *unavailable
	if errors.As(err, &u) {
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case strings.HasPrefix(pe.Code, "08"), // connection exception
			pe.Code == "57P01", pe.Code == "57P02", pe.Code == "57P03", // shutting down, crashed, starting up
			pe.Code == "53300": // too many connections
			return true
		}
		return false
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	return errors.As(err, &ce) || errors.As(err, &ne) || errors.Is(err, driver.ErrBadConn) || errors.Is(err, stdsql.ErrConnDone) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		pgconn.SafeToRetry(err) || strings.Contains(err.Error(), "conn closed")
}

// OutcomeUnknown reports whether a statement that failed with err may nevertheless have been
// applied: the connection was lost (or the wait ran out) after it was sent, before its answer came.
// Such a write must not be decided again as if it had not happened; the client is told
// UNAVAILABLE and reads the state.
func OutcomeUnknown(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var pe *pgconn.PgError
	return Unreachable(err) && !errors.As(err, &pe) && !pgconn.SafeToRetry(err)
}

// classify marks an outage's error as UNAVAILABLE; other errors pass unchanged.
func classify(err error) error {
	if err == nil || !Unreachable(err) {
		return err
	}
	var u *unavailable
	if errors.As(err, &u) {
		return err
	}
	return &unavailable{cause: err}
}

// conflicted reports a deadlock (40P01) or a serialization failure (40001): the transaction was
// rolled back by the database and may simply run again.
func conflicted(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40P01" || pe.Code == "40001")
}

// outageDriver is ent's SQL driver with every error classified; on Postgres, a statement outside
// a transaction whose context says EventPath goes through the event path's own pool.
type outageDriver struct {
	*entsql.Driver
	eventPath *entsql.Driver // nil: everything through Driver
}

// on is the pool a statement outside a transaction goes through.
func (d outageDriver) on(ctx context.Context) *entsql.Driver {
	if d.eventPath != nil && ctx.Value(eventPathKey{}) != nil {
		return d.eventPath
	}
	return d.Driver
}

func (d outageDriver) Exec(ctx context.Context, query string, args, v any) error {
	return classify(d.on(ctx).Exec(ctx, query, args, v))
}

func (d outageDriver) Query(ctx context.Context, query string, args, v any) error {
	return classify(d.on(ctx).Query(ctx, query, args, v))
}

func (d outageDriver) Tx(ctx context.Context) (dialect.Tx, error) {
	return d.BeginTx(ctx, nil)
}

func (d outageDriver) BeginTx(ctx context.Context, opts *stdsql.TxOptions) (dialect.Tx, error) {
	tx, err := d.Driver.BeginTx(ctx, opts)
	if err != nil {
		return nil, classify(err)
	}
	return outageTx{tx}, nil
}

func (d outageDriver) ExecContext(ctx context.Context, query string, args ...any) (stdsql.Result, error) {
	r, err := d.on(ctx).ExecContext(ctx, query, args...)
	return r, classify(err)
}

func (d outageDriver) QueryContext(ctx context.Context, query string, args ...any) (*stdsql.Rows, error) {
	r, err := d.on(ctx).QueryContext(ctx, query, args...)
	return r, classify(err)
}

func (d outageDriver) Close() error {
	if d.eventPath != nil {
		d.eventPath.Close()
	}
	return d.Driver.Close()
}

// outageTx is a transaction of outageDriver.
type outageTx struct{ dialect.Tx }

func (t outageTx) Exec(ctx context.Context, query string, args, v any) error {
	return classify(t.Tx.Exec(ctx, query, args, v))
}

func (t outageTx) Query(ctx context.Context, query string, args, v any) error {
	return classify(t.Tx.Query(ctx, query, args, v))
}

func (t outageTx) Commit() error   { return classify(t.Tx.Commit()) }
func (t outageTx) Rollback() error { return classify(t.Tx.Rollback()) }

func (t outageTx) ExecContext(ctx context.Context, query string, args ...any) (stdsql.Result, error) {
	ex, ok := t.Tx.(interface {
		ExecContext(context.Context, string, ...any) (stdsql.Result, error)
	})
	if !ok {
		return nil, errors.New("Tx.ExecContext is not supported")
	}
	r, err := ex.ExecContext(ctx, query, args...)
	return r, classify(err)
}

func (t outageTx) QueryContext(ctx context.Context, query string, args ...any) (*stdsql.Rows, error) {
	q, ok := t.Tx.(interface {
		QueryContext(context.Context, string, ...any) (*stdsql.Rows, error)
	})
	if !ok {
		return nil, errors.New("Tx.QueryContext is not supported")
	}
	r, err := q.QueryContext(ctx, query, args...)
	return r, classify(err)
}

// txAttempts bounds how often InTx runs a transaction that the database rolled back on its own.
const txAttempts = 6

// retryable reports whether a transaction that failed with err may run again: the database
// rolled it back (a deadlock, a serialization failure), or the connection was lost before the
// commit was sent (the server then rolls it back). A commit whose answer was lost is not retried:
// it may have been applied, and the caller must say so (UNAVAILABLE: look again).
func retryable(err error, committing bool) bool {
	return conflicted(err) || (!committing && Unreachable(err))
}

// backoff waits before attempt (2, 3, …): a few milliseconds growing, with jitter so that the
// transactions that deadlocked do not meet again in step.
func backoff(ctx context.Context, attempt int) error {
	base := time.Duration(5<<min(attempt-2, 5)) * time.Millisecond
	t := time.NewTimer(base/2 + rand.N(base/2+1))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
