package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"switchboard/internal/storage"
)

const migrateUsage = `usage: switchboard migrate [--database-url URL] status | up | dry-run
  status   the database's last migration and the ones pending
  up       apply the pending migrations, each in its own transaction
  dry-run  print the SQL that up would run, without running it`

// migrateCommand runs `switchboard migrate …` on DATABASE_URL (or --database-url).
func migrateCommand(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("switchboard migrate", flag.ContinueOnError)
	fs.SetOutput(out)
	url := fs.String("database-url", os.Getenv("DATABASE_URL"), "postgres://… or sqlite://path; empty: ./switchboard.db (DATABASE_URL)")
	direct := fs.String("database-direct-url", os.Getenv("DATABASE_DIRECT_URL"), "behind PgBouncer: a postgres:// URL that bypasses it (DATABASE_DIRECT_URL)")
	fs.Usage = func() { fmt.Fprintln(out, migrateUsage) }
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New(migrateUsage)
	}
	ctx := context.Background()
	db, err := storage.Open(ctx, *url, directURL(*direct)...)
	if err != nil {
		return err
	}
	defer db.Close()
	switch fs.Arg(0) {
	case "status":
		st, err := db.Status(ctx)
		if err != nil {
			return err
		}
		printStatus(out, st)
		return nil
	case "up":
		before, err := db.Status(ctx)
		if err != nil {
			return err
		}
		if err := db.Migrate(ctx); err != nil {
			return err
		}
		after, err := db.Status(ctx)
		if err != nil {
			return err
		}
		switch {
		case before.Legacy:
			fmt.Fprintf(out, "brought a database made before versioned migrations up to date; now at %s\n", after.Current)
		case len(before.Pending) == 0:
			fmt.Fprintf(out, "already up to date at %s\n", after.Current)
		default:
			for _, f := range before.Pending {
				fmt.Fprintf(out, "applied %s\n", f.Name())
			}
			fmt.Fprintf(out, "now at %s\n", after.Current)
		}
		return nil
	case "dry-run":
		return db.WritePending(ctx, out)
	}
	return errors.New(migrateUsage)
}

func printStatus(out io.Writer, st *storage.MigrationStatus) {
	switch {
	case st.Legacy:
		fmt.Fprintln(out, "made before versioned migrations: `switchboard migrate up` brings it up to date")
	case st.Current == "":
		fmt.Fprintln(out, "empty: `switchboard migrate up` (or the first start) sets it up")
	default:
		fmt.Fprintf(out, "at %s\n", st.Current)
	}
	for _, v := range st.Unknown {
		fmt.Fprintf(out, "unknown to this server: %s (a newer version migrated it; run the newer server)\n", v)
	}
	if st.Dirty != "" {
		fmt.Fprintf(out, "failed part way: %s\n", st.Dirty)
	}
	for _, f := range st.Pending {
		fmt.Fprintf(out, "pending: %s\n", f.Name())
	}
	if len(st.Pending) == 0 && len(st.Unknown) == 0 && !st.Legacy && st.Current != "" {
		fmt.Fprintln(out, "up to date")
	}
}
