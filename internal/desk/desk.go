// Package desk owns what happens to a conversation: arrival, locking (L1–L8), ownership (C1–C8),
// messages and notes, status. Each operation is one transaction that locks the rows it decides
// on, checks, writes and appends its events (STYLE 4); the database, not a mutex, decides races.
package desk

import (
	"context"
	"fmt"
	"slices"
	"time"

	"switchboard/ent"
	"switchboard/ent/agent"
	"switchboard/ent/conversation"
	"switchboard/ent/schema/enum"
	"switchboard/ent/viewer"
	"switchboard/internal/auth"
	"switchboard/internal/events"
	"switchboard/internal/fault"
	"switchboard/internal/search"
	"switchboard/internal/storage"
)

// Desk runs conversation operations.
type Desk struct {
	client *ent.Client
	// rowLocks: SELECT … FOR UPDATE on Postgres. SQLite has none and needs none: its write
	// transactions begin IMMEDIATE, one at a time.
	rowLocks bool
	// hotPaths: claim and release try storage/migrations/postgres/…_hotpaths.sql first (Postgres; see hotpath.go).
	hotPaths bool
	hot      *hotQueue
	now      func() time.Time
	bus      *events.Bus
	// search indexes every text the desk stores (messages, notes, customers' names and handles).
	search search.Index
}

// New returns the desk over db; bus (may be nil) announces its events after each commit.
func New(db *storage.DB, bus *events.Bus) *Desk {
	return &Desk{client: db.Client, rowLocks: db.RowLocks(), hotPaths: db.RowLocks(), hot: &hotQueue{},
		now: time.Now, bus: bus, search: search.New(db.Dialect)}
}

// WithClock returns a copy of the desk that reads time from now (tests).
func (d *Desk) WithClock(now func() time.Time) *Desk {
	c := *d
	c.now = now
	return &c
}

// forUpdate row-locks what q selects (Postgres).
func forUpdate[Q storage.Lockable[Q]](d *Desk, q Q) Q { return storage.ForUpdate(d.rowLocks, q) }

// op is one operation on one conversation, inside its transaction.
type op struct {
	ctx  context.Context
	d    *Desk
	tx   *ent.Tx
	v    *auth.Viewer
	ws   *ent.Workspace
	conv *ent.Conversation // as it was when the operation began
	// viewed: the other conversations the viewer has open, row-locked (runAs with viewing).
	viewed []*ent.Conversation
	upd    *ent.ConversationUpdateOne
	now    time.Time
	// changed: the conversation was written, so its version goes up by one.
	changed bool
	evs     []events.Entry
	// lock and owner as the operation leaves them (start as loaded).
	holder, owner *int
	humanLock     bool
	humanOwned    bool
	newState      enum.State // "" while unchanged
	hadHuman      bool       // a human owned it at some point (set when one takes it now)
	left          bool       // the customer left in this operation
	newOwner      bool       // a human became the owner in this operation (§8 first response)
}

// run executes fn on conversation id in one transaction. Rows are locked in one global order, so
// that concurrent operations queue instead of deadlocking: first agents (in id order), then
// conversations (in id order). lockAgents are the agents whose ownership or lock the operation may
// change besides the viewer; a human viewer's own row is always locked, and so is every
// conversation whose lock the viewer holds (L3's click-away may release it), so an agent's
// operations and its locks are decided one at a time.
func (d *Desk) run(ctx context.Context, id int, lockAgents []int, fn func(o *op) error) (*ent.Conversation, error) {
	return d.runAs(ctx, id, lockAgents, false, fn)
}

// runAs is run; with viewing, the conversations the viewer has open are row-locked too (in the
// same id order), so that leaving their view writes events at their current version.
func (d *Desk) runAs(ctx context.Context, id int, lockAgents []int, viewing bool, fn func(o *op) error) (*ent.Conversation, error) {
	v, err := auth.Member(ctx)
	if err != nil {
		return nil, err
	}
	var out *ent.Conversation
	err = storage.InTx(ctx, d.client, func(tx *ent.Tx) error {
		o, err := d.begin(ctx, tx, v, id, lockAgents, viewing)
		if err != nil {
			return err
		}
		if err := fn(o); err != nil {
			return err
		}
		out, err = o.commit()
		return err
	})
	if err != nil {
		return nil, err
	}
	return out.Unwrap(), nil
}

