// Package storage opens Switchboard's database (embedded SQLite, or Postgres for production),
// migrates it, and runs the domain's transactions.
package storage

import (
	"context"
	"database/sql"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"net"
	neturl "net/url"
	"slices"
	"strings"
	"sync"
	"time"

	atlas "ariga.io/atlas/sql/schema"
	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"entgo.io/ent/dialect/sql/schema"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/multitracer"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"
	"github.com/jackc/pgx/v5/stdlib" // also the database/sql driver "pgx"
	_ "modernc.org/sqlite"           // database/sql driver "sqlite"

	"switchboard/ent"
	"switchboard/ent/conversation"
	"switchboard/ent/event"
	"switchboard/ent/migrate"
	_ "switchboard/ent/runtime" // schema hooks, interceptors and defaults
	"switchboard/internal/fault"
	"switchboard/internal/search"
	"switchboard/internal/tenant"
	"switchboard/internal/tracing"
)

// DefaultSQLiteFile is the database used when DATABASE_URL is unset.
const DefaultSQLiteFile = "switchboard.db"

// sqlitePragmas: foreign keys on, wait for the one writer instead of failing, WAL so readers never
// block the writer, and BEGIN IMMEDIATE so a transaction takes the write lock up front (no
// deadlocking lock upgrades).
const sqlitePragmas = "_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate&" + sqliteTimes

// sqliteTimes has the driver write every time in UTC as "2006-01-02 15:04:05.999999999+00:00",
// whose text sorts as the times do: SQLite compares the text. (The driver's default, Go's
// Time.String, carries the local zone and a monotonic reading: a time would compare greater than
// itself read back, and two zones would not sort. Migration …_sqlite_times.sql rewrites such text.)
const (
	sqliteTimeFormat = "_time_format=sqlite"
	sqliteTimeZone   = "_timezone=UTC"
	sqliteTimes      = sqliteTimeFormat + "&" + sqliteTimeZone
)

// sqliteURLTimes adds sqliteTimes' parameters to an SQLite URL of the operator's that lacks them,
// and refuses other values: how times are written decides how they compare, it is not a tuning.
func sqliteURLTimes(url string) (string, error) {
	for _, p := range []string{sqliteTimeFormat, sqliteTimeZone} {
		key, _, _ := strings.Cut(p, "=")
		switch {
		case strings.Contains(url, p):
		case strings.Contains(url, key+"="):
			return "", fmt.Errorf("DATABASE_URL: SQLite times must be written with %s (times compare as their text)", sqliteTimes)
		case strings.Contains(url, "?"):
			url += "&" + p
		default:
			url += "?" + p
		}
	}
	return url, nil
}

// DB is an open database.
type DB struct {
	Client *ent.Client
	SQL    *sql.DB
	// EventPathSQL is the event path's own pool (EventPath) on Postgres; nil on SQLite.
	EventPathSQL *sql.DB
	Dialect      string
	// URL is the Postgres URL for what needs a session of its own (LISTEN): the direct URL when
	// the pooled one goes through a pooler (WithDirectURL); "" for SQLite.
	URL string
	// direct is the direct URL given to Open ("" when the pooled one is direct).
	direct string
	// tracer also sees every Postgres query (WithQueryTracer).
	tracer pgx.QueryTracer
}

// Option configures Open.
type Option func(*DB)

// WithDirectURL (DATABASE_DIRECT_URL) names a Postgres connection that bypasses the pooler the
// main URL goes through (PgBouncer in transaction pooling mode, where a server connection is
// shared between transactions): what needs a session runs on it (the event bus's LISTEN, the
// migrations' advisory lock), and pooled connections keep no state across transactions (no
// named prepared statements: pgx's exec mode, unless the URL sets default_query_exec_mode).
func WithDirectURL(url string) Option { return func(d *DB) { d.direct = url } }

// WithQueryTracer has tr see every query sent to Postgres, as well as the spans' tracer when
// tracing is on (the tests of query plans record what the server asks).
func WithQueryTracer(tr pgx.QueryTracer) Option { return func(d *DB) { d.tracer = tr } }

// RowLocks reports whether the database has SELECT … FOR UPDATE (Postgres). SQLite needs none:
// its write transactions begin IMMEDIATE, one at a time.
func (d *DB) RowLocks() bool { return d.Dialect == dialect.Postgres }

// Lockable is an ent query that can take row locks.
type Lockable[Q any] interface {
	ForUpdate(...entsql.LockOption) Q
}

