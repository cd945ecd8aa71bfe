package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"time"

	"switchboard/ent/conversation"
	"switchboard/ent/schema/enum"
	"switchboard/internal/auth"
	"switchboard/internal/desk"
	"switchboard/internal/directory"
	"switchboard/internal/events"
	"switchboard/internal/httpapi"
	"switchboard/internal/storage"
	"switchboard/internal/tenant"
)

// runClaim measures claim+release pairs through GraphQL over HTTP against the bare conditional
// SQL UPDATEs a claim and a release need, at several concurrencies, on one database.
func runClaim(args []string) error {
	fs := flag.NewFlagSet("claim", flag.ContinueOnError)
	dbURL := fs.String("db", env("BENCH_DATABASE_URL", ""), "Postgres server URL (empty: start a throw-away one)")
	clientsFlag := fs.String("clients", "1,16,64", "concurrent clients")
	duration := fs.Duration("duration", 10*time.Second, "measuring time per concurrency and path")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the GraphQL runs to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	levels, err := parseInts(*clientsFlag)
	if err != nil {
		return err
	}
	ctx := context.Background()
	db, cleanup, err := database(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer cleanup()

	maxClients := slices.Max(levels)
	fx, err := claimFixture(ctx, db, maxClients)
	if err != nil {
		return err
	}
	bus := events.NewBus(db.Client, db.URL)
	bctx, stopBus := context.WithCancel(ctx)
	defer stopBus()
	go bus.Run(bctx)
	srv := httptest.NewServer(httpapi.New(httpapi.Config{AccessLog: slog.New(slog.DiscardHandler)}, httpapi.Deps{DB: db, Bus: bus}))
	defer srv.Close()
	if err := fx.login(srv.URL); err != nil {
		return err
	}
	httpClient := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: maxClients * 2, MaxConnsPerHost: maxClients * 2}}

	fmt.Printf("claim benchmark: Postgres, %d s per run, GOMAXPROCS=%d\n", int(duration.Seconds()), runtimeProcs())
	fmt.Printf("%-8s %-8s %10s %14s %14s %8s %9s %9s\n", "clients", "path", "pairs/s", "claim p50 ms", "claim p99 ms", "errors", "cpu go", "cpu pg")
	for _, n := range levels {
		sqlRes := measure(n, *duration, func(i int) (time.Duration, error) { return fx.sqlPair(ctx, db, i) })
		stop := startProfile(*cpuProfile)
		ops, batches := desk.HotDecided(), desk.HotBatches()
		gqlRes := measure(n, *duration, func(i int) (time.Duration, error) { return fx.graphQLPair(httpClient, srv.URL, i) })
		ops, batches = desk.HotDecided()-ops, desk.HotBatches()-batches
		stop()
		floor := measure(n, *duration, func(i int) (time.Duration, error) { return fx.transportPair(httpClient, srv.URL, i) })
		sqlRes.print(n, "sql")
		gqlRes.print(n, "graphql")
		floor.print(n, "http")
		fmt.Printf("%-8d hot path: %d claims and releases in %d batches (%.1f per batch)\n", n, ops, batches, float64(ops)/float64(max(batches, 1)))
		fmt.Printf("%-8d ratio graphql/sql throughput: %.2f (two authenticated GraphQL requests that touch no conversation: %.2f)\n",
			n, gqlRes.rate()/sqlRes.rate(), floor.rate()/sqlRes.rate())
	}
	return fx.verify(ctx, db)
}

type claimFx struct {
	workspace int
	agents    []int
	convs     []int
	tokens    []string
	emails    []string
}

func claimFixture(ctx context.Context, db *storage.DB, n int) (*claimFx, error) {
	sys := tenant.System(ctx)
	dir := directory.New(db.Client, nil)
	ws, err := dir.CreateWorkspace(sys, "Bench", "bench", "admin@bench.test", "Admin", "bench-password")
	if err != nil {
		return nil, err
	}
	if _, err := db.Client.Workspace.UpdateOneID(ws.ID).SetMaxClaimsPerAgent(1000).Save(sys); err != nil {
		return nil, err
	}
	admin, err := db.Client.Agent.Query().Where().First(sys)
	if err != nil {
		return nil, err
	}
	actx := auth.WithViewer(ctx, &auth.Viewer{AgentID: admin.ID, WorkspaceID: ws.ID, Role: enum.RoleSuperAdmin, Kind: enum.KindHuman})
	fx := &claimFx{workspace: ws.ID}
	pw := "bench-password"
	for i := range n {
		email := fmt.Sprintf("agent%03d@bench.test", i)
		a, err := dir.CreateAgent(actx, directory.AgentInput{Email: &email, Password: &pw, Name: email,
			Channels: []directory.ChannelCapacity{{Channel: enum.ChannelSMS, Capacity: 1000}}})
		if err != nil {
			return nil, err
		}
		fx.agents = append(fx.agents, a.ID)
		fx.emails = append(fx.emails, email)
		// One conversation per client (each with its own customer handle), so runs measure the
		// claim path, not contention; the race tests cover contention.
		c, err := db.Client.Customer.Create().SetWorkspaceID(ws.ID).SetName(email).Save(sys)
		if err != nil {
			return nil, err
		}
		conv, err := db.Client.Conversation.Create().SetWorkspaceID(ws.ID).SetCustomerID(c.ID).SetChannel(enum.ChannelSMS).
			SetQueuedSince(time.Now()).Save(sys)
		if err != nil {
			return nil, err
		}
		fx.convs = append(fx.convs, conv.ID)
	}
	return fx, nil
}

func (fx *claimFx) login(base string) (err error) {
	fx.tokens, err = signIn(base, fx.emails)
	return err
}

