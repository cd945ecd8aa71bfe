package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"switchboard/ent/schema/enum"
	"switchboard/internal/analytics"
	"switchboard/internal/auth"
	"switchboard/internal/directory"
	"switchboard/internal/httpapi"
	"switchboard/internal/storage"
	"switchboard/internal/tenant"
)

// runAnalytics seeds a year of activity for a workspace of agents straight into Postgres (the
// conversations and the event log the desk would have written), then times the supervisor
// dashboard's queries (§8) through GraphQL over HTTP, against a query that reads no event.
func runAnalytics(args []string) error {
	fs := flag.NewFlagSet("analytics", flag.ContinueOnError)
	dbURL := fs.String("db", env("BENCH_DATABASE_URL", ""), "Postgres server URL (empty: start a throw-away one)")
	nAgents := fs.Int("agents", 200, "human agents")
	perDay := fs.Int("per-agent-day", 25, "conversations each agent handles per day")
	days := fs.Int("days", 365, "days of history")
	runs := fs.Int("runs", 50, "timed runs per query")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx := context.Background()
	db, cleanup, err := database(ctx, *dbURL, false)
	if err != nil {
		return err
	}
	defer cleanup()

	seedStart := time.Now()
	ws, err := analyticsFixture(ctx, db, *nAgents)
	if err != nil {
		return err
	}
	convs, evs, err := seedYear(ctx, db, ws, *perDay, *days)
	if err != nil {
		return err
	}
	fmt.Printf("analytics benchmark: Postgres, %d agents, %d days × %d conversations per agent and day: %d conversations, %d events (seeded in %.0f s)\n",
		*nAgents, *days, *perDay, convs, evs, time.Since(seedStart).Seconds())

	srv := httptest.NewServer(httpapi.New(httpapi.Config{AccessLog: slog.New(slog.DiscardHandler), Limits: httpapi.Limits{Off: true}}, httpapi.Deps{DB: db}))
	defer srv.Close()
	tokens, err := signIn(srv.URL, []string{"admin@analytics.test"})
	if err != nil {
		return err
	}
	const perf = `agent{id name} claims avgTimeToClaimSeconds avgFirstResponseSeconds released resolved load{channel count capacity}`
	const queue = `channel depth longestWaitSeconds slaBreaches`
	now := time.Now().UTC()
	queries := []struct{ name, query string }{
		{"me (reads no event: the baseline)", `{me{id name}}`},
		{"agentPerformance(days: 7)", `{agentPerformance(days:7){` + perf + `}}`},
		{"agentPerformance(days: 30)", `{agentPerformance(days:30){` + perf + `}}`},
		{"agentPerformance(from: 90 days ago)", fmt.Sprintf(`{agentPerformance(from:%q){%s}}`, now.AddDate(0, 0, -90).Format(time.RFC3339), perf)},
		{"agentPerformance(days: 365)", `{agentPerformance(days:365){` + perf + `}}`},
		{"queueStats (7 days)", `{queueStats{` + queue + `}}`},
		{"queueStats (30 days)", fmt.Sprintf(`{queueStats(from:%q){%s}}`, now.AddDate(0, 0, -30).Format(time.RFC3339), queue)},
		{"queueStats (365 days)", fmt.Sprintf(`{queueStats(from:%q){%s}}`, now.AddDate(0, 0, -365).Format(time.RFC3339), queue)},
	}
	fmt.Printf("\nfrom the event log alone (before the daily roll-up), %d runs each:\n", max(*runs/10, 3))
	if err := timeQueries(srv.URL, tokens[0], queries, max(*runs/10, 3)); err != nil {
		return err
	}
	start := time.Now()
	daysCounted := 0
	for {
		n, err := analytics.Rollup(ctx, db, time.Now())
		if err != nil {
			return err
		}
		daysCounted += n
		if n == 0 {
			break
		}
	}
	var rows int
	if err := db.SQL.QueryRowContext(ctx, `SELECT count(*) FROM daily_stats`).Scan(&rows); err != nil {
		return err
	}
	fmt.Printf("\nthe roll-up counted %d days into %d daily_stats rows in %.1f s (the server does this once a day, a day at a time)\n",
		daysCounted, rows, time.Since(start).Seconds())
	if _, err := db.SQL.ExecContext(ctx, `ANALYZE daily_stats`); err != nil {
		return err
	}
	fmt.Printf("with the daily roll-up (as the server runs), %d runs each:\n", *runs)
	return timeQueries(srv.URL, tokens[0], queries, *runs)
}

