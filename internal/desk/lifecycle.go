package desk

import (
	"context"
	"fmt"
	"time"

	"switchboard/ent"
	"switchboard/ent/agent"
	"switchboard/ent/channelsession"
	"switchboard/ent/participant"
	"switchboard/ent/predicate"
	"switchboard/ent/schema/enum"
	"switchboard/internal/events"
	"switchboard/internal/fault"
	"switchboard/internal/routing"
	"switchboard/internal/timers"
)

// Hold puts an ACTIVE conversation ON_HOLD (§6): the owner, the lock holder or a supervisor. While
// on hold it counts against channel capacity only when the workspace says so (R2).
func (d *Desk) Hold(ctx context.Context, id int) (*ent.Conversation, error) {
	return d.run(ctx, id, nil, func(o *op) error {
		if err := o.mayChangeState("put conversations on hold"); err != nil {
			return err
		}
		if o.state() != enum.StateActive {
			return fault.New(fault.InvalidState, "only ACTIVE conversations can be put on hold; this one is %s", o.state())
		}
		o.setState(enum.StateOnHold)
		return timers.Pause(o.ctx, o.tx, o.conv.ID, o.now, customerTimers...) // §6: the clocks stop
	})
}

// Resume takes a conversation off hold, back to ACTIVE (§6). When holding freed a channel slot
// (R2), the owner must have room for it again, unless a supervisor forces it (audited).
func (d *Desk) Resume(ctx context.Context, id int, force bool) (*ent.Conversation, error) {
	lock := d.agentNamedBy(ctx, id, func(c *ent.Conversation) *int {
		if c.HumanOwned {
			return c.OwnerID
		}
		return nil
	})
	return d.run(ctx, id, lock, func(o *op) error {
		if err := o.mayChangeState("resume conversations"); err != nil {
			return err
		}
		if o.state() != enum.StateOnHold {
			return fault.New(fault.InvalidState, "the conversation is %s, not ON_HOLD", o.state())
		}
		if force && !o.v.Role.AtLeast(enum.RoleSupervisor) {
			return fault.Denied("override capacity limits (force)")
		}
		if o.humanOwned && o.owner != nil && !o.ws.CapacityCountsOnHold && o.conv.Status == enum.StatusNew {
			if err := o.overridable(routing.CheckChannel(o.ctx, o.tx, o.ws, *o.owner, o.conv.Channel, "the owner"), *o.owner, force); err != nil {
				return err
			}
		}
		// Off hold, to the state who is in it says (§6): ACTIVE with an agent and the customer, or
		// where the customer or the agents leaving it meanwhile took it, in one move (E1: one event,
		// never an ACTIVE it was not in).
		to, err := o.follow(enum.StateActive)
		if err != nil {
			return err
		}
		o.setState(to)
		return timers.Resume(o.ctx, o.tx, o.conv.ID, o.now, customerTimers...) // with the time that was left
	})
}

func (o *op) mayChangeState(action string) error {
	if !o.human() {
		return fault.New(fault.Forbidden, "bots do not %s", action)
	}
	if !o.isOwner(o.v.AgentID) && !o.isHolder(o.v.AgentID) && !o.v.Role.AtLeast(enum.RoleSupervisor) {
		return fault.New(fault.Forbidden, "only the owner, the agent replying, or a supervisor may %s", action)
	}
	if !o.lockable() {
		return fault.New(fault.InvalidState, "the conversation is %s", o.statusWord())
	}
	return nil
}

// Lifecycle derives the state of §6 from who is in the conversation: cur is the state now,
// present whether the customer is, agents whether a human agent participates (its human owner, or
// a SUPER_ADMIN who joined, C11), hadHuman whether one ever did, wrapUp the workspace setting. ON_HOLD stays until resumed; CLOSED is final.
func Lifecycle(cur enum.State, present, agents, hadHuman, wrapUp bool) enum.State {
	switch {
	case cur == enum.StateClosed || cur == enum.StateOnHold:
		return cur
	case present && agents:
		return enum.StateActive
	case present && !hadHuman:
		return enum.StateCreated // the bot is in it
	case present:
		return enum.StateInactive // all agents left, the customer is still there
	case agents && wrapUp:
		return enum.StateWrapUp
	case agents:
		return enum.StateCustomerLeft
	}
	return enum.StateClosing // everyone gone: housekeeping archives it
}

