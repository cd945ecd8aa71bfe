package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"switchboard/ent/schema/enum"
	"switchboard/internal/auth"
	"switchboard/internal/desk"
	"switchboard/internal/directory"
	"switchboard/internal/events"
	"switchboard/internal/httpapi"
	"switchboard/internal/storage"
	"switchboard/internal/tenant"
)

// runFanout measures how fast a lock change reaches every subscriber (E5), across instances
// (E4), and the memory an idle subscription costs.
func runFanout(args []string) error {
	fs := flag.NewFlagSet("fanout", flag.ContinueOnError)
	dbURL := fs.String("db", env("BENCH_DATABASE_URL", ""), "Postgres server URL (empty: start a throw-away one)")
	sizes := fs.String("subscribers", "500,2000", "subscriber counts (each subscribes to lockChanged and its myQueue)")
	rounds := fs.Int("rounds", 100, "lock changes measured per size")
	idle := fs.Int("idle", 10000, "idle subscriptions for the memory figure (0: skip)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the measured rounds to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	levels, err := parseInts(*sizes)
	if err != nil {
		return err
	}
	ctx := context.Background()
	db, cleanup, err := database(ctx, *dbURL, false)
	if err != nil {
		return err
	}
	defer cleanup()

	a := newInstance(ctx, db)
	defer a.close()
	b := newInstance(ctx, db)
	defer b.close()
	maxN := slices.Max(levels)
	fx, err := fanoutFixture(ctx, db, maxN+1)
	if err != nil {
		return err
	}
	if err := fx.login(a.url); err != nil {
		return err
	}
	fmt.Printf("fanout benchmark: Postgres, servers with GOMAXPROCS=%d, subscribers in a process of their own (%d cores); latency = from the mutation's start to the last subscriber's receipt\n",
		runtime.GOMAXPROCS(0), runtime.NumCPU())
	fmt.Printf("%-12s %-14s %10s %10s %10s %14s\n", "subscribers", "where", "p50 ms", "p99 ms", "max ms", "mutation p50")
	for _, n := range levels {
		for _, inst := range []struct {
			name string
			subs *instance
		}{{"same instance", a}, {"other instance", b}} {
			if inst.name == "other instance" && n > 500 {
				continue
			}
			stop := startProfile(*cpuProfile)
			res, err := fx.measure(ctx, a, inst.subs, n, *rounds)
			stop()
			if err != nil {
				return err
			}
			fmt.Printf("%-12d %-14s %10.2f %10.2f %10.2f %11.2f ms\n", n, inst.name, res.p(0.5), res.p(0.99), res.p(1), res.mut)
		}
	}
	if *idle > 0 {
		perSub, total, err := fx.idleMemory(ctx, a, *idle)
		if err != nil {
			return err
		}
		fmt.Printf("idle subscriptions: %d on %d connections, the server's heap growth %.1f MiB (%.1f KiB per subscription; the clients run in a process of their own)\n",
			*idle, (*idle+9)/10, total/(1<<20), perSub/1024)
	}
	return nil
}

type instance struct {
	url    string
	srv    *httptest.Server
	cancel context.CancelFunc
}

func newInstance(ctx context.Context, db *storage.DB) *instance {
	bus := events.NewBus(db.Client, db.URL)
	ctx, cancel := context.WithCancel(ctx)
	go bus.Run(ctx)
	leases := desk.NewLeases(desk.New(db, bus))
	srv := httptest.NewServer(httpapi.New(httpapi.Config{AccessLog: slog.New(slog.DiscardHandler), Limits: httpapi.Limits{Off: true}, WSPing: time.Minute},
		httpapi.Deps{DB: db, Bus: bus, Leases: leases}))
	return &instance{url: srv.URL, srv: srv, cancel: cancel}
}

func (i *instance) close() { i.srv.Close(); i.cancel() }

type fanoutFx struct {
	ws     int
	conv   []int // conversations to steal back and forth
	emails []string
	tokens []string
	steals int // lock changes so far: the two stealers take turns across levels
}

func fanoutFixture(ctx context.Context, db *storage.DB, n int) (*fanoutFx, error) {
	sys := tenant.System(ctx)
	dir := directory.New(db.Client, nil)
	ws, err := dir.CreateWorkspace(sys, "Fanout", "fanout", "admin@fanout.test", "Admin", "bench-password")
	if err != nil {
		return nil, err
	}
	admin, err := db.Client.Agent.Query().First(sys)
	if err != nil {
		return nil, err
	}
	actx := auth.WithViewer(ctx, &auth.Viewer{AgentID: admin.ID, WorkspaceID: ws.ID, Role: enum.RoleSuperAdmin, Kind: enum.KindHuman})
	fx := &fanoutFx{ws: ws.ID}
	pw := "bench-password"
	for i := range n {
		email := fmt.Sprintf("agent%04d@fanout.test", i)
		if _, err := dir.CreateAgent(actx, directory.AgentInput{Email: &email, Password: &pw, Name: email}); err != nil {
			return nil, err
		}
		fx.emails = append(fx.emails, email)
	}
	cust, err := db.Client.Customer.Create().SetWorkspaceID(ws.ID).Save(sys)
	if err != nil {
		return nil, err
	}
	c, err := db.Client.Conversation.Create().SetWorkspaceID(ws.ID).SetCustomerID(cust.ID).SetChannel(enum.ChannelSMS).Save(sys)
	if err != nil {
		return nil, err
	}
	fx.conv = []int{c.ID}
	return fx, nil
}

func (fx *fanoutFx) login(base string) (err error) {
	fx.tokens, err = signIn(base, fx.emails)
	return err
}

type fanoutResult struct {
	lat []float64 // ms, sorted
	mut float64   // mutation p50, ms
}

func (r fanoutResult) p(q float64) float64 {
	if len(r.lat) == 0 {
		return 0
	}
	return r.lat[int(float64(len(r.lat)-1)*q)]
}

func connect(ctx context.Context, base, token string, queries ...string) (*websocket.Conn, error) {
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/query", &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		return nil, err
	}
	if err := wsjson.Write(ctx, c, map[string]any{"type": "connection_init", "payload": map[string]any{"authorization": "Bearer " + token}}); err != nil {
		return nil, err
	}
	var ack map[string]any
	if err := wsjson.Read(ctx, c, &ack); err != nil || ack["type"] != "connection_ack" {
		return nil, fmt.Errorf("connection_init: %v %v", ack, err)
	}
	for i, q := range queries {
		if err := wsjson.Write(ctx, c, map[string]any{"id": fmt.Sprint(i + 1), "type": "subscribe", "payload": map[string]any{"query": q}}); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func (fx *fanoutFx) measure(ctx context.Context, writer, subs *instance, n, rounds int) (fanoutResult, error) {
	conv := fx.conv[0]
	lockQ := fmt.Sprintf(`subscription{lockChanged(conversationIds:["%d"]){version}}`, conv)
	cl, err := startClients(subs.url, fx.tokens[1:n+1], []string{lockQ, `subscription{myQueue{kind}}`})
	if err != nil {
		return fanoutResult{}, err
	}
	defer cl.stop()
	arrivals := cl.arrivals
	time.Sleep(time.Duration(n/100+1) * 200 * time.Millisecond) // let every subscription register

	var res fanoutResult
	var muts []float64
	stealers := []string{fx.tokens[0], fx.tokens[len(fx.tokens)-1]}
	client := &http.Client{}
	for r := range rounds {
		start := time.Now()
		var out struct {
			Data struct{ StealLock struct{ Version int } }
		}
		if err := gql(client, writer.url, stealers[fx.steals%2], fmt.Sprintf(`mutation{stealLock(id:"%d"){version}}`, conv), nil, &out); err != nil {
			return res, err
		}
		fx.steals++
		muts = append(muts, float64(time.Since(start).Microseconds())/1000)
		want := out.Data.StealLock.Version
		var last time.Time
		timeout := time.After(5 * time.Second)
	wait:
		for last.IsZero() {
			select {
			case a := <-arrivals: // every subscriber has it (fanout-clients reports it once)
				if a.version == want {
					last = a.at
				}
			case <-timeout:
				break wait
			}
		}
		if last.IsZero() {
			return res, fmt.Errorf("round %d: not all %d subscribers got the lock change within 5 s", r, n)
		}
		res.lat = append(res.lat, float64(last.Sub(start).Microseconds())/1000)
	}
	slices.Sort(res.lat)
	slices.Sort(muts)
	res.mut = muts[len(muts)/2]
	return res, nil
}

// idleMemory opens subs idle subscriptions (10 per connection) and reports the heap growth.
func (fx *fanoutFx) idleMemory(ctx context.Context, inst *instance, subs int) (perSub, total float64, err error) {
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapInuse + m.StackInuse
	}
	before := heap()
	queries := make([]string, 10)
	for i := range queries {
		queries[i] = `subscription{notifications{kind}}`
	}
	var tokens []string
	for i := 0; i < subs; i += 10 {
		tokens = append(tokens, fx.tokens[(i/10)%len(fx.tokens)])
	}
	cl, err := startClients(inst.url, tokens, queries)
	if err != nil {
		return 0, 0, err
	}
	defer cl.stop()
	time.Sleep(3 * time.Second)
	after := heap()
	total = float64(after - before)
	return total / float64(subs), total, nil
}
