package desk

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"switchboard/ent"
	"switchboard/ent/agent"
	"switchboard/ent/pool"
	"switchboard/ent/schema/enum"
	"switchboard/internal/auth"
	"switchboard/internal/events"
	"switchboard/internal/fault"
	"switchboard/internal/metrics"
	"switchboard/internal/routing"
)

// Claim makes the viewer the owner, and gives it the lock (C2, C3). The first committed claim
// wins; a conversation another human owns is CONFLICT with the owner in extensions. A bot-owned
// conversation is UNCLAIMED to humans: claiming takes it from the bot and pauses the bot (C1, I5).
// Pools (C7), the workspace's self-assignment policy (C10) and the caps (C6, R2) apply; force lets
// a supervisor past the caps, audited (SPEC §12).
func (d *Desk) Claim(ctx context.Context, id int, force bool) (c *ent.Conversation, err error) {
	defer func() { metrics.Operation(metrics.Claim, err) }()
	if !force {
		if c, ok, err := d.hotClaim(ctx, id); ok {
			return c, err
		}
	}
	return d.run(ctx, id, nil, func(o *op) error { return o.claim(force, true) })
}

// claim is Claim inside an operation; withLock is false for bulk claims, which give ownership
// only (L2 allows one lock, and a bulk claim is not a view).
func (o *op) claim(force, withLock bool) error {
	if !o.human() {
		return fault.New(fault.Forbidden, "bots do not claim conversations: they own them until they hand over (C1)")
	}
	if err := o.mayAssign(force, "claim conversations"); err != nil {
		return err
	}
	if !o.lockable() {
		return fault.New(fault.InvalidState, "the conversation is %s: only NEW and PENDING conversations can be claimed", o.statusWord())
	}
	if o.isOwner(o.v.AgentID) && o.humanOwned {
		if withLock && o.holder == nil {
			return o.acquire()
		}
		return nil // already the viewer's
	}
	if o.humanOwned {
		ref := o.agentRef(*o.owner)
		return fault.New(fault.Conflict, "%s already claimed this conversation", ref["name"]).With("owner", ref)
	}
	if withLock && o.humanLock && !o.isHolder(o.v.AgentID) {
		return o.lockedErr()
	}
	if err := o.checkTaker(o.v.AgentID, "you", force); err != nil {
		return err
	}
	prevOwner, prevHolder := o.owner, o.holder
	o.setOwner(o.v.AgentID, true)
	o.upd.SetBotPaused(o.ws.PauseBotOnClaim)
	o.emit(events.ConversationClaimed, o.v.AgentID, map[string]any{"owner": prevOwner}, map[string]any{"owner": o.v.AgentID, "bulk": !withLock})
	if o.conv.QueuedSince != nil { // §8 time-to-claim: from entering the queue to owned by a human
		o.evs[len(o.evs)-1].Duration = max(o.now.Sub(*o.conv.QueuedSince), time.Millisecond)
	}
	if err := o.takenOver(o.v.AgentID, prevOwner); err != nil { // from the bot or the intervention queue (I2)
		return err
	}
	switch {
	case withLock && !o.isHolder(o.v.AgentID):
		if err := o.clickAway(o.v.AgentID); err != nil {
			return err
		}
		o.setLock(o.v.AgentID, true)
		o.emit(events.LockAcquired, o.v.AgentID, map[string]any{"holder": prevHolder}, map[string]any{"holder": o.v.AgentID})
	case !withLock && prevHolder != nil && !o.humanLock:
		o.setLock(0, false) // the bot's lock drops with its ownership (L7)
		o.emit(events.LockReleased, *prevHolder, map[string]any{"holder": *prevHolder}, map[string]any{"holder": nil, "reason": "the bot lost ownership"})
	}
	return o.tx.Agent.Update().Where(agent.ID(o.v.AgentID)).SetLastAssignedAt(o.now).SetLastActivityAt(o.now).Exec(o.ctx)
}

// mayAssign checks the viewer's right to give ownership (to itself or another): CLIENT_USERs
// never; agents not under ROUTING_ONLY (C10); force only for supervisors and above.
func (o *op) mayAssign(force bool, action string) error {
	switch {
	case o.v.Role == enum.RoleClientUser:
		return fault.Denied(action)
	case o.ws.SelfAssignment == enum.SelfAssignmentRoutingOnly && !o.v.Role.AtLeast(enum.RoleSupervisor):
		return fault.New(fault.Forbidden, "this workspace assigns conversations by routing only: ask a supervisor (C10)")
	case force && !o.v.Role.AtLeast(enum.RoleSupervisor):
		return fault.Denied("override capacity limits (force)")
	}
	return nil
}

