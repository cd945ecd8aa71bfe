package webhooks

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"entgo.io/ent/dialect/sql"

	"switchboard/ent"
	"switchboard/ent/event"
	"switchboard/ent/schema/enum"
	"switchboard/ent/webhook"
	"switchboard/ent/webhookdelivery"
	"switchboard/internal/events"
	"switchboard/internal/metrics"
	"switchboard/internal/storage"
	"switchboard/internal/tenant"
)

// Options tune a Worker; zero fields take the defaults in brackets.
type Options struct {
	// ID names the instance in the leases it takes (locked_by) [host-pid from the caller].
	ID string
	// AllowPrivate lets deliveries reach loopback, private and link-local addresses
	// (WEBHOOKS_ALLOW_PRIVATE) [false].
	AllowPrivate bool
	// Timeout bounds one attempt, connection to last byte [10 s].
	Timeout time.Duration
	// Lease is how long a claimed delivery is this worker's; past it another instance takes it
	// over [30 s, three times the timeout].
	Lease time.Duration
	// FirstBackoff doubles after each failed attempt up to MaxBackoff, with jitter [1 s, 1 h].
	FirstBackoff, MaxBackoff time.Duration
	// RetryFor: a delivery still failing this long after it was queued is FAILED [24 h].
	RetryFor time.Duration
	// DisableAfter: an endpoint with no success since its first failure this long ago is disabled
	// at its next failure [24 h].
	DisableAfter time.Duration
	// Parallel bounds the attempts in flight on this instance (one per lane at most) [16].
	Parallel int
	// Every is the pass interval without news on this instance's bus [1 s].
	Every time.Duration
}

func (o *Options) defaults() {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.Timeout, 10*time.Second)
	def(&o.Lease, 3*o.Timeout)
	def(&o.FirstBackoff, time.Second)
	def(&o.MaxBackoff, time.Hour)
	def(&o.RetryFor, 24*time.Hour)
	def(&o.DisableAfter, 24*time.Hour)
	def(&o.Every, time.Second)
	if o.Parallel <= 0 {
		o.Parallel = 16
	}
	if o.ID == "" {
		o.ID = "webhooks-" + strconv.FormatInt(rand.Int64(), 36)
	}
}

// Worker delivers events to webhooks. Every instance runs one; they share the work through the
// database:
//
//   - The scanner turns the numbered event log into deliveries: for each active webhook, the
//     events after its scanned_until of the types it wants, inserted with the new scanned_until in
//     one transaction (the webhook's row locked, SKIP LOCKED on Postgres; a conditional update
//     elsewhere), so each event becomes one delivery per webhook, and writers never pay for it.
//   - A delivery is sent when it is due, PENDING, and the oldest PENDING one of its lane (the
//     webhook and the event's conversation): in order per conversation, conversations in
//     parallel. A worker claims it by a conditional UPDATE setting a lease (locked_by,
//     locked_until); a lease that expires (an instance died mid-attempt) is taken over, so a
//     delivery may arrive twice: receivers dedupe by delivery id.
type Worker struct {
	db     *storage.DB
	bus    *events.Bus
	opts   Options
	client *http.Client
	wake   chan struct{}
	// hooksChanged: a webhook was made or changed on this instance since an idle Run last looked.
	hooksChanged atomic.Bool
	// Sent, if set, is called after each attempt (tests, metrics).
	Sent func(d *ent.WebhookDelivery, ok bool)
	// Passed, if set, is called after each pass of Run (tests).
	Passed func()
}

// NewWorker returns a worker over db; bus numbers events and wakes it after local commits.
func NewWorker(db *storage.DB, bus *events.Bus, opts Options) *Worker {
	opts.defaults()
	w := &Worker{db: db, bus: bus, opts: opts, client: newClient(opts.Timeout, opts.AllowPrivate), wake: make(chan struct{}, 1)}
	bus.Watch(func(_ int, entries []events.Entry) {
		if slices.ContainsFunc(entries, func(e events.Entry) bool { return e.Type == Created || e.Type == Updated }) {
			w.hooksChanged.Store(true)
		}
		w.Wake()
	})
	return w
}

