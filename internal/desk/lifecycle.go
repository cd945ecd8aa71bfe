package desk

import (
	"context"

	"switchboard/ent"
	"switchboard/ent/schema/enum"
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
	var lock []int
	if c, err := d.client.Conversation.Get(ctx, id); err == nil && c.OwnerID != nil && c.HumanOwned {
		lock = []int{*c.OwnerID} // the owner's row before the conversation's, as everywhere
	}
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
		o.setState(enum.StateActive)
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
