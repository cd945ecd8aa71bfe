package storage

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"path"
	"slices"
	"strings"
	"time"

	"ariga.io/atlas/sql/migrate"
	atpostgres "ariga.io/atlas/sql/postgres"
	atsqlite "ariga.io/atlas/sql/sqlite"
	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"entgo.io/ent/dialect/sql/schema"

	entmigrate "switchboard/ent/migrate"
	"switchboard/internal/search"
	"switchboard/internal/tenant"
)

// The schema is versioned: migrations/<dialect>/ holds one SQL file per change, in Atlas's
// directory format with its checksum file (atlas.sum), embedded in the binary. Files made from
// ent/schema are written by `go run ./cmd/migrations diff <name>`; the SQL ent does not know (the
// hot path's functions, search's column, index and FTS5 table) is written by hand, idempotently
// (IF NOT EXISTS, OR REPLACE), and `go run ./cmd/migrations hash` updates atlas.sum after it.
// A database records what it has applied in revisionTable.
//
//go:embed migrations
var migrationFiles embed.FS

// revisionTable records the applied migration files, one row per file (Atlas's revisions).
const revisionTable = "atlas_schema_revisions"

// customFiles are the hand-written files' descriptions (the part of the name after the version):
// a database made before versioned migrations runs them after ent brought its tables up to date
// (see baselineLegacy), so each must be safe to run on a database that already has what it makes.
var customFiles = []string{"hotpaths", "search"}

// afterFile are data steps that follow a file in the same run (the file's description → the step).
var afterFile = map[string]func(ctx context.Context, d *DB) error{
	"search": func(ctx context.Context, d *DB) error { return search.New(d.Dialect).Backfill(ctx, d.SQL, d.Client) },
}

