package analytics

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	entsql "entgo.io/ent/dialect/sql"
	"entgo.io/ent/dialect/sql/sqljson"

	"switchboard/ent"
	"switchboard/ent/conversation"
	"switchboard/ent/dailystat"
	"switchboard/ent/event"
	"switchboard/ent/predicate"
	"switchboard/ent/workspace"
	"switchboard/internal/events"
	"switchboard/internal/storage"
	"switchboard/internal/tenant"
)

// The events §8 counts per agent, and whose agent each counts for: the new owner (subject) or the
// one who resolved (actor). A reassignment or transfer counts as a claim when it gave a human a
// conversation no human owned (events.HandedAsClaim); those are few, and read apart so that the
// others' query keeps its plain list of types (one OR over both took 4.9 s instead of 2.6 s for a
// year from the log, `go run ./cmd/bench analytics`).
var (
	bySubject      = event.TypeIn(events.ConversationClaimed, events.ConversationAssigned, events.FirstResponse, events.ConversationReleased)
	handedAsClaims = event.And(event.TypeIn(events.ConversationReassigned, events.ConversationTransferred),
		func(s *entsql.Selector) {
			s.Where(sqljson.ValueEQ(event.FieldAfter, true, sqljson.Path(events.HandedAsClaim)))
		})
	byActor = event.TypeIn(events.ConversationResolved)
)

// Settle is how long after midnight (UTC) a day is counted: long enough for every transaction
// that wrote an event into it to have committed.
const Settle = 10 * time.Minute

// maxDaysPerPass bounds one Rollup call per workspace (a first pass over a year of log takes a
// few calls).
const maxDaysPerPass = 31

// day is the 00:00 UTC that begins t's day.
func day(t time.Time) time.Time { return t.UTC().Truncate(24 * time.Hour) }

// Rollup counts, for every workspace, the finished days of its event log that daily_stats does
// not have yet, one transaction per day, and moves the workspace's stats_rolled_until past them.
// Instances may run it at once: each day is counted under the workspace row's lock, once. It
// returns how many days it counted.
func Rollup(ctx context.Context, db *storage.DB, now time.Time) (int, error) {
	sys := tenant.System(ctx)
	wss, err := db.Client.Workspace.Query().IDs(sys)
	if err != nil {
		return 0, fmt.Errorf("rollup: %w", err)
	}
	until := day(now.Add(-Settle))
	total := 0
	var errs []error
	for _, ws := range wss { // one workspace failing does not hold the others back
		for range maxDaysPerPass {
			done, err := rollupDay(sys, db, ws, until)
			if err != nil {
				errs = append(errs, fmt.Errorf("rollup workspace %d: %w", ws, err))
				break
			}
			if !done {
				break
			}
			total++
		}
	}
	return total, errors.Join(errs...)
}

// rollupDay counts workspace ws's next uncounted day before until; false when there is none. It
// counts first, then takes the workspace row's lock (which the event sequencer takes too) only to
// check that nobody counted that day meanwhile and to store it.
func rollupDay(ctx context.Context, db *storage.DB, ws int, until time.Time) (bool, error) {
	counted := false
	err := storage.InTx(ctx, db.Client, func(tx *ent.Tx) error {
		w, err := tx.Workspace.Get(ctx, ws)
		if err != nil {
			return err
		}
		var d time.Time
		if w.StatsRolledUntil != nil {
			d = *w.StatsRolledUntil
		} else { // the first pass starts at the workspace's first event
			first, err := tx.Event.Query().Where(event.WorkspaceID(ws)).Order(ent.Asc(event.FieldCreatedAt)).First(ctx)
			switch {
			case ent.IsNotFound(err):
				d = until
			case err != nil:
				return err
			default:
				d = day(first.CreatedAt)
			}
		}
		var rows []*ent.DailyStatCreate
		next := d.Add(24 * time.Hour)
		if d.Before(until) {
			if rows, err = countDay(ctx, tx, ws, d, next); err != nil {
				return err
			}
		} else if w.StatsRolledUntil != nil {
			return nil
		} else {
			next = until // nothing to count yet: start counting from now on
		}
		locked, err := storage.ForUpdate(db.RowLocks(), tx.Workspace.Query().Where(workspace.ID(ws))).Only(ctx)
		if err != nil {
			return err
		}
		if !sameTime(locked.StatsRolledUntil, w.StatsRolledUntil) {
			return nil // another instance counted it: the next pass goes on from there
		}
		if len(rows) > 0 {
			if err := tx.DailyStat.CreateBulk(rows...).Exec(ctx); err != nil {
				return fmt.Errorf("store: %w", err)
			}
		}
		counted = d.Before(until)
		return tx.Workspace.UpdateOneID(ws).SetStatsRolledUntil(next).Exec(ctx)
	})
	return counted, err
}

