package timers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"time"

	"entgo.io/ent/dialect/sql"

	"switchboard/ent"
	"switchboard/ent/conversation"
	"switchboard/ent/schema/enum"
	"switchboard/ent/timer"
	"switchboard/internal/metrics"
	"switchboard/internal/storage"
	"switchboard/internal/tenant"
)

// Handler does what a timer of one kind is for (close an inactive conversation, escalate an SLA
// breach), in tx: the transaction that marks t FIRED, so the handler's writes and events commit
// with it or not at all. ctx is scoped to t's workspace. t arrives marked FIRED; the handler may
// Schedule the next timer of the same kind. A returned error (or a panic) rolls tx back and the
// timer is retried later (see Worker).
type Handler func(ctx context.Context, tx *ent.Tx, t *ent.Timer) error

// Defaults of a Worker.
const (
	DefaultBatch       = 100
	DefaultMaxAttempts = 10
	// MaxBackoff caps the wait before a failed timer is tried again.
	MaxBackoff = 5 * time.Minute
	// maxRounds bounds one RunOnce to about maxRounds full batches of timers (retries included),
	// so a handler that keeps scheduling already-due timers cannot hold it forever; the next run
	// continues.
	maxRounds = 100
)

// Worker fires due timers. Any number of workers, on any number of instances, may run at once:
//
//   - On Postgres a worker claims up to a batch of due timers, each together with its
//     conversation's row, with SELECT … FOR NO KEY UPDATE SKIP LOCKED in a transaction, runs their
//     handlers in that transaction, marks them FIRED and commits. Two workers never claim the same
//     timer; a crash before the commit releases the locks and leaves the timers PENDING for the
//     next run. A timer whose conversation another transaction holds (an agent putting it on hold)
//     is skipped this run instead of waited for.
//   - On SQLite, whose write transactions begin IMMEDIATE and run one at a time, the same code
//     takes no row locks and is as safe.
//
// A handler that fails (error or panic) rolls back its whole batch: the failed timer is tried
// again after a backoff (1 s, 2 s, 4 s, … at most MaxBackoff, recorded in a separate transaction)
// and cancelled after the maximum attempts (DefaultMaxAttempts); the others are fired again at
// once, one per transaction for the rest of the run. (Savepoints would spare the redo, but a
// failed handler's OnCommit hooks would still run at the batch's commit.)
// Timers of kinds the worker has no handler for are left alone: another instance, or a later
// version, may handle them.
//
// Configure a worker (Handle, With…) before running it; it is not safe to change while running.
type Worker struct {
	db          *storage.DB
	id          string
	handlers    map[enum.TimerKind]Handler
	now         func() time.Time
	batch       int
	maxAttempts int
}

// NewWorker returns a worker without handlers; id names it (the instance) in logs and in the
// locked_by column of the timers it fires.
func NewWorker(db *storage.DB, id string) *Worker {
	return &Worker{db: db, id: id, handlers: map[enum.TimerKind]Handler{}, now: time.Now,
		batch: DefaultBatch, maxAttempts: DefaultMaxAttempts}
}

// Handle makes h the handler of kind.
func (w *Worker) Handle(kind enum.TimerKind, h Handler) *Worker {
	w.handlers[kind] = h
	return w
}

// WithClock replaces the clock (tests).
func (w *Worker) WithClock(now func() time.Time) *Worker {
	w.now = now
	return w
}

// WithBatch sets how many timers one transaction fires at most (n ≥ 1). Smaller batches hold
// conversation rows for less time; larger ones commit less often.
func (w *Worker) WithBatch(n int) *Worker {
	w.batch = max(n, 1)
	return w
}

// WithMaxAttempts sets after how many failed attempts a timer is given up (cancelled).
func (w *Worker) WithMaxAttempts(n int) *Worker {
	w.maxAttempts = max(n, 1)
	return w
}