// settle moves the state to what the operation left (§6), before it is written; a conversation
// entering CLOSING gets its housekeeping timer. Every change of a conversation comes here, so it
// is where CLOSED stays read-only: whatever operation would change a closed conversation (a
// delegation bot handing one back, …) is refused, and nothing of it is written.
func (o *op) settle() error {
	if !o.conv.IsOpen || o.conv.State == enum.StateClosed {
		return fault.New(fault.InvalidState, "the conversation is closed and read-only (§6): the customer's next message starts a new one")
	}
	to, err := o.follow(o.state())
	if err != nil {
		return err
	}
	o.setState(to)
	if to == enum.StateClosing && o.conv.State != enum.StateClosing { // entered now, here or by Resume
		return timers.Schedule(o.ctx, o.tx, o.v.WorkspaceID, o.conv.ID, enum.TimerHousekeeping, o.now, nil)
	}
	return nil
}

// follow is the state Lifecycle gives from cur for who is in the conversation as the operation
// leaves it: §6 counts every human agent who participates, its human owner or another (a
// SUPER_ADMIN who joined, C11), so without a human owner it asks who else is in it.
func (o *op) follow(cur enum.State) (enum.State, error) {
	if cur == enum.StateClosed || cur == enum.StateOnHold {
		return cur, nil // Lifecycle keeps them whoever is in it
	}
	present := o.conv.CustomerPresent && !o.left
	agents := o.humanOwned
	if !agents {
		// The owner before the operation, if a human, is leaving it now (participants, at commit).
		var leaving int
		if o.conv.HumanOwned && o.conv.OwnerID != nil {
			leaving = *o.conv.OwnerID
		}
		var err error
		if agents, err = joinedBy(o.ctx, o.tx, o.conv.ID, leaving); err != nil {
			return "", err
		}
	}
	had := agents || o.hadHuman || o.conv.LastHumanOwnerID != nil
	if present && !had { // CREATED or INACTIVE: did a human ever join it (C11)?
		var err error
		if had, err = everJoined(o.ctx, o.tx, o.conv.ID); err != nil {
			return "", err
		}
	}
	return Lifecycle(cur, present, agents, had, o.ws.WrapUpEnabled), nil
}

// joinedBy reports whether a human agent other than except (0: none) participates in
// conversation conv now: a SUPER_ADMIN who joined (C11), as the owner is known from the row.
func joinedBy(ctx context.Context, tx *ent.Tx, conv, except int) (bool, error) {
	q := tx.Participant.Query().Where(participant.ConversationID(conv), participant.Active(true),
		participant.KindEQ(enum.ParticipantAgent))
	if except != 0 {
		q = q.Where(participant.AgentIDNEQ(except))
	}
	in, err := q.Exist(ctx)
	if err != nil {
		return false, fmt.Errorf("participants: %w", err)
	}
	return in, nil
}

// ownerLeft takes conversation c's human owner, unowned by the caller (a release by the sweep, a
// reopen into the queue), out of it (§6): its participation ends and the state follows from
// present (INACTIVE, or CLOSING with its housekeeping when the customer is gone too, unless
// someone who joined is still in it). It returns the new state, "" when it stays.
func ownerLeft(ctx context.Context, tx *ent.Tx, ws *ent.Workspace, c *ent.Conversation, present bool, now time.Time) (enum.State, error) {
	if err := leave(ctx, tx, now, participant.ConversationID(c.ID), participant.AgentID(*c.OwnerID)); err != nil {
		return "", err
	}
	agents, err := joinedBy(ctx, tx, c.ID, 0)
	if err != nil {
		return "", err
	}
	to := Lifecycle(c.State, present, agents, true, ws.WrapUpEnabled)
	if to == c.State {
		return "", nil
	}
	if err := tx.Conversation.UpdateOneID(c.ID).SetState(to).Exec(ctx); err != nil {
		return "", fmt.Errorf("state: %w", err)
	}
	if to == enum.StateClosing {
		return to, timers.Schedule(ctx, tx, ws.ID, c.ID, enum.TimerHousekeeping, now, nil)
	}
	return to, nil
}

// everJoined reports whether a human agent ever participated in conversation conv (an owner, or
// one who joined and left: §6's INACTIVE rather than CREATED).
func everJoined(ctx context.Context, tx *ent.Tx, conv int) (bool, error) {
	in, err := tx.Participant.Query().Where(participant.ConversationID(conv), participant.KindEQ(enum.ParticipantAgent)).Exist(ctx)
	if err != nil {
		return false, fmt.Errorf("participants: %w", err)
	}
	return in, nil
}