func sameTime(a, b *time.Time) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && a.Equal(*b))
}

// countDay reads [from, to) of the log: a row per agent and one per channel with breaches.
func countDay(ctx context.Context, tx *ent.Tx, ws int, from, to time.Time) ([]*ent.DailyStatCreate, error) {
	figs, err := rawFigures(ctx, tx.Event.Query().Where(event.WorkspaceID(ws)), from, to)
	if err != nil {
		return nil, err
	}
	var out []*ent.DailyStatCreate
	for a, f := range figs {
		out = append(out, tx.DailyStat.Create().SetWorkspaceID(ws).SetDay(from).SetAgentID(a).
			SetClaims(f.claims.n).SetClaimMs(f.claims.sumMs).SetClaimsTimed(f.claims.timed).
			SetFirstResponses(f.firsts.n).SetFirstResponseMs(f.firsts.sumMs).SetFirstResponsesTimed(f.firsts.timed).
			SetReleased(f.released).SetResolved(f.resolved))
	}
	breaches, err := breachesByChannel(ctx, tx.Event.Query().Where(event.WorkspaceID(ws)), from, to)
	if err != nil {
		return nil, err
	}
	for ch, n := range breaches {
		out = append(out, tx.DailyStat.Create().SetWorkspaceID(ws).SetDay(from).SetChannel(ch).SetSLABreaches(n))
	}
	return out, nil
}

// figures are one agent's §8 counts over some time.
type figures struct {
	claims, firsts     tally
	released, resolved int64
}

func (f figures) add(o figures) figures {
	return figures{f.claims.add(o.claims), f.firsts.add(o.firsts), f.released + o.released, f.resolved + o.resolved}
}

// rawFigures counts q's events in [from, to) per agent, from the log.
func rawFigures(ctx context.Context, q *ent.EventQuery, from, to time.Time) (map[int]figures, error) {
	subj, err := tallyEvents(ctx, q.Clone(), bySubject, event.FieldSubjectID, from, to)
	if err != nil {
		return nil, err
	}
	handed, err := tallyEvents(ctx, q.Clone(), handedAsClaims, event.FieldSubjectID, from, to)
	if err != nil {
		return nil, err
	}
	for k, t := range handed {
		subj[k] = t // their own types: no key of bySubject's
	}
	act, err := tallyEvents(ctx, q.Clone(), byActor, event.FieldActorID, from, to)
	if err != nil {
		return nil, err
	}
	out := map[int]figures{}
	for k, t := range subj {
		f := out[k.agent]
		switch k.typ {
		case events.ConversationClaimed, events.ConversationAssigned, events.ConversationReassigned, events.ConversationTransferred:
			f.claims = f.claims.add(t)
		case events.FirstResponse:
			f.firsts = f.firsts.add(t)
		case events.ConversationReleased:
			f.released += t.n
		}
		out[k.agent] = f
	}
	for k, t := range act {
		f := out[k.agent]
		f.resolved += t.n
		out[k.agent] = f
	}
	return out, nil
}

