package timers_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"switchboard/ent"
	"switchboard/ent/conversation"
	"switchboard/ent/schema/enum"
	"switchboard/ent/timer"
	"switchboard/internal/storage"
	"switchboard/internal/testapi"
	"switchboard/internal/testdb"
	"switchboard/internal/timers"
)

// §6 durable timers: timers that fell due while no server ran fire exactly once when a worker
// starts, and Run ends with its context.
func TestDueWhileServerDownFiresOnceOnStart(t *testing.T) {
	f := newFixture(t)
	convs := f.conversations(3)
	for i, c := range convs {
		f.schedule(c, inactivity, t0.Add(time.Duration(i)*time.Minute))
		f.schedule(c, sla, t0.Add(time.Duration(i)*time.Hour))
	}
	f.schedule(f.conversations(1)[0], inactivity, t0.Add(48*time.Hour)) // not due yet
	// The servers were down; one starts a day later.
	clk := newClock()
	clk.At(24 * time.Hour)
	got := newCalls()
	w := timers.NewWorker(f.db, "restarted").WithClock(clk.Now).Handle(inactivity, recorder(got)).Handle(sla, recorder(got))
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); w.Run(ctx, 10*time.Millisecond) }()
	testapi.Eventually(t, 10*time.Second, "the 6 due timers fired", func() bool { return f.count(enum.TimerFired) >= 6 })
	for range 3 { // more runs beside Run's: nothing fires twice
		if _, err := w.RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	stop()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not end with its context")
	}
	if n := f.count(enum.TimerFired); n != 6 || got.total() != 6 || f.eventsOf("timer.fired") != 6 {
		t.Fatalf("fired %d, handler calls %d, events %d: want 6 each", n, got.total(), f.eventsOf("timer.fired"))
	}
	for _, c := range convs {
		for _, tm := range f.timers(c) {
			if got.of(tm.ID) != 1 || tm.FiredAt == nil || !tm.FiredAt.Equal(clk.Now()) || tm.LockedBy == nil || *tm.LockedBy != "restarted" {
				t.Fatalf("timer %d: %d calls, fired at %v by %v", tm.ID, got.of(tm.ID), tm.FiredAt, tm.LockedBy)
			}
		}
	}
	if n := f.count(enum.TimerPending); n != 1 {
		t.Fatalf("%d pending, want the one not yet due", n)
	}
}

// §6 durable timers: an instance that dies while firing (before its commit) loses nothing: the
// timer is still PENDING, its handler's writes are gone, and the next worker fires it once.
func TestCrashBeforeCommitLeavesTimerPending(t *testing.T) {
	f := newFixture(t)
	conv := f.conversations(1)[0]
	f.schedule(conv, inactivity, t0)
	clk := newClock()
	ctx, die := context.WithCancel(context.Background())
	crashing := timers.NewWorker(f.db, "dying").WithClock(clk.Now).Handle(inactivity, func(hctx context.Context, tx *ent.Tx, tm *ent.Timer) error {
		if err := recorder(newCalls())(hctx, tx, tm); err != nil {
			return err
		}
		die() // the process is killed mid-transaction: its connection, and transaction, go
		return hctx.Err()
	})
	if n, err := crashing.RunOnce(ctx); err == nil || n != 0 {
		t.Fatalf("crashing worker: fired %d, err %v; want 0 and an error", n, err)
	}
	tm := f.only(conv, inactivity)
	if tm.Status != enum.TimerPending || tm.Attempts != 0 || f.eventsOf("timer.fired") != 0 {
		t.Fatalf("after the crash: %s, attempts %d, events %d; want PENDING, 0, 0", tm.Status, tm.Attempts, f.eventsOf("timer.fired"))
	}
	got := newCalls()
	next := timers.NewWorker(f.db, "next").WithClock(clk.Now).Handle(inactivity, recorder(got))
	// Postgres releases the dead transaction's row locks once it has noticed the connection's
	// end; until then the timer is skipped, not lost. Keep running, as Run would.
	testapi.Eventually(t, 10*time.Second, "the next worker fires the timer", func() bool {
		if _, err := next.RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		return f.count(enum.TimerFired) != 0
	})
	if _, err := next.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got.of(tm.ID) != 1 || f.count(enum.TimerFired) != 1 || f.eventsOf("timer.fired") != 1 {
		t.Fatalf("next worker: %d calls, %d fired, %d events; want 1 each", got.of(tm.ID), f.count(enum.TimerFired), f.eventsOf("timer.fired"))
	}
}

