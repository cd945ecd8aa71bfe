package events

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"entgo.io/ent/dialect/sql"

	"switchboard/ent/event"
	"switchboard/ent/workspace"
	"switchboard/internal/metrics"
	"switchboard/internal/tenant"
)

// sequence numbers workspace ws's committed, unnumbered events in id order, continuing the
// workspace's counter. It runs where the numbers are needed (before a bus reads for its
// subscribers, before a replay) and every few seconds for the rest. Sequencers of one workspace
// queue on its counter row (ordinary writers never do; the desk's hot-path batches take it last
// and number their own events as they write them, storage/migrations/postgres/…_hotpaths.sql); an event committed after
// this pass's snapshot is numbered by a later pass, after the ones numbered now, so the numbers
// follow visibility and a cursor never skips a late commit.
//
// On Postgres the pass is one call (storage/migrations/postgres/…_sequence_pass.sql): it first
// looks, without locks, whether anything committed is unnumbered, and takes the counter only then
// (a subscription's start, a replay, a head, the pass after another instance numbered the same
// commits find nothing). That look's snapshot holds every commit before the call, as the pass's
// would; an unnumbered event it misses committed after it, and a later pass numbers it.
func (b *Bus) sequence(ctx context.Context, ws int) error {
	sys := tenant.System(ctx)
	if b.pgURL != "" {
		rows, err := b.client.QueryContext(sys, `SELECT switchboard_sequence($1)`, ws)
		if err != nil {
			return fmt.Errorf("number: %w", err)
		}
		defer rows.Close()
		var n int64
		if !rows.Next() {
			return fmt.Errorf("number: %w", errors.Join(rows.Err(), errors.New("no count")))
		}
		if err := rows.Scan(&n); err != nil {
			return fmt.Errorf("number: %w", err)
		}
		if n > 0 {
			metrics.BusSequencePass()
		}
		return rows.Close()
	}
	// SQLite: one writer at a time, a few events per pass.
	metrics.BusSequencePass()
	tx, err := b.client.Tx(sys)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	w, err := tx.Workspace.Query().Where(workspace.ID(ws)).Only(sys)
	if err != nil {
		return fmt.Errorf("counter: %w", err)
	}
	ids, err := tx.Event.Query().Where(event.WorkspaceID(ws), event.SeqIsNil()).Order(event.ByID()).IDs(sys)
	if err != nil {
		return err
	}
	for i, id := range ids {
		if err := tx.Event.Update().Where(event.ID(id)).SetSeq(w.EventSeq + int64(i) + 1).Exec(sys); err != nil {
			return fmt.Errorf("number: %w", err)
		}
	}
	n := int64(len(ids))
	if n == 0 {
		return nil
	}
	if err := tx.Workspace.Update().Where(workspace.ID(ws)).AddEventSeq(n).Exec(sys); err != nil {
		return fmt.Errorf("counter: %w", err)
	}
	return tx.Commit()
}

// sequenceStragglers numbers events that nobody has needed numbered yet (no subscriber), so the
// log stays in order for later replays and audits. It runs every stragglerEvery. Finding the
// workspaces is one index probe each on (workspace_id, seq): a scan of the log for seq IS NULL
// reads every event (0.2 s per 380,000 events, measured).
func (b *Bus) sequenceStragglers(ctx context.Context) {
	sys := tenant.System(ctx)
	wss, err := b.client.Workspace.Query().Where(func(s *sql.Selector) {
		e := sql.Table(event.Table)
		s.Where(sql.Exists(sql.Select(e.C(event.FieldID)).From(e).
			Where(sql.And(sql.ColumnsEQ(e.C(event.FieldWorkspaceID), s.C(workspace.FieldID)), sql.IsNull(e.C(event.FieldSeq))))))
	}).IDs(sys)
	if err != nil {
		if ctx.Err() == nil {
			slog.WarnContext(ctx, "event bus: find stragglers", "err", err)
		}
		return
	}
	for _, ws := range wss {
		if err := b.sequence(ctx, ws); err != nil {
			slog.WarnContext(ctx, "event bus: number stragglers", "workspace", ws, "err", err)
			continue
		}
		// Numbered late (their instance stopped before it could): read here, and by the others.
		b.committed(ws, true)
	}
}

// stragglerEvery is how often the bus numbers events no subscriber asked for.
const stragglerEvery = time.Second
