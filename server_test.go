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