// EndCustomerSession is the channel connector telling that the customer left (closed the chat,
// ended the call): the customer's sessions end and the state follows (§6: CUSTOMER_LEFT, WRAP_UP,
// or CLOSING when no agent is in it either).
// With ch, only the session on that channel ends: a customer still in it on another stays (§6:
// CUSTOMER_LEFT is every session closed).
func (d *Desk) EndCustomerSession(ctx context.Context, id int, ch *enum.Channel) (*ent.Conversation, error) {
	return d.run(ctx, id, nil, func(o *op) error {
		if !o.v.ViaAPIKey() && !o.v.Role.AtLeast(enum.RoleAdmin) {
			return fault.Denied("end customer sessions (channel connectors use an API key)")
		}
		if !o.conv.IsOpen || !o.conv.CustomerPresent {
			return fault.New(fault.InvalidState, "the customer is not in this conversation")
		}
		if ch == nil {
			return o.customerLeaves("left")
		}
		sessions, err := o.tx.ChannelSession.Query().Where(channelsession.ConversationID(o.conv.ID), channelsession.Active(true)).All(o.ctx)
		if err != nil {
			return fmt.Errorf("channel sessions: %w", err)
		}
		var ending []int
		for _, s := range sessions {
			if s.Channel == *ch {
				ending = append(ending, s.ID)
			}
		}
		switch {
		case len(ending) == 0:
			return fault.New(fault.InvalidState, "the customer has no session on %s in this conversation", *ch)
		case len(ending) == len(sessions):
			return o.customerLeaves("left")
		}
		if err := o.tx.ChannelSession.Update().Where(channelsession.IDIn(ending...)).SetActive(false).SetEndedAt(o.now).Exec(o.ctx); err != nil {
			return fmt.Errorf("end session: %w", err)
		}
		if err := leave(o.ctx, o.tx, o.now, participant.ChannelSessionIDIn(ending...)); err != nil {
			return err
		}
		o.changed = true
		o.emit(events.CustomerLeftChannel, 0, nil, map[string]any{"channel": *ch})
		return nil
	})
}

// customerLeaves ends the customer's sessions; reason says how we know (left, inactive).
func (o *op) customerLeaves(reason string) error {
	if err := o.tx.ChannelSession.Update().Where(channelsession.ConversationID(o.conv.ID), channelsession.Active(true)).
		SetActive(false).SetEndedAt(o.now).Exec(o.ctx); err != nil {
		return fmt.Errorf("end sessions: %w", err)
	}
	if err := leave(o.ctx, o.tx, o.now, participant.ConversationID(o.conv.ID), participant.KindEQ(enum.ParticipantCustomer)); err != nil {
		return err
	}
	o.changed, o.left = true, true
	o.upd.SetCustomerPresent(false)
	o.emit(events.CustomerLeft, 0, nil, map[string]any{"present": false, "reason": reason})
	return timers.Cancel(o.ctx, o.tx, o.conv.ID, customerTimers...)
}

// participants keeps who is in the conversation in step with its ownership (§6): the human who
// stops owning it leaves, the one who starts joins; a bot is in it while it owns it, except the
// inception bot that greeted it, which stays until it closes (the seed's "conversation bot").
func (o *op) participants() error {
	before, after := ptrOr(o.conv.OwnerID), ptrOr(o.owner)
	if before == after && o.conv.HumanOwned == o.humanOwned {
		return nil
	}
	if before != 0 {
		who := []predicate.Participant{participant.ConversationID(o.conv.ID), participant.AgentID(before)}
		if !o.conv.HumanOwned {
			who = append(who, participant.HasAgentWith(agent.Or(agent.VaRoleIsNil(), agent.VaRoleNEQ(enum.VARoleInception))))
		}
		if err := leave(o.ctx, o.tx, o.now, who...); err != nil {
			return err
		}
	}
	if after != 0 {
		kind := enum.ParticipantAgent
		if !o.humanOwned {
			kind = enum.ParticipantBot
		}
		_, err := join(o.ctx, o.tx, o.v.WorkspaceID, o.conv.ID, after, kind, o.now)
		return err
	}
	return nil
}

// leave ends, at now, the participation of whoever where names that is in a conversation (§6).
func leave(ctx context.Context, tx *ent.Tx, now time.Time, where ...predicate.Participant) error {
	if err := tx.Participant.Update().Where(append(where, participant.Active(true))...).SetActive(false).SetLeftAt(now).Exec(ctx); err != nil {
		return fmt.Errorf("participants left: %w", err)
	}
	return nil
}

// join makes agentID (a human, or a bot by kind) an active participant of the conversation unless
// it is one already; joined says it was not.
func join(ctx context.Context, tx *ent.Tx, ws, conv, agentID int, kind enum.ParticipantKind, now time.Time) (joined bool, err error) {
	in, err := tx.Participant.Query().Where(participant.ConversationID(conv), participant.AgentID(agentID), participant.Active(true)).Exist(ctx)
	if err != nil || in {
		return false, err
	}
	if err := tx.Participant.Create().SetWorkspaceID(ws).SetConversationID(conv).SetKind(kind).
		SetAgentID(agentID).SetJoinedAt(now).Exec(ctx); err != nil {
		return false, fmt.Errorf("participant: %w", err)
	}
	return true, nil
}
