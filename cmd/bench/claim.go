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
	durable := fs.Bool("durable", true, "a throw-away Postgres keeps its durability (false: fsync off, as the tests run it)")
	rounds := fs.Int("rounds", 5, "alternate the paths in this many rounds (the machine's speed drifts)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the GraphQL runs to this file (one round)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	levels, err := parseInts(*clientsFlag)
	if err != nil {
		return err
	}
	if *cpuProfile != "" || *rounds < 1 {
		*rounds = 1
	}
	slice := *duration / time.Duration(*rounds)
	ctx := context.Background()
	db, cleanup, err := database(ctx, *dbURL, *durable)
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
	srv := httptest.NewServer(httpapi.New(httpapi.Config{AccessLog: slog.New(slog.DiscardHandler), Limits: httpapi.Limits{Off: true}}, httpapi.Deps{DB: db, Bus: bus}))
	defer srv.Close()
	if err := fx.login(srv.URL); err != nil {
		return err
	}
	httpClient := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: maxClients * 2, MaxConnsPerHost: maxClients * 2}}

	flush := "unknown"
	if d, err := flushTime(ctx, db); err == nil {
		flush = fmt.Sprintf("%d µs", d.Microseconds())
	}
	fmt.Printf("claim benchmark: Postgres (%s; a commit's flush adds %s), %s per path at each concurrency in %d alternating rounds of %s, GOMAXPROCS=%d\n",
		durability(ctx, db), flush, *duration, *rounds, slice, runtimeProcs())
	fmt.Printf("%-8s %-8s %10s %14s %14s %8s %9s %9s %8s\n", "clients", "path", "pairs/s", "claim p50 ms", "claim p99 ms", "errors", "cpu go", "cpu pg", "pg top")
	for _, n := range levels {
		var sqlRes, gqlRes, floor result
		var ops, batches int64
		for range *rounds {
			sqlRes.add(measure(n, slice, func(i int) (time.Duration, error) { return fx.sqlPair(ctx, db, i) }))
			stop := startProfile(*cpuProfile)
			ops0, batches0 := desk.HotDecided(), desk.HotBatches()
			gqlRes.add(measure(n, slice, func(i int) (time.Duration, error) { return fx.graphQLPair(httpClient, srv.URL, i) }))
			ops, batches = ops+desk.HotDecided()-ops0, batches+desk.HotBatches()-batches0
			stop()
			floor.add(measure(n, slice, func(i int) (time.Duration, error) { return fx.transportPair(httpClient, srv.URL, i) }))
		}
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
	// each client's Authorization header and request bodies (login)
	auth             []string
	claims, releases [][]byte
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
	if fx.tokens, err = signIn(base, fx.emails); err != nil {
		return err
	}
	// Each client's requests are encoded once: the load generator should cost as little as
	// database/sql does on the bare SQL path.
	for i, t := range fx.tokens {
		id := fmt.Sprint(fx.convs[i])
		fx.auth = append(fx.auth, "Bearer "+t)
		fx.claims = append(fx.claims, requestBody(claimQ, map[string]any{"id": id}))
		fx.releases = append(fx.releases, requestBody(releaseQ, map[string]any{"id": id}))
	}
	return nil
}

const (
	claimQ   = `mutation($id:ID!){claimConversation(id:$id){id version}}`
	releaseQ = `mutation($id:ID!){releaseConversation(id:$id){id version}}`
)

// graphQLPair claims and releases through GraphQL over HTTP; it returns the claim's latency.
func (fx *claimFx) graphQLPair(c *http.Client, base string, i int) (time.Duration, error) {
	start := time.Now()
	if err := post(c, base, fx.auth[i], fx.claims[i]); err != nil {
		return 0, err
	}
	claimed := time.Since(start)
	return claimed, post(c, base, fx.auth[i], fx.releases[i])
}

// transportPair is what the HTTP and GraphQL layers cost alone: the same two authenticated
// requests as a pair, with a query that reads nothing but the viewer's session.
func (fx *claimFx) transportPair(c *http.Client, base string, i int) (time.Duration, error) {
	start := time.Now()
	if err := post(c, base, fx.auth[i], typenameBody); err != nil {
		return 0, err
	}
	first := time.Since(start)
	return first, post(c, base, fx.auth[i], typenameBody)
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

var typenameBody = requestBody(`{__typename}`, nil)

func requestBody(query string, vars map[string]any) []byte {
	b, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	return b
}

// post sends a GraphQL request body encoded beforehand; anything but an answer without errors
// is an error. The claim benchmark's clients check the answer for an "errors" key without
// decoding it, as cheaply as database/sql checks the bare SQL's.
func post(c *http.Client, base, auth string, body []byte) error {
	raw, err := exchange(c, base, auth, body)
	if err == nil && bytes.Contains(raw, []byte(`"errors"`)) {
		err = fmt.Errorf("graphql: %s", raw)
	}
	return err
}

// gql sends query with vars (as the session token's holder, if any) and decodes the answer's
// data into out; an answer with errors is an error.
func gql(c *http.Client, base, token, query string, vars map[string]any, out any) error {
	auth := ""
	if token != "" {
		auth = "Bearer " + token
	}
	raw, err := exchange(c, base, auth, requestBody(query, vars))
	if err != nil {
		return err
	}
	var r struct {
		Errors []struct{ Message string }
	}
	_ = json.Unmarshal(raw, &r)
	if len(r.Errors) > 0 {
		return fmt.Errorf("graphql: %s", raw)
	}
	if out != nil {
		return json.Unmarshal(raw, out)
	}
	return nil
}

// exchange posts a GraphQL request body and returns the answer's body; a status other than 200
// is an error.
func exchange(c *http.Client, base, auth string, body []byte) ([]byte, error) {
	req, err := http.NewRequest(http.MethodPost, base+"/query", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header = http.Header{"Content-Type": {"application/json"}}
	if auth != "" {
		req.Header["Authorization"] = []string{auth}
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("graphql: HTTP %d %s", resp.StatusCode, raw)
	}
	return raw, nil
}

// result is one path's measured runs.
type result struct {
	pairs     int
	errors    int
	latencies []time.Duration // each pair's claim, in no order (print sorts them)
	elapsed   time.Duration
	firstErr  error
	cpu       cpuUse // processor time in the measured parts (cpu.go)
}

// add merges another run of the same path into r.
func (r *result) add(o result) {
	r.pairs += o.pairs
	r.errors += o.errors
	r.latencies = append(r.latencies, o.latencies...)
	r.elapsed += o.elapsed
	if r.firstErr == nil {
		r.firstErr = o.firstErr
	}
	r.cpu = r.cpu.add(o.cpu)
}

func (r result) rate() float64 { return float64(r.pairs) / r.elapsed.Seconds() }

func (r result) pct(p float64) float64 {
	if len(r.latencies) == 0 {
		return 0
	}
	return float64(r.latencies[int(float64(len(r.latencies)-1)*p)].Microseconds()) / 1000
}

func (r result) print(n int, path string) {
	slices.Sort(r.latencies)
	self, pg := r.cpu.perOp(r.pairs)
	fmt.Printf("%-8d %-8s %10.0f %14.2f %14.2f %8d %9.2f %9.2f %8.2f\n", n, path, r.rate(), r.pct(0.50), r.pct(0.99), r.errors, self, pg,
		r.cpu.busiest.Seconds()/r.elapsed.Seconds())
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
	cpuStart := readCPU()
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
	res.cpu = readCPU().since(cpuStart)
	res.pairs = len(res.latencies)
	return res
}
