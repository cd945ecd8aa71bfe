package desk

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"entgo.io/ent/dialect/sql"

	"switchboard/ent"
	"switchboard/ent/conversation"
	"switchboard/ent/predicate"
	"switchboard/internal/auth"
	"switchboard/internal/events"
	"switchboard/internal/storage"
	"switchboard/internal/tenant"
)

// Leases keeps the locks of agents connected to this instance (L6): a human's lock is a lease
// that expires lockGracePeriod after it was last renewed; while the agent's workspace connection
// (a WebSocket) is open, this instance renews it, and a heartbeat mutation renews it for clients
// without one. Expired leases are released by ExpireLeases on any instance.
type Leases struct {
	desk *Desk
	mu   sync.Mutex
	conn map[int]map[int]int // workspace → agent → open connections
}

// NewLeases returns the lease keeper of this instance.
func NewLeases(d *Desk) *Leases { return &Leases{desk: d, conn: map[int]map[int]int{}} }

// Connected records an open workspace connection of the viewer in ctx; the returned func records
// its end.
func (l *Leases) Connected(ctx context.Context) func() {
	v := auth.ViewerFrom(ctx)
	if v == nil || l == nil {
		return func() {}
	}
	l.mu.Lock()
	if l.conn[v.WorkspaceID] == nil {
		l.conn[v.WorkspaceID] = map[int]int{}
	}
	l.conn[v.WorkspaceID][v.AgentID]++
	l.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			l.mu.Lock()
			defer l.mu.Unlock()
			if l.conn[v.WorkspaceID][v.AgentID]--; l.conn[v.WorkspaceID][v.AgentID] <= 0 {
				delete(l.conn[v.WorkspaceID], v.AgentID)
			}
		})
	}
}

// IsConnected reports whether agentID has an open connection here.
func (l *Leases) IsConnected(ws, agentID int) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.conn[ws][agentID] > 0
}

// Renew extends the leases of every agent connected here.
func (l *Leases) Renew(ctx context.Context) error {
	l.mu.Lock()
	byWS := map[int][]int{}
	for ws, agents := range l.conn {
		for a := range agents {
			byWS[ws] = append(byWS[ws], a)
		}
	}
	l.mu.Unlock()
	for ws, agents := range byWS {
		if err := l.desk.RenewLeases(ctx, ws, agents...); err != nil {
			return err
		}
	}
	return nil
}

// Run renews leases and releases expired ones (and gone viewers) every interval until ctx ends.
func (l *Leases) Run(ctx context.Context, every time.Duration) {
	repeat(ctx, every, func() {
		if err := l.Renew(ctx); err != nil {
			slog.ErrorContext(ctx, "lock leases: renew", "err", err)
		}
		if n, err := l.desk.ExpireLeases(ctx); err != nil {
			slog.ErrorContext(ctx, "lock leases: expire", "err", err)
		} else if n > 0 {
			slog.InfoContext(ctx, "lock leases: released expired locks", "count", n)
		}
		if _, err := l.desk.ExpireViewers(ctx); err != nil {
			slog.ErrorContext(ctx, "viewers: expire", "err", err)
		}
	})
}