const (
	claimQ   = `mutation($id:ID!){claimConversation(id:$id){id version}}`
	releaseQ = `mutation($id:ID!){releaseConversation(id:$id){id version}}`
)

// graphQLPair claims and releases through GraphQL over HTTP; it returns the claim's latency.
func (fx *claimFx) graphQLPair(c *http.Client, base string, i int) (time.Duration, error) {
	id := fmt.Sprint(fx.convs[i])
	start := time.Now()
	if err := gql(c, base, fx.tokens[i], claimQ, map[string]any{"id": id}, nil); err != nil {
		return 0, err
	}
	claimed := time.Since(start)
	return claimed, gql(c, base, fx.tokens[i], releaseQ, map[string]any{"id": id}, nil)
}

// transportPair is what the HTTP and GraphQL layers cost alone: the same two authenticated
// requests as a pair, with a query that reads nothing but the viewer's session.
func (fx *claimFx) transportPair(c *http.Client, base string, i int) (time.Duration, error) {
	start := time.Now()
	if err := gql(c, base, fx.tokens[i], `{__typename}`, nil, nil); err != nil {
		return 0, err
	}
	first := time.Since(start)
	return first, gql(c, base, fx.tokens[i], `{__typename}`, nil, nil)
}

// sqlPair is the floor: the two conditional UPDATEs that claiming and releasing need, each in
// its own implicit transaction; it returns the claim's latency.
func (fx *claimFx) sqlPair(ctx context.Context, db *storage.DB, i int) (time.Duration, error) {
	start := time.Now()
	res, err := db.SQL.ExecContext(ctx, `UPDATE conversations SET owner_id = $1, human_owned = true, claimed_at = now(),
		queued_since = NULL, version = version + 1 WHERE id = $2 AND (owner_id IS NULL OR NOT human_owned)`, fx.agents[i], fx.convs[i])
	if err != nil {
		return 0, err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return 0, fmt.Errorf("sql claim affected %d rows", n)
	}
	claimed := time.Since(start)
	_, err = db.SQL.ExecContext(ctx, `UPDATE conversations SET owner_id = NULL, human_owned = false, claimed_at = NULL,
		queued_since = now(), version = version + 1 WHERE id = $2 AND owner_id = $1`, fx.agents[i], fx.convs[i])
	return claimed, err
}

// verify checks the database after the run: no conversation with two owners is possible by
// construction, so it checks that nothing is left owned and no human holds two locks (L2).
func (fx *claimFx) verify(ctx context.Context, db *storage.DB) error {
	sys := tenant.System(ctx)
	owned, err := db.Client.Conversation.Query().Where(conversation.OwnerIDNotNil()).Count(sys)
	if err != nil {
		return err
	}
	var doubleLocks int
	if err := db.SQL.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT lock_holder_id FROM conversations
		WHERE human_lock GROUP BY lock_holder_id HAVING count(*) > 1) d`).Scan(&doubleLocks); err != nil {
		return err
	}
	fmt.Printf("after the run: %d conversations left owned (want 0), %d agents holding two locks (want 0)\n", owned, doubleLocks)
	if owned != 0 || doubleLocks != 0 {
		return fmt.Errorf("database check failed")
	}
	return nil
}

func gql(c *http.Client, base, token, query string, vars map[string]any, out any) error {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, base+"/query", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var r struct {
		Errors []struct{ Message string }
	}
	_ = json.Unmarshal(raw, &r)
	if resp.StatusCode != 200 || len(r.Errors) > 0 {
		return fmt.Errorf("graphql: HTTP %d %s", resp.StatusCode, raw)
	}
	if out != nil {
		return json.Unmarshal(raw, out)
	}
	return nil
}

// result is one measured run.
type result struct {
	pairs     int
	errors    int
	latencies []time.Duration
	elapsed   time.Duration
	firstErr  error
	// processor time at the start and end of the measured part (cpu.go)
	cpuStart, cpuEnd cpuClock
}

func (r result) rate() float64 { return float64(r.pairs) / r.elapsed.Seconds() }

func (r result) pct(p float64) float64 {
	if len(r.latencies) == 0 {
		return 0
	}
	return float64(r.latencies[int(float64(len(r.latencies)-1)*p)].Microseconds()) / 1000
}

func (r result) print(n int, path string) {
	self, pg := r.cpuEnd.perOp(r.cpuStart, r.pairs)
	fmt.Printf("%-8d %-8s %10.0f %14.2f %14.2f %8d %9.2f %9.2f\n", n, path, r.rate(), r.pct(0.50), r.pct(0.99), r.errors, self, pg)
	if r.firstErr != nil {
		fmt.Printf("         first error: %v\n", r.firstErr)
	}
}

// measure runs pair(i) in a loop on n clients for d (after a short warm-up) and collects the
// claim latency pair reports.
func measure(n int, d time.Duration, pair func(i int) (time.Duration, error)) result {
	warm := time.Now().Add(d / 10)
	for time.Now().Before(warm) {
		_, _ = pair(0)
	}
	var mu sync.Mutex
	var res result
	var wg sync.WaitGroup
	res.cpuStart = readCPU()
	start := time.Now()
	deadline := start.Add(d)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lat []time.Duration
			errs := 0
			var first error
			for time.Now().Before(deadline) {
				l, err := pair(i)
				if err != nil {
					errs++
					if first == nil {
						first = err
					}
					continue
				}
				lat = append(lat, l)
			}
			mu.Lock()
			res.latencies = append(res.latencies, lat...)
			res.errors += errs
			if res.firstErr == nil {
				res.firstErr = first
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	res.cpuEnd = readCPU()
	res.pairs = len(res.latencies)
	slices.Sort(res.latencies)
	return res
}
