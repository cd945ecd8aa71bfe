package desk

import (
	"context"
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"entgo.io/ent/dialect/sql"

	"switchboard/ent"
	"switchboard/ent/conversation"
	"switchboard/ent/schema/enum"
	"switchboard/internal/auth"
	"switchboard/internal/events"
	"switchboard/internal/fault"
	"switchboard/internal/metrics"
	"switchboard/internal/storage"
	"switchboard/internal/tenant"
)

// On Postgres, ordinary claims and releases run in batches: storage/migrations/postgres/…_hotpaths.sql's switchboard_hot
// decides and writes a batch of one workspace's claims and releases in one call, each
// operation exactly as Claim and Release would (same rows, same events, same locks in the same
// order), and numbers the batch's events as it writes them (E3). Operations wait in one queue while
// the database is busy with the batch in flight, and the next batch takes what has gathered, so
// under load one round trip, one transaction and one set of statements serve many operations,
// instead of dozens of small transactions that queue on each other's locks and pages. An idle
// desk runs each operation at once, as a batch of one.
//
// The functions give no row for an operation that is not the ordinary case (a conflict, a lock
// held by another, a cap, a pool, a bot, a waiting intervention, a timer), and write nothing for
// it; the operation then runs its ordinary way (run), which decides it from scratch and says why
// not. So does every operation of a batch that failed as a whole. The SQL is a second copy of
// Claim's and Release's rules, and Go owns them (STYLE 11): TestHotPathDifferential plays random
// worlds and operation sequences, single and batched, through both ways on twin workspaces and
// compares every answer, row and event; TestHotPathsMatch and TestHotPathBatches keep the chosen
// cases.

// hotQueue gathers claims and releases into batches.
type hotQueue struct {
	mu      sync.Mutex
	waiting []*hotOp
	running int  // batches in flight
	held    bool // tests: gather without running
}

// hotOp is one operation in the queue.
type hotOp struct {
	release         bool // a release; otherwise a claim
	ws, conv, agent int
	supervisor      bool
	now, wall       time.Time // the desk's clock and the wall clock when it was asked
	done            chan hotAnswer
}

// hotAnswer is an operation's answer from its batch: the conversation as written, an error when
// the batch's outcome is unknown, or neither when the ordinary way must decide.
type hotAnswer struct {
	conv *ent.Conversation
	err  error
}

// errHotUnknown answers the operations of a batch whose answer was lost after it was sent: it may
// have been applied, so deciding them again the ordinary way could answer a release that happened
// with "not claimed".
var errHotUnknown = fault.New(fault.Unavailable, "the database connection was lost while this was being saved: read the conversation to see whether it was, then try again")

const (
	// hotBatchMax bounds a batch (SPEC C5's bulk limit, for the same reasons).
	hotBatchMax = 50
	// hotBatchTimeout bounds a batch's statement.
	hotBatchTimeout = 10 * time.Second
)

// hotInFlight is how many batches the database works on at once: one per two of the machine's
// cores (not Go's share of them, see httpapi.TuneProcs). Two in flight on 2 cores made batches of
// 3.7-4.2 operations instead of 6.3-6.8, more database work per operation, and less throughput
// (the claim benchmark at 16 clients: 976-1,216 pairs/s against 1,018-1,287 with one; measured
// again with one write statement per batch and Go on one core: 1,167-1,176 against 1,763-1,863,
// Postgres 0.76 ms per pair against 0.43-0.45); batches of one workspace also queue on its event
// counter.
var hotInFlight = max(1, runtime.NumCPU()/2)

// hotClaim is Claim's hot path; ok is false when the ordinary way must decide.
func (d *Desk) hotClaim(ctx context.Context, id int) (c *ent.Conversation, ok bool, err error) {
	v, verr := auth.Member(ctx)
	if verr != nil || !d.hotPaths || v.Kind != enum.KindHuman || v.Role == enum.RoleClientUser {
		return nil, false, nil
	}
	a := d.hot.do(d, &hotOp{ws: v.WorkspaceID, conv: id, agent: v.AgentID, supervisor: v.Role.AtLeast(enum.RoleSupervisor)})
	return a.conv, a.conv != nil || a.err != nil, a.err
}

// hotRelease is Release's hot path; ok is false when the ordinary way must decide.
func (d *Desk) hotRelease(ctx context.Context, id int) (c *ent.Conversation, ok bool, err error) {
	v, verr := auth.Member(ctx)
	if verr != nil || !d.hotPaths {
		return nil, false, nil
	}
	a := d.hot.do(d, &hotOp{release: true, ws: v.WorkspaceID, conv: id, agent: v.AgentID})
	return a.conv, a.conv != nil || a.err != nil, a.err
}

// do queues o, starts a batch runner if it may, and waits for o's answer.
func (q *hotQueue) do(d *Desk, o *hotOp) hotAnswer {
	o.now, o.wall, o.done = d.now(), time.Now(), make(chan hotAnswer, 1)
	q.mu.Lock()
	q.waiting = append(q.waiting, o)
	q.mu.Unlock()
	q.kick(d)
	return <-o.done
}

// kick starts a batch runner when operations wait, the queue is not held and fewer than
// hotInFlight run.
func (q *hotQueue) kick(d *Desk) {
	q.mu.Lock()
	start := !q.held && len(q.waiting) > 0 && q.running < hotInFlight
	if start {
		q.running++
	}
	q.mu.Unlock()
	if start {
		go q.drain(d)
	}
}

