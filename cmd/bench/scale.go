package main

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"flag"
	"fmt"
	"math"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"switchboard/ent"
	"switchboard/ent/agent"
	"switchboard/ent/schema/enum"
	"switchboard/internal/directory"
	"switchboard/internal/storage"
	"switchboard/internal/tenant"
)

// runScale is the scale benchmark (issue 23): -instances server processes of the real binary
// on one Postgres, -connections WebSocket connections spread over them from this process (agents
// with myQueue, notifications and lockChanged of a conversation the load moves; supervisors with
// workspaceEvents), and a driver making -rate changes per second over HTTP. It prints the latency
// from an event's commit to each receiver by subscription kind, deliveries per second, the
// servers' processor time per delivery, their memory per connection, the event path's load on
// Postgres, and checks the streams against the event log: nothing lost, nothing repeated.
func runScale(args []string) error {
	fs := flag.NewFlagSet("scale", flag.ContinueOnError)
	dbURL := fs.String("db", env("BENCH_DATABASE_URL", ""), "Postgres server URL (empty: start a throw-away one)")
	nConns := fs.Int("connections", 10000, "WebSocket connections, spread round-robin over the instances")
	nSups := fs.Int("supervisors", -1, "of which supervisors following workspaceEvents (-1: 5% of -connections)")
	rate := fs.Int("rate", 200, "changes per second (claims, steals, replies, resolves, arrivals)")
	duration := fs.Duration("duration", 60*time.Second, "how long the load runs")
	nInst := fs.Int("instances", 3, "server processes")
	nConvs := fs.Int("conversations", 250, "conversations the load moves (each by its own two working agents; at most agents/2)")
	profileDir := fs.String("profile", "", "save a CPU profile of each server over the load's middle half into this directory (server-N.pprof)")
	warmup := fs.Duration("warmup", 20*time.Second, "the load runs this long before the measured window (Postgres's plan caches and the connection pools fill, as on a server that has been running); its latency is printed apart")
	window := fs.Duration("window", 10*time.Second, "print lockChanged's p99 by windows this long of the log")
	logsDir := fs.String("logs", "", "keep each server's log in this directory (server-N.log; GODEBUG=gctrace=1 in the environment adds the collections)")
	drain := fs.Duration("drain", 60*time.Second, "after the load, how long to wait for every stream to catch up with the log")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *nSups < 0 {
		*nSups = *nConns / 20
	}
	nAgents := *nConns - *nSups
	if nAgents < 2 || *nInst < 1 || *rate < 1 {
		return fmt.Errorf("need at least 2 agent connections, 1 instance and a rate of 1")
	}
	*nConvs = max(1, min(*nConvs, nAgents/2))
	// The clients are not the servers: this process may use every core (main set it to the
	// servers' share).
	runtime.GOMAXPROCS(runtime.NumCPU())
	var rl syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl) == nil && rl.Cur < rl.Max {
		rl.Cur = rl.Max
		_ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &rl)
	}
	if int(rl.Cur) < *nConns+1000 {
		fmt.Fprintf(os.Stderr, "bench: warning: open files limited to %d for %d connections\n", rl.Cur, *nConns)
	}

	// Everything started is stopped on return and on an interrupt.
	var cleanMu sync.Mutex
	var cleanups []func()
	cleanup := func() {
		cleanMu.Lock()
		defer cleanMu.Unlock()
		for i := len(cleanups) - 1; i >= 0; i-- {
			cleanups[i]()
		}
		cleanups = nil
	}
	defer cleanup()
	atExit := func(f func()) { cleanMu.Lock(); cleanups = append(cleanups, f); cleanMu.Unlock() }
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	go func() {
		if _, ok := <-sigs; ok {
			fmt.Fprintln(os.Stderr, "bench: interrupted: stopping the servers and Postgres")
			cleanup()
			os.Exit(1)
		}
	}()

	ctx := context.Background()
	started := time.Now()
	tmp, err := os.MkdirTemp("", "switchboard-scale")
	if err != nil {
		return err
	}
	if *logsDir != "" {
		if err := os.MkdirAll(*logsDir, 0o755); err != nil {
			return err
		}
	}
	var bin string
	var buildErr error
	built := make(chan struct{})
	go func() { defer close(built); bin, buildErr = buildServer(tmp) }()
	db, stopDB, err := database(ctx, *dbURL, false)
	<-built
	if err != nil {
		return err
	}
	atExit(stopDB)
	keepLogs := false
	atExit(func() {
		if !keepLogs {
			os.RemoveAll(tmp)
		}
	})
	if buildErr != nil {
		return buildErr
	}
	fx, err := scaleFixture(ctx, db, nAgents, *nSups, 2**nConvs)
	if err != nil {
		return fmt.Errorf("fixture: %w", err)
	}
	logf("database and %d agents ready, server built (%s)", *nConns, time.Since(started).Round(time.Millisecond))

	servers := make([]*scaleServer, *nInst)
	errs := make([]error, *nInst)
	var wg sync.WaitGroup
	for i := range servers {
		wg.Add(1)
		go func() { defer wg.Done(); servers[i], errs[i] = startServer(bin, cmp.Or(*logsDir, tmp), db.URL, i) }()
	}
	wg.Wait()
	for _, s := range servers {
		if s != nil {
			atExit(s.stop)
		}
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	bases := make([]string, len(servers))
	for i, s := range servers {
		bases[i] = s.url
	}
	defer func() {
		for _, s := range servers {
			if out := tail(s.log); strings.Contains(out, `"level":"ERROR"`) {
				keepLogs = true
				fmt.Fprintf(os.Stderr, "bench: errors in %s (kept)\n", s.log)
			}
		}
	}()

	// The conversations: one customer each, arrived through the ingest path, waiting in the queue.
	client := &http.Client{Timeout: 30 * time.Second}
	convs := make([]*scaleConv, *nConvs)
	for k := range convs {
		var out struct {
			Data struct{ IngestCustomerMessage struct{ ID string } }
		}
		handle := fmt.Sprintf("+1555%07d", k)
		if err := gql(client, bases[k%len(bases)], fx.admin, `mutation($in:IngestMessageInput!){ingestCustomerMessage(input:$in){id}}`,
			map[string]any{"in": map[string]any{"channel": "SMS", "customerHandle": handle, "text": "Hello"}}, &out); err != nil {
			return fmt.Errorf("first arrival: %w", err)
		}
		var id int
		fmt.Sscan(out.Data.IngestCustomerMessage.ID, &id)
		convs[k] = &scaleConv{id: id, handle: handle, pair: [2]string{fx.tokens[2*k], fx.tokens[2*k+1]}}
	}
	var head struct{ Data struct{ EventCursor string } }
	if err := gql(client, bases[0], fx.admin, `{eventCursor}`, nil, &head); err != nil {
		return err
	}
	var startSeq int64
	fmt.Sscan(head.Data.EventCursor, &startSeq)

	// Connect: agents first (agent i follows the lock of conversation i mod n), then supervisors.
	memBefore := serverMemory(servers)
	cl := &scaleClients{window: max(*window, time.Second)}
	cl.measureFrom.Store(math.MaxInt64) // until the warm-up ends
	for i := range *nConns {
		c := &scaleConn{base: bases[i%len(bases)], token: fx.tokens[i], agent: fx.ids[i], sup: i >= nAgents}
		if !c.sup {
			c.conv = convs[i%len(convs)].id
		}
		for k := range c.after {
			c.after[k].Store(startSeq)
		}
		cl.conns = append(cl.conns, c)
	}
	live, stopClients := context.WithCancel(ctx)
	atExit(stopClients)
	connStart := time.Now()
	jobs := make(chan *scaleConn)
	var dialErr error
	var dialMu sync.Mutex
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range jobs {
				ws, kinds, err := cl.open(live, c)
				if err != nil {
					dialMu.Lock()
					dialErr = err
					dialMu.Unlock()
					continue
				}
				cl.connWG.Add(1)
				go func() { defer cl.connWG.Done(); cl.run(live, c, ws, kinds) }()
			}
		}()
	}
	for i, c := range cl.conns {
		dialMu.Lock()
		failed := dialErr
		dialMu.Unlock()
		if failed != nil {
			break
		}
		jobs <- c
		if (i+1)%1000 == 0 {
			logf("%d connections (%s)", i+1, time.Since(connStart).Round(time.Millisecond))
		}
	}
	close(jobs)
	wg.Wait()
	if dialErr != nil {
		stopClients()
		return fmt.Errorf("connect: %w", dialErr)
	}
	connTook := time.Since(connStart)
	time.Sleep(time.Duration(5+*nConns/1000) * time.Second) // the subscriptions register
	memAfter := serverMemory(servers)
	logf("%d connections open (%s)", *nConns, connTook.Round(time.Millisecond))

	// The warm-up, then the measured window: the load, then the drain until every stream has
	// caught up.
	pm := postmaster(ctx, db)
	d := newDriver(bases, fx.admin, convs, *rate)
	stop := make(chan struct{})
	loadDone := make(chan struct{})
	go func() { d.run(stop); close(loadDone) }()
	if *warmup > 0 {
		logf("warming up (%s)", *warmup)
		time.Sleep(*warmup)
	}
	cl.measureFrom.Store(time.Now().UnixNano())
	if err := gql(client, bases[0], fx.admin, `{eventCursor}`, nil, &head); err != nil {
		return err
	}
	var measuredSeq int64
	fmt.Sscan(head.Data.EventCursor, &measuredSeq)
	sent0 := d.sent.Load()
	w0 := readWindow(ctx, db, pm, servers, cl)
	var profiles sync.WaitGroup
	if *profileDir != "" {
		for i, s := range servers {
			profiles.Go(func() {
				time.Sleep(*duration / 4)
				if err := s.profile(filepath.Join(*profileDir, fmt.Sprintf("server-%d.pprof", i)), *duration/2); err != nil {
					fmt.Fprintf(os.Stderr, "bench: server %d: %v\n", i, err)
				}
			})
		}
	}
	time.Sleep(*duration)
	profiles.Wait()
	close(stop)
	<-loadDone
	loadEnd := time.Now()
	var endSeq int64
	caughtUp := false
	for time.Since(loadEnd) < *drain {
		if err := gql(client, bases[0], fx.admin, `{eventCursor}`, nil, &head); err != nil {
			return err
		}
		fmt.Sscan(head.Data.EventCursor, &endSeq)
		if cl.caughtUp(ctx, db, fx.ws, startSeq, endSeq) {
			caughtUp = true
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	drained := time.Since(loadEnd)
	w1 := readWindow(ctx, db, pm, servers, cl)
	time.Sleep(time.Second) // late duplicates would show
	stopClients()
	cl.connWG.Wait()

	// Report.
	rep, err := cl.check(ctx, db, fx.ws, startSeq, endSeq)
	if err != nil {
		return err
	}
	elapsed := w1.at.Sub(w0.at).Seconds()
	deliveries := w1.delivered - w0.delivered
	var cpu, wait time.Duration
	for i := range servers {
		cpu += w1.cpu[i] - w0.cpu[i]
		wait += w1.wait[i] - w0.wait[i]
	}
	sent := d.sent.Load()
	fmt.Printf("scale benchmark: %d server instances (GOMAXPROCS %s each, as the binary chooses), Postgres (%s), clients in this process (GOMAXPROCS %d), %d cores\n",
		len(servers), gomaxprocs(servers), durability(ctx, db), runtime.GOMAXPROCS(0), runtime.NumCPU())
	fmt.Printf("connections %d over %d instances: %d agents (lockChanged of 1 of %d conversations, myQueue, notifications; %d of them working), %d supervisors (workspaceEvents, all types)\n",
		*nConns, len(servers), nAgents, len(convs), 2*len(convs), *nSups)
	fmt.Printf("load %s after a warm-up of %s at %d changes/s: %d changes sent (%.1f/s), %d events in the log (%.1f/s); connecting took %s; drained %s after the load%s\n",
		*duration, *warmup, *rate, sent-sent0, float64(sent-sent0)/loadEnd.Sub(w0.at).Seconds(), endSeq-measuredSeq, float64(endSeq-measuredSeq)/loadEnd.Sub(w0.at).Seconds(),
		connTook.Round(time.Millisecond), drained.Round(time.Millisecond), map[bool]string{true: "", false: " (NOT caught up: gave up)"}[caughtUp])
	outcomes, m50, m99 := d.summary()
	fmt.Printf("changes by outcome (warm-up included): %s; mutation p50 %.1f ms, p99 %.1f ms; %d ticks skipped (every conversation busy)\n", strings.Join(outcomes, ", "), m50, m99, d.skipped)
	fmt.Println()
	fmt.Printf("%-16s %11s %10s %10s %10s %8s %6s %6s\n", "commit → receiver", "measured", "p50 ms", "p99 ms", "max ms", "checked", "lost", "dups")
	for k := range nKinds {
		r := rep.kinds[k]
		fmt.Printf("%-16s %11d %10s %10s %10s %8s %6s %6d\n", kindNames[k], r.n, fmtNum(r.p50), fmtNum(r.p99), fmtNum(r.max), r.checked, r.lostText(), r.dups)
	}
	if rep.warm.n.Load() > 0 {
		fmt.Printf("%-16s %11d %10s %10s %10s   (events of the warm-up, every kind; not in the figures above)\n", "warm-up", rep.warm.n.Load(),
			fmtNum(rep.warm.q(0.5)), fmtNum(rep.warm.q(0.99)), fmtNum(float64(rep.warm.maxUS.Load())/1000))
	}
	if len(rep.windows) > 1 {
		ws := make([]string, len(rep.windows))
		for i, w := range rep.windows {
			ws[i] = fmtNum(w)
		}
		fmt.Printf("lockChanged p99 ms by %s of the log, from the warm-up's start (%s): %s\n", cl.window, rep.windowsFrom.Format("15:04:05"), strings.Join(ws, ", "))
	}
	fmt.Println()
	perConn := memAfter.minus(memBefore, *nConns)
	fmt.Printf("events delivered:            %.0f/s (%d in %.1f s, every kind)\n", float64(deliveries)/elapsed, deliveries, elapsed)
	fmt.Printf("server processor time:       %.1f µs per delivered event (%.2f s of %d servers in %.1f s: %.0f%% of a core each)\n",
		float64(cpu.Microseconds())/float64(max(deliveries, 1)), cpu.Seconds(), len(servers), elapsed, 100*cpu.Seconds()/elapsed/float64(len(servers)))
	fmt.Printf("servers waiting for a core:  %.2f thread-seconds runnable but not running (%.0f%% of the window per server; /proc/<pid>/task/*/schedstat)\n",
		wait.Seconds(), 100*wait.Seconds()/elapsed/float64(len(servers)))
	pgCPU, selfCPU := w1.postgres-w0.postgres, w1.self-w0.self
	pgText := "n/a (not on this machine)"
	if pm != 0 {
		pgText = fmt.Sprintf("%.2f s (%.0f%% of a core)", pgCPU.Seconds(), 100*pgCPU.Seconds()/elapsed)
	}
	fmt.Printf("Postgres processor time:     %s; this process (clients, driver): %.2f s (%.0f%% of a core)\n", pgText, selfCPU.Seconds(), 100*selfCPU.Seconds()/elapsed)
	fmt.Printf("memory per connection:       %.1f KiB RSS, %s KiB Go heap in use; after a collection %s KiB live heap and %s KiB of goroutine stacks (servers' sum after connecting minus before, ÷ %d)\n",
		perConn.rss, fmtNum(perConn.heap), fmtNum(perConn.live), fmtNum(perConn.stacks), *nConns)
	fmt.Printf("Postgres load (event path):  %s\n", pgLoad(w0, w1, elapsed))
	lost := 0
	for _, r := range rep.kinds {
		lost += r.lost
	}
	closes := []string{}
	cl.closes.Range(func(k, v any) bool {
		closes = append(closes, fmt.Sprintf("%v ×%d", k, v.(interface{ Load() int64 }).Load()))
		return true
	})
	if len(closes) > 0 {
		slices.Sort(closes)
		fmt.Printf("connections closed by a server and resumed: %s\n", strings.Join(closes, ", "))
	}
	if rep.streamErrors > 0 {
		fmt.Printf("subscription errors: %d (first: %s)\n", rep.streamErrors, rep.firstError)
	}
	if lost > 0 || !caughtUp {
		return fmt.Errorf("%d events lost (streams against the event log)", lost)
	}
	return nil
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}

func fmtNum(f float64) string {
	if math.IsNaN(f) {
		return "n/a"
	}
	return fmt.Sprintf("%.1f", f)
}

// scaleFx is the workspace: agents (the first 2×conversations of them working) and supervisors,
// each with a session inserted directly (a login per agent costs an argon2id).
type scaleFx struct {
	ws     int
	admin  string
	tokens []string // agents, then supervisors
	ids    []int
}

func scaleFixture(ctx context.Context, db *storage.DB, nAgents, nSups, nWorking int) (*scaleFx, error) {
	sys := tenant.System(ctx)
	dir := directory.New(db.Client, nil)
	ws, err := dir.CreateWorkspace(sys, "Scale", "scale", "admin@scale.test", "Admin", "bench-password")
	if err != nil {
		return nil, err
	}
	// Claims are the driver's: no inception bot takes the arrivals, and the agents stay OFFLINE
	// so that routing gives them nothing and a reopened conversation goes back to the queue.
	if err := db.Client.Workspace.UpdateOneID(ws.ID).SetMaxClaimsPerAgent(1000).Exec(sys); err != nil {
		return nil, err
	}
	if err := db.Client.Agent.Update().Where(agent.WorkspaceID(ws.ID), agent.KindEQ(enum.KindVirtual)).SetActive(false).Exec(sys); err != nil {
		return nil, err
	}
	admin, err := db.Client.Agent.Query().Where(agent.WorkspaceID(ws.ID), agent.RoleEQ(enum.RoleSuperAdmin)).Only(sys)
	if err != nil {
		return nil, err
	}
	fx := &scaleFx{ws: ws.ID}
	expires := time.Now().Add(48 * time.Hour)
	session := func(id int) (*ent.SessionCreate, string) {
		b := make([]byte, 32)
		_, _ = rand.Read(b)
		token := "sbs_" + base64.RawURLEncoding.EncodeToString(b)
		sum := sha256.Sum256([]byte(token))
		return db.Client.Session.Create().SetWorkspaceID(ws.ID).SetAgentID(id).SetTokenHash(hex.EncodeToString(sum[:])).SetExpiresAt(expires), token
	}
	s, tok := session(admin.ID)
	if err := s.Exec(sys); err != nil {
		return nil, err
	}
	fx.admin = tok
	const chunk = 1000
	total := nAgents + nSups
	for from := 0; from < total; from += chunk {
		var as []*ent.AgentCreate
		for i := from; i < min(total, from+chunk); i++ {
			role, email := enum.RoleAgent, fmt.Sprintf("agent%05d@scale.test", i)
			if i >= nAgents {
				role, email = enum.RoleSupervisor, fmt.Sprintf("supervisor%05d@scale.test", i)
			}
			as = append(as, db.Client.Agent.Create().SetWorkspaceID(ws.ID).SetKind(enum.KindHuman).SetRole(role).SetName(email).SetEmail(email))
		}
		created, err := db.Client.Agent.CreateBulk(as...).Save(sys)
		if err != nil {
			return nil, err
		}
		var ss []*ent.SessionCreate
		var chans []*ent.AgentChannelCreate
		for k, a := range created {
			s, tok := session(a.ID)
			ss = append(ss, s)
			fx.tokens = append(fx.tokens, tok)
			fx.ids = append(fx.ids, a.ID)
			if from+k < nWorking {
				chans = append(chans, db.Client.AgentChannel.Create().SetWorkspaceID(ws.ID).SetAgentID(a.ID).SetChannel(enum.ChannelSMS).SetCapacity(20))
			}
		}
		if err := db.Client.Session.CreateBulk(ss...).Exec(sys); err != nil {
			return nil, err
		}
		if len(chans) > 0 {
			if err := db.Client.AgentChannel.CreateBulk(chans...).Exec(sys); err != nil {
				return nil, err
			}
		}
	}
	return fx, nil
}

// memory is what the servers hold, summed: RSS, Go heap in use, and, measured right after a
// collection each server runs first (its debug port's heap profile with gc=1), the live heap
// (the heap allocated then: nothing but what that collection kept) and the goroutines' stacks.
// The Go figures are NaN when /metrics has none.
type memory struct{ rss, heap, live, stacks float64 }

func serverMemory(servers []*scaleServer) memory {
	var m memory
	for _, s := range servers {
		if err := s.collect(); err != nil { // the live heap then holds garbage too: say so
			fmt.Fprintf(os.Stderr, "bench: warning: no collection before measuring memory: %v\n", err)
		}
		m.rss += float64(procRSS(s.pid()))
		x := scrape(s.url)
		for _, f := range []struct {
			to   *float64
			name string
		}{{&m.heap, "go_memstats_heap_inuse_bytes"}, {&m.live, "go_memstats_heap_alloc_bytes"}, {&m.stacks, "go_memstats_stack_inuse_bytes"}} {
			v, ok := x[f.name]
			if !ok {
				v = math.NaN()
			}
			*f.to += v
		}
	}
	return m
}

// minus is m less before, ÷ n, in KiB.
func (m memory) minus(before memory, n int) memory {
	per := func(a, b float64) float64 { return (a - b) / float64(n) / 1024 }
	return memory{per(m.rss, before.rss), per(m.heap, before.heap), per(m.live, before.live), per(m.stacks, before.stacks)}
}

func gomaxprocs(servers []*scaleServer) string {
	var out []string
	for _, s := range servers {
		m := scrape(s.url)
		if v, ok := m["go_sched_gomaxprocs_threads"]; ok {
			out = append(out, fmt.Sprint(v))
		} else {
			out = append(out, "?")
		}
	}
	return strings.Join(out, "/")
}

// window is what is read at either end of the measured window.
type window struct {
	at        time.Time
	delivered int64
	cpu       []time.Duration
	wait      []time.Duration    // the servers' time runnable but not running
	metrics   map[string]float64 // summed over the servers
	commits   int64              // the database's transactions (pg_stat_database)
	logScans  int64              // index and sequential scans of the events table (pg_stat_user_tables)
	logRows   int64              // rows they returned
	self      time.Duration      // this process: the clients and the driver
	postgres  time.Duration      // this benchmark's Postgres server
}

var busCounters = []string{"switchboard_bus_log_reads_total", "switchboard_bus_notifies_sent_total",
	"switchboard_bus_notifications_received_total", "switchboard_bus_sequence_passes_total"}

func readWindow(ctx context.Context, db *storage.DB, pm int, servers []*scaleServer, cl *scaleClients) window {
	w := window{at: time.Now(), delivered: cl.total.Load(), metrics: map[string]float64{}, self: readCPU().self, postgres: clusterCPU(pm)}
	for _, s := range servers {
		w.cpu = append(w.cpu, procCPU(s.pid()))
		w.wait = append(w.wait, procRunWait(s.pid()))
		for k, v := range scrape(s.url) {
			w.metrics[k] += v
		}
	}
	_ = db.SQL.QueryRowContext(ctx, `SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()`).Scan(&w.commits)
	_ = db.SQL.QueryRowContext(ctx, `SELECT coalesce(idx_scan, 0) + coalesce(seq_scan, 0), coalesce(idx_tup_fetch, 0) + coalesce(seq_tup_read, 0)
		FROM pg_stat_user_tables WHERE relname = 'events'`).Scan(&w.logScans, &w.logRows)
	return w
}

func pgLoad(w0, w1 window, secs float64) string {
	var parts []string
	for _, name := range busCounters {
		short := strings.TrimSuffix(strings.TrimPrefix(name, "switchboard_bus_"), "_total")
		v1, ok1 := w1.metrics[name]
		v0, ok0 := w0.metrics[name]
		if !ok0 || !ok1 {
			parts = append(parts, short+" n/a")
			continue
		}
		parts = append(parts, fmt.Sprintf("%s %.1f/s", short, (v1-v0)/secs))
	}
	parts = append(parts, fmt.Sprintf("events table scans %.0f/s returning %.0f rows/s (pg_stat_user_tables)", float64(w1.logScans-w0.logScans)/secs, float64(w1.logRows-w0.logRows)/secs))
	parts = append(parts, fmt.Sprintf("transactions %.0f/s (pg_stat_database, every client)", float64(w1.commits-w0.commits)/secs))
	return strings.Join(parts, ", ")
}