func (d *Desk) begin(ctx context.Context, tx *ent.Tx, v *auth.Viewer, id int, lockAgents []int, viewing bool) (*op, error) {
	human := v.AgentID != 0 && v.Kind == enum.KindHuman
	if human {
		lockAgents = append(slices.Clone(lockAgents), v.AgentID)
	}
	if err := d.lockAgents(ctx, tx, lockAgents...); err != nil {
		return nil, err
	}
	conv, viewed, err := d.lockConversations(ctx, tx, id, human, viewing, v.AgentID)
	if err != nil {
		return nil, err
	}
	ws, err := tx.Workspace.Get(ctx, v.WorkspaceID)
	if err != nil {
		return nil, fmt.Errorf("load workspace: %w", err)
	}
	return &op{ctx: ctx, d: d, tx: tx, v: v, ws: ws, conv: conv, viewed: viewed, upd: tx.Conversation.UpdateOneID(id), now: d.now(),
		holder: conv.LockHolderID, owner: conv.OwnerID, humanLock: conv.HumanLock, humanOwned: conv.HumanOwned}, nil
}

// lockConversations row-locks conversation id and, for a human viewer, the conversations whose
// lock the viewer holds (and, viewing, those it has open), in id order, and returns conversation
// id as it is now, and the others it has open as they are now.
func (d *Desk) lockConversations(ctx context.Context, tx *ent.Tx, id int, human, viewing bool, agentID int) (*ent.Conversation, []*ent.Conversation, error) {
	ids := []int{id}
	if human && d.rowLocks {
		held, err := tx.Conversation.Query().Where(conversation.LockHolderID(agentID), conversation.HumanLock(true), conversation.IDNEQ(id)).IDs(ctx)
		if err != nil {
			return nil, nil, fmt.Errorf("find the viewer's lock: %w", err)
		}
		ids = append(ids, held...)
	}
	var open []int
	if human && viewing {
		var err error
		if open, err = tx.Viewer.Query().Where(viewer.AgentID(agentID), viewer.ConversationIDNEQ(id)).Select(viewer.FieldConversationID).Ints(ctx); err != nil {
			return nil, nil, fmt.Errorf("find the viewer's open conversations: %w", err)
		}
		ids = append(ids, open...)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	rows, err := forUpdate(d, tx.Conversation.Query().Where(conversation.IDIn(ids...)).Order(conversation.ByID())).All(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("load conversation: %w", err)
	}
	var conv *ent.Conversation
	var viewed []*ent.Conversation
	for _, c := range rows {
		switch {
		case c.ID == id:
			conv = c
		case slices.Contains(open, c.ID):
			viewed = append(viewed, c)
		}
	}
	if conv == nil {
		return nil, nil, fault.Missing("conversation")
	}
	return conv, viewed, nil
}

// agentNamedBy reads, before the operation, the agent that pick finds on conversation id (its
// owner, its delegator), so that run can lock that agent's row before the conversation's, the
// order every operation takes. The operation checks it is still the one (see HandBack).
func (d *Desk) agentNamedBy(ctx context.Context, id int, pick func(*ent.Conversation) *int) []int {
	if c, err := d.client.Conversation.Get(ctx, id); err == nil {
		if a := pick(c); a != nil {
			return []int{*a}
		}
	}
	return nil
}

// onTimer runs fn on the conversation of a firing timer t as the system (no viewer), inside the
// worker's transaction, which already holds the conversation's row.
func (d *Desk) onTimer(ctx context.Context, tx *ent.Tx, t *ent.Timer, fn func(o *op) error) error {
	o, err := d.begin(ctx, tx, &auth.Viewer{WorkspaceID: t.WorkspaceID}, *t.ConversationID, nil, false)
	if err != nil {
		return err
	}
	if err := fn(o); err != nil {
		return err
	}
	_, err = o.commit()
	return err
}

// lockAgents takes the row locks of the given agents, in id order.
func (d *Desk) lockAgents(ctx context.Context, tx *ent.Tx, ids ...int) error {
	ids = slices.DeleteFunc(slices.Clone(ids), func(id int) bool { return id == 0 })
	if len(ids) == 0 || !d.rowLocks {
		return nil
	}
	slices.Sort(ids)
	if _, err := forUpdate(d, tx.Agent.Query().Where(agent.IDIn(slices.Compact(ids)...)).Order(agent.ByID())).IDs(ctx); err != nil {
		return fmt.Errorf("lock agents: %w", err)
	}
	return nil
}

// commit writes the conversation if it changed, appends the events, and returns the
// conversation as it now is.
func (o *op) commit() (*ent.Conversation, error) {
	conv := o.conv
	if o.changed {
		if err := o.settle(); err != nil {
			return nil, err
		}
		if err := o.participants(); err != nil {
			return nil, err
		}
		version := o.conv.Version + 1
		var err error
		if conv, err = o.upd.AddVersion(1).Save(o.ctx); err != nil {
			return nil, fmt.Errorf("update conversation: %w", err)
		}
		for i := range o.evs {
			if o.evs[i].ConversationID == o.conv.ID && o.evs[i].Version == 0 {
				o.evs[i].Version = version
			}
		}
	}
	for i := range o.evs { // events that changed nothing (a viewer came or went) carry its version
		if o.evs[i].ConversationID == o.conv.ID && o.evs[i].Version == 0 {
			o.evs[i].Version = conv.Version
		}
	}
	if len(o.evs) > 0 {
		if err := o.d.bus.Append(o.ctx, o.tx, o.evs...); err != nil {
			return nil, err
		}
	}
	return conv, nil
}

// emit records an event about this conversation (its version is filled in at commit).
func (o *op) emit(typ string, subject int, before, after map[string]any) {
	if after != nil && !o.lockable() && events.OwnershipType(typ) {
		after["status"] = o.conv.Status // E2: a RESOLVED one changing hands (to a bot) enters no queue
	}
	o.evs = append(o.evs, events.Entry{WorkspaceID: o.v.WorkspaceID, Type: typ, ConversationID: o.conv.ID,
		ActorID: o.v.AgentID, SubjectID: subject, Before: before, After: after})
}

// human reports whether the viewer is a human agent.
func (o *op) human() bool { return o.v.Kind == enum.KindHuman }

// isHolder / isOwner compare with the current (possibly already changed) lock and owner.
func (o *op) isHolder(id int) bool { return o.holder != nil && *o.holder == id }
func (o *op) isOwner(id int) bool  { return o.owner != nil && *o.owner == id }

// lockable reports L1: only NEW and PENDING conversations, and never a closed one, can be locked.
func (o *op) lockable() bool {
	return o.conv.IsOpen && (o.conv.Status == enum.StatusNew || o.conv.Status == enum.StatusPending)
}

// setLock gives the lock to agentID (human or not) or, with 0, releases it.
func (o *op) setLock(agentID int, human bool) {
	o.changed = true
	if agentID == 0 {
		o.upd.ClearLockHolderID().SetHumanLock(false).ClearLockAcquiredAt().ClearLockExpiresAt()
		o.holder, o.humanLock = nil, false
		return
	}
	m := o.upd.Mutation() // an earlier release in this operation must not also write its NULLs
	m.ResetLockHolderID()
	m.ResetLockAcquiredAt()
	m.ResetLockExpiresAt()
	o.upd.SetLockHolderID(agentID).SetHumanLock(human).SetLockAcquiredAt(o.now)
	if human { // L6: a human's lock is a lease, renewed while its connection lives
		o.upd.SetLockExpiresAt(o.now.Add(time.Duration(o.ws.LockGracePeriodSeconds) * time.Second))
	} else {
		o.upd.ClearLockExpiresAt() // a bot's lock follows its ownership (L7)
	}
	o.holder, o.humanLock = &agentID, human
}

// setOwner makes agentID (a human when human) the owner or, with 0, leaves it unowned and queued.
func (o *op) setOwner(agentID int, human bool) {
	o.changed = true
	if agentID == 0 {
		o.upd.Mutation().ResetQueuedSince()
		o.upd.ClearOwnerID().SetHumanOwned(false).ClearClaimedAt().ClearOwnerActiveAt().SetStale(false).SetQueuedSince(o.now)
		o.owner, o.humanOwned = nil, false
		return
	}
	m := o.upd.Mutation() // an earlier unowning in this operation must not also write its NULLs
	m.ResetOwnerID()
	m.ResetClaimedAt()
	m.ResetOwnerActiveAt()
	m.ResetQueuedSince()
	o.upd.SetOwnerID(agentID).SetHumanOwned(human).SetClaimedAt(o.now).SetOwnerActiveAt(o.now).SetStale(false).ClearQueuedSince()
	if human {
		o.upd.SetLastHumanOwnerID(agentID).ClearFirstReplyAt()
		o.hadHuman, o.newOwner = true, true
	}
	o.owner, o.humanOwned = &agentID, human
}

// state is the conversation's lifecycle state, as changed so far by this operation.
func (o *op) state() enum.State {
	if o.newState != "" {
		return o.newState
	}
	return o.conv.State
}

// setState moves the lifecycle state (§6), with its event.
func (o *op) setState(to enum.State) {
	from := o.state()
	if from == to {
		return
	}
	o.changed = true
	o.newState = to
	o.upd.SetState(to)
	o.emit(events.StateChanged, 0, map[string]any{"state": from}, map[string]any{"state": to})
}

// touch records the owner's activity (C8: a stale claim is fresh again).
func (o *op) touch() {
	if o.isOwner(o.v.AgentID) && (o.conv.Stale || o.conv.OwnerActiveAt == nil || o.now.Sub(*o.conv.OwnerActiveAt) > time.Minute) {
		o.upd.SetOwnerActiveAt(o.now).SetStale(false)
		o.changed = o.changed || o.conv.Stale
	}
}

// clickAway releases the locks agentID holds on other conversations (L3, L6: gaining a lock
// releases the previous one in the same transaction; L2 allows one). It acts only on a lock the
// agent still holds, as read under the row's lock (taken by begin, in order): a lock stolen from
// the agent meanwhile is the stealer's and stays so, and the release's event carries the version
// it writes.
func (o *op) clickAway(agentID int) error {
	others, err := forUpdate(o.d, o.tx.Conversation.Query().
		Where(conversation.LockHolderID(agentID), conversation.HumanLock(true), conversation.IDNEQ(o.conv.ID))).
		Select(conversation.FieldID, conversation.FieldVersion).All(o.ctx)
	if err != nil {
		return fmt.Errorf("find previous lock: %w", err)
	}
	for _, c := range others {
		n, err := o.tx.Conversation.Update().
			Where(conversation.ID(c.ID), conversation.Version(c.Version), conversation.LockHolderID(agentID), conversation.HumanLock(true)).
			ClearLockHolderID().SetHumanLock(false).ClearLockAcquiredAt().ClearLockExpiresAt().AddVersion(1).Save(o.ctx)
		if err != nil {
			return fmt.Errorf("release previous lock: %w", err)
		}
		if n == 0 {
			continue // not the agent's any more
		}
		o.evs = append(o.evs, events.Entry{WorkspaceID: o.v.WorkspaceID, Type: events.LockReleased, ConversationID: c.ID,
			ActorID: o.v.AgentID, SubjectID: agentID, Version: c.Version + 1,
			Before: map[string]any{"holder": agentID}, After: map[string]any{"holder": nil, "reason": "opened another conversation"}})
	}
	return nil
}

// acquire gives the viewer the lock, releasing its previous one (L3).
func (o *op) acquire() error {
	if o.isHolder(o.v.AgentID) {
		return nil
	}
	if err := o.clickAway(o.v.AgentID); err != nil {
		return err
	}
	before := o.holder
	o.setLock(o.v.AgentID, true)
	o.emit(events.LockAcquired, o.v.AgentID, map[string]any{"holder": before}, map[string]any{"holder": o.v.AgentID})
	return nil
}

// agentRef is how errors and events name an agent.
func (o *op) agentRef(id int) map[string]any {
	a, err := o.tx.Agent.Get(o.ctx, id)
	if err != nil {
		return map[string]any{"id": fmt.Sprint(id)}
	}
	return map[string]any{"id": fmt.Sprint(a.ID), "name": a.Name, "kind": string(a.Kind)}
}

// lockedErr says who holds the lock (L4, SPEC §9 LOCKED).
func (o *op) lockedErr() error {
	if o.holder == nil && o.owner == nil { // only a bot gets here: it writes to what it owns (L7)
		return fault.New(fault.Forbidden, "bots write only to conversations they own (L7): this one is waiting for an agent")
	}
	if o.holder == nil {
		ref := o.agentRef(*o.owner)
		return fault.New(fault.Locked, "%s owns this conversation: steal the lock to reply", ref["name"]).With("owner", ref)
	}
	ref := o.agentRef(*o.holder)
	return fault.New(fault.Locked, "%s is replying to this conversation: steal the lock to act on it", ref["name"]).With("holder", ref)
}

// needLock enforces L8 for a write on behalf of the viewer: it holds the lock, or gains it now
// under L3's conditions (unlocked, and unowned or owned by the viewer), or gets LOCKED.
func (o *op) needLock() error {
	if !o.lockable() {
		return fault.New(fault.InvalidState, "the conversation is %s: it cannot be worked on until it is reopened", o.statusWord())
	}
	switch {
	case o.isHolder(o.v.AgentID):
		return nil
	case !o.human() && o.humanOwned && o.conv.ClaimedAt != nil && o.now.Sub(*o.conv.ClaimedAt) < BotInFlight:
		// I5: the reply of the bot that owned it was on its way when the human took over: delivered.
		iv, err := o.openIntervention()
		if err != nil {
			return err
		}
		if iv != nil && iv.BotID != nil && *iv.BotID == o.v.AgentID {
			return nil
		}
		return o.lockedErr()
	case !o.human() && o.humanOwned:
		ref := o.agentRef(*o.owner)
		return fault.New(fault.Locked, "%s took this conversation over (I5): the bot sends nothing until it is handed back", ref["name"]).With("owner", ref)
	case !o.human():
		return o.lockedErr() // bots hold the lock exactly while they own it (L7)
	case o.holder == nil && (o.owner == nil || o.isOwner(o.v.AgentID)):
		return o.acquire()
	}
	return o.lockedErr()
}

func (o *op) statusWord() string {
	if !o.conv.IsOpen {
		return "closed"
	}
	return string(o.conv.Status)
}

// WithoutHotPaths returns a copy of the desk that runs every claim and release its ordinary
// way (tests hold the hot paths to it).
func (d *Desk) WithoutHotPaths() *Desk {
	c := *d
	c.hotPaths = false
	return &c
}
