// Command migrations writes the schema's migration files (internal/storage/migrations), for the
// people who change ent/schema:
//
//	go run ./cmd/migrations diff <name>   a file per dialect taking the files to ent/schema
//	go run ./cmd/migrations hash          atlas.sum again, after a file was written by hand
//
// diff replays the files on empty databases (a temporary SQLite file, and a throw-away Postgres
// started with scripts/postgres.sh unless DEV_DATABASE_URL names an empty one) and writes what
// ent/schema adds; it writes nothing for a dialect whose files already agree.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"switchboard/internal/storage"
)

const root = "internal/storage/migrations"

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "migrations:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	switch {
	case len(args) == 1 && args[0] == "hash":
		for _, dia := range []string{"postgres", "sqlite"} {
			if err := storage.HashMigrations(filepath.Join(root, dia)); err != nil {
				return err
			}
		}
		return nil
	case len(args) == 2 && args[0] == "diff":
		return diff(context.Background(), args[1])
	}
	return errors.New("usage: go run ./cmd/migrations diff <name> | hash")
}

func diff(ctx context.Context, name string) error {
	tmp, err := os.MkdirTemp("", "switchboard-migrations")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	pg := os.Getenv("DEV_DATABASE_URL")
	if pg == "" {
		pgDir := filepath.Join(tmp, "pg")
		if err := os.Mkdir(pgDir, 0o755); err != nil {
			return err
		}
		if err := os.Chmod(tmp, 0o755); err != nil {
			return err
		}
		out, err := exec.Command("scripts/postgres.sh", "start", pgDir).Output()
		if err != nil {
			return fmt.Errorf("start a throw-away Postgres: %w", err)
		}
		defer exec.Command("scripts/postgres.sh", "stop", pgDir).Run() //nolint:errcheck
		lines := strings.Fields(string(out))
		pg = lines[len(lines)-1]
	}
	for dia, url := range map[string]string{"sqlite": "sqlite://" + filepath.Join(tmp, "dev.db"), "postgres": pg} {
		dev, err := storage.Open(ctx, url)
		if err != nil {
			return err
		}
		wrote, err := storage.GenerateMigration(ctx, dev, filepath.Join(root, dia), name)
		dev.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", dia, err)
		}
		if wrote {
			fmt.Printf("%s: wrote %s/%s/…_%s.sql\n", dia, root, dia, name)
		} else {
			fmt.Printf("%s: the files already match ent/schema\n", dia)
		}
	}
	return nil
}