// Wake makes the worker look at once.
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run delivers until ctx ends, then waits for its attempts in flight.
func (w *Worker) Run(ctx context.Context) {
	var wg sync.WaitGroup
	defer wg.Wait()
	slots := make(chan struct{}, w.opts.Parallel)
	// freed: an attempt ended, so its lane's next delivery may go; that needs a claim, not a scan.
	freed := make(chan struct{}, 1)
	tick := time.NewTicker(w.opts.Every)
	defer tick.Stop()
	var last time.Time
	why := byTick
	// idle: the last scan found no active webhook anywhere, so a commit here is not looked at
	// unless it made or changed a webhook; a webhook made on another instance is scanned from
	// its creation's head at the next tick.
	idle := false
	for {
		switch {
		case why == byFreed:
			w.claim(ctx, slots, freed, &wg)
		case why == byWake && idle && !w.hooksChanged.Swap(false):
		default:
			active, queued, err := w.scan(ctx)
			if err != nil && ctx.Err() == nil {
				slog.WarnContext(ctx, "webhooks: scan", "worker", w.opts.ID, "err", err)
			}
			idle = err == nil && active == 0
			// After news, only what this scan queued can be new: retries and deliveries another
			// instance queued but could not take wait for the tick.
			if !idle && (why == byTick || queued > 0 || err != nil) {
				w.claim(ctx, slots, freed, &wg)
			}
		}
		if w.Passed != nil {
			w.Passed()
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			why = byTick
		case <-w.wake:
			why = byWake
			// At most one scan per 5 ms: a busy workspace's commits are scanned in batches.
			if d := 5*time.Millisecond - time.Since(last); d > 0 && !idle {
				time.Sleep(d)
			}
			last = time.Now()
		case <-freed:
			why = byFreed
		}
	}
}

// Why the worker looks again.
const (
	byTick  = iota // every Options.Every: scan and claim whatever is due
	byWake         // a commit on this instance: scan, and claim what the scan queued
	byFreed        // an attempt ended: its lane's next delivery may go
)

// claim runs dispatch and logs its failure.
func (w *Worker) claim(ctx context.Context, slots, freed chan struct{}, wg *sync.WaitGroup) {
	if err := w.dispatch(ctx, slots, freed, wg); err != nil && ctx.Err() == nil {
		slog.WarnContext(ctx, "webhooks: claim", "worker", w.opts.ID, "err", err)
	}
}

// scan materialises deliveries for every active webhook that is behind its workspace's head; it
// returns how many webhooks are active and how many deliveries it queued.
func (w *Worker) scan(ctx context.Context) (active, queued int, err error) {
	hooks, err := w.db.Client.Webhook.Query().Where(webhook.Active(true)).
		Select(webhook.FieldID, webhook.FieldWorkspaceID, webhook.FieldScannedUntil).All(sys(ctx))
	if err != nil {
		return 0, 0, err
	}
	heads := map[int]int64{}
	var errs []error
	for _, h := range hooks {
		head, ok := heads[h.WorkspaceID]
		if !ok {
			c, err := w.bus.Head(ctx, h.WorkspaceID) // numbers what committed so far
			if err != nil {
				errs = append(errs, err)
				continue
			}
			head, _ = strconv.ParseInt(c, 10, 64)
			heads[h.WorkspaceID] = head
		}
		for h.ScannedUntil < head {
			next, n, err := w.scanOne(ctx, h.ID, head)
			if err != nil {
				errs = append(errs, err)
				break
			}
			if next <= h.ScannedUntil {
				break // another instance is scanning it
			}
			h.ScannedUntil = next
			queued += n
		}
	}
	return len(hooks), queued, errors.Join(errs...)
}

// scanBatch bounds the events one scanning transaction reads.
const scanBatch = 500

// scanOne queues webhook id's deliveries of up to scanBatch events after its scanned_until (up to
// head) and returns its new scanned_until (0 when another instance holds it) and how many it queued.
func (w *Worker) scanOne(ctx context.Context, id int, head int64) (int64, int, error) {
	var until int64
	var queued int
	err := storage.InTx(sys(ctx), w.db.Client, func(tx *ent.Tx) error {
		ctx := sys(ctx)
		until, queued = 0, 0
		q := tx.Webhook.Query().Where(webhook.ID(id), webhook.Active(true))
		if w.db.RowLocks() {
			q = q.ForUpdate(storage.NoKeyUpdate, sql.WithLockAction(sql.SkipLocked))
		}
		h, err := q.Only(ctx)
		if ent.IsNotFound(err) {
			return nil
		} else if err != nil {
			return err
		}
		if h.ScannedUntil >= head {
			// Another instance scanned further (its head was newer): never move back, which
			// would queue those events twice.
			until = h.ScannedUntil
			return nil
		}
		if until, queued, err = queue(ctx, tx, h, head); err != nil {
			return err
		}
		// Conditional: on SQLite (no row locks) a racing scanner that got here first wins and this
		// transaction is rolled back with its copies.
		n, err := tx.Webhook.Update().Where(webhook.ID(h.ID), webhook.ScannedUntil(h.ScannedUntil)).SetScannedUntil(until).Save(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			return errRaced
		}
		return nil
	})
	if errors.Is(err, errRaced) {
		return 0, 0, nil
	}
	return until, queued, err
}