// ForUpdate row-locks what q selects when rowLocks (see RowLocks), with FOR NO KEY UPDATE: the
// lockers queue on each other, but not with the FOR KEY SHARE locks that inserting a row which
// references the locked one takes (a message naming its author, an event its conversation), so
// row locks never serialise unrelated writers behind them.
func ForUpdate[Q Lockable[Q]](rowLocks bool, q Q) Q {
	if rowLocks {
		return q.ForUpdate(NoKeyUpdate)
	}
	return q
}

// IntsIn is the predicate column IN ids for a query or update of any ent type (wrap it in the
// type's predicate). On Postgres the ids go as one array parameter, column = ANY($1): the
// statement's text does not depend on how many there are, so it is prepared and planned once,
// where an IN list of thousands of parameters (the sockets an instance rechecks every second,
// the leases it renews) was a new statement to parse and plan at every call (auth's
// BenchmarkEnded, 3,333 sessions: 12.1 ms per recheck with IN lists, 7.4 ms with arrays).
func IntsIn(column string, ids []int) func(*entsql.Selector) {
	return func(s *entsql.Selector) {
		if s.Dialect() == dialect.Postgres {
			arr := make([]int64, len(ids))
			for i, id := range ids {
				arr[i] = int64(id)
			}
			s.Where(entsql.P(func(b *entsql.Builder) {
				b.Ident(s.C(column)).WriteString(" = ANY(").Arg(arr).WriteString(")")
			}))
			return
		}
		vs := make([]any, len(ids))
		for i, id := range ids {
			vs[i] = id
		}
		s.Where(entsql.In(s.C(column), vs...))
	}
}

// NoKeyUpdate turns an ent FOR UPDATE into FOR NO KEY UPDATE (see ForUpdate).
func NoKeyUpdate(o *entsql.LockOptions) { o.Strength = entsql.LockNoKeyUpdate }

// SQLiteDSN returns the DSN for an SQLite database file.
func SQLiteDSN(path string) string { return "file:" + path + "?" + sqlitePragmas }

// isPostgres reports whether Open takes url for a Postgres server.
func isPostgres(url string) bool {
	return strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://")
}

