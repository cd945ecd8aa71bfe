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

// IsPostgres reports whether tests run on Postgres.
func IsPostgres() bool { return URL() != "" }

// RequirePostgres skips t unless the tests run on Postgres (races, SELECT … FOR UPDATE).
func RequirePostgres(t testing.TB) {
	t.Helper()
	if !IsPostgres() {
		t.Skip("needs Postgres: set TEST_DATABASE_URL (make test does)")
	}
}

// Open returns a fresh migrated database, closed and dropped when t ends.
func Open(t testing.TB) *storage.DB {
	t.Helper()
	ctx := context.Background()
	dbURL := ""
	if IsPostgres() {
		dbURL = createPostgres(t)
	} else {
		dbURL = "sqlite://" + filepath.Join(t.TempDir(), "test.db")
	}
	db, err := storage.Open(ctx, dbURL)
	if err != nil {
		t.Fatalf("testdb: open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("testdb: migrate: %v", err)
	}
	return db
}

var (
	tplOnce sync.Once
	tplName string
	tplErr  error
	tplMu   sync.Mutex // Postgres copies one template at a time
	seq     atomic.Int64
)

// createPostgres makes a database for one test and returns its URL. The first call per process
// migrates a template; later ones clone it, which is much faster than migrating each time.
func createPostgres(t testing.TB) string {
	t.Helper()
	admin, err := sql.Open("pgx", URL())
	if err != nil {
		t.Fatalf("testdb: %v", err)
	}
	defer admin.Close()
	ctx := context.Background()
	tplOnce.Do(func() {
		tplName = fmt.Sprintf("sbt_%d_tpl", os.Getpid())
		if _, tplErr = admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+tplName); tplErr != nil {
			return
		}
		if _, tplErr = admin.ExecContext(ctx, "CREATE DATABASE "+tplName); tplErr != nil {
			return
		}
		var db *storage.DB
		if db, tplErr = storage.Open(ctx, withDB(URL(), tplName)); tplErr != nil {
			return
		}
		tplErr = db.Migrate(ctx)
		db.Close()
	})
	if tplErr != nil {
		t.Fatalf("testdb: template: %v", tplErr)
	}
	name := fmt.Sprintf("sbt_%d_%d", os.Getpid(), seq.Add(1))
	tplMu.Lock()
	_, err = admin.ExecContext(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", name, tplName))
	tplMu.Unlock()
	if err != nil {
		t.Fatalf("testdb: create database: %v", err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", URL())
		if err != nil {
			return
		}
		defer a.Close()
		_, _ = a.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	return withDB(URL(), name)
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