var errRaced = errors.New("webhooks: another instance scanned first")

// queue inserts in tx webhook h's deliveries of up to scanBatch events after its scanned_until
// (up to head), as its settings take them, and returns how far that went and how many it queued;
// the caller moves scanned_until.
func queue(ctx context.Context, tx *ent.Tx, h *ent.Webhook, head int64) (until int64, queued int, err error) {
	evs, err := tx.Event.Query().Where(event.WorkspaceID(h.WorkspaceID), event.SeqGT(h.ScannedUntil), event.SeqLTE(head)).
		Order(event.BySeq()).Limit(scanBatch).All(ctx)
	if err != nil {
		return 0, 0, err
	}
	until = head
	if len(evs) == scanBatch {
		until = *evs[len(evs)-1].Seq
	}
	var batch []*ent.WebhookDeliveryCreate
	for _, e := range evs {
		if wants(h, e) {
			batch = append(batch, newDelivery(tx, h, e))
		}
	}
	if len(batch) > 0 {
		if err := tx.WebhookDelivery.CreateBulk(batch...).Exec(ctx); err != nil {
			return 0, 0, fmt.Errorf("queue deliveries: %w", err)
		}
	}
	return until, len(batch), nil
}

// catchUp queues in tx what active webhook h takes of the events up to head that the scanner has
// not looked at yet, and returns its new scanned_until: before its types change or it stops, the
// events committed while it took them are queued as it took them (the scanner, coming later,
// would judge them by its new settings, or never look at them).
func catchUp(ctx context.Context, tx *ent.Tx, h *ent.Webhook, head int64) (int64, error) {
	at := *h
	for at.ScannedUntil < head {
		until, _, err := queue(ctx, tx, &at, head)
		if err != nil {
			return 0, err
		}
		at.ScannedUntil = until
	}
	return at.ScannedUntil, nil
}

// wants reports whether webhook h takes event e: its types (all when empty); a test event only
// for the webhook it names.
func wants(h *ent.Webhook, e *ent.Event) bool {
	if e.Type == Test {
		return events.Int(e.After, "webhookId") == h.ID
	}
	return len(h.EventTypes) == 0 || slices.Contains(h.EventTypes, e.Type)
}

// dispatch claims due lane heads for the free slots and sends each in its own goroutine.
func (w *Worker) dispatch(ctx context.Context, slots, freed chan struct{}, wg *sync.WaitGroup) error {
	free := cap(slots) - len(slots)
	if free == 0 {
		return nil
	}
	now := time.Now()
	cands, err := w.db.Client.WebhookDelivery.Query().Where(due(now), laneHead(), webhookdelivery.HasWebhookWith(webhook.Active(true))).
		Order(webhookdelivery.ByNextAttemptAt(), webhookdelivery.ByID()).Limit(free).All(sys(ctx))
	if err != nil {
		return err
	}
	for _, d := range cands {
		n, err := w.db.Client.WebhookDelivery.Update().Where(webhookdelivery.ID(d.ID), due(now)).
			SetLockedBy(w.opts.ID).SetLockedUntil(now.Add(w.opts.Lease)).Save(sys(ctx))
		if err != nil {
			return err
		}
		if n == 0 {
			continue // another instance claimed it
		}
		slots <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				<-slots
				select { // the lane's next one may go now
				case freed <- struct{}{}:
				default:
				}
			}()
			w.attempt(ctx, d)
		}()
	}
	return nil
}

// due selects PENDING deliveries whose time has come and that nobody holds a lease on.
func due(now time.Time) func(*sql.Selector) {
	return func(s *sql.Selector) {
		s.Where(sql.And(sql.EQ(s.C(webhookdelivery.FieldStatus), string(enum.DeliveryPending)),
			sql.LTE(s.C(webhookdelivery.FieldNextAttemptAt), now),
			sql.Or(sql.IsNull(s.C(webhookdelivery.FieldLockedUntil)), sql.LT(s.C(webhookdelivery.FieldLockedUntil), now))))
	}
}

