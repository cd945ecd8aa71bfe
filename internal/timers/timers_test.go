package timers_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"switchboard/ent"
	"switchboard/ent/schema/enum"
	"switchboard/internal/storage"
	"switchboard/internal/timers"
)

// step is one thing that happens to a conversation's timers at clock time t0+at.
type step struct {
	at   time.Duration
	op   string // schedule, cancel, pause, resume, run
	kind enum.TimerKind
	due  time.Duration // schedule: due at t0+due
	want int           // run: how many timers fire
}

func schedule(at, due time.Duration, kind enum.TimerKind) step {
	return step{at: at, op: "schedule", kind: kind, due: due}
}
func cancel(at time.Duration, kind enum.TimerKind) step {
	return step{at: at, op: "cancel", kind: kind}
}
func pause(at time.Duration, kind enum.TimerKind) step { return step{at: at, op: "pause", kind: kind} }
func resume(at time.Duration, kind enum.TimerKind) step {
	return step{at: at, op: "resume", kind: kind}
}
func run(at time.Duration, want int) step { return step{at: at, op: "run", want: want} }

const ms = time.Millisecond

// §6: customer-inactivity and SLA timers are durable; ON_HOLD stops them and un-hold resumes them
// with the time that was left. The clock is controlled: no sleeps.
func TestLifecycle(t *testing.T) {
	cases := []struct {
		name  string
		steps []step
		// left: the remaining time of the PAUSED inactivity timer at the end, if any is expected.
		left *time.Duration
	}{
		{name: "not yet due does not fire; due fires once", steps: []step{
			schedule(0, 10*time.Minute, inactivity),
			run(10*time.Minute-ms, 0), run(10*time.Minute, 1), run(time.Hour, 0),
		}},
		{name: "overdue fires at the next run", steps: []step{
			schedule(0, -time.Minute, inactivity), run(0, 1), run(time.Minute, 0),
		}},
		{name: "schedule replaces the pending timer of its kind", steps: []step{
			schedule(0, 10*time.Minute, inactivity), schedule(5*time.Minute, 20*time.Minute, inactivity),
			run(10*time.Minute, 0), run(20*time.Minute-ms, 0), run(20*time.Minute, 1), run(time.Hour, 0),
		}},
		{name: "schedule can bring a timer forward", steps: []step{
			schedule(0, time.Hour, inactivity), schedule(0, time.Minute, inactivity),
			run(time.Minute, 1), run(2*time.Hour, 0),
		}},
		{name: "schedule after firing adds the next timer", steps: []step{
			schedule(0, time.Minute, inactivity), run(time.Minute, 1),
			schedule(time.Minute, 2*time.Minute, inactivity), run(2*time.Minute, 1),
		}},
		{name: "kinds are independent", steps: []step{
			schedule(0, time.Minute, inactivity), schedule(0, 2*time.Minute, sla),
			run(time.Minute, 1), run(2*time.Minute, 1),
		}},
		{name: "cancel", steps: []step{
			schedule(0, 10*time.Minute, inactivity), cancel(time.Minute, inactivity), run(time.Hour, 0),
		}},
		{name: "cancel one kind leaves the other", steps: []step{
			schedule(0, time.Minute, inactivity), schedule(0, time.Minute, sla), cancel(0, sla),
			run(time.Minute, 1),
		}},
		{name: "cancel every kind", steps: []step{
			schedule(0, time.Minute, inactivity), schedule(0, time.Minute, sla), cancel(0, ""),
			run(time.Minute, 0),
		}},
		{name: "hold stops the clock; resume continues with the time left", steps: []step{
			schedule(0, 10*time.Minute, inactivity), pause(4*time.Minute, inactivity),
			run(time.Hour, 0),
			resume(2*time.Hour, inactivity), // 6 minutes were left
			run(2*time.Hour+6*time.Minute-ms, 0), run(2*time.Hour+6*time.Minute, 1),
		}},
		{name: "hold twice: the second hold keeps the first remaining time", steps: []step{
			schedule(0, 10*time.Minute, inactivity), pause(4*time.Minute, inactivity), pause(9*time.Minute, inactivity),
			resume(time.Hour, inactivity), run(time.Hour+6*time.Minute-ms, 0), run(time.Hour+6*time.Minute, 1),
		}},
		{name: "resume without hold changes nothing", steps: []step{
			schedule(0, 10*time.Minute, inactivity), resume(5*time.Minute, inactivity),
			run(10*time.Minute-ms, 0), run(10*time.Minute, 1),
		}},
		{name: "several holds add up", steps: []step{
			schedule(0, 10*time.Minute, inactivity),
			pause(2*time.Minute, ""), resume(time.Hour, ""), // 8 left, due 1h08
			pause(time.Hour+3*time.Minute, ""), resume(2*time.Hour, ""), // 5 left, due 2h05
			run(2*time.Hour+5*time.Minute-ms, 0), run(2*time.Hour+5*time.Minute, 1),
		}},
		{name: "hold of an overdue timer: it fires on resume", steps: []step{
			schedule(0, time.Minute, inactivity), pause(2*time.Minute, inactivity), run(time.Hour, 0),
			resume(2*time.Hour, inactivity), run(2*time.Hour, 1),
		}},
		{name: "hold stops only the kinds named", steps: []step{
			schedule(0, time.Minute, inactivity), schedule(0, time.Minute, sla), pause(0, sla),
			run(time.Minute, 1), resume(time.Hour, sla), run(time.Hour+time.Minute, 1),
		}},
		{name: "cancel while on hold", steps: []step{
			schedule(0, time.Minute, inactivity), pause(0, inactivity), cancel(time.Second, inactivity),
			resume(time.Hour, inactivity), run(2*time.Hour, 0),
		}},
		{name: "schedule while on hold makes it pending", steps: []step{
			schedule(0, time.Minute, inactivity), pause(0, inactivity),
			schedule(time.Second, 3*time.Minute, inactivity), run(3*time.Minute, 1),
		}},
		{name: "still paused at the end keeps its remaining time", left: ptr(7 * time.Minute), steps: []step{
			schedule(0, 10*time.Minute, inactivity), pause(3*time.Minute, inactivity), run(time.Hour, 0),
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			conv := f.conversations(1)[0]
			other := f.conversations(1)[0] // a second conversation's timer is never touched
			f.schedule(other, inactivity, t0.Add(365*24*time.Hour))
			clk := newClock()
			got := newCalls()
			w := timers.NewWorker(f.db, "w1").WithClock(clk.Now).Handle(inactivity, recorder(got)).Handle(sla, recorder(got))
			fired := 0
			for i, s := range tc.steps {
				clk.At(s.at)
				now := clk.Now()
				var kinds []enum.TimerKind
				if s.kind != "" {
					kinds = append(kinds, s.kind)
				}
				switch s.op {
				case "schedule":
					f.schedule(conv, s.kind, t0.Add(s.due))
				case "cancel":
					f.tx(func(ctx context.Context, tx *ent.Tx) error { return timers.Cancel(ctx, tx, conv, kinds...) })
				case "pause":
					f.tx(func(ctx context.Context, tx *ent.Tx) error { return timers.Pause(ctx, tx, conv, now, kinds...) })
				case "resume":
					f.tx(func(ctx context.Context, tx *ent.Tx) error { return timers.Resume(ctx, tx, conv, now, kinds...) })
				case "run":
					n, err := w.RunOnce(context.Background())
					if err != nil {
						t.Fatalf("step %d: run: %v", i, err)
					}
					if n != s.want {
						t.Fatalf("step %d: run at t0+%v fired %d, want %d", i, s.at, n, s.want)
					}
					fired += n
				}
				// One live timer per conversation and kind, whatever happened.
				live := map[enum.TimerKind]int{}
				for _, tm := range f.timers(conv) {
					if tm.Status == enum.TimerPending || tm.Status == enum.TimerPaused {
						if live[tm.Kind]++; live[tm.Kind] > 1 {
							t.Fatalf("step %d: two live %s timers", i, tm.Kind)
						}
					}
				}
			}
			if got.total() != fired || f.eventsOf("timer.fired") != fired {
				t.Fatalf("handler calls %d, events %d, fired %d: want equal", got.total(), f.eventsOf("timer.fired"), fired)
			}
			for _, tm := range f.timers(conv) {
				if n := got.of(tm.ID); (tm.Status == enum.TimerFired) != (n == 1) || n > 1 {
					t.Fatalf("timer %d is %s and its handler ran %d times", tm.ID, tm.Status, n)
				}
				if tm.Status == enum.TimerFired && (tm.FiredAt == nil || tm.FiredAt.Before(tm.DueAt)) {
					t.Fatalf("timer %d fired at %v, due %v", tm.ID, tm.FiredAt, tm.DueAt)
				}
			}
			if tc.left != nil {
				p := f.only(conv, inactivity)
				if p.Status != enum.TimerPaused || p.RemainingMs == nil || time.Duration(*p.RemainingMs)*time.Millisecond != *tc.left {
					t.Fatalf("inactivity timer is %s with %v ms left, want PAUSED with %v", p.Status, p.RemainingMs, *tc.left)
				}
			}
			if o := f.only(other, inactivity); o.Status != enum.TimerPending || got.of(o.ID) != 0 {
				t.Fatalf("the other conversation's timer is %s, fired %d times", o.Status, got.of(o.ID))
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

// Schedule replaces in place: resetting the inactivity timer on every customer message adds no
// rows; the payload is the latest.
func TestScheduleReplacesInPlace(t *testing.T) {
	f := newFixture(t)
	conv := f.conversations(1)[0]
	for i := range 20 {
		f.tx(func(ctx context.Context, tx *ent.Tx) error {
			return timers.Schedule(ctx, tx, f.ws, conv, inactivity, t0.Add(time.Duration(i)*time.Minute), map[string]any{"n": i})
		})
	}
	ts := f.timers(conv)
	if len(ts) != 1 {
		t.Fatalf("%d rows after 20 schedules, want 1", len(ts))
	}
	if !ts[0].DueAt.Equal(t0.Add(19*time.Minute)) || ts[0].Payload["n"] != float64(19) {
		t.Fatalf("timer due %v payload %v, want the last schedule", ts[0].DueAt, ts[0].Payload)
	}
}

// A rolled-back transaction leaves the timers as they were: they are written with the change.
func TestTimerChangesRollBackWithTheirTransaction(t *testing.T) {
	f := newFixture(t)
	conv := f.conversations(1)[0]
	f.schedule(conv, inactivity, t0.Add(time.Minute))
	boom := errors.New("boom")
	for _, op := range []func(ctx context.Context, tx *ent.Tx) error{
		func(ctx context.Context, tx *ent.Tx) error { return timers.Cancel(ctx, tx, conv) },
		func(ctx context.Context, tx *ent.Tx) error { return timers.Pause(ctx, tx, conv, t0) },
		func(ctx context.Context, tx *ent.Tx) error {
			return timers.Schedule(ctx, tx, f.ws, conv, inactivity, t0.Add(time.Hour), nil)
		},
		func(ctx context.Context, tx *ent.Tx) error {
			return timers.Schedule(ctx, tx, f.ws, conv, sla, t0.Add(time.Hour), nil)
		},
	} {
		ctx := sys()
		err := storage.InTx(ctx, f.db.Client, func(tx *ent.Tx) error {
			if err := op(ctx, tx); err != nil {
				return err
			}
			return boom // the desk's change failed after the timer changes
		})
		if !errors.Is(err, boom) {
			t.Fatalf("tx: %v", err)
		}
	}
	ts := f.timers(conv)
	if len(ts) != 1 || ts[0].Status != enum.TimerPending || !ts[0].DueAt.Equal(t0.Add(time.Minute)) {
		t.Fatalf("after rolled-back changes: %v", ts)
	}
}

// A workspace timer (no conversation, E6 purge) is one per workspace and kind, and fires.
func TestWorkspaceTimer(t *testing.T) {
	f := newFixture(t)
	for _, d := range []time.Duration{time.Hour, time.Minute} {
		f.tx(func(ctx context.Context, tx *ent.Tx) error {
			return timers.Schedule(ctx, tx, f.ws, 0, enum.TimerAuditPurge, t0.Add(d), nil)
		})
	}
	if n := f.count(enum.TimerPending); n != 1 {
		t.Fatalf("%d pending workspace timers, want 1", n)
	}
	clk := newClock()
	got := newCalls()
	w := timers.NewWorker(f.db, "w1").WithClock(clk.Now).Handle(enum.TimerAuditPurge, recorder(got))
	clk.At(time.Minute)
	if n, err := w.RunOnce(context.Background()); err != nil || n != 1 {
		t.Fatalf("run: fired %d, %v; want 1", n, err)
	}
	f.tx(func(ctx context.Context, tx *ent.Tx) error {
		if err := timers.Cancel(ctx, tx, 0); !errors.Is(err, timers.ErrNoConversation) {
			t.Errorf("Cancel(0) = %v, want ErrNoConversation", err)
		}
		return nil
	})
}