// drain runs batches until the queue is empty.
func (q *hotQueue) drain(d *Desk) {
	for {
		q.mu.Lock()
		batch := q.take()
		if len(batch) == 0 {
			q.running--
			q.mu.Unlock()
			return
		}
		q.mu.Unlock()
		q.run(d, batch)
	}
}

// take removes the next batch from the queue: the first waiting operation's workspace, in arrival
// order, each conversation once and each claimer once (a claim's caps and L3 release are the
// agent's); the rest wait for the next batch.
func (q *hotQueue) take() []*hotOp {
	if q.held || len(q.waiting) == 0 {
		return nil
	}
	ws := q.waiting[0].ws
	convs, claimers := map[int]bool{}, map[int]bool{}
	var batch []*hotOp
	rest := q.waiting[:0]
	for _, o := range q.waiting {
		if o.ws != ws || len(batch) == hotBatchMax || convs[o.conv] || (!o.release && claimers[o.agent]) {
			rest = append(rest, o)
			continue
		}
		convs[o.conv] = true
		if !o.release {
			claimers[o.agent] = true
		}
		batch = append(batch, o)
	}
	clear(q.waiting[len(rest):])
	q.waiting = rest
	return batch
}

// hotArgs are one kind's columns of a batch, as the SQL functions take them.
type hotArgs struct {
	convs, agents []int64
	sups          []bool
	nows, walls   []time.Time
}

func (a *hotArgs) add(o *hotOp) {
	a.convs, a.agents = append(a.convs, int64(o.conv)), append(a.agents, int64(o.agent))
	a.nows, a.walls = append(a.nows, o.now), append(a.walls, o.wall)
	if !o.release { // C10 asks whether each claimer is a supervisor
		a.sups = append(a.sups, o.supervisor)
	}
}

// run decides batch in one call, announces what it wrote and answers every operation.
func (q *hotQueue) run(d *Desk, batch []*hotOp) {
	ws := batch[0].ws
	var c, r hotArgs
	for _, o := range batch {
		if o.release {
			r.add(o)
		} else {
			c.add(o)
		}
	}
	args := []any{ws, hotWaiting, c.convs, c.agents, c.sups, c.nows, c.walls, r.convs, r.agents, r.nows, r.walls}
	// The batch answers many requests, so no single request's context may end it; a batch that
	// waits this long on row locks gives up, and its operations go their ordinary way.
	ctx, cancel := context.WithTimeout(tenant.WithWorkspace(context.Background(), ws), hotBatchTimeout)
	defer cancel()
	rows, err := d.client.Conversation.Query().Modify(func(s *sql.Selector) {
		s.Prefix(sql.ExprFunc(func(b *sql.Builder) {
			b.WriteString("WITH ").Ident(conversation.Table).WriteString(" AS (SELECT * FROM switchboard_hot(").Args(args...).WriteString("))")
		}))
	}).All(ctx)
	if err != nil {
		slog.Warn("desk: hot path batch", "operations", len(batch), "err", err)
		if storage.OutcomeUnknown(err) {
			for _, o := range batch {
				o.done <- hotAnswer{err: errHotUnknown}
			}
			return
		}
		rows = nil // for example a deadlock with an ordinary transaction: each operation goes its ordinary way
	}
	byConv := make(map[int]*ent.Conversation, len(rows))
	for _, c := range rows {
		byConv[c.ID] = c
	}
	var entries []events.Entry
	for _, o := range batch {
		if byConv[o.conv] != nil {
			typ := events.ConversationClaimed
			if o.release {
				typ = events.ConversationReleased
			}
			entries = append(entries, events.Entry{WorkspaceID: ws, Type: typ, ConversationID: o.conv, ActorID: o.agent, SubjectID: o.agent,
				Version: byConv[o.conv].Version})
		}
	}
	hotDecided.Add(int64(len(entries)))
	metrics.HotBatch(len(batch), len(entries))
	if len(entries) > 0 {
		hotBatches.Add(1)
		d.bus.AnnounceNumbered(entries)
	}
	for _, o := range batch {
		o.done <- hotAnswer{conv: byConv[o.conv]}
	}
}

// hotWaiting are the intervention statuses the SQL declines a claim for: enum.InterventionWaiting,
// the statuses takenOver acts on (I2), passed with each batch so that the rule has one definition.
var hotWaiting = func() []string {
	out := make([]string, len(enum.InterventionWaiting))
	for i, s := range enum.InterventionWaiting {
		out[i] = string(s)
	}
	return out
}()

// hold stops (on) or restarts the queue's batches (tests gather a batch with it).
func (q *hotQueue) hold(d *Desk, on bool) {
	q.mu.Lock()
	q.held = on
	q.mu.Unlock()
	q.kick(d)
}

// hotDecided counts the operations the hot paths decided; hotBatches the batches that decided any.
var hotDecided, hotBatches atomic.Int64

// HotDecided is how many claims and releases the hot paths decided since the process started.
func HotDecided() int64 { return hotDecided.Load() }

// HotBatches is how many batches decided at least one of them.
func HotBatches() int64 { return hotBatches.Load() }