// timeQueries runs each query runs times, one at a time, and prints p50, p99 and max, and the
// p50 against the first query's (the baseline).
func timeQueries(url, token string, queries []struct{ name, query string }, runs int) error {
	fmt.Printf("%-50s %10s %10s %10s %14s\n", "query", "p50 ms", "p99 ms", "max ms", "p50 / baseline")
	var base float64
	for _, q := range queries {
		for range 3 { // warm the caches and the plans
			if err := gql(http.DefaultClient, url, token, q.query, nil, nil); err != nil {
				return fmt.Errorf("%s: %w", q.name, err)
			}
		}
		lat := make([]time.Duration, 0, runs)
		for range runs {
			start := time.Now()
			if err := gql(http.DefaultClient, url, token, q.query, nil, nil); err != nil {
				return fmt.Errorf("%s: %w", q.name, err)
			}
			lat = append(lat, time.Since(start))
		}
		slices.Sort(lat)
		ms := func(p float64) float64 { return float64(lat[int(float64(len(lat)-1)*p)].Microseconds()) / 1000 }
		if base == 0 {
			base = ms(0.5)
		}
		fmt.Printf("%-50s %10.1f %10.1f %10.1f %13.2f×\n", q.name, ms(0.5), ms(0.99), ms(1), ms(0.5)/base)
	}
	return nil
}

// analyticsFixture makes the workspace: an admin who signs in and n agents on every channel.
func analyticsFixture(ctx context.Context, db *storage.DB, n int) (int, error) {
	sys := tenant.System(ctx)
	dir := directory.New(db.Client, nil)
	ws, err := dir.CreateWorkspace(sys, "Analytics", "analytics", "admin@analytics.test", "Admin", "bench-password")
	if err != nil {
		return 0, err
	}
	admin, err := db.Client.Agent.Query().First(sys)
	if err != nil {
		return 0, err
	}
	actx := auth.WithViewer(ctx, &auth.Viewer{AgentID: admin.ID, WorkspaceID: ws.ID, Role: enum.RoleSuperAdmin, Kind: enum.KindHuman})
	var chans []directory.ChannelCapacity
	for _, ch := range enum.ChannelSMS.Values() {
		chans = append(chans, directory.ChannelCapacity{Channel: enum.Channel(ch), Capacity: 10})
	}
	var g errgroup.Group
	g.SetLimit(4)
	pw := "bench-password"
	for i := range n {
		g.Go(func() error {
			email := fmt.Sprintf("agent%03d@analytics.test", i)
			_, err := dir.CreateAgent(actx, directory.AgentInput{Email: &email, Password: &pw, Name: fmt.Sprintf("Agent %03d", i), Channels: chans})
			return err
		})
	}
	return ws.ID, g.Wait()
}

