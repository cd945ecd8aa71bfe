package main

import (
	"fmt"
	"strings"
	"testing"
)

// The start-up line names the configuration but no secret.
func TestConfigSummaryHidesSecrets(t *testing.T) {
	t.Setenv("SWITCHBOARD_ADMIN_PASSWORD", "hunter2-admin")
	cfg, err := readConfig([]string{"--database-url", "postgres://sb:hunter2-db@db.internal:6432/sb?sslmode=require", "--database-direct-url", "postgres://sb:hunter2-direct@db.internal:5432/sb"})
	if err != nil {
		t.Fatal(err)
	}
	line := fmt.Sprint(cfg.summary()...)
	if strings.Contains(line, "hunter2") {
		t.Fatalf("a secret in the start-up line: %s", line)
	}
	if !strings.Contains(line, "db.internal:5432") {
		t.Fatalf("the database is not named: %s", line)
	}
}

// switchboard migrate: status, dry run and up on a new database; a wrong word is refused with the usage.
func TestMigrateCommand(t *testing.T) {
	url := "sqlite://" + t.TempDir() + "/m.db"
	run := func(args ...string) string {
		t.Helper()
		var out strings.Builder
		if err := migrateCommand(append([]string{"--database-url", url}, args...), &out); err != nil {
			t.Fatalf("migrate %v: %v", args, err)
		}
		return out.String()
	}
	if out := run("status"); !strings.Contains(out, "empty") || !strings.Contains(out, "pending: 20261204000000_baseline.sql") {
		t.Fatalf("status of a new database:\n%s", out)
	}
	if out := run("dry-run"); !strings.Contains(out, "CREATE TABLE") {
		t.Fatalf("dry run:\n%s", out)
	}
	if out := run("status"); !strings.Contains(out, "empty") {
		t.Fatalf("the dry run applied something:\n%s", out)
	}
	if out := run("up"); !strings.Contains(out, "applied 20261204000000_baseline.sql") {
		t.Fatalf("up:\n%s", out)
	}
	if out := run("status"); !strings.Contains(out, "up to date") {
		t.Fatalf("status after up:\n%s", out)
	}
	if out := run("up"); !strings.Contains(out, "already up to date") {
		t.Fatalf("up again:\n%s", out)
	}
	var out strings.Builder
	if err := migrateCommand([]string{"--database-url", url, "sideways"}, &out); err == nil || !strings.Contains(err.Error(), "usage") {
		t.Fatalf("a wrong word: %v", err)
	}
}
