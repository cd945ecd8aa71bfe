// Package testdb gives each test a fresh, migrated database: an SQLite file by default, or a new
// Postgres database (cloned from a migrated template) when TEST_DATABASE_URL names a server.
package testdb

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"switchboard/internal/storage"
)

// URL is the Postgres server the tests use, "" for SQLite.
func URL() string { return os.Getenv("TEST_DATABASE_URL") }

// DirectURL (TEST_DATABASE_DIRECT_URL) is the same server as URL without the pooler URL then goes
// through (PgBouncer in transaction mode): the tests' databases are opened as the server opens
// them behind one (storage.WithDirectURL).
func DirectURL() string { return os.Getenv("TEST_DATABASE_DIRECT_URL") }

// adminURL is where databases are made and dropped: the direct URL when there is one.
func adminURL() string {
	if d := DirectURL(); d != "" {
		return d
	}
	return URL()
}

// IsPostgres reports whether tests run on Postgres.
func IsPostgres() bool { return URL() != "" }

// RequirePostgres skips t unless the tests run on Postgres (races, SELECT … FOR UPDATE).
func RequirePostgres(t testing.TB) {
	t.Helper()
	if !IsPostgres() {
		t.Skip("needs Postgres: set TEST_DATABASE_URL (make test does)")
	}
}

// UpgradeFrom (TEST_UPGRADE_FROM, a migration version): when set, every database is first
// migrated to that version only, given what an older server stored (WriteFixture), and only then
// migrated up, so that the tests run on an upgraded database.
func UpgradeFrom() string { return os.Getenv("TEST_UPGRADE_FROM") }

// Open returns a fresh migrated database, closed and dropped when t ends.
func Open(t testing.TB, opts ...storage.Option) *storage.DB {
	t.Helper()
	db := open(t, true, opts...)
	migrated := migrate
	if IsPostgres() { // a clone of the template, which migrate made
		migrated = func(_ testing.TB, db *storage.DB) error { return db.Migrate(context.Background()) }
	}
	if err := migrated(t, db); err != nil {
		t.Fatalf("testdb: migrate: %v", err)
	}
	return db
}

// migrate brings db up to date, by way of UpgradeFrom when it is set.
func migrate(t testing.TB, db *storage.DB) error {
	ctx := context.Background()
	if from := UpgradeFrom(); from != "" {
		if err := db.MigrateTo(ctx, from); err != nil {
			return err
		}
		WriteFixture(t, db)
	}
	return db.Migrate(ctx)
}

// Empty returns a fresh database without any table (the migration tests), closed and dropped
// when t ends.
func Empty(t testing.TB) *storage.DB {
	t.Helper()
	return open(t, false)
}

func open(t testing.TB, migrated bool, opts ...storage.Option) *storage.DB {
	t.Helper()
	dbURL := ""
	if IsPostgres() {
		name := createPostgres(t, migrated)
		dbURL = withDB(URL(), name)
		if DirectURL() != "" {
			opts = append(opts, storage.WithDirectURL(withDB(DirectURL(), name)))
		}
	} else {
		dbURL = "sqlite://" + filepath.Join(t.TempDir(), "test.db")
	}
	db, err := storage.Open(context.Background(), dbURL, opts...)
	if err != nil {
		t.Fatalf("testdb: open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

var (
	tplOnce sync.Once
	tplName string
	tplErr  error
	tplMu   sync.Mutex // Postgres copies one template at a time
	seq     atomic.Int64
)

// createPostgres makes a database for one test and returns its name: a clone of a migrated
// template (the first call per process migrates it; cloning is much faster than migrating each
// time), or an empty one. It works on the direct URL: a template must have no connections, which
// a pooler would keep.
func createPostgres(t testing.TB, migrated bool) string {
	t.Helper()
	admin, err := sql.Open("pgx", adminURL())
	if err != nil {
		t.Fatalf("testdb: %v", err)
	}
	defer admin.Close()
	ctx := context.Background()
	tpl := "template0"
	if migrated {
		tpl = template(ctx, t, admin)
	}
	name := fmt.Sprintf("sbt_%d_%d", os.Getpid(), seq.Add(1))
	tplMu.Lock()
	_, err = admin.ExecContext(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", name, tpl))
	tplMu.Unlock()
	if err != nil {
		t.Fatalf("testdb: create database: %v", err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", adminURL())
		if err != nil {
			return
		}
		defer a.Close()
		_, _ = a.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	return name
}

// template returns the migrated template database's name, making it at the first call.
func template(ctx context.Context, t testing.TB, admin *sql.DB) string {
	t.Helper()
	tplOnce.Do(func() {
		tplName = fmt.Sprintf("sbt_%d_tpl", os.Getpid())
		if _, tplErr = admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+tplName); tplErr != nil {
			return
		}
		if _, tplErr = admin.ExecContext(ctx, "CREATE DATABASE "+tplName); tplErr != nil {
			return
		}
		var db *storage.DB
		if db, tplErr = storage.Open(ctx, withDB(adminURL(), tplName)); tplErr != nil {
			return
		}
		tplErr = migrate(t, db)
		db.Close()
	})
	if tplErr != nil {
		t.Fatalf("testdb: template: %v", tplErr)
	}
	return tplName
}

// withDB replaces the database name in a postgres:// URL.
func withDB(raw, name string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	u.Path = "/" + name
	return u.String()
}
