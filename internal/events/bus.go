package events

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"switchboard/ent"
	"switchboard/ent/event"
	"switchboard/ent/workspace"
	"switchboard/internal/fault"
	"switchboard/internal/metrics"
	"switchboard/internal/storage"
	"switchboard/internal/tenant"
	"switchboard/internal/tracing"
)

// passGap is the least time between two numbering passes of the bus.
const passGap = 5 * time.Millisecond

// channelName is the Postgres NOTIFY channel that tells every instance a workspace has new
// events (E4).
const channelName = "switchboard_events"

// Bus fans committed events out to this instance's subscribers. A commit, here or (through
// Postgres LISTEN/NOTIFY) on another instance, wakes the bus; it then reads the workspace's new
// events from the log in seq order and hands each to the subscribers of that workspace. The log
// is the only source, so every instance delivers the same events in the same order.
type Bus struct {
	client *ent.Client
	pgURL  string // "" on SQLite: one process, no NOTIFY

	mu   sync.Mutex
	subs map[int]*index // by workspace
	last map[int]int64  // the last seq delivered, per workspace with subscribers
	wake map[int]bool   // workspaces with news not yet read
	numb map[int]bool   // Postgres: workspaces this instance committed events to, not yet numbered
	out  map[int]bool   // workspaces to NOTIFY other instances about
	send chan struct{}
	kick chan struct{} // coalesced wake-up of the reader

	watchers []func(ws int, entries []Entry)

	// The workers of served subscriptions (serve.go), guarded by mu.
	ready       []*Subscription // live subscriptions with queued events, waiting for a worker
	work        *sync.Cond
	workersOnce sync.Once
	stopped     bool

	// Buffer is each subscription's queue; a subscriber that falls this far behind is dropped
	// and resumes from its cursor (STYLE 7).
	Buffer int
	// MaxPerWorkspace bounds one workspace's subscriptions the API serves on this instance (the
	// server's own, such as routing's follower of other instances' events, are not counted).
	MaxPerWorkspace int
}

// NewBus returns a bus over client; pgURL (Postgres only) enables LISTEN/NOTIFY between
// instances. Run must be running for anything to be delivered.
func NewBus(client *ent.Client, pgURL string) *Bus {
	return &Bus{client: client, pgURL: pgURL, subs: map[int]*index{}, last: map[int]int64{},
		wake: map[int]bool{}, numb: map[int]bool{}, out: map[int]bool{}, send: make(chan struct{}, 1), kick: make(chan struct{}, 1), Buffer: 256,
		MaxPerWorkspace: 20000}
}

// Watch has fn called, on this instance, right after every commit that appended events, with
// the workspace and the events (for example, routing looks at the queue again after a release).
// Call it before the bus is used; fn must not block.
func (b *Bus) Watch(fn func(ws int, entries []Entry)) {
	b.mu.Lock()
	b.watchers = append(b.watchers, fn)
	b.mu.Unlock()
}

func (b *Bus) notifyWatchers(entries []Entry) {
	b.mu.Lock()
	ws := b.watchers
	b.mu.Unlock()
	if len(ws) == 0 {
		return
	}
	byWorkspace := map[int][]Entry{}
	for _, e := range entries {
		byWorkspace[e.WorkspaceID] = append(byWorkspace[e.WorkspaceID], e)
	}
	for id, es := range byWorkspace {
		for _, fn := range ws {
			fn(id, es)
		}
	}
}

// Committed tells the bus that workspace ws committed events here: this instance reads them,
// and on Postgres numbers them first and then notifies the others (after the commit, coalesced,
// never inside the hot transaction), which only read: one instance takes the workspace's counter
// for a commit, not every instance with subscribers.
func (b *Bus) Committed(ws int) { b.committed(ws, false) }

// committed is Committed; numbered says the events are numbered already (the desk's hot path
// numbers its own as it writes them), so the others are told at once.
func (b *Bus) committed(ws int, numbered bool) {
	b.mu.Lock()
	b.wake[ws] = true
	if b.pgURL != "" && !numbered {
		b.numb[ws] = true
	}
	b.mu.Unlock()
	signal(b.kick)
	if numbered {
		b.tellOthers(ws)
	}
}

// tellOthers has the other instances NOTIFYed that workspace ws has numbered events to read.
func (b *Bus) tellOthers(ws int) {
	if b.pgURL == "" {
		return
	}
	b.mu.Lock()
	b.out[ws] = true
	b.mu.Unlock()
	signal(b.send)
}

// retrySoon counts and logs a pass over workspace ws that failed, and has it run again shortly
// (set is b.wake or b.numb). Nothing is logged when the bus is stopping.
func (b *Bus) retrySoon(ctx context.Context, what string, set map[int]bool, ws int, err error) {
	if ctx.Err() != nil {
		return
	}
	metrics.BusFailed()
	slog.Error("event bus: "+what, "workspace", ws, "err", err)
	b.mu.Lock()
	set[ws] = true
	b.mu.Unlock()
	time.AfterFunc(200*time.Millisecond, func() { signal(b.kick) })
}