// rolledFigures sums daily_stats over the counted days [from, to) per agent.
func rolledFigures(ctx context.Context, c *ent.Client, from, to time.Time) (map[int]figures, error) {
	sums := []string{dailystat.FieldClaims, dailystat.FieldClaimMs, dailystat.FieldClaimsTimed, dailystat.FieldFirstResponses,
		dailystat.FieldFirstResponseMs, dailystat.FieldFirstResponsesTimed, dailystat.FieldReleased, dailystat.FieldResolved}
	q := c.DailyStat.Query().Where(dailystat.DayGTE(from), dailystat.DayLT(to), dailystat.AgentIDNotNil()).
		Modify(func(s *entsql.Selector) {
			cols := []string{entsql.As(s.C(dailystat.FieldAgentID), "agent")}
			for _, f := range sums {
				cols = append(cols, entsql.As(entsql.Sum(s.C(f)), f))
			}
			s.Select(cols...).GroupBy(s.C(dailystat.FieldAgentID))
		})
	var got []struct {
		Agent               int   `sql:"agent"`
		Claims              int64 `sql:"claims"`
		ClaimMs             int64 `sql:"claim_ms"`
		ClaimsTimed         int64 `sql:"claims_timed"`
		FirstResponses      int64 `sql:"first_responses"`
		FirstResponseMs     int64 `sql:"first_response_ms"`
		FirstResponsesTimed int64 `sql:"first_responses_timed"`
		Released            int64 `sql:"released"`
		Resolved            int64 `sql:"resolved"`
	}
	if err := q.Scan(ctx, &got); err != nil {
		return nil, fmt.Errorf("sum days: %w", err)
	}
	out := make(map[int]figures, len(got))
	for _, r := range got {
		out[r.Agent] = figures{tally{r.Claims, r.ClaimMs, r.ClaimsTimed}, tally{r.FirstResponses, r.FirstResponseMs, r.FirstResponsesTimed}, r.Released, r.Resolved}
	}
	return out, nil
}

// agentType keys a tally: one event type for one agent.
type agentType struct {
	typ   string
	agent int
}

// tally is a count and the sum of the durations of those that had one.
type tally struct {
	n, sumMs, timed int64
}

func (t tally) add(o tally) tally { return tally{t.n + o.n, t.sumMs + o.sumMs, t.timed + o.timed} }

func (t tally) mean() *time.Duration {
	if t.timed == 0 {
		return nil
	}
	d := time.Duration(float64(t.sumMs) / float64(t.timed) * float64(time.Millisecond))
	return &d
}

// tallyEvents groups q's events that match in [from, to) by type and by the agent in column, in
// SQL.
func tallyEvents(ctx context.Context, q *ent.EventQuery, match predicate.Event, column string, from, to time.Time) (map[agentType]tally, error) {
	var rows []struct {
		Type  string           `sql:"type"`
		Agent int              `sql:"agent"`
		N     int64            `sql:"n"`
		Sum   entsql.NullInt64 `sql:"sum"`
		Timed int64            `sql:"timed"`
	}
	err := q.Where(match, event.CreatedAtGTE(from), event.CreatedAtLT(to)).Modify(func(s *entsql.Selector) {
		s.Where(entsql.NotNull(s.C(column))).
			Select(entsql.As(s.C(event.FieldType), "type"), entsql.As(s.C(column), "agent"), entsql.As(entsql.Count("*"), "n"),
				entsql.As(entsql.Sum(s.C(event.FieldDurationMs)), "sum"), entsql.As(entsql.Count(s.C(event.FieldDurationMs)), "timed")).
			GroupBy(s.C(event.FieldType), s.C(column))
	}).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("tally events: %w", err)
	}
	out := make(map[agentType]tally, len(rows))
	for _, r := range rows {
		out[agentType{r.Type, r.Agent}] = tally{r.N, r.Sum.Int64, r.Timed}
	}
	return out, nil
}

// breachesByChannel counts q's SLA breaches in [from, to) per conversation channel, in SQL.
func breachesByChannel(ctx context.Context, q *ent.EventQuery, from, to time.Time) (map[string]int64, error) {
	var rows []struct {
		Channel string `sql:"channel"`
		N       int64  `sql:"n"`
	}
	err := q.Where(event.Type(events.SLABreached), event.CreatedAtGTE(from), event.CreatedAtLT(to)).Modify(func(s *entsql.Selector) {
		// A lookup per breach by primary key: the plan stays the same whatever the period (a join
		// may turn into a scan of every conversation).
		channel := fmt.Sprintf("(SELECT %s FROM %s WHERE %s.%s = %s)", conversation.FieldChannel, conversation.Table,
			conversation.Table, conversation.FieldID, s.C(event.FieldConversationID))
		s.Select(entsql.As(channel, "channel"), entsql.As(entsql.Count("*"), "n")).GroupBy("channel")
	}).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("count breaches: %w", err)
	}
	out := make(map[string]int64, len(rows))
	for _, r := range rows {
		out[r.Channel] = r.N
	}
	return out, nil
}

