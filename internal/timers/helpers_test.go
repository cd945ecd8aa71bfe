package timers_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"switchboard/ent"
	"switchboard/ent/event"
	"switchboard/ent/schema/enum"
	"switchboard/ent/timer"
	"switchboard/internal/directory"
	"switchboard/internal/events"
	"switchboard/internal/storage"
	"switchboard/internal/tenant"
	"switchboard/internal/testdb"
	"switchboard/internal/timers"
)

// t0 is the tests' "now" at the start: whole milliseconds, so remaining times are exact.
var t0 = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

const (
	inactivity = enum.TimerCustomerInactivity
	sla        = enum.TimerSLAFirstResponse
)

func sys() context.Context { return tenant.System(context.Background()) }

// clock is a controllable clock shared by a test and its workers.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: t0} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// At sets the clock to t0+d.
func (c *clock) At(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t0.Add(d)
}

// fixture is a database with one workspace and its conversations.
type fixture struct {
	t  testing.TB
	db *storage.DB
	ws int
	n  int
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	db := testdb.Open(t)
	ws, err := directory.New(db.Client, nil).CreateWorkspace(sys(), "W", "w", "admin@w.test", "Admin", "timers-test-password")
	if err != nil {
		t.Fatalf("workspace: %v", err)
	}
	return &fixture{t: t, db: db, ws: ws.ID}
}

// conversations creates n conversations and returns their ids.
func (f *fixture) conversations(n int) []int {
	f.t.Helper()
	ctx := sys()
	ids := make([]int, n)
	for i := range ids {
		f.n++
		cu, err := f.db.Client.Customer.Create().SetWorkspaceID(f.ws).SetName(fmt.Sprintf("Customer %d", f.n)).Save(ctx)
		if err != nil {
			f.t.Fatalf("customer: %v", err)
		}
		c, err := f.db.Client.Conversation.Create().SetWorkspaceID(f.ws).SetCustomerID(cu.ID).SetChannel(enum.ChannelLiveChat).Save(ctx)
		if err != nil {
			f.t.Fatalf("conversation: %v", err)
		}
		ids[i] = c.ID
	}
	return ids
}

// tx runs fn in a transaction, as the desk would (conversation-scoped work in its workspace).
func (f *fixture) tx(fn func(ctx context.Context, tx *ent.Tx) error) {
	f.t.Helper()
	ctx := tenant.WithWorkspace(context.Background(), f.ws)
	if err := storage.InTx(ctx, f.db.Client, func(tx *ent.Tx) error { return fn(ctx, tx) }); err != nil {
		f.t.Fatalf("tx: %v", err)
	}
}

func (f *fixture) schedule(conv int, kind enum.TimerKind, due time.Time) {
	f.t.Helper()
	f.tx(func(ctx context.Context, tx *ent.Tx) error {
		return timers.Schedule(ctx, tx, f.ws, conv, kind, due, map[string]any{"conversation": conv})
	})
}

// timers lists the conversation's timers (every status) by id.
func (f *fixture) timers(conv int) []*ent.Timer {
	f.t.Helper()
	return f.db.Client.Timer.Query().Where(timer.ConversationID(conv)).Order(timer.ByID()).AllX(sys())
}

// only returns the conversation's one timer of kind that is not CANCELLED.
func (f *fixture) only(conv int, kind enum.TimerKind) *ent.Timer {
	f.t.Helper()
	ts := f.db.Client.Timer.Query().Where(timer.ConversationID(conv), timer.KindEQ(kind),
		timer.StatusNEQ(enum.TimerCancelled)).AllX(sys())
	if len(ts) != 1 {
		f.t.Fatalf("conversation %d has %d %s timers that are not cancelled, want 1", conv, len(ts), kind)
	}
	return ts[0]
}

// count counts the timers in status.
func (f *fixture) count(status enum.TimerStatus) int {
	f.t.Helper()
	return f.db.Client.Timer.Query().Where(timer.StatusEQ(status)).CountX(sys())
}

// eventsOf counts the events of type typ (what handlers write).
func (f *fixture) eventsOf(typ string) int {
	f.t.Helper()
	return f.db.Client.Event.Query().Where(event.Type(typ)).CountX(sys())
}

// calls counts handler calls per timer id, safely from many goroutines.
type calls struct {
	mu sync.Mutex
	n  map[int]int
}

func newCalls() *calls { return &calls{n: map[int]int{}} }

func (c *calls) add(id int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n[id]++
}

func (c *calls) of(id int) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[id]
}

func (c *calls) total() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := 0
	for _, n := range c.n {
		s += n
	}
	return s
}

// recorder is a handler that counts its calls and writes an event "timer.fired" in the timer's
// transaction, so a test can see whether its writes committed.
func recorder(c *calls) timers.Handler {
	return func(ctx context.Context, tx *ent.Tx, t *ent.Timer) error {
		c.add(t.ID)
		e := events.Entry{WorkspaceID: t.WorkspaceID, Type: "timer.fired", After: map[string]any{"timer": t.ID, "kind": string(t.Kind)}}
		if t.ConversationID != nil {
			e.ConversationID = *t.ConversationID
		}
		var bus *events.Bus // no broker: the entry is only written
		return bus.Append(ctx, tx, e)
	}
}
