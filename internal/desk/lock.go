package desk

import (
	"context"

	"switchboard/ent"
	"switchboard/ent/schema/enum"
	"switchboard/internal/events"
	"switchboard/internal/fault"
	"switchboard/internal/metrics"
)

// Open is a human opening a conversation (L3, L4): it releases the viewer's lock elsewhere
// (clicking away, L6), makes it a viewer of this one only (SPEC §12), and gains this conversation's lock when it is lockable, unlocked, and
// unowned or owned by the viewer. Otherwise the view is read-only: the conversation says who
// holds it and viewerCanReply is false. Bots' locks follow ownership, so for them it only reads.
func (d *Desk) Open(ctx context.Context, id int) (*ent.Conversation, error) {
	return d.runAs(ctx, id, nil, true, func(o *op) error {
		if !o.human() {
			return nil
		}
		// Leaving the previous view first: its events carry the version read under its row lock,
		// before clickAway may release a lock there (a later version).
		if err := o.view(false); err != nil {
			return err
		}
		if err := o.clickAway(o.v.AgentID); err != nil {
			return err
		}
		o.touch()
		mayLock := o.v.Role != enum.RoleClientUser || o.isOwner(o.v.AgentID)
		if o.lockable() && o.holder == nil && (o.owner == nil || o.isOwner(o.v.AgentID)) && mayLock {
			return o.acquire()
		}
		return nil
	})
}

// Close is a human closing the conversation's view: its lock, if the viewer holds it, is released
// (L6), and it is no longer among the viewers.
func (d *Desk) Close(ctx context.Context, id int) (*ent.Conversation, error) {
	return d.run(ctx, id, nil, func(o *op) error {
		if !o.human() {
			return nil
		}
		if o.isHolder(o.v.AgentID) {
			o.setLock(0, false)
			o.emit(events.LockReleased, o.v.AgentID, map[string]any{"holder": o.v.AgentID}, map[string]any{"holder": nil, "reason": "closed the view"})
		}
		return o.unview("closed the view")
	})
}

// Steal takes the lock from whoever holds it, in one step (L5): the stealer's previous lock is
// released (L2) and the robbed holder is the event's subject, so they are told. Stealing from a bot
// is a takeover: ownership comes too, as with a claim (C1, I2).
func (d *Desk) Steal(ctx context.Context, id int) (c *ent.Conversation, err error) {
	defer func() { metrics.Operation(metrics.Steal, err) }()
	return d.run(ctx, id, nil, func(o *op) error {
		if !o.human() {
			return fault.New(fault.Forbidden, "bots take conversations by ownership, not by stealing locks (L7)")
		}
		if o.v.Role == enum.RoleClientUser && !o.isOwner(o.v.AgentID) {
			return fault.Denied("steal locks")
		}
		if !o.lockable() {
			return fault.New(fault.InvalidState, "the conversation is %s: only NEW and PENDING conversations can be locked (L1)", o.statusWord())
		}
		return o.steal()
	})
}

// steal gives the viewer the lock, from whoever holds it (L5).
func (o *op) steal() error {
	if o.isHolder(o.v.AgentID) {
		return nil
	}
	if o.holder != nil && !o.humanLock {
		return o.claim(false, true) // the bot's lock follows its ownership: take both
	}
	if err := o.clickAway(o.v.AgentID); err != nil {
		return err
	}
	robbed := o.holder
	o.setLock(o.v.AgentID, true)
	o.touch()
	if robbed == nil {
		o.emit(events.LockAcquired, o.v.AgentID, map[string]any{"holder": nil}, map[string]any{"holder": o.v.AgentID})
		return nil
	}
	o.emit(events.LockStolen, *robbed, map[string]any{"holder": *robbed}, map[string]any{"holder": o.v.AgentID})
	return nil
}
