// Command chaos proves Switchboard's promises under randomized concurrency and injected faults
// (issue 17, "Correct under fire"). It starts its own Postgres, builds the server, runs several
// server processes (each reaching Postgres through a proxy of its own, so that their connections
// can be cut mid-transaction), sets a workspace up over the API, and lets simulated agents, a
// channel connector (also the inception bot) and live followers work while it kills, stops,
// restarts and disconnects things. Then it checks the history:
//
//  1. linearizability (porcupine) of every conversation against a model of SPEC §2, §3 and §5
//     (model.go, check.go), and the invariants L1 and L7 on every state it saw (rules.go);
//  2. every live follower received exactly the event log, in order, and versions never go back;
//  3. every acknowledged write is there after the faults;
//  4. every due timer fired exactly once;
//  5. no INTERNAL_SERVER_ERROR and no HTTP 500.
//
// Usage, from the repository root:
//
//	go run ./cmd/chaos [-duration 60s] [-seed N] [-instances 2] [-agents 16] [-conversations 8]
//	    [-db postgres://…] [-faults kill,pgrestart,cut,slow,sigterm|all|none] [-out DIR]
//	    [-src .] [-bin server] [-followers 2] [-snapshot-every 1s] [-check-timeout 10s]
//
// The report (also out/report.txt) gives the seed to replay a run with; a violation's segment is
// listed in out/violations.txt with the event log beside it, and drawn by porcupine in
// out/violation-*.html. It exits 1 when a check fails, 2 when the run could not be carried out.
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"syscall"
	"time"
)

type config struct {
	duration       time.Duration
	seed           uint64
	instances      int
	agents         int
	conversations  int
	db             string
	faults         map[string]bool
	out            string
	src, bin       string
	followers      int
	snapshotEvery  time.Duration
	checkTimeout   time.Duration
	requestTimeout time.Duration
	cpuProfile     string
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func main() {
	var cfg config
	var faults string
	flag.DurationVar(&cfg.duration, "duration", 60*time.Second, "how long the workload runs")
	flag.Uint64Var(&cfg.seed, "seed", 0, "random seed (0: from the time; printed, to replay a run)")
	flag.IntVar(&cfg.instances, "instances", 2, "server processes")
	flag.IntVar(&cfg.agents, "agents", 16, "simulated human agents")
	flag.IntVar(&cfg.conversations, "conversations", 8, "customers, each with an open conversation at a time")
	flag.StringVar(&cfg.db, "db", os.Getenv("CHAOS_DATABASE_URL"), "a Postgres server to use (postgres://…; a database is created in it); empty: start one with scripts/postgres.sh")
	flag.StringVar(&faults, "faults", "kill,pgrestart,cut,slow,sigterm", "faults to inject: kill, pgrestart, cut, slow, sigterm, all or none")
	flag.StringVar(&cfg.out, "out", "", "directory for logs, the report and violation visualizations (default: a new one under the temp dir)")
	flag.StringVar(&cfg.src, "src", ".", "the repository: the server is built from it and scripts/postgres.sh is taken from it")
	flag.StringVar(&cfg.bin, "bin", "", "a server binary to run instead of building one")
	flag.IntVar(&cfg.followers, "followers", 2, "workspace followers per instance (plus one lockChanged follower each)")
	flag.DurationVar(&cfg.snapshotEvery, "snapshot-every", time.Second, "how often the conversations are read straight from Postgres")
	flag.DurationVar(&cfg.checkTimeout, "check-timeout", 10*time.Second, "porcupine's time limit per segment (past it: unknown)")
	flag.DurationVar(&cfg.requestTimeout, "request-timeout", 10*time.Second, "HTTP request timeout")
	flag.StringVar(&cfg.cpuProfile, "cpuprofile", "", "write the command's own CPU profile here")
	flag.Parse()
	var err error
	if cfg.faults, err = parseFaults(faults); err != nil {
		fmt.Fprintln(os.Stderr, "chaos:", err)
		os.Exit(2)
	}
	if cfg.db != "" && cfg.faults[faultPGRestart] {
		delete(cfg.faults, faultPGRestart)
		fmt.Fprintln(os.Stderr, "chaos: -db given: Postgres is not restarted (no pgrestart faults)")
	}
	if cfg.seed == 0 {
		cfg.seed = uint64(time.Now().UnixNano()) % 1_000_000_000
	}
	if cfg.instances < 1 || cfg.agents < 1 || cfg.conversations < 1 {
		fmt.Fprintln(os.Stderr, "chaos: -instances, -agents and -conversations must be at least 1")
		os.Exit(2)
	}
	if cfg.cpuProfile != "" {
		if f, err := os.Create(cfg.cpuProfile); err == nil {
			_ = pprof.StartCPUProfile(f)
			defer pprof.StopCPUProfile()
		}
	}
	failed, err := run(cfg)
	pprof.StopCPUProfile()
	if err != nil {
		fmt.Fprintln(os.Stderr, "chaos:", err)
		os.Exit(2)
	}
	if failed {
		os.Exit(1)
	}
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "chaos: "+format+"\n", args...)
}