// overPeriod answers [from, to) by parts and adds them up with add: the whole days daily_stats
// has counted (before rolledUntil) from rolled, the rest (the partial first and last days, the
// days not counted yet) from the log with raw.
func overPeriod[T any](from, to time.Time, rolledUntil *time.Time, raw, rolled func(from, to time.Time) (T, error), add func(T)) error {
	lo, hi := from, from // the counted days in [from, to): none yet
	if rolledUntil != nil {
		lo = day(from)
		if lo.Before(from) {
			lo = lo.Add(24 * time.Hour)
		}
		hi = day(to)
		if rolledUntil.Before(hi) {
			hi = *rolledUntil
		}
	}
	type part struct {
		from, to time.Time
		read     func(from, to time.Time) (T, error)
	}
	parts := []part{{from, to, raw}}
	if lo.Before(hi) {
		parts = []part{{from, lo, raw}, {lo, hi, rolled}, {hi, to, raw}}
	}
	for _, p := range parts {
		if !p.from.Before(p.to) {
			continue
		}
		v, err := p.read(p.from, p.to)
		if err != nil {
			return err
		}
		add(v)
	}
	return nil
}

// agentFigures answers [from, to) per agent (see overPeriod).
func agentFigures(ctx context.Context, c *ent.Client, ws *ent.Workspace, from, to time.Time) (map[int]figures, error) {
	out := map[int]figures{}
	err := overPeriod(from, to, ws.StatsRolledUntil,
		func(from, to time.Time) (map[int]figures, error) { return rawFigures(ctx, c.Event.Query(), from, to) },
		func(from, to time.Time) (map[int]figures, error) { return rolledFigures(ctx, c, from, to) },
		func(m map[int]figures) {
			for k, f := range m {
				out[k] = out[k].add(f)
			}
		})
	return out, err
}

// breachTallies answers [from, to) per channel (see overPeriod).
func breachTallies(ctx context.Context, c *ent.Client, ws *ent.Workspace, from, to time.Time) (map[string]int64, error) {
	out := map[string]int64{}
	err := overPeriod(from, to, ws.StatsRolledUntil,
		func(from, to time.Time) (map[string]int64, error) {
			return breachesByChannel(ctx, c.Event.Query(), from, to)
		},
		func(from, to time.Time) (map[string]int64, error) { return rolledBreaches(ctx, c, from, to) },
		func(m map[string]int64) {
			for k, n := range m {
				out[k] += n
			}
		})
	return out, err
}

// rolledBreaches sums daily_stats' SLA breaches over the counted days [from, to) per channel.
func rolledBreaches(ctx context.Context, c *ent.Client, from, to time.Time) (map[string]int64, error) {
	var rows []struct {
		Channel string `json:"channel"`
		N       int64  `json:"n"`
	}
	if err := c.DailyStat.Query().Where(dailystat.DayGTE(from), dailystat.DayLT(to), dailystat.ChannelNotNil()).
		GroupBy(dailystat.FieldChannel).Aggregate(ent.As(ent.Sum(dailystat.FieldSLABreaches), "n")).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("breaches by day: %w", err)
	}
	out := make(map[string]int64, len(rows))
	for _, r := range rows {
		out[r.Channel] = r.N
	}
	return out, nil
}

// RunRollup counts finished days at start and then every interval until ctx ends.
func RunRollup(ctx context.Context, db *storage.DB, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		for {
			n, err := Rollup(ctx, db, time.Now())
			if err != nil {
				if ctx.Err() == nil {
					slog.ErrorContext(ctx, "analytics rollup", "err", err)
				}
				break
			}
			if n > 0 {
				slog.DebugContext(ctx, "analytics rollup: counted days", "days", n)
			}
			if n == 0 {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