// seedYear writes, in a few set-based statements, what days of work leave behind: per agent and
// day perDay conversations (resolved, closed), each with the events the desk appends — created,
// message received, claimed (or routed) with its time-to-claim, lock acquired, first response
// with its duration, two replies, state changes, resolved (one in ten released instead), and an
// SLA breach for one in thirty. It returns the numbers of conversations and events.
func seedYear(ctx context.Context, db *storage.DB, ws, perDay, days int) (int64, int64, error) {
	stmts := []string{
		`SET session_replication_role = replica`, // seeding: the rows are consistent by construction, skip the foreign-key triggers
		`CREATE TEMP TABLE seed AS
			SELECT row_number() OVER () AS n, a.id AS agent,
				now() - make_interval(days => d) + make_interval(secs => (k * 86400.0 / $2) + (a.id % 600)) AS t,
				(ARRAY['SMS','LIVE_CHAT','WHATSAPP','EMAIL'])[1 + (a.id + k) % 4] AS channel
			FROM agents a, generate_series(1, $3) d, generate_series(0, $2 - 1) k
			WHERE a.workspace_id = $1 AND a.kind = 'HUMAN' AND a.role = 'AGENT'`,
		`INSERT INTO customers (created_at, name, workspace_id)
			SELECT now() - interval '400 days', 'Customer ' || g, $1 FROM generate_series(1, 20000) g`,
		`ALTER TABLE seed ADD COLUMN conv bigint`,
		`CREATE TEMP SEQUENCE seed_seq`, // the events' seq, in the order of their ids
		`WITH c AS (SELECT min(id) AS lo FROM customers WHERE workspace_id = $1),
			ins AS (INSERT INTO conversations (created_at, channel, status, state, is_open, version, tags, required_skills,
				human_owned, last_human_owner_id, customer_present, preview, last_message_at, updated_at, resolved_at, closed_at,
				customer_id, workspace_id)
				SELECT s.t, s.channel, 'RESOLVED', 'CLOSED', false, 9, '[]', '[]', false, s.agent, false, 'seeded',
					s.t + interval '20 minutes', s.t + interval '1 day', s.t + interval '20 minutes', s.t + interval '1 day',
					c.lo + s.n % 20000, $1
				FROM seed s, c ORDER BY s.n RETURNING id)
			SELECT count(*) FROM ins`,
		`UPDATE seed SET conv = c.id FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM conversations
			WHERE workspace_id = $1 AND preview = 'seeded') c WHERE c.n = seed.n`,
	}
	args := [][]any{nil, {ws, perDay, days}, {ws}, nil, nil, {ws}, {ws}}
	// Each event: type, offset from arrival, actor and subject (the agent or none), duration.
	evs := []struct {
		typ, at, actor, subject, duration, when string
	}{
		{"conversation.created", "interval '0'", "NULL", "NULL", "NULL", "true"},
		{"message.received", "interval '0'", "NULL", "NULL", "NULL", "true"},
		{"conversation.claimed", "(5 + n % 295) * interval '1 second'", "agent", "agent", "(5 + n % 295) * 1000", "n % 3 <> 0"},
		{"conversation.assigned", "(1 + n % 30) * interval '1 second'", "NULL", "agent", "(1 + n % 30) * 1000", "n % 3 = 0"},
		{"lock.acquired", "interval '5 minutes'", "agent", "agent", "NULL", "true"},
		{"conversation.first_response", "interval '6 minutes'", "agent", "agent", "(10 + n % 190) * 1000", "true"},
		{"message.sent", "interval '6 minutes'", "agent", "NULL", "NULL", "true"},
		{"message.sent", "interval '15 minutes'", "agent", "NULL", "NULL", "true"},
		{"conversation.state_changed", "interval '5 minutes'", "agent", "NULL", "NULL", "true"},
		{"conversation.resolved", "interval '20 minutes'", "agent", "NULL", "NULL", "n % 10 <> 0"},
		{"conversation.released", "interval '20 minutes'", "agent", "agent", "NULL", "n % 10 = 0"},
		{"conversation.state_changed", "interval '1 day'", "NULL", "NULL", "NULL", "true"},
		{"sla.breached", "interval '3 minutes'", "NULL", "NULL", "NULL", "n % 30 = 0"},
	}
	for _, e := range evs {
		stmts = append(stmts, fmt.Sprintf(`INSERT INTO events (created_at, type, version, duration_ms, conversation_id, actor_id, subject_id, workspace_id, seq)
			SELECT t + %s, '%s', 2, %s, conv, %s, %s, $1, nextval('seed_seq') FROM seed WHERE %s`, e.at, e.typ, e.duration, e.actor, e.subject, e.when))
		args = append(args, []any{ws})
	}
	stmts = append(stmts, `UPDATE workspaces SET event_seq = (SELECT count(*) FROM events WHERE workspace_id = $1) WHERE id = $1`,
		`DROP TABLE seed`, `SET session_replication_role = DEFAULT`)
	args = append(args, []any{ws}, nil, nil)

	conn, err := db.SQL.Conn(ctx) // the temporary table lives in one session
	if err != nil {
		return 0, 0, err
	}
	defer conn.Close()
	// Bulk loading: the event log's secondary indexes are built once afterwards, as a restore would.
	var indexes []string
	rows, err := conn.QueryContext(ctx, `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'events' AND indexname <> 'events_pkey'`)
	if err != nil {
		return 0, 0, err
	}
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			rows.Close()
			return 0, 0, err
		}
		indexes = append(indexes, def)
		stmts = append([]string{`DROP INDEX ` + name}, stmts...)
		args = append([][]any{nil}, args...)
	}
	rows.Close()
	stmts = append(stmts, indexes...)
	for range indexes {
		args = append(args, nil)
	}
	convStep := slices.IndexFunc(stmts, func(s string) bool { return strings.Contains(s, "ins AS (INSERT INTO conversations") })
	var convs int64
	for i, s := range stmts {
		if i == convStep {
			if err := conn.QueryRowContext(ctx, s, args[i]...).Scan(&convs); err != nil {
				return 0, 0, fmt.Errorf("seed conversations: %w", err)
			}
			continue
		}
		if _, err := conn.ExecContext(ctx, s, args[i]...); err != nil {
			return 0, 0, fmt.Errorf("seed step %d: %w", i, err)
		}
	}
	// As a database that grew over a year would be: vacuumed, analysed, its writes flushed.
	for _, s := range []string{`VACUUM ANALYZE`, `CHECKPOINT`} {
		if _, err := db.SQL.ExecContext(ctx, s); err != nil {
			return 0, 0, err
		}
	}
	var n int64
	err = db.SQL.QueryRowContext(ctx, `SELECT count(*) FROM events WHERE workspace_id = $1`, ws).Scan(&n)
	return convs, n, err
}
