// Command bench measures Switchboard on Postgres and prints figures with ratios against a
// baseline measured in the same run (STYLE 10).
//
//	go run ./cmd/bench claim [-db postgres://…] [-clients 1,16,64] [-duration 10s] [-rounds 5] [-durable=false]
//	go run ./cmd/bench fanout [-db postgres://…] [-subscribers 500,2000] [-rounds 100] [-idle 10000]
//	go run ./cmd/bench route [-db postgres://…] [-agents 200] [-burst 10000] [-arrivals 2000]
//	go run ./cmd/bench analytics [-db postgres://…] [-agents 200] [-days 365]
//	go run ./cmd/bench search [-db postgres://…] [-conversations 1825000] [-runs 200]
//	go run ./cmd/bench scale [-db postgres://…] [-instances 3] [-connections 10000] [-supervisors 500] [-rate 200] [-duration 60s]
//
// Without -db (or BENCH_DATABASE_URL) it starts a throw-away Postgres with scripts/postgres.sh:
// with Postgres's durability for the claim benchmark (its commits are what it measures), with fsync
// off as the tests run it for the others.
package main

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"switchboard/internal/httpapi"
	"switchboard/internal/storage"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: bench claim|fanout|route|analytics|search|scale [flags]")
		os.Exit(2)
	}
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	httpapi.TuneGC() // as the server binary does
	// As the server binary does with its database: the throw-away Postgres is on this machine.
	httpapi.TuneProcs(env("BENCH_DATABASE_URL", "postgres://127.0.0.1/"))
	var err error
	switch os.Args[1] {
	case "claim":
		err = runClaim(os.Args[2:])
	case "fanout":
		err = runFanout(os.Args[2:])
	case "fanout-clients": // the fan-out benchmark's subscribers, in their own process
		err = runFanoutClients(os.Args[2:])
	case "route":
		err = runRoute(os.Args[2:])
	case "analytics":
		err = runAnalytics(os.Args[2:])
	case "search":
		err = runSearch(os.Args[2:])
	case "scale":
		err = runScale(os.Args[2:])
	default:
		err = fmt.Errorf("unknown benchmark %q (have: claim, fanout, route, analytics, search, scale)", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// database returns a fresh, migrated Postgres database for the benchmark and a cleanup func. A
// throw-away server it starts itself keeps Postgres's durability when durable is set (see
// scripts/postgres.sh), and runs with fsync off as the tests do otherwise.
func database(ctx context.Context, serverURL string, durable bool) (*storage.DB, func(), error) {
	var cleanups []func()
	cleanup := func() {
		for i := len(cleanups) - 1; i >= 0; i-- {
			cleanups[i]()
		}
	}
	if serverURL == "" {
		dir, err := os.MkdirTemp("", "switchboard-bench-pg")
		if err != nil {
			return nil, nil, err
		}
		args := []string{"start", dir}
		if durable {
			args = append(args, "durable")
		}
		out, err := exec.Command("scripts/postgres.sh", args...).Output()
		if err != nil {
			return nil, nil, fmt.Errorf("start postgres (run from the repository root): %w", err)
		}
		cleanups = append(cleanups, func() { _ = exec.Command("scripts/postgres.sh", "stop", dir).Run() })
		serverURL = strings.TrimSpace(string(out))
	}
	admin, err := sql.Open("pgx", serverURL)
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	name := fmt.Sprintf("switchboard_bench_%d", os.Getpid())
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		admin.Close()
		cleanup()
		return nil, nil, fmt.Errorf("create database: %w", err)
	}
	cleanups = append(cleanups, func() {
		_, _ = admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		admin.Close()
	})
	u, _ := url.Parse(serverURL)
	u.Path = "/" + name
	db, err := storage.Open(ctx, u.String())
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	cleanups = append(cleanups, func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		cleanup()
		return nil, nil, err
	}
	return db, cleanup, nil
}

// durability says how the server commits: its fsync and synchronous_commit settings.
func durability(ctx context.Context, db *storage.DB) string {
	var fsync, syncCommit string
	if err := db.SQL.QueryRowContext(ctx, "SELECT current_setting('fsync'), current_setting('synchronous_commit')").Scan(&fsync, &syncCommit); err != nil {
		return "settings unknown: " + err.Error()
	}
	return "fsync " + fsync + ", synchronous_commit " + syncCommit
}

func env(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func parseInts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		var n int
		if _, err := fmt.Sscan(strings.TrimSpace(f), &n); err != nil || n < 1 {
			return nil, fmt.Errorf("bad number %q", f)
		}
		out = append(out, n)
	}
	return out, nil
}

func runtimeProcs() int { return runtime.GOMAXPROCS(0) }

// startProfile starts a CPU profile into path (appending the concurrency is left to the caller's
// runs: the last run wins); "" does nothing.
func startProfile(path string) func() {
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench: profile:", err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return func() {}
	}
	return func() { pprof.StopCPUProfile(); f.Close() }
}

// signIn logs every email in with the benchmarks' password and returns the session tokens.
func signIn(base string, emails []string) ([]string, error) {
	tokens := make([]string, 0, len(emails))
	for _, email := range emails {
		var out struct {
			Data struct{ Login struct{ Token string } }
		}
		if err := gql(http.DefaultClient, base, "", `mutation($e:String!){login(email:$e,password:"bench-password"){token}}`, map[string]any{"e": email}, &out); err != nil {
			return nil, err
		}
		tokens = append(tokens, out.Data.Login.Token)
	}
	return tokens, nil
}

// flushTime is what waiting for the write-ahead log's flush adds to a commit on db: the mean time of
// single-row commits with synchronous_commit on, minus the same with it off. The claim benchmark's
// ratio depends on it: the bare UPDATEs flush once per statement, a batch once for all of its
// operations.
func flushTime(ctx context.Context, db *storage.DB) (time.Duration, error) {
	conn, err := db.SQL.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS bench_flush (id bigint)"); err != nil {
		return 0, err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS bench_flush") //nolint:errcheck // a leftover table is harmless
	const n = 200
	mean := func(sync string) (time.Duration, error) {
		if _, err := conn.ExecContext(ctx, "SET synchronous_commit = "+sync); err != nil {
			return 0, err
		}
		start := time.Now()
		for i := range n {
			if _, err := conn.ExecContext(ctx, "INSERT INTO bench_flush VALUES ($1)", i); err != nil {
				return 0, err
			}
		}
		return time.Since(start) / n, nil
	}
	off, err := mean("off")
	if err != nil {
		return 0, err
	}
	on, err := mean("on")
	if err != nil {
		return 0, err
	}
	_, err = conn.ExecContext(ctx, "RESET synchronous_commit")
	return max(on-off, 0), err
}