// laneHead selects deliveries with no older PENDING one in their lane: a conversation's events
// go one after the other.
func laneHead() func(*sql.Selector) {
	return func(s *sql.Selector) {
		p := sql.Table(webhookdelivery.Table).As("earlier")
		s.Where(sql.NotExists(sql.Select(p.C(webhookdelivery.FieldID)).From(p).Where(sql.And(
			sql.ColumnsEQ(p.C(webhookdelivery.FieldWebhookID), s.C(webhookdelivery.FieldWebhookID)),
			sql.ColumnsEQ(p.C(webhookdelivery.FieldLane), s.C(webhookdelivery.FieldLane)),
			sql.EQ(p.C(webhookdelivery.FieldStatus), string(enum.DeliveryPending)),
			sql.ColumnsLT(p.C(webhookdelivery.FieldID), s.C(webhookdelivery.FieldID))))))
	}
}

// attempt sends d once and records the outcome.
func (w *Worker) attempt(ctx context.Context, d *ent.WebhookDelivery) {
	c := w.db.Client
	h, err := c.Webhook.Get(sys(ctx), d.WebhookID)
	if err != nil || !h.Active { // deleted or switched off meanwhile: let the lease go
		if err == nil || ent.IsNotFound(err) {
			_ = c.WebhookDelivery.Update().Where(webhookdelivery.ID(d.ID), webhookdelivery.LockedBy(w.opts.ID)).
				ClearLockedBy().ClearLockedUntil().Exec(sys(ctx))
		}
		return
	}
	e, err := c.Event.Get(sys(ctx), d.EventID)
	if ent.IsNotFound(err) { // purged by the audit retention (E6): nothing left to send
		w.record(ctx, h, d, outcome{err: "the event is no longer in the audit log", final: true})
		return
	} else if err != nil {
		slog.WarnContext(ctx, "webhooks: read event", "delivery", d.ID, "err", err)
		return // the lease expires and it is tried again
	}
	body, err := json.Marshal(payload(sys(ctx), c, d, e))
	if err != nil {
		w.record(ctx, h, d, outcome{err: "payload: " + err.Error(), final: true})
		return
	}
	start := time.Now()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.URL, bytes.NewReader(body))
	if err != nil {
		w.record(ctx, h, d, outcome{err: "request: " + err.Error()})
		return
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Switchboard-Webhooks/1")
	req.Header.Set(HeaderEvent, e.Type)
	req.Header.Set(HeaderDelivery, strconv.Itoa(d.ID))
	req.Header.Set(HeaderSignature, Sign(h.Secret, start, body))
	resp, err := w.client.Do(req)
	o := outcome{latency: time.Since(start), written: e.CreatedAt}
	switch {
	case ctx.Err() != nil:
		return // shutting down: unknown whether it arrived; the lease expires and it goes again
	case err != nil:
		o.err = err.Error()
	default:
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		o.code = resp.StatusCode
		switch {
		case resp.StatusCode >= 200 && resp.StatusCode < 300:
			o.ok = true
		case resp.StatusCode >= 300 && resp.StatusCode < 400:
			o.err = fmt.Sprintf("HTTP %d: redirects are not followed; register the final URL", resp.StatusCode)
		default:
			o.err = fmt.Sprintf("HTTP %d", resp.StatusCode)
		}
	}
	w.record(ctx, h, d, o)
}

// outcome is how an attempt went.
type outcome struct {
	ok      bool
	code    int
	err     string
	latency time.Duration
	final   bool      // give up now
	written time.Time // the event's (delivery lag), when it was read
}

