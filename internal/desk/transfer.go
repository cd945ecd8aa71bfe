package desk

import (
	"context"
	"fmt"

	"switchboard/ent"
	"switchboard/ent/participant"
	"switchboard/ent/schema/enum"
	"switchboard/internal/auth"
	"switchboard/internal/events"
	"switchboard/internal/fault"
)

// Transfer hands a conversation to an agent or to a team (C11), with an optional note. The owner
// may transfer it, supervisors and admins any. To an agent it is a hand-over like a reassignment
// (availability, pools, caps; force passes the caps, audited); under ROUTING_ONLY only
// supervisors and admins choose the agent (C10), agents transfer to a team. To a team it goes back
// to the queue, NEW, with that team required (R3), and routing offers it to the team's members.
// Only a SUPER_ADMIN transfers to a CLIENT_USER.
func (d *Desk) Transfer(ctx context.Context, id int, agentID, teamID *int, note *string, force bool) (*ent.Conversation, error) {
	if (agentID == nil) == (teamID == nil) {
		return nil, fault.Invalid("agentId", "give either agentId or teamId")
	}
	text, err := noteText(note)
	if err != nil {
		return nil, err
	}
	var lock []int
	if agentID != nil {
		lock = []int{*agentID}
	}
	return d.run(ctx, id, lock, func(o *op) error {
		if !o.human() {
			return fault.New(fault.Forbidden, "bots hand conversations back, they do not transfer them")
		}
		if !o.isOwner(o.v.AgentID) && !o.v.Role.AtLeast(enum.RoleSupervisor) {
			return fault.New(fault.Forbidden, "only the owner or a supervisor may transfer this conversation")
		}
		if force && !o.v.Role.AtLeast(enum.RoleSupervisor) {
			return fault.Denied("override capacity limits (force)")
		}
		if agentID != nil {
			if o.ws.SelfAssignment == enum.SelfAssignmentRoutingOnly && !o.v.Role.AtLeast(enum.RoleSupervisor) {
				return fault.New(fault.Forbidden, "this workspace assigns conversations by routing only: transfer to a team, or ask a supervisor (C10)")
			}
			return o.handTo(*agentID, text, force, events.ConversationTransferred)
		}
		return o.toTeam(*teamID, text)
	})
}

// toTeam puts the conversation back in the queue with the team required (C11, R3).
func (o *op) toTeam(teamID int, text string) error {
	if !o.lockable() {
		return fault.New(fault.InvalidState, "the conversation is %s: only NEW and PENDING conversations can be transferred", o.statusWord())
	}
	t, err := o.tx.Team.Get(o.ctx, teamID)
	if ent.IsNotFound(err) {
		return fault.Missing("team")
	} else if err != nil {
		return err
	}
	former := o.owner
	if o.holder != nil {
		held := *o.holder
		o.setLock(0, false)
		o.emit(events.LockReleased, held, map[string]any{"holder": held}, map[string]any{"holder": nil, "reason": "transferred"})
	}
	o.setOwner(0, false)
	o.upd.SetRequiredTeamID(t.ID).SetStatus(enum.StatusNew)
	if err := o.addNote(text); err != nil {
		return err
	}
	o.emit(events.ConversationTransferred, 0, map[string]any{"owner": former, "status": o.conv.Status},
		map[string]any{"owner": nil, "team": t.ID, "teamName": t.Name, "note": text, "status": enum.StatusNew})
	return nil
}

// Join lets a SUPER_ADMIN into any conversation (C11): it becomes a participant and takes the
// lock, from whoever holds it (L5: the holder is told), so it can write at once. Ownership stays;
// joining a bot's conversation takes it over, as stealing a bot's lock does (L7).
func (d *Desk) Join(ctx context.Context, id int) (*ent.Conversation, error) {
	if _, err := auth.Require(ctx, enum.RoleSuperAdmin, "join conversations"); err != nil {
		return nil, err
	}
	return d.run(ctx, id, nil, func(o *op) error {
		if !o.lockable() {
			return fault.New(fault.InvalidState, "the conversation is %s: only NEW and PENDING conversations can be joined", o.statusWord())
		}
		joined, err := join(o.ctx, o.tx, o.v.WorkspaceID, o.conv.ID, o.v.AgentID, enum.ParticipantAgent, o.now)
		if err != nil {
			return err
		}
		if joined {
			o.changed = true
			o.emit(events.ConversationJoined, o.v.AgentID, nil, map[string]any{"participant": o.v.AgentID})
		}
		return o.steal()
	})
}

// Leave ends the participation of a SUPER_ADMIN who joined a conversation (C11): it is no longer
// in it, its lock, if it holds it, is released (L6), and the state follows (§6: the last human
// agent leaving makes it INACTIVE, or CLOSING when the customer is gone too). The owner does not
// leave this way: it releases or transfers the conversation (C4, C11).
func (d *Desk) Leave(ctx context.Context, id int) (*ent.Conversation, error) {
	if _, err := auth.Require(ctx, enum.RoleSuperAdmin, "leave conversations"); err != nil {
		return nil, err
	}
	return d.run(ctx, id, nil, func(o *op) error {
		if !o.conv.IsOpen {
			return fault.New(fault.InvalidState, "the conversation is closed and read-only (§6)")
		}
		if o.humanOwned && o.isOwner(o.v.AgentID) {
			return fault.New(fault.InvalidState, "you own this conversation: release it or transfer it instead")
		}
		n, err := o.tx.Participant.Update().Where(participant.ConversationID(o.conv.ID), participant.AgentID(o.v.AgentID),
			participant.KindEQ(enum.ParticipantAgent), participant.Active(true)).SetActive(false).SetLeftAt(o.now).Save(o.ctx)
		if err != nil {
			return fmt.Errorf("participant left: %w", err)
		}
		if n == 0 {
			return fault.New(fault.InvalidState, "you are not in this conversation: join it first (C11)")
		}
		o.changed = true
		if o.isHolder(o.v.AgentID) {
			o.setLock(0, false)
			o.emit(events.LockReleased, o.v.AgentID, map[string]any{"holder": o.v.AgentID}, map[string]any{"holder": nil, "reason": "left the conversation"})
		}
		o.emit(events.ConversationLeft, o.v.AgentID, map[string]any{"participant": o.v.AgentID}, nil)
		return nil
	})
}