// pace waits until passGap has gone by since *last, then sets *last to now.
func pace(last *time.Time) {
	if wait := passGap - time.Since(*last); wait > 0 {
		time.Sleep(wait)
	}
	*last = time.Now()
}

func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// Run delivers events until ctx ends. Its passes query through the event path's own pool
// (storage.EventPath).
func (b *Bus) Run(ctx context.Context) {
	ctx = storage.EventPath(ctx)
	b.startWorkers()
	if b.pgURL != "" {
		go b.listen(ctx)
		go b.notify(ctx)
	}
	var lastPass time.Time
	stragglers := time.NewTicker(stragglerEvery)
	defer stragglers.Stop()
	for {
		select {
		case <-ctx.Done():
			b.closeAll(ctx.Err())
			b.stopWorkers()
			return
		case <-stragglers.C:
			b.sequenceStragglers(ctx)
			continue
		case <-b.kick:
			// At most one pass per passGap: a quiet workspace's event goes out at once, a busy
			// one's commits are numbered and read in batches instead of one pass each.
			pace(&lastPass)
		}
		b.mu.Lock()
		wss := make([]int, 0, len(b.wake))
		for ws := range b.wake {
			if b.subs[ws] != nil {
				wss = append(wss, ws)
			}
		}
		clear(b.wake)
		numb := slices.Collect(maps.Keys(b.numb))
		clear(b.numb)
		b.mu.Unlock()
		// Postgres: this instance numbers what it committed, then tells the others, which read.
		for _, ws := range numb {
			if err := b.sequence(ctx, ws); err != nil {
				b.retrySoon(ctx, "number", b.numb, ws, err)
				continue
			}
			b.tellOthers(ws)
		}
		for _, ws := range wss {
			var err error
			if b.pgURL == "" { // SQLite: one process, which numbers as it reads
				err = b.sequence(ctx, ws)
			}
			if err == nil {
				err = b.read(ctx, ws)
			}
			if err != nil {
				b.retrySoon(ctx, "read", b.wake, ws, err)
			}
		}
	}
}

// read delivers workspace ws's events after the last delivered one.
func (b *Bus) read(ctx context.Context, ws int) (err error) {
	ctx, span := tracing.Start(ctx, "events.deliver", trace.WithAttributes(attribute.Int("workspace", ws)))
	delivered := 0
	defer func() {
		span.SetAttributes(attribute.Int("events", delivered))
		tracing.End(span, err)
	}()
	for {
		b.mu.Lock()
		after := b.last[ws]
		b.mu.Unlock()
		metrics.BusLogRead()
		evs, err := b.client.Event.Query().
			Where(event.WorkspaceID(ws), event.SeqGT(after)).Order(event.BySeq()).Limit(500).All(tenant.System(ctx))
		if err != nil {
			return err
		}
		b.mu.Lock()
		for _, e := range evs {
			if x := b.subs[ws]; x != nil {
				x.each(e, func(s *Subscription) { s.offer(e) })
				x.track(e)
			}
			b.last[ws] = seqOf(e)
		}
		b.mu.Unlock()
		delivered += len(evs)
		if len(evs) < 500 {
			return nil
		}
	}
}

// listen wakes the bus when another instance commits events (Postgres LISTEN).
func (b *Bus) listen(ctx context.Context) {
	for ctx.Err() == nil {
		err := b.listenOnce(ctx)
		if ctx.Err() != nil {
			return
		}
		slog.Warn("event bus: listen", "err", err)
		time.Sleep(time.Second)
	}
}

func (b *Bus) listenOnce(ctx context.Context) error {
	conn, err := pgx.Connect(ctx, b.pgURL)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+channelName); err != nil {
		return err
	}
	// Anything committed while we were not listening is read now.
	b.mu.Lock()
	for ws := range b.subs {
		b.wake[ws] = true
	}
	b.mu.Unlock()
	signal(b.kick)
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		metrics.BusNotificationReceived()
		ws, err := strconv.Atoi(n.Payload)
		if err != nil {
			continue
		}
		b.mu.Lock()
		b.wake[ws] = true
		b.mu.Unlock()
		signal(b.kick)
	}
}

// notify sends this instance's commits to the others, one NOTIFY per workspace per round.
func (b *Bus) notify(ctx context.Context) {
	var conn *pgx.Conn
	defer func() {
		if conn != nil {
			conn.Close(context.WithoutCancel(ctx))
		}
	}()
	var lastRound time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-b.send:
		}
		// At most one round per passGap, like the reader: a busy workspace's commits (hundreds a
		// second) cost a NOTIFY each passGap, not one each; Postgres serialises NOTIFYing commits.
		pace(&lastRound)
		b.mu.Lock()
		wss := make([]int, 0, len(b.out))
		for ws := range b.out {
			wss = append(wss, ws)
		}
		clear(b.out)
		b.mu.Unlock()
		for _, ws := range wss {
			if conn == nil || conn.IsClosed() {
				var err error
				if conn, err = pgx.Connect(ctx, b.pgURL); err != nil {
					slog.Warn("event bus: notify connect", "err", err)
					conn = nil
					break
				}
			}
			metrics.BusNotifySent()
			if _, err := conn.Exec(ctx, "SELECT pg_notify($1, $2)", channelName, strconv.Itoa(ws)); err != nil {
				slog.Warn("event bus: notify", "err", err)
				conn.Close(ctx)
				conn = nil
			}
		}
	}
}