// A failing handler (error or panic) does not mark its timer fired, its writes roll back with it,
// and the timer is tried again after a backoff (1 s, then 2 s) until it succeeds.
func TestFailingHandlerIsRetriedLater(t *testing.T) {
	for _, how := range []string{"error", "panic"} {
		t.Run(how, func(t *testing.T) {
			f := newFixture(t)
			conv := f.conversations(1)[0]
			f.schedule(conv, sla, t0)
			clk := newClock()
			var n atomic.Int32
			w := timers.NewWorker(f.db, "w").WithClock(clk.Now).Handle(sla, func(ctx context.Context, tx *ent.Tx, tm *ent.Timer) error {
				if err := recorder(newCalls())(ctx, tx, tm); err != nil { // written, then rolled back
					return err
				}
				if n.Add(1) <= 2 {
					if how == "panic" {
						panic("handler bug")
					}
					return errors.New("downstream unavailable")
				}
				return nil
			})
			steps := []struct {
				at       time.Duration
				fired    int
				calls    int32
				attempts int
				due      time.Duration
			}{
				{at: 0, fired: 0, calls: 1, attempts: 1, due: time.Second},
				{at: 999 * ms, fired: 0, calls: 1, attempts: 1, due: time.Second}, // not before the backoff
				{at: time.Second, fired: 0, calls: 2, attempts: 2, due: 3 * time.Second},
				{at: 3 * time.Second, fired: 1, calls: 3, attempts: 2, due: 3 * time.Second},
				{at: time.Hour, fired: 0, calls: 3, attempts: 2, due: 3 * time.Second},
			}
			for i, s := range steps {
				clk.At(s.at)
				fired, err := w.RunOnce(context.Background())
				if err != nil {
					t.Fatalf("step %d: %v", i, err)
				}
				tm := f.only(conv, sla)
				if fired != s.fired || n.Load() != s.calls || tm.Attempts != s.attempts || !tm.DueAt.Equal(t0.Add(s.due)) {
					t.Fatalf("step %d: fired %d calls %d attempts %d due t0+%v; want %d %d %d t0+%v", i, fired, n.Load(),
						tm.Attempts, tm.DueAt.Sub(t0), s.fired, s.calls, s.attempts, s.due)
				}
				wantStatus, wantEvents := enum.TimerPending, 0
				if n.Load() == 3 {
					wantStatus, wantEvents = enum.TimerFired, 1
				}
				if tm.Status != wantStatus || f.eventsOf("timer.fired") != wantEvents {
					t.Fatalf("step %d: %s with %d events, want %s with %d", i, tm.Status, f.eventsOf("timer.fired"), wantStatus, wantEvents)
				}
			}
		})
	}
}