// checkTaker enforces, for agentID about to own the conversation, pools (C7) and the caps (C6,
// R2), unless force, which is recorded.
func (o *op) checkTaker(agentID int, who string, force bool) error {
	if len(o.conv.Tags) > 0 {
		closed, err := o.tx.Pool.Query().
			Where(pool.TagIn(o.conv.Tags...), pool.Not(pool.HasMembersWith(agent.ID(agentID)))).
			Select(pool.FieldName).Strings(o.ctx)
		if err != nil {
			return fmt.Errorf("pools: %w", err)
		}
		if len(closed) > 0 {
			return fault.New(fault.Forbidden, "%s: only members of the pool %q may take this conversation (C7)", who, closed[0]).With("pool", closed[0])
		}
	}
	return o.overridable(routing.CheckRoom(o.ctx, o.tx, o.ws, agentID, o.conv.Channel, who), agentID, force)
}

// checkClaims is checkTaker for a CLIENT_USER: maxClaimsPerAgent only (C6, C11).
func (o *op) checkClaims(agentID int, who string, force bool) error {
	return o.overridable(routing.CheckClaims(o.ctx, o.tx, o.ws, agentID, o.conv.Channel, who), agentID, force)
}

// overridable lets a supervisor's force pass a cap, audited (SPEC §12); any other error stands.
func (o *op) overridable(err error, agentID int, force bool) error {
	if err == nil {
		return nil
	}
	if f, ok := fault.As(err); ok && force && f.Code == fault.CapacityExceeded {
		o.emit(events.CapOverridden, agentID, nil, map[string]any{"limit": f.Extensions["limit"], "capacity": f.Extensions["capacity"], "current": f.Extensions["current"]})
		return nil
	}
	return err
}

// Release returns the viewer's conversation to the queue, UNCLAIMED, and releases the viewer's
// lock on it (C4).
func (d *Desk) Release(ctx context.Context, id int) (c *ent.Conversation, err error) {
	defer func() { metrics.Operation(metrics.Release, err) }()
	if c, ok, err := d.hotRelease(ctx, id); ok {
		return c, err
	}
	return d.run(ctx, id, nil, func(o *op) error {
		if !o.humanOwned {
			return fault.New(fault.InvalidState, "the conversation is not claimed")
		}
		if !o.isOwner(o.v.AgentID) {
			return fault.New(fault.Forbidden, "only the owner may release a conversation: supervisors can forceRelease it")
		}
		if err := o.releasable(); err != nil {
			return err
		}
		o.unown(events.ConversationReleased, o.v.AgentID)
		return nil
	})
}

// ForceRelease lets a supervisor or admin take a claim back (C8: stale claims), with the owner's
// lock.
func (d *Desk) ForceRelease(ctx context.Context, id int) (c *ent.Conversation, err error) {
	defer func() { metrics.Operation(metrics.ForceRelease, err) }()
	if _, err := auth.Require(ctx, enum.RoleSupervisor, "force-release conversations"); err != nil {
		return nil, err
	}
	return d.run(ctx, id, nil, func(o *op) error {
		if !o.humanOwned {
			return fault.New(fault.InvalidState, "the conversation is not claimed")
		}
		if err := o.releasable(); err != nil {
			return err
		}
		o.unown(events.ConversationForceReleased, *o.owner)
		return nil
	})
}

// releasable: only a conversation in the queues (NEW or PENDING, open) goes back to the queue;
// a RESOLVED one keeps its owner, to whom the customer's next message reopens it (§6), and is in
// no queue (E2: the inbox would be told of a conversation it does not hold).
func (o *op) releasable() error {
	if !o.lockable() {
		return fault.New(fault.InvalidState, "the conversation is %s: only NEW and PENDING conversations can be released", o.statusWord())
	}
	return nil
}

// unown leaves the conversation unowned and queued; the former owner's lock goes too.
func (o *op) unown(typ string, former int) {
	if o.isHolder(former) {
		o.setLock(0, false)
		o.emit(events.LockReleased, former, map[string]any{"holder": former}, map[string]any{"holder": nil, "reason": "ownership dropped"})
	}
	o.setOwner(0, false)
	o.emit(typ, former, map[string]any{"owner": former}, map[string]any{"owner": nil})
}

// MaxNoteLen bounds handoff and internal notes.
const MaxNoteLen = 5000

// Reassign moves ownership to another human with an optional handoff note (C4): by the owner, or
// by a supervisor or admin. The new owner must be available (SPEC §12: nobody is assigned while
// OFFLINE; AWAY receives nothing new), in the conversation's pools and under the caps unless a
// supervisor forces it. The former owner's lock is released; the note becomes an internal note.
func (d *Desk) Reassign(ctx context.Context, id, to int, note *string, force bool) (*ent.Conversation, error) {
	text, err := noteText(note)
	if err != nil {
		return nil, err
	}
	return d.run(ctx, id, []int{to}, func(o *op) error {
		if !o.human() {
			return fault.New(fault.Forbidden, "bots hand conversations back, they do not reassign them")
		}
		if err := o.mayAssign(force, "reassign conversations"); err != nil {
			return err
		}
		if !o.isOwner(o.v.AgentID) && !o.v.Role.AtLeast(enum.RoleSupervisor) {
			return fault.New(fault.Forbidden, "only the owner or a supervisor may reassign this conversation")
		}
		return o.handTo(to, text, force, events.ConversationReassigned)
	})
}

func noteText(note *string) (string, error) {
	if note == nil {
		return "", nil
	}
	return sized("note", *note, false, MaxNoteLen)
}