// Run fires due timers now and then every interval (a second if every ≤ 0) until ctx ends.
func (w *Worker) Run(ctx context.Context, every time.Duration) {
	if every <= 0 {
		every = time.Second
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if n, err := w.RunOnce(ctx); err != nil && ctx.Err() == nil {
			slog.ErrorContext(ctx, "timers: run", "worker", w.id, "fired", n, "err", err)
		} else if n > 0 {
			slog.DebugContext(ctx, "timers: run", "worker", w.id, "fired", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RunOnce fires the timers due now, batch by batch, until none is left (or ctx ends, or a bound
// on the rounds is reached: the next run continues). It returns how many it fired (committed).
func (w *Worker) RunOnce(ctx context.Context) (fired int, err error) {
	kinds := make([]enum.TimerKind, 0, len(w.handlers))
	for k := range w.handlers {
		kinds = append(kinds, k)
	}
	if len(kinds) == 0 {
		return 0, nil
	}
	slices.Sort(kinds)
	sys := tenant.System(ctx)
	size := w.batch
	for budget := maxRounds * w.batch; budget > 0; {
		if err := ctx.Err(); err != nil {
			return fired, err
		}
		n, claimed, failed, err := w.fireBatch(sys, kinds, size)
		fired += n
		if err != nil {
			return fired, err
		}
		budget -= max(claimed, 1)
		if failed != nil {
			if err := w.retryLater(sys, failed); err != nil {
				return fired, err
			}
			// The rest of the batch was rolled back with it and is fired again, one timer per
			// transaction from now on: a run of failing timers (a downstream service down) then
			// costs each of the others one redo, not one per failure.
			size = 1
			continue
		}
		if claimed < size {
			return fired, nil
		}
	}
	return fired, nil
}

// failure is a handler's error, carried out of the transaction it rolled back.
type failure struct {
	timer *ent.Timer
	err   error
}

func (f *failure) Error() string {
	return fmt.Sprintf("timer %d (%s): %v", f.timer.ID, f.timer.Kind, f.err)
}
func (f *failure) Unwrap() error { return f.err }

// fireBatch claims up to a batch of due timers and fires them in one transaction. When a handler
// fails, the transaction is rolled back and failed says which timer; fired is then 0.
func (w *Worker) fireBatch(ctx context.Context, kinds []enum.TimerKind, size int) (fired, claimed int, failed *failure, err error) {
	var done []*ent.Timer
	var at time.Time
	err = storage.InTx(ctx, w.db.Client, func(tx *ent.Tx) error {
		fired, claimed, done = 0, 0, nil // InTx may run this again
		now := w.now().UTC()
		at = now
		ts, err := w.claim(ctx, tx, now, kinds, size)
		if err != nil {
			return err
		}
		claimed = len(ts)
		for _, t := range ts {
			// Conditional: an earlier handler of this batch may have cancelled, paused or
			// rescheduled it. Marked before the handler runs, so that the handler's Schedule of
			// the same kind adds the next timer instead of replacing this one.
			n, err := tx.Timer.Update().Where(timer.ID(t.ID), timer.StatusEQ(enum.TimerPending), timer.DueAtLTE(now)).
				SetStatus(enum.TimerFired).SetFiredAt(now).SetLockedBy(w.id).Save(ctx)
			if err != nil {
				return fmt.Errorf("timers: fire %d: %w", t.ID, err)
			}
			if n == 0 {
				continue
			}
			by := w.id
			t.Status, t.FiredAt, t.LockedBy = enum.TimerFired, &now, &by
			if err := call(tenant.WithWorkspace(ctx, t.WorkspaceID), tx, w.handlers[t.Kind], t); err != nil {
				return &failure{timer: t, err: err}
			}
			fired++
			done = append(done, t)
		}
		return nil
	})
	var f *failure
	switch {
	case err == nil:
		for _, t := range done {
			metrics.TimerFired(t.Kind, t.DueAt, at)
		}
		return fired, claimed, nil, nil
	case errors.As(err, &f) && ctx.Err() == nil:
		metrics.TimerFailed(f.timer.Kind)
		return 0, claimed, f, nil
	default:
		return 0, claimed, nil, err
	}
}

// claim selects, and on Postgres locks, up to a batch of due PENDING timers of kinds, oldest due
// first. A conversation's timer is locked together with the conversation's row, skipping both if
// either is locked, so the worker never waits for a conversation a desk transaction holds (which
// may be waiting for this very timer, to pause it), and its handler can lock the conversation
// without waiting.
func (w *Worker) claim(ctx context.Context, tx *ent.Tx, now time.Time, kinds []enum.TimerKind, size int) ([]*ent.Timer, error) {
	due := func() *ent.TimerQuery {
		return tx.Timer.Query().Where(timer.StatusEQ(enum.TimerPending), timer.DueAtLTE(now), timer.KindIn(kinds...)).
			Order(timer.ByDueAt(), timer.ByID()).Limit(size).Unique(false)
	}
	if !w.db.RowLocks() {
		ts, err := due().All(ctx)
		if err != nil {
			return nil, fmt.Errorf("timers: claim: %w", err)
		}
		return ts, nil
	}
	skip := sql.WithLockAction(sql.SkipLocked)
	const convAlias = "timer_conversation"
	ts, err := due().Where(func(s *sql.Selector) {
		c := sql.Table(conversation.Table).As(convAlias)
		s.Join(c).On(s.C(timer.FieldConversationID), c.C(conversation.FieldID))
	}).ForUpdate(storage.NoKeyUpdate, skip, sql.WithLockTables(timer.Table, convAlias)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("timers: claim: %w", err)
	}
	if len(ts) < size { // workspace timers (no conversation)
		more, err := due().Where(timer.ConversationIDIsNil()).Limit(size-len(ts)).
			ForUpdate(storage.NoKeyUpdate, skip).All(ctx)
		if err != nil {
			return nil, fmt.Errorf("timers: claim: %w", err)
		}
		ts = append(ts, more...)
	}
	return ts, nil
}

// call runs h, turning a panic into an error: a timer whose handler panics must not take the
// instance down, and with it every instance that tries it after a restart.
func call(ctx context.Context, tx *ent.Tx, h Handler, t *ent.Timer) (err error) {
	defer func() {
		if p := recover(); p != nil {
			slog.ErrorContext(ctx, "timers: handler panicked", "timer", t.ID, "kind", t.Kind, "panic", p, "stack", string(debug.Stack()))
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return h(ctx, tx, t)
}

// retryLater records a failed attempt of f's timer, in its own transaction: due again after a
// backoff, or cancelled once it has failed maxAttempts times. Conditional on the timer being still
// PENDING with the attempts read, so a worker that fired it meanwhile, or counted the same
// failure, wins.
func (w *Worker) retryLater(ctx context.Context, f *failure) error {
	now := w.now().UTC()
	var cur *ent.Timer
	err := storage.InTx(ctx, w.db.Client, func(tx *ent.Tx) error {
		var err error
		cur, err = tx.Timer.Query().Where(timer.ID(f.timer.ID), timer.StatusEQ(enum.TimerPending)).Only(ctx)
		if err != nil {
			return err
		}
		u := tx.Timer.UpdateOneID(cur.ID).Where(timer.StatusEQ(enum.TimerPending), timer.Attempts(cur.Attempts)).
			SetAttempts(cur.Attempts + 1)
		if cur.Attempts+1 >= w.maxAttempts {
			u.SetStatus(enum.TimerCancelled)
		} else {
			u.SetDueAt(now.Add(Backoff(cur.Attempts + 1)))
		}
		return u.Exec(ctx)
	})
	if ent.IsNotFound(err) {
		return nil // fired, paused, cancelled or counted by another worker meanwhile
	}
	if err != nil {
		return fmt.Errorf("timers: retry %d: %w", f.timer.ID, err)
	}
	attempts := cur.Attempts + 1
	log := slog.With("worker", w.id, "timer", cur.ID, "kind", cur.Kind, "workspace", cur.WorkspaceID,
		"conversation", conversationOf(cur), "attempts", attempts, "err", f.err)
	if attempts >= w.maxAttempts {
		log.ErrorContext(ctx, "timers: handler failed; giving up, timer cancelled")
	} else {
		log.WarnContext(ctx, "timers: handler failed; will retry", "retry_at", now.Add(Backoff(attempts)))
	}
	return nil
}

// Backoff is the wait before a timer that has failed attempts times is tried again: 1 s, 2 s,
// 4 s, … at most MaxBackoff.
func Backoff(attempts int) time.Duration {
	if attempts < 1 {
		return 0
	}
	if attempts > 20 {
		return MaxBackoff
	}
	return min(time.Second<<(attempts-1), MaxBackoff)
}

// conversationOf is t's conversation id for logs, 0 for a workspace timer.
func conversationOf(t *ent.Timer) int {
	if t.ConversationID == nil {
		return 0
	}
	return *t.ConversationID
}