// ErrSlow ends a subscription whose subscriber fell Buffer events behind; it can resume from its
// last cursor.
var ErrSlow = errors.New("events: subscriber too slow; resume from your last cursor")

// Subscription receives a workspace's events, live, in seq order.
type Subscription struct {
	bus  *Bus
	ws   int
	C    chan *ent.Event
	done chan struct{}
	err  error
	once sync.Once
	// release gives the connection's subscription slot back.
	release func()
	// served is what Serve keeps (Open's subscriptions; nil for Subscribe's, which use C).
	served *served

	// Guarded by bus.mu: what it is offered (see Interest and index).
	interest Interest
	narrowed bool
	offered  int64        // the seq of the last event offered, so an event is offered once
	owned    map[int]bool // conversations held as interest.Agent's
}

// Subscribe registers a live subscription to workspace ws's events, starting with those committed
// after the moment of the call (older ones are read with Replay).
func (b *Bus) Subscribe(ctx context.Context, ws int) (*Subscription, error) {
	return b.subscribe(ctx, ws, Interest{}, nil, false)
}

// subscribe registers a subscription to what interest names; release (may be nil) runs once when
// it ends. Both are set before the subscription is registered: from then on only b.mu guards it.
// A served one (see Serve) queues its events in a slice instead of C.
func (b *Bus) subscribe(ctx context.Context, ws int, interest Interest, release func(), serve bool) (*Subscription, error) {
	s := &Subscription{bus: b, ws: ws, done: make(chan struct{}), release: release, interest: interest}
	if serve {
		s.served = &served{last: -1}
	} else {
		s.C = make(chan *ent.Event, b.Buffer)
	}
	full := func() error {
		return fault.New(fault.RateLimited, "the workspace has %d live subscriptions on this server, the limit: try again later", b.MaxPerWorkspace)
	}
	for {
		b.mu.Lock()
		if x := b.subs[ws]; serve && x != nil && x.served >= b.MaxPerWorkspace {
			b.mu.Unlock()
			return nil, full()
		}
		if _, known := b.last[ws]; known {
			if b.subs[ws] == nil {
				b.subs[ws] = newIndex()
			}
			b.subs[ws].register(s)
			break // with b.mu held
		}
		b.mu.Unlock()
		// Number what committed before now, so that "live" starts after it.
		if err := b.sequence(ctx, ws); err != nil {
			return nil, fmt.Errorf("events: subscribe: %w", err)
		}
		w, err := b.client.Workspace.Query().Where(workspace.ID(ws)).Only(tenant.System(ctx))
		if err != nil {
			return nil, fmt.Errorf("events: subscribe: %w", err)
		}
		b.mu.Lock()
		if _, ok := b.last[ws]; !ok {
			b.last[ws] = w.EventSeq
		}
		b.mu.Unlock()
	}
	b.wake[ws] = true // in case something committed between reading the counter and now
	b.mu.Unlock()
	signal(b.kick)
	return s, nil
}

// offer queues e, or drops a subscriber that cannot keep up. Called with b.mu held.
func (s *Subscription) offer(e *ent.Event) {
	if s.served != nil {
		s.queue(e)
		return
	}
	select {
	case s.C <- e:
	default:
		metrics.SubscriberDropped()
		s.closeLocked(ErrSlow)
	}
}

// Done is closed when the subscription ends; Err says why.
func (s *Subscription) Done() <-chan struct{} { return s.done }

// Err is why the subscription ended (nil while it runs or after Close).
func (s *Subscription) Err() error {
	s.bus.mu.Lock()
	defer s.bus.mu.Unlock()
	return s.err
}

// Close ends the subscription.
func (s *Subscription) Close() {
	s.bus.mu.Lock()
	defer s.bus.mu.Unlock()
	s.closeLocked(nil)
}

func (s *Subscription) closeLocked(err error) {
	s.once.Do(func() {
		if s.release != nil {
			s.release()
		}
		s.err = err
		if s.served != nil && s.served.end != nil { // its end is told from outside the bus's lock
			go s.finish(err)
		}
		if x := s.bus.subs[s.ws]; x != nil {
			x.remove(s)
			if len(x.members) == 0 {
				delete(s.bus.subs, s.ws)
				delete(s.bus.last, s.ws)
			}
		}
		close(s.done)
	})
}

func (b *Bus) closeAll(err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var all []*Subscription
	for _, x := range b.subs {
		for s := range x.members {
			all = append(all, s)
		}
	}
	for _, s := range all {
		s.closeLocked(err)
	}
}

// Count is the number of live subscriptions (metrics, tests).
func (b *Bus) Count() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for _, x := range b.subs {
		n += len(x.members)
	}
	return n
}