// MigrationDir is the dialect's migration directory as shipped in the binary.
func MigrationDir(dia string) (*migrate.MemDir, error) {
	root := path.Join("migrations", migrationFolder(dia))
	entries, err := fs.ReadDir(migrationFiles, root)
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	dir := &migrate.MemDir{}
	for _, e := range entries {
		b, err := migrationFiles.ReadFile(path.Join(root, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("migrations: %w", err)
		}
		if err := dir.WriteFile(e.Name(), b); err != nil {
			return nil, fmt.Errorf("migrations: %w", err)
		}
	}
	if err := migrate.Validate(dir); err != nil {
		return nil, fmt.Errorf("migrations/%s: %w (run go run ./cmd/migrations hash)", dia, err)
	}
	return dir, nil
}

// MigrationFiles are the dialect's migration files as shipped in the binary, oldest first.
func MigrationFiles(dia string) ([]migrate.File, error) {
	dir, err := MigrationDir(dia)
	if err != nil {
		return nil, err
	}
	return dir.Files()
}

// migrationFolder names the folder of a dialect's files: ent calls SQLite
// "sqlite3", the folder is "sqlite".
func migrationFolder(dia string) string {
	if dia == dialect.SQLite {
		return "sqlite"
	}
	return dia
}

// MigrationStatus is where a database stands against the binary's migration files.
type MigrationStatus struct {
	// Current is the last applied file's version; "" for an empty database.
	Current string
	// Legacy: the database was made before versioned migrations (tables, no revisions).
	Legacy bool
	// Pending are the files to apply, oldest first.
	Pending []migrate.File
	// Unknown are applied versions this binary has no file for: the database is newer than it.
	Unknown []string
	// Dirty is a file whose last attempt failed part way (Postgres runs a file in one transaction,
	// so only a database changed by hand or another tool has one).
	Dirty string
}

// ErrSchemaBehind: the database needs migrations that this server applies only when told to.
var ErrSchemaBehind = errors.New("the database schema is older than this server")

// ErrSchemaAhead: the database has migrations this server does not know (a newer version made it).
var ErrSchemaAhead = errors.New("the database schema is newer than this server")

// Status reads where the database stands.
func (d *DB) Status(ctx context.Context) (*MigrationStatus, error) {
	ctx = tenant.System(ctx)
	files, err := MigrationFiles(d.Dialect)
	if err != nil {
		return nil, err
	}
	rw := &revisions{q: d.SQL, dia: d.Dialect}
	st := &MigrationStatus{}
	has, err := rw.exists(ctx)
	if err != nil {
		return nil, err
	}
	var revs []*migrate.Revision
	if has {
		if revs, err = rw.ReadRevisions(ctx); err != nil {
			return nil, err
		}
	}
	if len(revs) == 0 {
		if st.Legacy, err = d.hasTable(ctx, "workspaces"); err != nil {
			return nil, err
		}
		if !st.Legacy {
			st.Pending = files
		}
		return st, nil
	}
	known := map[string]bool{}
	for _, f := range files {
		known[f.Version()] = true
	}
	applied := map[string]bool{}
	for _, r := range revs {
		applied[r.Version] = r.Applied == r.Total && r.Error == ""
		if !known[r.Version] {
			st.Unknown = append(st.Unknown, r.Version)
		}
		if !applied[r.Version] && r.Type != migrate.RevisionTypeBaseline {
			st.Dirty = r.Version
		}
	}
	st.Current = revs[len(revs)-1].Version
	for _, f := range files {
		if !applied[f.Version()] && f.Version() > revs[0].Version {
			st.Pending = append(st.Pending, f)
		}
	}
	return st, nil
}

// Migrate applies every pending migration file, each in its own transaction, with its data step
// (afterFile) after it. A database made before versioned migrations is first brought up to date
// the way it was made (baselineLegacy). It refuses a database newer than the binary.
func (d *DB) Migrate(ctx context.Context) error { return d.migrate(ctx, true, "") }

// MigrateAtStart is what a server does with the database before it serves: it sets up a new
// (empty) database, and brings an older one up to date only when auto is set (--migrate,
// MIGRATE=auto) or the database is SQLite's embedded file, which no other process shares.
// Otherwise an older database is refused with ErrSchemaBehind, which names the command to run,
// and a newer one always with ErrSchemaAhead. The check runs under the migration lock, so
// instances started together on a new database wait for the first to finish.
func (d *DB) MigrateAtStart(ctx context.Context, auto bool) error {
	return d.migrate(ctx, auto || d.Dialect == dialect.SQLite, "")
}

// MigrateTo applies the pending files up to and including version: what a database of that
// release had (the upgrade tests start there).
func (d *DB) MigrateTo(ctx context.Context, version string) error {
	return d.migrate(ctx, true, version)
}

func (d *DB) migrate(ctx context.Context, auto bool, to string) error {
	ctx = tenant.System(ctx)
	migrating.Lock()
	defer migrating.Unlock()
	unlock, err := d.lockMigrations(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	if err := (&revisions{q: d.SQL, dia: d.Dialect}).create(ctx); err != nil {
		return err
	}
	st, err := d.Status(ctx)
	if err != nil {
		return err
	}
	if err := st.check(); err != nil {
		newDB := !st.Legacy && st.Current == ""
		if errors.Is(err, ErrSchemaAhead) || (!auto && !newDB) {
			return err
		}
	}
	if st.Legacy {
		if to != "" {
			return errors.New("migrate: a database made before versioned migrations is only brought up to date")
		}
		return d.baselineLegacy(ctx)
	}
	for _, f := range st.Pending {
		if to != "" && f.Version() > to {
			break
		}
		if err := d.apply(ctx, f); err != nil {
			return err
		}
	}
	return nil
}

// CheckSchema says whether the server may start on this database without migrating it: nil when
// it is up to date, ErrSchemaBehind (naming the command) or ErrSchemaAhead otherwise.
func (d *DB) CheckSchema(ctx context.Context) error {
	st, err := d.Status(ctx)
	if err != nil {
		return err
	}
	return st.check()
}

func (st *MigrationStatus) check() error {
	switch {
	case len(st.Unknown) > 0:
		return fmt.Errorf("%w: it has migration %s, which this server does not have; run the newer server", ErrSchemaAhead, st.Unknown[len(st.Unknown)-1])
	case st.Legacy || len(st.Pending) > 0:
		n := len(st.Pending)
		if st.Legacy {
			n = -1
		}
		return fmt.Errorf("%w (%s): run `switchboard migrate up`, or start with --migrate (MIGRATE=auto)", ErrSchemaBehind, pendingText(n))
	}
	return nil
}

func pendingText(n int) string {
	switch n {
	case -1:
		return "made before versioned migrations"
	case 1:
		return "1 migration pending"
	}
	return fmt.Sprintf("%d migrations pending", n)
}

// WritePending writes the SQL of every pending file (a dry run).
func (d *DB) WritePending(ctx context.Context, w io.Writer) error {
	st, err := d.Status(ctx)
	if err != nil {
		return err
	}
	if st.Legacy {
		fmt.Fprintln(w, "-- made before versioned migrations: ent's migration brings its tables up to date, then the hand-written files run and every file is recorded as applied:")
		if err := d.WriteMigration(ctx, w); err != nil {
			return err
		}
	}
	for _, f := range st.Pending {
		if st.Legacy && !slices.Contains(customFiles, f.Desc()) {
			continue
		}
		fmt.Fprintf(w, "-- %s\n%s\n", f.Name(), strings.TrimSpace(string(f.Bytes())))
	}
	return nil
}

// apply runs one file in one transaction, records it, then runs its data step.
func (d *DB) apply(ctx context.Context, f migrate.File) error {
	start := time.Now()
	dir, err := MigrationDir(d.Dialect)
	if err != nil {
		return err
	}
	err = d.inMigrationTx(ctx, func(tx *sql.Tx) error {
		drv, err := d.atlasDriver(tx)
		if err != nil {
			return err
		}
		ex, err := migrate.NewExecutor(drv, dir, &revisions{q: tx, dia: d.Dialect}, migrate.WithAllowDirty(true))
		if err != nil {
			return err
		}
		return ex.Execute(ctx, f)
	})
	if err != nil {
		return fmt.Errorf("migrate %s: %w", f.Name(), err)
	}
	if step := afterFile[f.Desc()]; step != nil {
		if err := step(ctx, d); err != nil {
			return fmt.Errorf("migrate %s: %w", f.Name(), err)
		}
	}
	slog.Info("migration applied", "file", f.Name(), "duration_ms", time.Since(start).Milliseconds())
	return nil
}

// baselineLegacy brings a database made before versioned migrations up to date as it was made:
// ent's automatic migration (which only adds, and drops the indexes the schemas no longer
// declare), then every hand-written file and its data step; every file is then recorded as
// applied, so the next ones apply as usual.
func (d *DB) baselineLegacy(ctx context.Context) error {
	if err := d.Client.Schema.Create(ctx, d.migrateOptions()...); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	files, err := MigrationFiles(d.Dialect)
	if err != nil {
		return err
	}
	for _, f := range files {
		if !slices.Contains(customFiles, f.Desc()) {
			continue
		}
		stmts, err := f.StmtDecls()
		if err != nil {
			return err
		}
		err = d.inMigrationTx(ctx, func(tx *sql.Tx) error {
			for _, s := range stmts {
				if _, err := tx.ExecContext(ctx, s.Text); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("migrate %s: %w", f.Name(), err)
		}
		if step := afterFile[f.Desc()]; step != nil {
			if err := step(ctx, d); err != nil {
				return fmt.Errorf("migrate %s: %w", f.Name(), err)
			}
		}
	}
	rw := &revisions{q: d.SQL, dia: d.Dialect}
	for _, f := range files {
		if err := rw.WriteRevision(ctx, &migrate.Revision{Version: f.Version(), Description: f.Desc(), Type: migrate.RevisionTypeBaseline,
			ExecutedAt: time.Now()}); err != nil {
			return err
		}
	}
	slog.Info("database made before versioned migrations brought up to date", "at", files[len(files)-1].Version())
	return nil
}

// inMigrationTx runs fn in a transaction on one connection. On SQLite, foreign keys are off
// meanwhile (a file that rebuilds a table drops the old one, which must not cascade) and checked
// before the commit.
func (d *DB) inMigrationTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	conn, err := d.SQL.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if d.Dialect == dialect.SQLite {
		if _, err := conn.ExecContext(ctx, "PRAGMA foreign_keys = off"); err != nil {
			return err
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA foreign_keys = on") //nolint:errcheck
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		return errors.Join(err, tx.Rollback())
	}
	if d.Dialect == dialect.SQLite {
		var table string
		switch err := tx.QueryRowContext(ctx, "PRAGMA foreign_key_check").Scan(&table); {
		case err == nil:
			return errors.Join(fmt.Errorf("a foreign key of %s points nowhere", table), tx.Rollback())
		case !errors.Is(err, sql.ErrNoRows):
			return errors.Join(err, tx.Rollback())
		}
	}
	return tx.Commit()
}

// atlasDriver is Atlas's driver for this database on q.
func (d *DB) atlasDriver(q schemaExecQuerier) (migrate.Driver, error) {
	if d.Dialect == dialect.Postgres {
		return atpostgres.Open(q)
	}
	return atsqlite.Open(q)
}

// schemaExecQuerier is a *sql.DB, *sql.Conn or *sql.Tx.
type schemaExecQuerier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// lockMigrations serialises the migrations of several instances starting at once (Postgres).
func (d *DB) lockMigrations(ctx context.Context) (func(), error) {
	if d.Dialect != dialect.Postgres {
		return func() {}, nil
	}
	pool, done := d.SQL, func() {}
	if d.direct != "" { // a session lock needs a session of its own, not a pooler's
		direct, err := sql.Open("pgx", d.direct)
		if err != nil {
			return nil, fmt.Errorf("migrate: %w", err)
		}
		pool, done = direct, func() { direct.Close() }
	}
	conn, err := pool.Conn(ctx)
	if err != nil {
		done()
		return nil, fmt.Errorf("migrate: %w", err)
	}
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", migrationLock); err != nil {
		conn.Close()
		done()
		return nil, fmt.Errorf("migrate: lock: %w", err)
	}
	return func() {
		_, _ = conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrationLock)
		conn.Close()
		done()
	}, nil
}

func (d *DB) hasTable(ctx context.Context, name string) (bool, error) {
	q := `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?`
	if d.Dialect == dialect.Postgres {
		q = `SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1`
	}
	var n int
	if err := d.SQL.QueryRowContext(ctx, q, name).Scan(&n); err != nil {
		return false, fmt.Errorf("migrate: %w", err)
	}
	return n > 0, nil
}

// GenerateMigration writes the file that takes the directory at dirPath to ent/schema, named
// name, using dev (an empty database of the same dialect, emptied again afterwards) to replay the
// directory's files made from ent/schema (the hand-written ones add nothing ent compares, and a
// function returning a table's rows would keep Atlas from emptying dev); it writes nothing when
// they agree, and reports whether it wrote.
func GenerateMigration(ctx context.Context, dev *DB, dirPath, name string) (bool, error) {
	dir, err := migrate.NewLocalDir(dirPath)
	if err != nil {
		return false, err
	}
	if err := migrate.Validate(dir); err != nil {
		return false, fmt.Errorf("%s: %w (run go run ./cmd/migrations hash)", dirPath, err)
	}
	files, err := dir.Files()
	if err != nil {
		return false, err
	}
	entOnly := &migrate.MemDir{}
	for _, f := range files {
		if !slices.Contains(customFiles, f.Desc()) {
			if err := entOnly.WriteFile(f.Name(), f.Bytes()); err != nil {
				return false, err
			}
		}
	}
	sum, err := entOnly.Checksum()
	if err != nil {
		return false, err
	}
	if err := migrate.WriteSumFile(entOnly, sum); err != nil {
		return false, err
	}
	m, err := schema.NewMigrate(entsql.OpenDB(dev.Dialect, dev.SQL), append(dev.migrateOptions(),
		schema.WithDir(entOnly), schema.WithMigrationMode(schema.ModeReplay), schema.WithDialect(dev.Dialect),
		schema.WithFormatter(migrate.DefaultFormatter))...)
	if err != nil {
		return false, err
	}
	if err := m.NamedDiff(ctx, name, entmigrate.Tables...); err != nil {
		return false, err
	}
	written, err := entOnly.Files()
	if err != nil {
		return false, err
	}
	wrote := false
	for _, f := range written {
		if !slices.ContainsFunc(files, func(g migrate.File) bool { return g.Name() == f.Name() }) {
			if err := dir.WriteFile(f.Name(), f.Bytes()); err != nil {
				return false, err
			}
			wrote = true
		}
	}
	if !wrote {
		return false, nil
	}
	return true, HashMigrations(dirPath)
}

// HashMigrations rewrites the directory's atlas.sum after a file was written by hand.
func HashMigrations(dirPath string) error {
	dir, err := migrate.NewLocalDir(dirPath)
	if err != nil {
		return err
	}
	sum, err := dir.Checksum()
	if err != nil {
		return err
	}
	return migrate.WriteSumFile(dir, sum)
}

// revisions keeps Atlas's revisions in revisionTable.
type revisions struct {
	q   schemaExecQuerier
	dia string
}

var _ migrate.RevisionReadWriter = (*revisions)(nil)

func (r *revisions) arg(i int) string {
	if r.dia == dialect.Postgres {
		return fmt.Sprintf("$%d", i)
	}
	return "?"
}

func (r *revisions) create(ctx context.Context) error {
	_, err := r.q.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS `+revisionTable+` (
	version varchar(255) NOT NULL PRIMARY KEY,
	description text NOT NULL,
	type integer NOT NULL,
	applied integer NOT NULL,
	total integer NOT NULL,
	executed_at varchar(64) NOT NULL,
	execution_time bigint NOT NULL,
	error text NOT NULL,
	error_stmt text NOT NULL,
	hash text NOT NULL,
	partial_hashes text NOT NULL,
	operator_version text NOT NULL)`)
	if err != nil {
		return fmt.Errorf("migrate: revisions: %w", err)
	}
	return nil
}

func (r *revisions) exists(ctx context.Context) (bool, error) {
	q := `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '` + revisionTable + `'`
	if r.dia == dialect.Postgres {
		q = `SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = '` + revisionTable + `'`
	}
	var n int
	if err := r.q.QueryRowContext(ctx, q).Scan(&n); err != nil {
		return false, fmt.Errorf("migrate: revisions: %w", err)
	}
	return n > 0, nil
}

// Ident names the table, so that Atlas leaves it out when it checks that a database is empty.
func (r *revisions) Ident() *migrate.TableIdent { return &migrate.TableIdent{Name: revisionTable} }

const revisionColumns = `version, description, type, applied, total, executed_at, execution_time, error, error_stmt, hash, partial_hashes, operator_version`

func (r *revisions) ReadRevisions(ctx context.Context) ([]*migrate.Revision, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT `+revisionColumns+` FROM `+revisionTable+` ORDER BY version`)
	if err != nil {
		return nil, fmt.Errorf("migrate: revisions: %w", err)
	}
	defer rows.Close()
	var out []*migrate.Revision
	for rows.Next() {
		rev, err := scanRevision(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, rev)
	}
	return out, rows.Err()
}

func (r *revisions) ReadRevision(ctx context.Context, version string) (*migrate.Revision, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT `+revisionColumns+` FROM `+revisionTable+` WHERE version = `+r.arg(1), version)
	if err != nil {
		return nil, fmt.Errorf("migrate: revisions: %w", err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, err
		}
		return nil, migrate.ErrRevisionNotExist
	}
	return scanRevision(rows)
}

func (r *revisions) WriteRevision(ctx context.Context, rev *migrate.Revision) error {
	partial, err := json.Marshal(rev.PartialHashes)
	if err != nil {
		return err
	}
	args := make([]string, 12)
	for i := range args {
		args[i] = r.arg(i + 1)
	}
	_, err = r.q.ExecContext(ctx, `INSERT INTO `+revisionTable+` (`+revisionColumns+`) VALUES (`+strings.Join(args, ", ")+`)
		ON CONFLICT (version) DO UPDATE SET description = excluded.description, type = excluded.type, applied = excluded.applied,
			total = excluded.total, executed_at = excluded.executed_at, execution_time = excluded.execution_time, error = excluded.error,
			error_stmt = excluded.error_stmt, hash = excluded.hash, partial_hashes = excluded.partial_hashes,
			operator_version = excluded.operator_version`,
		rev.Version, rev.Description, int(rev.Type), rev.Applied, rev.Total, rev.ExecutedAt.UTC().Format(time.RFC3339Nano),
		int64(rev.ExecutionTime), rev.Error, rev.ErrorStmt, rev.Hash, string(partial), rev.OperatorVersion)
	if err != nil {
		return fmt.Errorf("migrate: revisions: %w", err)
	}
	return nil
}

func (r *revisions) DeleteRevision(ctx context.Context, version string) error {
	_, err := r.q.ExecContext(ctx, `DELETE FROM `+revisionTable+` WHERE version = `+r.arg(1), version)
	return err
}

func scanRevision(rows *sql.Rows) (*migrate.Revision, error) {
	var (
		rev     migrate.Revision
		typ     int
		at      string
		elapsed int64
		partial string
	)
	if err := rows.Scan(&rev.Version, &rev.Description, &typ, &rev.Applied, &rev.Total, &at, &elapsed, &rev.Error, &rev.ErrorStmt,
		&rev.Hash, &partial, &rev.OperatorVersion); err != nil {
		return nil, fmt.Errorf("migrate: revisions: %w", err)
	}
	rev.Type = migrate.RevisionType(typ)
	rev.ExecutionTime = time.Duration(elapsed)
	rev.ExecutedAt, _ = time.Parse(time.RFC3339Nano, at)
	if err := json.Unmarshal([]byte(partial), &rev.PartialHashes); err != nil {
		return nil, fmt.Errorf("migrate: revisions: %w", err)
	}
	return &rev, nil
}