// LocalPostgres reports whether url names a Postgres server on this machine: localhost, a loopback
// address or a Unix socket (no host, or a host parameter that is a directory).
func LocalPostgres(databaseURL string) bool {
	if !isPostgres(databaseURL) {
		return false
	}
	u, err := neturl.Parse(databaseURL)
	if err != nil {
		return false
	}
	host := u.Hostname()
	if host == "" {
		h := u.Query().Get("host")
		return h == "" || strings.HasPrefix(h, "/")
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Open opens the database named by url: "" is the embedded SQLite file, "postgres://…" or
// "postgresql://…" is Postgres, "sqlite://path" or "file:path" an SQLite file elsewhere.
func Open(ctx context.Context, url string, opts ...Option) (*DB, error) {
	out := &DB{}
	for _, o := range opts {
		o(out)
	}
	var driver, dsn, dia string
	switch {
	case url == "":
		driver, dia, dsn = "sqlite", dialect.SQLite, SQLiteDSN(DefaultSQLiteFile)
	case isPostgres(url):
		driver, dia, dsn = "pgx", dialect.Postgres, url
	case strings.HasPrefix(url, "sqlite://"):
		driver, dia, dsn = "sqlite", dialect.SQLite, SQLiteDSN(strings.TrimPrefix(url, "sqlite://"))
	case strings.HasPrefix(url, "file:"):
		driver, dia, dsn = "sqlite", dialect.SQLite, url
		if !strings.Contains(url, "?") {
			dsn = url + "?" + sqlitePragmas
		} else {
			var err error
			if dsn, err = sqliteURLTimes(url); err != nil {
				return nil, err
			}
		}
	default:
		return nil, errors.New("DATABASE_URL must be a postgres://, postgresql://, sqlite:// or file: URL")
	}
	if out.direct != "" {
		if dia != dialect.Postgres || !isPostgres(out.direct) {
			return nil, errors.New("DATABASE_DIRECT_URL is for Postgres: both it and DATABASE_URL must be postgres:// URLs")
		}
		dsn = statelessSessions(dsn)
	}
	db, err := openSQL(driver, dsn, out.direct != "", out.tracer)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if dia == dialect.SQLite {
		// One writer at a time is SQLite's model; a few connections let reads proceed meanwhile.
		db.SetMaxOpenConns(4)
	} else {
		sized(db, sharedConns)
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	drv := outageDriver{Driver: entsql.OpenDB(dia, db)}
	out.SQL, out.Dialect = db, dia
	if dia == dialect.Postgres {
		ep, err := openSQL(driver, dsn, out.direct != "", out.tracer)
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("open database: %w", err)
		}
		sized(ep, eventPathConns)
		drv.eventPath, out.EventPathSQL = entsql.OpenDB(dia, ep), ep
		out.URL = dsn
		if out.direct != "" {
			out.URL = out.direct
		}
	}
	out.Client = ent.NewClient(ent.Driver(drv))
	out.Client.Conversation.Intercept(search.Counted())
	return out, nil
}

// pooledCancelGrace is how long a query through a pooler may go on after its context ended.
const pooledCancelGrace = 2 * time.Second

// openSQL opens the pool; on Postgres through pgx's config, so that its queries get spans when
// tracing is on.
func openSQL(driver, dsn string, pooled bool, tr pgx.QueryTracer) (*sql.DB, error) {
	if driver != "pgx" {
		return sql.Open(driver, dsn)
	}
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	if pooled {
		// A cancelled query gets pooledCancelGrace to finish, then closes its connection; it never
		// sends a cancel request. PgBouncer 1.18 (Debian 12's) can crash ("server in bad state",
		// pgbouncer/pgbouncer#822) on a cancel request, and on a client that leaves in the middle
		// of a query, for which it sends one itself: the make test step through PgBouncer
		// crashed it in three runs of three when test teardowns closed such connections at once;
		// with the grace, two runs of two passed and it sent no cancel request. Most cancelled
		// queries are about to finish.
		cfg.BuildContextWatcherHandler = func(c *pgconn.PgConn) ctxwatch.Handler {
			return &pgconn.DeadlineContextWatcherHandler{Conn: c.Conn(), DeadlineDelay: pooledCancelGrace}
		}
	}
	var tracers []pgx.QueryTracer
	if tracing.Enabled() {
		tracers = append(tracers, tracing.PgxTracer{})
	}
	if tr != nil {
		tracers = append(tracers, tr)
	}
	switch len(tracers) {
	case 1:
		cfg.Tracer = tracers[0]
	case 2:
		cfg.Tracer = multitracer.New(tracers...)
	}
	return stdlib.OpenDB(*cfg), nil
}

// statelessSessions makes pgx keep no named prepared statements on the connections of dsn
// (a pooler in transaction mode gives each transaction whichever server connection is free).
func statelessSessions(dsn string) string {
	u, err := neturl.Parse(dsn)
	if err != nil {
		return dsn
	}
	q := u.Query()
	if q.Get("default_query_exec_mode") == "" {
		q.Set("default_query_exec_mode", "exec")
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// migrationLock is the Postgres advisory lock key that serialises migrations of several instances
// starting at once.
const migrationLock = 0x5357_4244 // "SWBD"

// migrating serialises migrations within a process: ent's migrate tables are package variables
// that Atlas writes to.
var migrating sync.Mutex

// migrateOptions: indexes the schema no longer declares go too (each one costs every write), and
// the event log keeps no foreign keys on Postgres.
func (d *DB) migrateOptions() []schema.MigrateOption {
	opts := []schema.MigrateOption{migrate.WithDropIndex(true)}
	if d.Dialect == dialect.Postgres {
		opts = append(opts, schema.WithDiffHook(logWithoutForeignKeys, keepIndex(conversation.Table, search.PostgresIndex)))
	}
	return opts
}

// keepIndex keeps an index ent's schemas do not declare (search makes it) from being dropped.
func keepIndex(table, name string) schema.DiffHook {
	return func(next schema.Differ) schema.Differ {
		return schema.DiffFunc(func(current, desired *atlas.Schema) ([]atlas.Change, error) {
			changes, err := next.Diff(current, desired)
			for _, c := range changes {
				if m, ok := c.(*atlas.ModifyTable); ok && m.T.Name == table {
					m.Changes = slices.DeleteFunc(m.Changes, func(c atlas.Change) bool {
						d, ok := c.(*atlas.DropIndex)
						return ok && d.I.Name == name
					})
				}
			}
			return slices.DeleteFunc(changes, func(c atlas.Change) bool {
				m, ok := c.(*atlas.ModifyTable)
				return ok && len(m.Changes) == 0
			}), err
		})
	}
}

// WriteMigration writes the statements Migrate would run now (none when the schema is up to date).
func (d *DB) WriteMigration(ctx context.Context, w io.Writer) error {
	return d.Client.Schema.WriteTo(tenant.System(ctx), w, d.migrateOptions()...)
}

// logWithoutForeignKeys keeps foreign keys off the event log on Postgres (and drops those an
// earlier version made). Each event row had four (workspace, conversation, actor, subject), each a
// lookup and a share lock on the referenced row inside the writing transaction, and a claim and
// its release write six events. The log is append-only and written only by the desk, with ids it
// has just read inside the same transaction; conversations, agents and workspaces are never
// deleted. ent's edges still join on the columns. SQLite keeps the keys: changing them there
// rebuilds the table, and one writer at a time gains nothing from their absence.
func logWithoutForeignKeys(next schema.Differ) schema.Differ {
	return schema.DiffFunc(func(current, desired *atlas.Schema) ([]atlas.Change, error) {
		if t, ok := desired.Table(event.Table); ok {
			t.ForeignKeys = nil
			for _, c := range t.Columns {
				c.ForeignKeys = nil
			}
			for _, r := range desired.Tables {
				r.Refs = slices.DeleteFunc(r.Refs, func(o atlas.Object) bool {
					fk, ok := o.(*atlas.ForeignKey)
					return ok && fk.Table == t
				})
			}
		}
		return next.Diff(current, desired)
	})
}

// EventPath marks ctx's statements outside a transaction as the event path's: the bus's passes
// (numbering, reading the log) and the loads that turn an event into its subscribers' messages.
// On Postgres they go through a pool of their own, eventPathConns connections, where requests
// waiting for one of the shared pool's never queue before them: past the database's capacity the
// shared pool has such a queue, and every delivery waited in it (docs/benchmarks.md). What the
// entities they load resolve later (a response's nested fields) runs on its own context, through
// the shared pool like any request.
func EventPath(ctx context.Context) context.Context {
	return context.WithValue(ctx, eventPathKey{}, true)
}

type eventPathKey struct{}

// Postgres pools: sharedConns for requests and background work; eventPathConns for the event
// path (EventPath), whose bus passes run one at a time and whose eight workers hand events over
// one subscription at a time each.
const (
	sharedConns    = 32
	eventPathConns = 8
)

// sized keeps up to n connections open in db, closing those idle for 5 minutes.
func sized(db *sql.DB, n int) {
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	db.SetConnMaxIdleTime(5 * time.Minute)
}

// Close closes the database.
func (d *DB) Close() error { return d.Client.Close() }

// Ping reports whether the database answers (readiness).
func (d *DB) Ping(ctx context.Context) error { return d.SQL.PingContext(ctx) }

// InTx runs fn in a transaction, committing if it returns nil and rolling back otherwise. A
// transaction the database rolled back on its own (a deadlock, a serialization failure) or whose
// connection was lost before its commit runs again, a bounded number of times with a short
// jittered wait, so that clients never see either; fn must therefore do nothing outside the
// transaction that it cannot do twice (what must follow the commit goes in tx.OnCommit).
func InTx(ctx context.Context, client *ent.Client, fn func(tx *ent.Tx) error) error {
	for attempt := 1; ; attempt++ {
		committing, err := inTx(ctx, client, fn)
		if err == nil || attempt == txAttempts || ctx.Err() != nil || !retryable(err, committing) {
			if conflicted(err) { // still deadlocking after every attempt: the database is overloaded
				return errors.Join(fault.ErrUnavailable, err)
			}
			return err
		}
		if berr := backoff(ctx, attempt+1); berr != nil {
			return err
		}
	}
}

// inTx runs fn in one transaction; committing reports that the commit was sent.
func inTx(ctx context.Context, client *ent.Client, fn func(tx *ent.Tx) error) (committing bool, err error) {
	tx, err := client.Tx(ctx)
	if err != nil {
		return false, fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
	}()
	if err := fn(tx); err != nil {
		if rerr := tx.Rollback(); rerr != nil && !Unreachable(rerr) {
			return false, errors.Join(err, fmt.Errorf("rollback: %w", rerr))
		}
		return false, err
	}
	if err := tx.Commit(); err != nil {
		return true, fmt.Errorf("commit: %w", err)
	}
	return true, nil
}

// Retry runs fn again (up to attempts times) while it fails with a unique-constraint violation:
// two transactions raced to create the same row and the loser should re-read what the winner made.
func Retry(attempts int, fn func() error) error {
	var err error
	for range attempts {
		if err = fn(); err == nil || !ent.IsConstraintError(err) {
			return err
		}
	}
	return err
}