func run(cfg config) (bool, error) {
	started := time.Now()
	clk := newClock()
	rng := rand.New(rand.NewPCG(cfg.seed, cfg.seed^0x9e3779b97f4a7c15))
	logf("seed %d", cfg.seed)
	src, err := filepath.Abs(cfg.src)
	if err != nil {
		return false, err
	}
	if cfg.out == "" {
		cfg.out = filepath.Join(os.TempDir(), fmt.Sprintf("chaos-%d", cfg.seed))
	}
	if err := os.MkdirAll(cfg.out, 0o755); err != nil {
		return false, err
	}
	// What an earlier run with this directory left.
	_ = os.RemoveAll(filepath.Join(cfg.out, "pg"))
	for _, pat := range []string{"violation*", "instance-*.log", "report.txt"} {
		old, _ := filepath.Glob(filepath.Join(cfg.out, pat))
		for _, f := range old {
			_ = os.Remove(f)
		}
	}
	ctx := context.Background()

	// Postgres and the server binary, side by side.
	var pg *Postgres
	var pgErr, buildErr error
	bin := cfg.bin
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		pg, pgErr = startPostgres(ctx, src, filepath.Join(cfg.out, "pg"), cfg.db)
	}()
	go func() {
		defer wg.Done()
		if bin != "" {
			return
		}
		bin = filepath.Join(cfg.out, "switchboard")
		cmd := exec.Command("go", "build", "-o", bin, ".")
		cmd.Dir = src
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	}()
	wg.Wait()
	if pg != nil {
		defer pg.stop()
		onInterrupt(pg.stop)
	}
	if pgErr != nil {
		return false, pgErr
	}
	if buildErr != nil {
		return false, buildErr
	}
	logf("postgres %s, server %s (%s)", pg.host, bin, time.Since(started).Round(time.Millisecond))
	direct, err := sql.Open("pgx", pg.dbURL)
	if err != nil {
		return false, err
	}
	defer direct.Close()
	direct.SetMaxOpenConns(4)

	cl, err := newCluster(bin, pg, cfg.instances, cfg.out, adminEmail, password)
	if err != nil {
		return false, err
	}
	stopped := false
	defer func() {
		if !stopped {
			cl.stopAll()
		}
	}()
	onInterrupt(func() { cl.kill() })
	if err := cl.start(0, 60*time.Second); err != nil { // the first one migrates and bootstraps
		return false, err
	}
	var startErr error
	var smu sync.Mutex
	for i := 1; i < cfg.instances; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := cl.start(i, 60*time.Second); err != nil {
				smu.Lock()
				startErr = err
				smu.Unlock()
			}
		}()
	}
	wg.Wait()
	if startErr != nil {
		return false, startErr
	}

	c := newAPI(cfg.requestTimeout)
	nFollowers := cfg.instances * (cfg.followers + 1)
	setup, err := setUp(ctx, c, cl.insts[0].url, cfg.agents, nFollowers, rng)
	if err != nil {
		return false, fmt.Errorf("set up: %w", err)
	}
	world := &World{Bots: map[int64]bool{setup.bot: true}, Inception: setup.bot}
	w := &workload{api: c, cl: cl, setup: setup, reg: newRegistry(), clock: clk, runTag: fmt.Sprintf("chaos%d", cfg.seed)}

	// The connector writes first: one conversation per customer (I1: the inception bot's).
	conn := w.newActor(Person{ID: setup.bot, Token: setup.botKey}, 0, rng.Uint64())
	custs := make([]*customer, cfg.conversations)
	for i := range custs {
		ch := "LIVE_CHAT"
		if i%2 == 1 {
			ch = "SMS"
		}
		custs[i] = &customer{handle: fmt.Sprintf("%s-customer-%d", w.runTag, i), channel: ch, until: time.Now().Add(time.Duration(5+rng.IntN(30)) * time.Second)}
		conn.ingest(custs[i])
	}
	w.reg.mu.RLock()
	var lockConvs []string
	for _, id := range w.reg.convs[:min(4, len(w.reg.convs))] {
		lockConvs = append(lockConvs, fmt.Sprint(id))
	}
	w.reg.mu.RUnlock()
	logf("set up: %d agents, %d followers, %d conversations (%s)", len(setup.humans), len(setup.followers), len(w.reg.convs), time.Since(started).Round(time.Millisecond))

	// Followers, snapshots, agents, the connector, faults.
	recv := &recvTimes{}
	var followers []*follower
	for i, p := range setup.followers {
		inst := i % cfg.instances
		f := &follower{name: fmt.Sprintf("workspace-%d@i%d", i, inst), p: p, home: inst, cl: cl, clock: clk, recv: recv,
			slow: make(chan time.Duration, 1)}
		if i/cfg.instances == cfg.followers {
			f.lock, f.convs, f.name = true, lockConvs, fmt.Sprintf("lockChanged-%d@i%d", i, inst)
		}
		followers = append(followers, f)
	}
	fctx, stopFollowers := context.WithCancel(ctx)
	var fwg sync.WaitGroup
	for _, f := range followers {
		fwg.Add(1)
		go func() { defer fwg.Done(); f.run(fctx) }()
	}
	var snaps []*Snapshot
	sctx, stopSnaps := context.WithCancel(ctx)
	var swg sync.WaitGroup
	swg.Add(1)
	go func() { defer swg.Done(); snapshotter(sctx, direct, clk, cfg.snapshotEvery, &snaps) }()

	workStart := time.Now()
	w.deadline = workStart.Add(cfg.duration)
	inj := &injector{cl: cl, pg: pg, followers: followers, clock: clk, rng: rand.New(rand.NewPCG(rng.Uint64(), 1)), counts: map[string]int{}}
	ictx, stopFaults := context.WithCancel(ctx)
	var iwg sync.WaitGroup
	iwg.Add(1)
	plan := planFaults(cfg.faults, cfg.duration, inj.rng)
	go func() { defer iwg.Done(); inj.run(ictx, workStart, plan) }()

	actors := []*actor{conn}
	var awg sync.WaitGroup
	for i, p := range setup.humans {
		a := w.newActor(p, i%cfg.instances, rng.Uint64())
		actors = append(actors, a)
		awg.Add(1)
		go func() { defer awg.Done(); a.runHuman() }()
	}
	awg.Add(1)
	go func() { defer awg.Done(); conn.runConnector(custs) }()
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(5 * time.Second)
		defer t.Stop()
		var last int64
		for {
			select {
			case <-done:
				return
			case <-t.C:
				n := w.ops.Load()
				logf("%4.0fs: %d operations (%d/s), instances up %v, faults %v", time.Since(workStart).Seconds(), n, (n-last)/5, cl.upInstances(), inj.counts)
				last = n
			}
		}
	}()
	awg.Wait()
	workload := time.Since(workStart)
	close(done)
	stopFaults()
	iwg.Wait()
	inj.ensureUp()
	logf("workload done: %d operations in %s; settling", w.ops.Load(), workload.Round(time.Millisecond))

	// Settle: every event numbered, every follower caught up.
	var notes []string
	var target int64
	deadline := time.Now().Add(20 * time.Second)
	for {
		var unnumbered int
		err := direct.QueryRowContext(ctx, "SELECT count(*) FILTER (WHERE seq IS NULL), coalesce(max(seq), 0) FROM events").Scan(&unnumbered, &target)
		if err == nil && unnumbered == 0 {
			break
		}
		if time.Now().After(deadline) {
			notes = append(notes, fmt.Sprintf("%d events still unnumbered after 20 s", unnumbered))
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	// The lockChanged followers' last event up to the target.
	var lockTarget int64
	if len(lockConvs) > 0 {
		ids := make([]int64, len(lockConvs))
		for i, c := range lockConvs {
			ids[i] = atoi(c)
		}
		_ = direct.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM events WHERE seq <= $1 AND conversation_id = ANY($2)
			AND type IN ('lock.acquired', 'lock.released', 'lock.stolen')`, target, ids).Scan(&lockTarget)
	}
	for _, f := range followers {
		f.target = target
		if f.lock {
			f.target = lockTarget
		}
	}
	deadline = time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		behind := false
		for _, f := range followers {
			if f.progress.Load() < f.target {
				behind = true
			}
		}
		if !behind {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	stopFollowers()
	fwg.Wait()
	stopSnaps()
	swg.Wait()
	stopAt := time.Now()
	cl.stopAll()
	stopped = true
	final, err := takeSnapshot(ctx, direct, clk)
	if err != nil {
		return false, fmt.Errorf("final snapshot: %w", err)
	}
	snaps = append(snaps, final)
	end := clk.now()

	events, err := readEvents(ctx, direct, clk)
	if err != nil {
		return false, fmt.Errorf("read events: %w", err)
	}
	timers, err := readTimers(ctx, direct)
	if err != nil {
		return false, fmt.Errorf("read timers: %w", err)
	}
	msgByText, msgIDs, err := readMessages(ctx, direct, w.runTag)
	if err != nil {
		return false, fmt.Errorf("read messages: %w", err)
	}
	var ops []Op
	for _, a := range actors {
		ops = append(ops, a.ops...)
	}
	logf("checking %d operations, %d events, %d snapshots", len(ops), len(events), len(snaps))
	checkStart := time.Now()

	lin := checkLinearizability(&linInput{world: world, ops: ops, events: events, snaps: snaps, recv: recv, end: end,
		msgByText: msgByText, msgIDs: msgIDs}, cfg.out, cfg.checkTimeout, runtime.NumCPU())
	r := &report{cfg: cfg, seed: cfg.seed, workload: workload, ops: ops, faults: inj, lin: lin,
		follow: checkFollowers(events, followers), timers: checkTimers(timers, events, clk, stopAt.Add(-5*time.Second)),
		internal: checkInternal(ops), snapshots: len(snaps), infraNotes: notes}
	for _, in := range cl.insts {
		r.starts = append(r.starts, in.starts)
	}
	r.e1 = checkE1(events, final)
	r.rules = checkRules(world, ops, snaps)
	if r.internal.Total > 0 {
		r.causes = internalCauses(cfg.out)
	}
	logf("checked in %s", time.Since(checkStart).Round(time.Millisecond))
	r.wall = time.Since(started)
	var sb strings.Builder
	r.write(&sb)
	fmt.Print(sb.String())
	_ = os.WriteFile(filepath.Join(cfg.out, "report.txt"), []byte(sb.String()), 0o644)
	if len(lin.Violations) > 0 {
		_ = writeViolations(filepath.Join(cfg.out, "violations.txt"), lin.Violations)
		_ = dumpEvents(ctx, direct, clk, filepath.Join(cfg.out, "violations-events.txt"), lin.Violations)
	}
	fmt.Printf("out: %s\n", cfg.out)
	return r.failed(), nil
}

// checkE1: every change appends an event with the version after it, so a conversation's version
// is its last event's (E1).
func checkE1(events []Event, final *Snapshot) []string {
	last := map[int64]int64{}
	for i := range events {
		e := &events[i]
		if e.Conv != 0 && e.Type != "sla.breached" {
			last[e.Conv] = max(last[e.Conv], e.Version)
		}
	}
	var out []string
	for conv, st := range final.States {
		if v, ok := last[conv]; ok && v != st.Version {
			out = append(out, fmt.Sprintf("conversation %d is at version %d, its events end at %d", conv, st.Version, v))
		}
	}
	return out
}

// dumpEvents writes the event log of the conversations with violations (the evidence).
func dumpEvents(ctx context.Context, db *sql.DB, c clock, path string, vs []violation) error {
	var b strings.Builder
	done := map[int64]bool{}
	for _, v := range vs {
		if done[v.Conv] || len(done) == 10 {
			continue
		}
		done[v.Conv] = true
		fmt.Fprintf(&b, "== conversation %d\n", v.Conv)
		rows, err := db.QueryContext(ctx, `SELECT coalesce(seq, 0), type, coalesce(actor_id, 0), coalesce(subject_id, 0), version,
			coalesce(before::text, ''), coalesce(after::text, ''), created_at FROM events WHERE conversation_id = $1 ORDER BY seq, id`, v.Conv)
		if err != nil {
			return err
		}
		for rows.Next() {
			var seq, actor, subject, version int64
			var typ, before, after string
			var at time.Time
			if err := rows.Scan(&seq, &typ, &actor, &subject, &version, &before, &after, &at); err != nil {
				rows.Close()
				return err
			}
			fmt.Fprintf(&b, "  seq %-7d %s v%-4d %-28s actor %-11d subject %-11d %s -> %s\n", seq, fmtT(c.at(at)), version, typ, actor, subject, before, after)
		}
		rows.Close()
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

var (
	cleanupMu sync.Mutex
	cleanups  []func()
	sigOnce   sync.Once
)

// onInterrupt has fn run (last registered first) when the command is interrupted, so that an
// interrupted run leaves no server processes and no Postgres behind.
func onInterrupt(fn func()) {
	cleanupMu.Lock()
	cleanups = append(cleanups, fn)
	cleanupMu.Unlock()
	sigOnce.Do(func() {
		c := make(chan os.Signal, 1)
		signal.Notify(c, os.Interrupt, syscall.SIGTERM)
		go func() {
			<-c
			logf("interrupted: stopping the servers and Postgres")
			cleanupMu.Lock()
			defer cleanupMu.Unlock()
			for i := len(cleanups) - 1; i >= 0; i-- {
				cleanups[i]()
			}
			os.Exit(2)
		}()
	})
}
