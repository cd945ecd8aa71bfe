package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"switchboard/ent"
	"switchboard/ent/agent"
	"switchboard/ent/conversation"
	"switchboard/ent/schema/enum"
	"switchboard/internal/auth"
	"switchboard/internal/desk"
	"switchboard/internal/directory"
	"switchboard/internal/events"
	"switchboard/internal/routing"
	"switchboard/internal/storage"
	"switchboard/internal/tenant"
)

// runRoute measures routing (R1–R5) on Postgres, in two phases:
//   - drain: a burst of -burst queued conversations meets -agents agents coming ONLINE at once;
//     it prints assignments/s and how evenly the load spread (max/min per channel);
//   - arrivals: -arrivals conversations arrive through the ingest path while capacity is free; it
//     prints p50/p99 from the arrival's commit to the assignment's commit (both seen by a bus
//     watcher as the commits return) and to the assignment event reaching a subscriber, and the
//     arrival rate, the baseline the router must keep up with.
//
// Afterwards it checks in the database that no agent is above a capacity.
func runRoute(args []string) error {
	fs := flag.NewFlagSet("route", flag.ContinueOnError)
	dbURL := fs.String("db", env("BENCH_DATABASE_URL", ""), "Postgres server URL (empty: start a throw-away one)")
	nAgents := fs.Int("agents", 200, "agents")
	burst := fs.Int("burst", 10000, "queued conversations in the drain phase")
	arrivals := fs.Int("arrivals", 2000, "conversations arriving in the latency phase")
	writers := fs.Int("writers", 8, "concurrent arrival writers")
	rate := fs.Int("rate", 100, "arrivals per second in the latency phase (0: as fast as the writers go)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the measured arrivals to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx := context.Background()
	db, cleanup, err := database(ctx, *dbURL, false)
	if err != nil {
		return err
	}
	defer cleanup()
	bus := events.NewBus(db.Client, db.URL)
	bus.Buffer = *burst + *arrivals + 1000
	bctx, stop := context.WithCancel(ctx)
	defer stop()
	go bus.Run(bctx)
	fx, err := routeFixture(ctx, db, bus, *nAgents)
	if err != nil {
		return err
	}
	router := routing.New(db, bus)
	sys := tenant.System(ctx)
	fmt.Printf("route benchmark: Postgres, %d agents, GOMAXPROCS=%d\n", *nAgents, runtimeProcs())

	// Drain: the burst waits queued; everyone comes ONLINE; the router assigns.
	if err := fx.queue(sys, db.Client, *burst); err != nil {
		return err
	}
	if err := db.Client.Agent.Update().Where(agent.IDIn(fx.agents...)).SetPresence(enum.PresenceOnline).
		SetPresenceChangedAt(time.Now()).Exec(sys); err != nil {
		return err
	}
	start := time.Now()
	n, err := router.Dispatch(ctx, fx.ws)
	if err != nil {
		return err
	}
	drain := time.Since(start)
	left, err := db.Client.Conversation.Query().Where(conversation.WorkspaceID(fx.ws), conversation.OwnerIDIsNil()).Count(sys)
	if err != nil {
		return err
	}
	fmt.Printf("drain     %6d assigned in %6.2f s: %7.0f assignments/s (%d left queued: no eligible agent with room)\n",
		n, drain.Seconds(), float64(n)/drain.Seconds(), left)
	if err := fx.spread(sys, db.Client); err != nil {
		return err
	}

	// Arrivals with capacity free: the router runs as in the server, kicked by each commit.
	if err := fx.resolveAll(sys, db.Client); err != nil {
		return err
	}
	rctx, stopRouter := context.WithCancel(ctx)
	defer stopRouter()
	go router.Run(rctx, 5*time.Second)
	// A first, unmeasured round warms the connection pool and the statement caches.
	if _, err := fx.arrive(ctx, db, bus, 200, *writers, *rate); err != nil {
		return err
	}
	// Statistics as a running database has them (autovacuum analyses conversations every 2,000
	// changes, a minute at most after them; this phase lasts 20 s): the drain and the resolve
	// before the warm-up left the planner believing no conversation is open, and it then read
	// every open conversation of the workspace to count one agent's load.
	if _, err := db.SQL.ExecContext(ctx, "ANALYZE"); err != nil {
		return err
	}
	stopProfile := startProfile(*cpuProfile)
	res, err := fx.arrive(ctx, db, bus, *arrivals, *writers, *rate)
	stopProfile()
	if err != nil {
		return err
	}
	fmt.Printf("arrivals  %6d at %5.0f arrivals/s (%d writers)\n", *arrivals, res.rate, *writers)
	fmt.Printf("          arrival commit → assignment commit:     p50 %6.1f ms, p99 %6.1f ms, max %6.1f ms\n", pct(res.assigned, 0.5), pct(res.assigned, 0.99), pct(res.assigned, 1))
	fmt.Printf("          arrival commit → event at a subscriber: p50 %6.1f ms, p99 %6.1f ms, max %6.1f ms\n", pct(res.seen, 0.5), pct(res.seen, 0.99), pct(res.seen, 1))
	return fx.verify(sys, db.Client)
}

type routeFx struct {
	ws     int
	admin  *auth.Viewer
	agents []int
	skills map[int][]string
	chans  []enum.Channel
}

var routeSkills = []string{"billing", "tech", "sales", "vip"}

// routeFixture makes a workspace without an inception bot (arrivals go straight to the queue) and
// n OFFLINE agents with mixed skills, channels and capacities.
func routeFixture(ctx context.Context, db *storage.DB, bus *events.Bus, n int) (*routeFx, error) {
	sys := tenant.System(ctx)
	dir := directory.New(db.Client, bus)
	ws, err := dir.CreateWorkspace(sys, "Route bench", "route-bench", "admin@route.test", "Admin", "bench-password")
	if err != nil {
		return nil, err
	}
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
	fx := &routeFx{ws: ws.ID, skills: map[int][]string{},
		admin: &auth.Viewer{AgentID: admin.ID, WorkspaceID: ws.ID, Role: enum.RoleSuperAdmin, Kind: enum.KindHuman},
		chans: []enum.Channel{enum.ChannelSMS, enum.ChannelLiveChat, enum.ChannelWhatsApp, enum.ChannelEmail}}
	r := rand.New(rand.NewPCG(1, 2))
	pw := "bench-password"
	for i := range n {
		// Three of the four channels, capacities 40 to 80; one to three skills.
		var chans []directory.ChannelCapacity
		for j, ch := range fx.chans {
			if j != i%4 {
				chans = append(chans, directory.ChannelCapacity{Channel: ch, Capacity: 40 + r.IntN(41)})
			}
		}
		skills := []string{routeSkills[i%4]}
		if i%3 == 0 {
			skills = append(skills, routeSkills[(i+1)%4])
		}
		email := fmt.Sprintf("agent%03d@route.test", i)
		a, err := dir.CreateAgent(auth.WithViewer(ctx, fx.admin), directory.AgentInput{Name: email, Email: &email, Password: &pw,
			Skills: skills, Channels: chans})
		if err != nil {
			return nil, err
		}
		fx.agents = append(fx.agents, a.ID)
		fx.skills[a.ID] = skills
	}
	return fx, nil
}

// queue inserts n queued conversations over the channels; one in five requires a skill.
func (fx *routeFx) queue(ctx context.Context, c *ent.Client, n int) error {
	const chunk = 1000
	base := time.Now().Add(-time.Hour)
	for from := 0; from < n; from += chunk {
		var custs []*ent.CustomerCreate
		for i := from; i < min(n, from+chunk); i++ {
			custs = append(custs, c.Customer.Create().SetWorkspaceID(fx.ws).SetName(fmt.Sprintf("c%d", i)))
		}
		cs, err := c.Customer.CreateBulk(custs...).Save(ctx)
		if err != nil {
			return err
		}
		var convs []*ent.ConversationCreate
		for k, cu := range cs {
			i := from + k
			cc := c.Conversation.Create().SetWorkspaceID(fx.ws).SetCustomerID(cu.ID).SetChannel(fx.chans[i%4]).
				SetQueuedSince(base.Add(time.Duration(i) * time.Millisecond)).SetPriority(i % 3)
			if i%5 == 0 {
				cc.SetRequiredSkills([]string{routeSkills[i%4]})
			}
			convs = append(convs, cc)
		}
		if err := c.Conversation.CreateBulk(convs...).Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}

// spread prints, per channel, the owned load of the most and the least loaded permitted agent.
func (fx *routeFx) spread(ctx context.Context, c *ent.Client) error {
	var rows []struct {
		OwnerID int          `json:"owner_id"`
		Channel enum.Channel `json:"channel"`
		Count   int          `json:"count"`
	}
	if err := c.Conversation.Query().Where(conversation.WorkspaceID(fx.ws), conversation.HumanOwned(true), conversation.IsOpen(true)).
		GroupBy(conversation.FieldOwnerID, conversation.FieldChannel).Aggregate(ent.Count()).Scan(ctx, &rows); err != nil {
		return err
	}
	load := map[[2]any]int{}
	for _, r := range rows {
		load[[2]any{r.OwnerID, r.Channel}] = r.Count
	}
	for j, ch := range fx.chans {
		lo, hi := -1, 0
		for i, a := range fx.agents {
			if i%4 == j {
				continue // not permitted on ch
			}
			l := load[[2]any{a, ch}]
			hi = max(hi, l)
			if lo < 0 || l < lo {
				lo = l
			}
		}
		fmt.Printf("spread    %-10s load per permitted agent: min %d, max %d (max/min %.2f)\n", ch, lo, hi, float64(hi)/float64(max(lo, 1)))
	}
	return nil
}

// resolveAll frees every agent's capacity (the drain filled it) for the arrival phase.
func (fx *routeFx) resolveAll(ctx context.Context, c *ent.Client) error {
	return c.Conversation.Update().Where(conversation.WorkspaceID(fx.ws), conversation.IsOpen(true)).
		SetStatus(enum.StatusResolved).SetIsOpen(false).ClearLockHolderID().SetHumanLock(false).ClearQueuedSince().Exec(ctx)
}

// pct is the p-quantile of sorted latencies, in ms.
func pct(lat []time.Duration, p float64) float64 {
	return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000
}

type arrivals struct {
	rate           float64
	assigned, seen []time.Duration // sorted
}

// arrive ingests n first messages, paced at rate per second, from writers goroutines and
// measures per conversation the time from the ingest's commit to the assignment's commit
// and to its assignment event reaching a bus subscriber (what a screen sees).
func (fx *routeFx) arrive(ctx context.Context, db *storage.DB, bus *events.Bus, n, writers, rate int) (*arrivals, error) {
	sub, err := bus.Subscribe(ctx, fx.ws)
	if err != nil {
		return nil, err
	}
	defer sub.Close()
	var mu sync.Mutex
	arrived := map[int]time.Time{}
	assigned := map[int]time.Time{}
	// The commits themselves, as the committing goroutine sees them return.
	created, committed := map[int]time.Time{}, map[int]time.Time{}
	bus.Watch(func(ws int, entries []events.Entry) {
		now := time.Now()
		mu.Lock()
		defer mu.Unlock()
		for _, e := range entries {
			switch e.Type {
			case events.ConversationCreated:
				created[e.ConversationID] = now
			case events.ConversationAssigned:
				committed[e.ConversationID] = now
			}
		}
	})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for len(assigned) < n {
			select {
			case e := <-sub.C:
				if e.Type == events.ConversationAssigned {
					mu.Lock()
					assigned[*e.ConversationID] = time.Now()
					mu.Unlock()
				}
			case <-sub.Done():
				return
			case <-time.After(30 * time.Second):
				return
			}
		}
	}()
	d := desk.New(db, bus)
	vctx := auth.WithViewer(ctx, fx.admin)
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	start := time.Now()
	next := make(chan int)
	go func() {
		defer close(next)
		for i := range n {
			if rate > 0 {
				time.Sleep(time.Until(start.Add(time.Duration(i) * time.Second / time.Duration(rate))))
			}
			next <- i
		}
	}()
	for range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				c, err := d.Ingest(vctx, desk.IngestInput{Channel: fx.chans[i%4], CustomerHandle: fmt.Sprintf("arrival-%d-%d", n, i), Text: "Hello"})
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				arrived[c.ID] = time.Now()
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	res := &arrivals{rate: float64(n) / time.Since(start).Seconds()}
	close(errs)
	if err := <-errs; err != nil {
		return nil, err
	}
	<-done
	mu.Lock()
	defer mu.Unlock()
	for id := range arrived {
		if as, ok := assigned[id]; ok {
			res.seen = append(res.seen, max(as.Sub(created[id]), 0))
		}
	}
	if len(res.seen) != n {
		return nil, fmt.Errorf("%d of %d arrivals were seen assigned", len(res.seen), n)
	}
	for id := range arrived {
		at, ok1 := created[id]
		as, ok2 := committed[id]
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("conversation %d: its arrival or assignment commit was not seen", id)
		}
		res.assigned = append(res.assigned, max(as.Sub(at), 0))
	}
	slices.Sort(res.assigned)
	slices.Sort(res.seen)
	return res, nil
}

// verify checks that no agent is above a channel capacity (R2) or maxClaimsPerAgent (C6).
func (fx *routeFx) verify(ctx context.Context, c *ent.Client) error {
	ws, err := c.Workspace.Get(ctx, fx.ws)
	if err != nil {
		return err
	}
	var violations int
	for _, a := range fx.agents {
		err := storage.InTx(ctx, c, func(tx *ent.Tx) error {
			for _, ch := range fx.chans {
				l, err := routing.LoadOf(ctx, tx, ws, a, ch)
				if err != nil {
					return err
				}
				if (l.Capacity >= 0 && l.OnChannel > l.Capacity) || l.Open > ws.MaxClaimsPerAgent {
					violations++
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	fmt.Printf("after the run: %d capacity violations (want 0)\n", violations)
	if violations > 0 {
		return fmt.Errorf("%d capacity violations", violations)
	}
	return nil
}
