package storage_test

import (
	"testing"

	"switchboard/internal/storage"
)

// TestLocalPostgres: the server leaves processors only to a Postgres on this machine
// (httpapi.TuneProcs).
func TestLocalPostgres(t *testing.T) {
	for url, want := range map[string]bool{
		"postgres://postgres@127.0.0.1:5432/db?sslmode=disable": true,
		"postgresql://u:p@localhost/db":                         true,
		"postgres://[::1]:5433/db":                              true,
		"postgres:///db":                                        true, // the default Unix socket
		"postgres:///db?host=/var/run/postgresql":               true,
		"postgres://db.internal:5432/db":                        false,
		"postgres://10.0.0.7/db":                                false,
		"postgres:///db?host=db.internal":                       false,
		"sqlite://switchboard.db":                               false,
		"":                                                      false, // SQLite, the default
		"host=localhost dbname=db":                              false, // not a URL: Go's default
	} {
		if got := storage.LocalPostgres(url); got != want {
			t.Errorf("LocalPostgres(%q) = %v, want %v", url, got, want)
		}
	}
}