// A timer whose handler keeps failing is given up (CANCELLED) after the maximum attempts.
func TestGivesUpAfterMaxAttempts(t *testing.T) {
	f := newFixture(t)
	conv := f.conversations(1)[0]
	f.schedule(conv, sla, t0)
	clk := newClock()
	var n atomic.Int32
	w := timers.NewWorker(f.db, "w").WithClock(clk.Now).WithMaxAttempts(3).Handle(sla, func(context.Context, *ent.Tx, *ent.Timer) error {
		n.Add(1)
		return errors.New("always")
	})
	for i := range 10 {
		clk.At(time.Duration(i) * time.Hour)
		if _, err := w.RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	tm := f.timers(conv)[0]
	if n.Load() != 3 || tm.Status != enum.TimerCancelled || tm.Attempts != 3 || tm.FiredAt != nil {
		t.Fatalf("calls %d, %s, attempts %d, fired at %v; want 3 calls, CANCELLED, 3, never fired", n.Load(), tm.Status, tm.Attempts, tm.FiredAt)
	}
}

// Failing timers do not hold back the others of their batch: those fire in the same run, each
// run at most twice (once in the batch rolled back by the failure, once after it), however many
// of the batch fail.
func TestFailuresDoNotHoldBackTheBatch(t *testing.T) {
	f := newFixture(t)
	convs := f.conversations(20)
	bad := map[int]bool{}
	for i, c := range convs {
		f.schedule(c, inactivity, t0)
		if i%2 == 1 {
			bad[f.only(c, inactivity).ID] = true
		}
	}
	tries, got := newCalls(), newCalls()
	w := timers.NewWorker(f.db, "w").WithClock(newClock().Now).Handle(inactivity, func(ctx context.Context, tx *ent.Tx, tm *ent.Timer) error {
		tries.add(tm.ID)
		if bad[tm.ID] {
			return errors.New("bad timer")
		}
		return recorder(got)(ctx, tx, tm)
	})
	n, err := w.RunOnce(context.Background())
	if err != nil || n != 10 {
		t.Fatalf("fired %d, %v; want 10", n, err)
	}
	if f.count(enum.TimerFired) != 10 || f.eventsOf("timer.fired") != 10 {
		t.Fatalf("%d fired, %d events; want 10", f.count(enum.TimerFired), f.eventsOf("timer.fired"))
	}
	for i, c := range convs {
		tm := f.only(c, inactivity)
		switch {
		case bad[tm.ID] && (tm.Status != enum.TimerPending || tm.Attempts != 1 || tries.of(tm.ID) != 1):
			t.Fatalf("failing timer %d: %s attempts %d tries %d; want PENDING, 1, 1", i, tm.Status, tm.Attempts, tries.of(tm.ID))
		case !bad[tm.ID] && (tm.Status != enum.TimerFired || tries.of(tm.ID) > 2):
			t.Fatalf("good timer %d: %s after %d tries; want FIRED after at most 2", i, tm.Status, tries.of(tm.ID))
		}
	}
}

// Batches are bounded: each transaction fires at most the batch size, and a run drains them all.
func TestBatchesAreBounded(t *testing.T) {
	f := newFixture(t)
	for _, c := range f.conversations(25) {
		f.schedule(c, inactivity, t0)
	}
	perTx := map[*ent.Tx]int{}
	w := timers.NewWorker(f.db, "w").WithClock(newClock().Now).WithBatch(10).Handle(inactivity, func(_ context.Context, tx *ent.Tx, _ *ent.Timer) error {
		perTx[tx]++
		return nil
	})
	n, err := w.RunOnce(context.Background())
	if err != nil || n != 25 {
		t.Fatalf("fired %d, %v; want 25", n, err)
	}
	if len(perTx) != 3 {
		t.Fatalf("%d transactions, want 3", len(perTx))
	}
	for _, k := range perTx {
		if k > 10 {
			t.Fatalf("a transaction fired %d timers, more than the batch", k)
		}
	}
}

// A handler may schedule the next timer of its own kind (a repeating reminder): the fired one
// stays FIRED and the next one fires at its time.
func TestHandlerSchedulesTheNextOne(t *testing.T) {
	f := newFixture(t)
	conv := f.conversations(1)[0]
	f.schedule(conv, sla, t0)
	clk := newClock()
	got := newCalls()
	w := timers.NewWorker(f.db, "w").WithClock(clk.Now).Handle(sla, func(ctx context.Context, tx *ent.Tx, tm *ent.Timer) error {
		if err := recorder(got)(ctx, tx, tm); err != nil {
			return err
		}
		return timers.Schedule(ctx, tx, tm.WorkspaceID, *tm.ConversationID, sla, tm.FiredAt.Add(time.Minute), tm.Payload)
	})
	for i, want := range []int{1, 0, 1} {
		clk.At(time.Duration(i) * 30 * time.Second)
		if n, err := w.RunOnce(context.Background()); err != nil || n != want {
			t.Fatalf("run %d: fired %d, %v; want %d", i, n, err, want)
		}
	}
	if f.count(enum.TimerFired) != 2 || f.count(enum.TimerPending) != 1 || got.total() != 2 {
		t.Fatalf("%d fired, %d pending, %d calls; want 2, 1, 2", f.count(enum.TimerFired), f.count(enum.TimerPending), got.total())
	}
	next := f.db.Client.Timer.Query().Where(timer.ConversationID(conv), timer.StatusEQ(enum.TimerPending)).OnlyX(sys())
	if !next.DueAt.Equal(t0.Add(2 * time.Minute)) {
		t.Fatalf("next timer due t0+%v, want t0+2m", next.DueAt.Sub(t0))
	}
}

// Kinds a worker has no handler for are left alone for a worker that has one.
func TestUnknownKindsAreLeftAlone(t *testing.T) {
	f := newFixture(t)
	conv := f.conversations(1)[0]
	f.schedule(conv, inactivity, t0)
	f.schedule(conv, sla, t0)
	clk := newClock()
	got := newCalls()
	old := timers.NewWorker(f.db, "old").WithClock(clk.Now).Handle(sla, recorder(got))
	if n, err := old.RunOnce(context.Background()); err != nil || n != 1 {
		t.Fatalf("old worker fired %d, %v; want 1", n, err)
	}
	if tm := f.only(conv, inactivity); tm.Status != enum.TimerPending || tm.Attempts != 0 {
		t.Fatalf("unhandled kind: %s attempts %d; want PENDING 0", tm.Status, tm.Attempts)
	}
	none := timers.NewWorker(f.db, "none").WithClock(clk.Now)
	if n, err := none.RunOnce(context.Background()); err != nil || n != 0 {
		t.Fatalf("worker without handlers fired %d, %v", n, err)
	}
	newer := timers.NewWorker(f.db, "new").WithClock(clk.Now).Handle(inactivity, recorder(got)).Handle(sla, recorder(got))
	if n, err := newer.RunOnce(context.Background()); err != nil || n != 1 {
		t.Fatalf("new worker fired %d, %v; want 1", n, err)
	}
	if got.total() != 2 {
		t.Fatalf("%d handler calls, want 2", got.total())
	}
}

// lockConversation is what a real handler, or a desk transaction, does first.
func lockConversation(ctx context.Context, db *storage.DB, tx *ent.Tx, conv int) error {
	_, err := storage.ForUpdate(db.RowLocks(), tx.Conversation.Query().Where(conversation.ID(conv))).Only(ctx)
	return err
}

// Several workers (instances) race with RunOnce in many goroutines: every due timer fires exactly
// once (handler calls, FIRED rows and the handlers' events agree). Real concurrency on Postgres
// (run with -race); on SQLite the writers take turns.
func TestRacingWorkersFireEachTimerOnce(t *testing.T) {
	f := newFixture(t)
	const convs, workers = 150, 4
	goroutines := 32
	if !testdb.IsPostgres() {
		goroutines = 8
	}
	for _, c := range f.conversations(convs) {
		f.schedule(c, inactivity, t0.Add(-time.Minute))
		f.schedule(c, sla, t0)
	}
	f.schedule(f.conversations(1)[0], inactivity, t0.Add(time.Second)) // not due: must not fire
	const want = 2 * convs
	clk := newClock()
	got := newCalls()
	ws := make([]*timers.Worker, workers)
	for i := range ws {
		h := func(ctx context.Context, tx *ent.Tx, tm *ent.Timer) error {
			if err := lockConversation(ctx, f.db, tx, *tm.ConversationID); err != nil {
				return err
			}
			return recorder(got)(ctx, tx, tm)
		}
		ws[i] = timers.NewWorker(f.db, fmt.Sprintf("w%d", i)).WithClock(clk.Now).WithBatch(7).Handle(inactivity, h).Handle(sla, h)
	}
	var fired atomic.Int64
	errs := make(chan error, goroutines)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			<-start
			for range 50 {
				n, err := ws[g%workers].RunOnce(context.Background())
				fired.Add(int64(n))
				if err != nil {
					errs <- err
					return
				}
				if fired.Load() >= want {
					return
				}
			}
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("worker: %v", err)
	}
	if fired.Load() != want || got.total() != want || f.count(enum.TimerFired) != want || f.eventsOf("timer.fired") != want {
		t.Fatalf("RunOnce reported %d, handlers ran %d, %d FIRED rows, %d events; want %d each",
			fired.Load(), got.total(), f.count(enum.TimerFired), f.eventsOf("timer.fired"), want)
	}
	for _, tm := range f.db.Client.Timer.Query().Where(timer.StatusEQ(enum.TimerFired)).AllX(sys()) {
		if got.of(tm.ID) != 1 {
			t.Fatalf("timer %d: handler ran %d times", tm.ID, got.of(tm.ID))
		}
	}
	if f.count(enum.TimerPending) != 1 || f.count(enum.TimerCancelled) != 0 {
		t.Fatalf("%d pending (want the one not due), %d cancelled", f.count(enum.TimerPending), f.count(enum.TimerCancelled))
	}
}