// handTo gives ownership to agent to (reassignment, transfer): an active human, available unless
// forced, within the pools and caps (C6, C7, R1, R2; force passes the caps, audited). Only a
// SUPER_ADMIN hands to a CLIENT_USER (C11), who need not be online nor on the channel. The
// former owner's lock goes; a note becomes an internal note and rides on the event (C4).
func (o *op) handTo(to int, text string, force bool, typ string) error {
	if !o.lockable() {
		return fault.New(fault.InvalidState, "the conversation is %s: only NEW and PENDING conversations can change hands", o.statusWord())
	}
	target, err := o.tx.Agent.Get(o.ctx, to)
	if ent.IsNotFound(err) {
		return fault.Missing("agent")
	} else if err != nil {
		return err
	}
	client := target.Role == enum.RoleClientUser
	switch {
	case target.Kind != enum.KindHuman || !target.Active:
		return fault.Invalid("agentId", "%s cannot own conversations: pick an active human agent", target.Name)
	case client && o.v.Role != enum.RoleSuperAdmin:
		return fault.New(fault.Forbidden, "only a super admin may hand a conversation to %s, a client user (C11)", target.Name)
	case o.isOwner(to) && o.humanOwned:
		return nil
	case !client && target.Presence != enum.PresenceOnline && !force:
		return fault.New(fault.InvalidState, "%s is %s and receives no new conversations", target.Name, target.Presence).With("presence", string(target.Presence))
	}
	if client {
		if err := o.checkClaims(to, target.Name, force); err != nil {
			return err
		}
	} else if err := o.checkTaker(to, target.Name, force); err != nil {
		return err
	}
	former, fromBot := o.owner, !o.humanOwned
	if former != nil && o.isHolder(*former) {
		o.setLock(0, false)
		o.emit(events.LockReleased, *former, map[string]any{"holder": *former}, map[string]any{"holder": nil, "reason": "handed over"})
	}
	o.setOwner(to, true)
	if fromBot {
		if err := o.takenOver(to, former); err != nil {
			return err
		}
	}
	o.upd.SetBotPaused(o.ws.PauseBotOnClaim || o.conv.BotPaused)
	if err := o.addNote(text); err != nil {
		return err
	}
	after := map[string]any{"owner": to, "note": text}
	if fromBot { // §8: a human owns it now where none did, a claim on the new owner's behalf
		after[events.HandedAsClaim] = true
	}
	o.emit(typ, to, map[string]any{"owner": former}, after)
	if fromBot && o.conv.QueuedSince != nil { // §8 time-to-claim, as for a claim
		o.evs[len(o.evs)-1].Duration = max(o.now.Sub(*o.conv.QueuedSince), time.Millisecond)
	}
	return o.tx.Agent.Update().Where(agent.ID(to)).SetLastAssignedAt(o.now).Exec(o.ctx)
}

// addNote writes a handoff note as an internal note (C12), when there is one.
func (o *op) addNote(text string) error {
	if text == "" {
		return nil
	}
	if err := o.tx.Note.Create().SetWorkspaceID(o.v.WorkspaceID).SetConversationID(o.conv.ID).SetAuthorID(o.v.AgentID).
		SetText(text).Exec(o.ctx); err != nil {
		return fmt.Errorf("handoff note: %w", err)
	}
	return o.d.search.Add(o.ctx, o.tx, o.upd, o.conv.ID, text)
}

// BulkResult is one conversation's outcome in a bulk claim.
type BulkResult struct {
	ConversationID int
	Conversation   *ent.Conversation
	Err            *fault.Error
}

// BulkClaim claims up to the workspace's bulkClaimCap conversations, each decided on its own in
// its own transaction (C5): the result says per conversation whether it was claimed or why not.
// Bulk claims give ownership, not locks.
func (d *Desk) BulkClaim(ctx context.Context, ids []int) ([]BulkResult, error) {
	v, err := auth.Member(ctx)
	if err != nil {
		return nil, err
	}
	ws, err := d.client.Workspace.Get(ctx, v.WorkspaceID)
	if err != nil {
		return nil, err
	}
	seen := map[int]bool{}
	ids = slices.DeleteFunc(slices.Clone(ids), func(id int) bool { defer func() { seen[id] = true }(); return seen[id] })
	if len(ids) > ws.BulkClaimCap {
		return nil, fault.Invalid("ids", "at most %d conversations per bulk claim (C5)", ws.BulkClaimCap)
	}
	out := make([]BulkResult, len(ids))
	for i, id := range ids {
		out[i].ConversationID = id
		c, err := d.run(ctx, id, nil, func(o *op) error { return o.claim(false, false) })
		metrics.Operation(metrics.BulkClaim, err)
		if err != nil {
			f, ok := fault.As(err)
			if !ok {
				slog.ErrorContext(ctx, "bulk claim", "conversation", id, "err", err)
				f = fault.New(fault.Internal, "internal error: try this one again")
			}
			out[i].Err = f
			continue
		}
		out[i].Conversation = c
	}
	return out, nil
}