// RenewLeases extends the lock leases the given agents of workspace ws hold to now +
// lockGracePeriod (a lease that already ends later keeps its end; one with none gets this one),
// and keeps them viewing what they have open.
func (d *Desk) RenewLeases(ctx context.Context, ws int, agents ...int) error {
	sys := tenant.System(ctx)
	w, err := d.client.Workspace.Get(sys, ws)
	if err != nil {
		return fmt.Errorf("renew leases: %w", err)
	}
	if err := d.renewViewers(sys, ws, agents); err != nil {
		return fmt.Errorf("renew viewers: %w", err)
	}
	until := d.now().Add(time.Duration(w.LockGracePeriodSeconds) * time.Second)
	// Only leases ending before until (or never: a lock stored without one): a lock taken since
	// now keeps its own, later end. A renewed lease ends at until, so it no longer matches.
	endsBefore := conversation.Or(conversation.LockExpiresAtIsNil(), conversation.LockExpiresAtLT(until))
	held := []predicate.Conversation{conversation.WorkspaceID(ws), conversation.HumanLock(true),
		predicate.Conversation(storage.IntsIn(conversation.FieldLockHolderID, agents)), endsBefore}
	// renew extends the leases u selects; it keeps their updatedAt: a lease is the lock's
	// bookkeeping, not a change of the conversation, which integrators following updatedAt would
	// otherwise see every few seconds for every conversation a connected agent holds.
	renew := func(u *ent.ConversationUpdate) error {
		return u.SetLockExpiresAt(until).Modify(func(u *sql.UpdateBuilder) {
			u.Set(conversation.FieldUpdatedAt, sql.Expr(conversation.FieldUpdatedAt))
		}).Exec(sys)
	}
	if !d.rowLocks {
		return renew(d.client.Conversation.Update().Where(held...))
	}
	// A renewal must never hold up an operation: one transaction locking every lease it renews
	// would queue behind each conversation being changed and hold the rest meanwhile, so that
	// operations on those queue behind it (a convoy). So the rows nobody has locked are renewed
	// at once, skipping the others without waiting, and each skipped one is then renewed on its
	// own: a single-row UPDATE waits only for that row's operation and holds no other lock, so it
	// cannot deadlock with one either.
	err = storage.InTx(sys, d.client, func(tx *ent.Tx) error {
		ids, err := tx.Conversation.Query().Where(held...).Order(conversation.ByID()).
			ForUpdate(storage.NoKeyUpdate, sql.WithLockAction(sql.SkipLocked)).IDs(sys)
		if err != nil || len(ids) == 0 {
			return err
		}
		return renew(tx.Conversation.Update().Where(predicate.Conversation(storage.IntsIn(conversation.FieldID, ids))))
	})
	if err != nil {
		return err
	}
	skipped, err := d.client.Conversation.Query().Where(held...).Select(conversation.FieldLockHolderID).All(sys)
	if err != nil {
		return err
	}
	for _, c := range skipped { // the holder read, not the whole list of agents again
		if err := renew(d.client.Conversation.Update().Where(conversation.ID(c.ID), conversation.HumanLock(true),
			conversation.LockHolderIDEQ(*c.LockHolderID), endsBefore)); err != nil {
			return err
		}
	}
	return nil
}

// Heartbeat renews the viewer's lock lease (clients without a WebSocket call it well within the
// workspace's lockGracePeriod).
func (d *Desk) Heartbeat(ctx context.Context) error {
	v, err := auth.Member(ctx)
	if err != nil {
		return err
	}
	return d.RenewLeases(ctx, v.WorkspaceID, v.AgentID)
}

// ExpireLeases releases every human lock whose lease ran out (L6: the holder's connection has
// been gone longer than lockGracePeriod). Conditional on the version read, so an instance racing
// another, or the holder acting at that moment, never releases a lock twice or wrongly.
func (d *Desk) ExpireLeases(ctx context.Context) (int, error) {
	sys := tenant.System(ctx)
	now := d.now()
	expired, err := d.client.Conversation.Query().
		Where(conversation.HumanLock(true), conversation.LockExpiresAtLT(now)).Limit(1000).All(sys)
	if err != nil {
		return 0, fmt.Errorf("expire leases: %w", err)
	}
	done := 0
	for _, c := range expired {
		released := false
		err := storage.InTx(sys, d.client, func(tx *ent.Tx) error {
			released = false // InTx may run this again
			n, err := tx.Conversation.Update().
				Where(conversation.ID(c.ID), conversation.Version(c.Version), conversation.LockExpiresAtLT(now)).
				ClearLockHolderID().SetHumanLock(false).ClearLockAcquiredAt().ClearLockExpiresAt().AddVersion(1).Save(sys)
			if err != nil || n == 0 {
				return err
			}
			released = true
			return d.bus.Append(sys, tx, events.Entry{WorkspaceID: c.WorkspaceID, Type: events.LockReleased, ConversationID: c.ID,
				SubjectID: *c.LockHolderID, Version: c.Version + 1,
				Before: map[string]any{"holder": *c.LockHolderID}, After: map[string]any{"holder": nil, "reason": "connection lost"}})
		})
		if err != nil {
			return done, err
		}
		if released {
			done++
		}
	}
	return done, nil
}