// §6 ON_HOLD racing the timer's firing: agents put conversations on hold (lock the conversation,
// pause its timers) while workers fire the same timers, whose handlers lock the conversation too.
// Nobody deadlocks or fails, and each timer either fired once or is paused, never both.
func TestHoldRacesFiring(t *testing.T) {
	f := newFixture(t)
	const n = 60
	convs := f.conversations(n)
	for _, c := range convs {
		f.schedule(c, inactivity, t0)
	}
	clk := newClock()
	got := newCalls()
	h := func(ctx context.Context, tx *ent.Tx, tm *ent.Timer) error {
		if err := lockConversation(ctx, f.db, tx, *tm.ConversationID); err != nil {
			return err
		}
		return recorder(got)(ctx, tx, tm)
	}
	errs := make(chan error, 2*n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range 4 {
		w := timers.NewWorker(f.db, fmt.Sprintf("w%d", i)).WithClock(clk.Now).WithBatch(3).Handle(inactivity, h)
		wg.Go(func() {
			<-start
			for range 40 {
				if _, err := w.RunOnce(context.Background()); err != nil {
					errs <- fmt.Errorf("worker: %w", err)
					return
				}
			}
		})
	}
	for _, c := range convs {
		wg.Go(func() {
			<-start
			err := storage.InTx(sys(), f.db.Client, func(tx *ent.Tx) error {
				if err := lockConversation(sys(), f.db, tx, c); err != nil {
					return err
				}
				return timers.Pause(sys(), tx, c, clk.Now())
			})
			if err != nil {
				errs <- fmt.Errorf("hold %d: %w", c, err)
			}
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	paused, firedN := 0, 0
	for _, c := range convs {
		tm := f.only(c, inactivity)
		switch {
		case tm.Status == enum.TimerFired && got.of(tm.ID) == 1:
			firedN++
		case tm.Status == enum.TimerPaused && got.of(tm.ID) == 0 && tm.Attempts == 0:
			paused++
		default:
			t.Fatalf("timer %d is %s (attempts %d) and its handler ran %d times", tm.ID, tm.Status, tm.Attempts, got.of(tm.ID))
		}
	}
	if f.eventsOf("timer.fired") != firedN {
		t.Fatalf("%d events for %d fired", f.eventsOf("timer.fired"), firedN)
	}
	t.Logf("%d fired before the hold, %d paused", firedN, paused)
}

// On Postgres a worker does not wait for a conversation another transaction holds (an agent
// putting it on hold): it fires the other due timers and leaves that one for a later run, which
// then finds it paused.
func TestBusyConversationIsSkipped(t *testing.T) {
	testdb.RequirePostgres(t)
	f := newFixture(t)
	convs := f.conversations(2)
	busy, free := convs[0], convs[1]
	f.schedule(busy, inactivity, t0)
	f.schedule(free, inactivity, t0)
	clk := newClock()
	got := newCalls()
	w := timers.NewWorker(f.db, "w").WithClock(clk.Now).Handle(inactivity, recorder(got))

	tx, err := f.db.Client.Tx(sys())
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback() //nolint:errcheck
	if err := lockConversation(sys(), f.db, tx, busy); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	n, err := w.RunOnce(ctx)
	if err != nil || n != 1 || got.of(f.only(free, inactivity).ID) != 1 {
		t.Fatalf("with the conversation held: fired %d, %v; want the free one only", n, err)
	}
	if err := timers.Pause(sys(), tx, busy, clk.Now().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	clk.At(time.Hour)
	if n, err := w.RunOnce(context.Background()); err != nil || n != 0 {
		t.Fatalf("after the hold: fired %d, %v; want 0", n, err)
	}
	if tm := f.only(busy, inactivity); tm.Status != enum.TimerPaused || *tm.RemainingMs != 1000 {
		t.Fatalf("held conversation's timer %s with %v ms left; want PAUSED with 1000", tm.Status, tm.RemainingMs)
	}
}
