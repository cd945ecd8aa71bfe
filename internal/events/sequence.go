package events

import (
	"context"
	"fmt"
	"time"

	"switchboard/ent/event"
	"switchboard/ent/workspace"
	"switchboard/internal/tenant"
)

// sequence numbers workspace ws's committed, unnumbered events in id order, continuing the
// workspace's counter. Sequencers of one workspace queue on its counter row (writers never do);
// an event committed after this pass's snapshot is numbered by the next pass, after the ones
// numbered now, so the numbers follow visibility and a cursor never skips a late commit.
func (b *Bus) sequence(ctx context.Context, ws int) error {
	sys := tenant.System(ctx)
	tx, err := b.client.Tx(sys)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	q := tx.Workspace.Query().Where(workspace.ID(ws))
	if b.pgURL != "" {
		q = q.ForUpdate()
	}
	w, err := q.Only(sys)
	if err != nil {
		return fmt.Errorf("counter: %w", err)
	}
	ids, err := tx.Event.Query().Where(event.WorkspaceID(ws), event.SeqIsNil()).Order(event.ByID()).Limit(5000).IDs(sys)
	if err != nil || len(ids) == 0 {
		return err
	}
	if b.pgURL != "" {
		// One statement on Postgres: row_number over the ids in order.
		_, err = tx.ExecContext(sys, `UPDATE events SET seq = $1 + t.rn FROM
			(SELECT id, row_number() OVER (ORDER BY id) AS rn FROM events WHERE id = ANY($2)) t WHERE events.id = t.id`,
			w.EventSeq, idArray(ids))
	} else {
		for i, id := range ids {
			if err = tx.Event.UpdateOneID(id).SetSeq(w.EventSeq + int64(i) + 1).Exec(sys); err != nil {
				break
			}
		}
	}
	if err != nil {
		return fmt.Errorf("number: %w", err)
	}
	if err := tx.Workspace.UpdateOneID(ws).AddEventSeq(int64(len(ids))).Exec(sys); err != nil {
		return fmt.Errorf("counter: %w", err)
	}
	return tx.Commit()
}

// idArray renders ids as a Postgres array literal.
func idArray(ids []int) string {
	b := make([]byte, 0, len(ids)*12+2)
	b = append(b, '{')
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = fmt.Appendf(b, "%d", id)
	}
	return string(append(b, '}'))
}

// sequenceStragglers numbers events left unnumbered by an instance that stopped between a
// commit and its numbering.
func (b *Bus) sequenceStragglers(ctx context.Context) {
	wss, err := b.client.Event.Query().Where(event.SeqIsNil(), event.CreatedAtLT(time.Now().Add(-5*time.Second))).
		Unique(true).Select(event.FieldWorkspaceID).Ints(tenant.System(ctx))
	if err != nil {
		return
	}
	b.mu.Lock()
	for _, ws := range wss {
		b.seqs[ws] = true
	}
	b.mu.Unlock()
	if len(wss) > 0 {
		signal(b.kick)
	}
}