// record writes an attempt's outcome on the delivery (if the lease is still this worker's) and
// the webhook's health, disabling an endpoint that has been failing for DisableAfter.
func (w *Worker) record(ctx context.Context, h *ent.Webhook, d *ent.WebhookDelivery, o outcome) {
	now := time.Now()
	ws := tenant.WithWorkspace(context.WithoutCancel(ctx), h.WorkspaceID)
	var disabled bool
	var result string // for metrics: what this attempt came to, once recorded
	if !o.ok && h.FailingSince != nil {
		// A failure in a failing streak may disable the endpoint, which then queues what it
		// took of the events committed so far: they must be numbered (not in the transaction:
		// on SQLite the numbering is a writer too).
		if _, err := w.bus.Head(ws, h.WorkspaceID); err != nil {
			slog.WarnContext(ctx, "webhooks: number events", "workspace", h.WorkspaceID, "err", err)
		}
	}
	err := storage.InTx(ws, w.db.Client, func(tx *ent.Tx) error {
		disabled, result = false, ""
		u := tx.WebhookDelivery.Update().Where(webhookdelivery.ID(d.ID), webhookdelivery.LockedBy(w.opts.ID),
			webhookdelivery.StatusEQ(enum.DeliveryPending)).AddAttempts(1).ClearLockedBy().ClearLockedUntil()
		if o.code != 0 {
			u.SetLastStatusCode(o.code)
		}
		if o.latency > 0 {
			u.SetLatencyMs(o.latency.Milliseconds())
		}
		if o.ok {
			u.SetStatus(enum.DeliveryDelivered).SetDeliveredAt(now).ClearLastError()
			result = metrics.Delivered
		} else {
			u.SetLastError(truncateErr(o.err))
			if o.final || now.Sub(d.CreatedAt) >= w.opts.RetryFor {
				u.SetStatus(enum.DeliveryFailed)
				result = metrics.Failed
			} else {
				u.SetNextAttemptAt(now.Add(Backoff(d.Attempts+1, w.opts.FirstBackoff, w.opts.MaxBackoff)))
				result = metrics.Retry
			}
		}
		n, err := u.Save(ws)
		if err != nil || n == 0 { // the lease was lost to another instance: its outcome counts
			result = ""
			return err
		}
		if o.ok {
			// Health changes only when it was failing, or a second later: the webhook's row is
			// not a queue every delivery of a busy endpoint waits on (lastSuccessAt is to 1 s).
			return tx.Webhook.Update().Where(webhook.ID(h.ID), webhook.Or(webhook.ConsecutiveFailuresGT(0), webhook.FailingSinceNotNil(),
				webhook.LastSuccessAtIsNil(), webhook.LastSuccessAtLT(now.Add(-time.Second)))).
				SetLastSuccessAt(now).SetConsecutiveFailures(0).ClearFailingSince().Exec(ws)
		}
		cur, err := storage.ForUpdate(w.db.RowLocks(), tx.Webhook.Query().Where(webhook.ID(h.ID))).Only(ws)
		if ent.IsNotFound(err) {
			return nil
		} else if err != nil {
			return err
		}
		hu := tx.Webhook.UpdateOne(cur)
		hu.AddConsecutiveFailures(1)
		since := now
		if cur.FailingSince != nil {
			since = *cur.FailingSince
		} else {
			hu.SetFailingSince(now)
		}
		if cur.Active && now.Sub(since) >= w.opts.DisableAfter {
			reason := fmt.Sprintf("failing since %s (%d failed attempts in a row, the last: %s)",
				since.UTC().Format(time.RFC3339), cur.ConsecutiveFailures+1, truncateErr(o.err))
			hu.SetActive(false).SetDisabledReason(reason)
			// What it took while it was on is queued before it stops (switched on again, it
			// starts from the head: the scanner would never look at those events).
			wsp, err := tx.Workspace.Get(ws, h.WorkspaceID)
			if err != nil {
				return err
			}
			until, err := catchUp(ws, tx, cur, wsp.EventSeq)
			if err != nil {
				return err
			}
			hu.SetScannedUntil(until)
			disabled = true
			if err := hu.Exec(ws); err != nil {
				return err
			}
			return w.bus.Append(ws, tx, events.Entry{WorkspaceID: h.WorkspaceID, Type: Disabled,
				After: map[string]any{"webhookId": h.ID, "url": cur.URL, "reason": reason}})
		}
		return hu.Exec(ws)
	})
	if err != nil {
		slog.WarnContext(ctx, "webhooks: record attempt", "delivery", d.ID, "err", err)
	} else if result != "" {
		metrics.WebhookAttempt(result, o.latency, o.written)
	}
	if disabled {
		slog.WarnContext(ctx, "webhooks: endpoint disabled", "workspace", h.WorkspaceID, "webhook", h.ID, "url", h.URL)
	}
	if w.Sent != nil {
		w.Sent(d, o.ok)
	}
}

func truncateErr(s string) string {
	if len(s) > 500 {
		return s[:500] + "…"
	}
	return s
}

// Backoff is the wait after a delivery's attempts-th failure: first doubling up to most, with
// jitter (between half and all of it), so that the retries of many deliveries spread out.
func Backoff(attempts int, first, most time.Duration) time.Duration {
	d := most
	if attempts < 40 {
		d = min(first<<(attempts-1), most)
	}
	if d <= 0 {
		d = most
	}
	return d/2 + rand.N(d/2+1)
}
