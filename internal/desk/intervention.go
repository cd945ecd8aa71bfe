package desk

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"switchboard/ent"
	"switchboard/ent/agent"
	"switchboard/ent/conversation"
	"switchboard/ent/intervention"
	"switchboard/ent/schema/enum"
	"switchboard/internal/directory"
	"switchboard/internal/events"
	"switchboard/internal/fault"
)

// BotInFlight is how long after a human took a conversation over a bot's reply is still
// delivered: it was already on its way (I5).
const BotInFlight = 5 * time.Second

// openIntervention finds, in the operation's transaction, the conversation's intervention that is
// not over yet, or nil.
func (o *op) openIntervention() (*ent.Intervention, error) {
	return openIntervention(o.ctx, o.tx.Client(), o.conv.ID)
}

func openIntervention(ctx context.Context, c *ent.Client, conv int) (*ent.Intervention, error) {
	iv, err := c.Intervention.Query().Where(intervention.ConversationID(conv),
		intervention.StatusIn(append(slices.Clone(enum.InterventionWaiting), enum.InterventionTakenOver)...)).
		Order(ent.Desc(intervention.FieldID)).First(ctx)
	if ent.IsNotFound(err) {
		return nil, nil
	}
	return iv, err
}

// RequestIntervention is a bot (the owner) or a supervisor asking for a human (I2): the
// conversation enters the intervention queue with the summary, still the bot's until a human takes
// it over, and routing offers it.
func (d *Desk) RequestIntervention(ctx context.Context, id int, summary string) (*ent.Conversation, error) {
	summary, err := sized("summary", summary, true, MaxNoteLen)
	if err != nil {
		return nil, err
	}
	return d.run(ctx, id, nil, func(o *op) error {
		if !o.isOwner(o.v.AgentID) && !o.v.Role.AtLeast(enum.RoleSupervisor) {
			return fault.New(fault.Forbidden, "only the bot that owns the conversation, or a supervisor, may request an intervention")
		}
		if !o.lockable() {
			return fault.New(fault.InvalidState, "the conversation is %s: only NEW and PENDING conversations can be escalated", o.statusWord())
		}
		if o.humanOwned {
			return fault.New(fault.InvalidState, "a human already owns this conversation")
		}
		if iv, err := o.openIntervention(); err != nil {
			return err
		} else if iv != nil {
			return fault.New(fault.InvalidState, "an intervention is already %s", iv.Status)
		}
		c := o.tx.Intervention.Create().SetWorkspaceID(o.v.WorkspaceID).SetConversationID(o.conv.ID).SetSummary(summary).
			SetRequestedByID(o.v.AgentID)
		if o.owner != nil {
			c.SetBotID(*o.owner)
		}
		if err := c.Exec(o.ctx); err != nil {
			return fmt.Errorf("intervention: %w", err)
		}
		o.changed = true
		o.upd.SetQueuedSince(o.now).SetStatus(enum.StatusNew)
		o.emit(events.InterventionRequested, 0, nil, map[string]any{"owner": nil, "bot": o.owner, "summary": preview(summary)})
		return nil
	})
}

// TakeOver is a human taking the conversation from the bot (I2): ownership and lock move to them
// in one step, the bot pauses (I5). It is a claim: the first wins, the others get CONFLICT.
func (d *Desk) TakeOver(ctx context.Context, id int) (*ent.Conversation, error) {
	return d.run(ctx, id, nil, func(o *op) error {
		if o.humanOwned && !o.isOwner(o.v.AgentID) {
			ref := o.agentRef(*o.owner)
			return fault.New(fault.Conflict, "%s already took this conversation over", ref["name"]).With("owner", ref)
		}
		return o.claim(false, true)
	})
}

// takenOver records a human taking the conversation from a bot or the intervention queue (I2):
// the open intervention is TAKEN_OVER by agentID; without one, one is opened, so that the
// takeover can be cancelled back to the bot (I3).
func (o *op) takenOver(agentID int, formerBot *int) error {
	iv, err := o.openIntervention()
	if err != nil {
		return err
	}
	switch {
	case iv != nil && iv.Status != enum.InterventionTakenOver:
		err = iv.Update().SetStatus(enum.InterventionTakenOver).SetTakenOverByID(agentID).SetTakenOverAt(o.now).Exec(o.ctx)
	case iv == nil && formerBot != nil:
		err = o.tx.Intervention.Create().SetWorkspaceID(o.v.WorkspaceID).SetConversationID(o.conv.ID).
			SetSummary("taken over without a request").SetBotID(*formerBot).SetStatus(enum.InterventionTakenOver).
			SetTakenOverByID(agentID).SetTakenOverAt(o.now).Exec(o.ctx)
	default:
		return nil
	}
	if err != nil {
		return fmt.Errorf("intervention: %w", err)
	}
	o.emit(events.InterventionTakenOver, agentID, map[string]any{"bot": formerBot}, map[string]any{"owner": agentID})
	return nil
}

// takeover finds the running takeover, for the owner or a supervisor.
func (o *op) takeover(action string) (*ent.Intervention, error) {
	if !o.human() {
		return nil, fault.New(fault.Forbidden, "bots do not %s", action)
	}
	if !o.isOwner(o.v.AgentID) && !o.v.Role.AtLeast(enum.RoleSupervisor) {
		return nil, fault.New(fault.Forbidden, "only the agent who took the conversation over, or a supervisor, may %s", action)
	}
	iv, err := o.openIntervention()
	if err != nil {
		return nil, err
	}
	if iv == nil || iv.Status != enum.InterventionTakenOver || !o.humanOwned {
		return nil, fault.New(fault.InvalidState, "no takeover is running on this conversation")
	}
	return iv, nil
}

// toBot gives the conversation back to bot: ownership and, while the conversation is lockable,
// its lock (L7; a RESOLVED one is never locked, L1), whoever held the lock loses it; the bot runs
// again unless paused.
func (o *op) toBot(bot int, paused bool, reason string) error {
	b, err := o.tx.Agent.Get(o.ctx, bot)
	if ent.IsNotFound(err) || (err == nil && (!b.Active || b.Kind != enum.KindVirtual)) {
		return fault.New(fault.InvalidState, "the bot is no longer active: return the conversation to the queue instead")
	} else if err != nil {
		return err
	}
	if o.holder != nil && o.humanLock { // the human holder loses it to the bot (set once: one UPDATE)
		held := *o.holder
		o.emit(events.LockReleased, held, map[string]any{"holder": held}, map[string]any{"holder": nil, "reason": reason})
	}
	o.setOwner(bot, false)
	if !o.lockable() {
		o.setLock(0, false)
	} else if !o.isHolder(bot) {
		var before any // a human's release was announced above; another bot's goes now
		if o.holder != nil && !o.humanLock {
			before = *o.holder
		}
		o.setLock(bot, false)
		o.emit(events.LockAcquired, bot, map[string]any{"holder": before}, map[string]any{"holder": bot}) // E1: lockChanged tells it
	}
	o.upd.SetBotPaused(paused)
	return nil
}

// CancelTakeover gives the conversation back to the bot exactly as before the takeover (I3).
func (d *Desk) CancelTakeover(ctx context.Context, id int) (*ent.Conversation, error) {
	return d.run(ctx, id, nil, func(o *op) error {
		iv, err := o.takeover("cancel takeovers")
		if err != nil {
			return err
		}
		if iv.BotID == nil {
			return fault.New(fault.InvalidState, "no bot owned this conversation before: return it to the queue instead")
		}
		former := *o.owner
		if err := o.toBot(*iv.BotID, false, "takeover cancelled"); err != nil {
			return err
		}
		if err := iv.Update().SetStatus(enum.InterventionCancelled).Exec(o.ctx); err != nil {
			return fmt.Errorf("intervention: %w", err)
		}
		o.emit(events.InterventionCancelled, former, map[string]any{"owner": former}, map[string]any{"owner": nil, "bot": *iv.BotID})
		return nil
	})
}

// ReturnToQueue ends a takeover without finishing it: unowned, waiting for another human (I3).
func (d *Desk) ReturnToQueue(ctx context.Context, id int) (*ent.Conversation, error) {
	return d.run(ctx, id, nil, func(o *op) error {
		iv, err := o.takeover("return conversations to the queue")
		if err != nil {
			return err
		}
		if err := o.releasable(); err != nil {
			return err
		}
		former := *o.owner
		if o.holder != nil && o.humanLock {
			held := *o.holder
			o.setLock(0, false)
			o.emit(events.LockReleased, held, map[string]any{"holder": held}, map[string]any{"holder": nil, "reason": "returned to the queue"})
		}
		o.setOwner(0, false)
		if err := iv.Update().SetStatus(enum.InterventionReturned).ClearTakenOverByID().ClearTakenOverAt().Exec(o.ctx); err != nil {
			return fmt.Errorf("intervention: %w", err)
		}
		o.emit(events.InterventionReturned, former, map[string]any{"owner": former}, map[string]any{"owner": nil})
		return nil
	})
}

// Completion is what completing a takeover records (I4).
type Completion struct {
	Topic, Outcome string
	Tags           []string
	Block          *string
}

// CompleteTakeover finishes a takeover (I4): topic and outcome recorded, tags added, and the bot
// (the one from before, else the inception bot) owns it again and resumes with block.
func (d *Desk) CompleteTakeover(ctx context.Context, id int, in Completion) (*ent.Conversation, error) {
	for field, v := range map[string]*string{"topic": &in.Topic, "outcome": &in.Outcome} {
		*v = strings.TrimSpace(*v)
		if *v == "" || utf8.RuneCountInString(*v) > 200 {
			return nil, fault.Invalid(field, "must be 1 to 200 characters")
		}
	}
	tags, err := directory.Labels("tags", in.Tags)
	if err != nil {
		return nil, err
	}
	if in.Block != nil {
		b := strings.TrimSpace(*in.Block)
		if b == "" || utf8.RuneCountInString(b) > 200 {
			return nil, fault.Invalid("block", "1 to 200 characters when given")
		}
		in.Block = &b
	}
	return d.run(ctx, id, nil, func(o *op) error {
		iv, err := o.takeover("complete takeovers")
		if err != nil {
			return err
		}
		bot := iv.BotID
		if bot == nil {
			if bot, err = o.inceptionBot(); err != nil {
				return err
			}
		}
		former := *o.owner
		if err := o.toBot(*bot, false, "takeover completed"); err != nil {
			return err
		}
		all := slices.Clone(o.conv.Tags)
		for _, t := range tags {
			if !slices.Contains(all, t) {
				all = append(all, t)
			}
		}
		o.upd.SetTags(all)
		u := iv.Update().SetStatus(enum.InterventionCompleted).SetTopic(in.Topic).SetOutcome(in.Outcome).SetTags(tags).
			SetCompletedAt(o.now).SetNillableBlock(in.Block)
		if err := u.Exec(o.ctx); err != nil {
			return fmt.Errorf("intervention: %w", err)
		}
		o.emit(events.InterventionCompleted, *bot, map[string]any{"owner": former},
			map[string]any{"owner": nil, "bot": *bot, "topic": in.Topic, "outcome": in.Outcome, "tags": tags, "block": in.Block})
		return nil
	})
}

func (o *op) inceptionBot() (*int, error) {
	id, err := o.tx.Agent.Query().Where(agent.KindEQ(enum.KindVirtual), agent.VaRoleEQ(enum.VARoleInception), agent.Active(true)).
		Order(agent.ByID()).FirstID(o.ctx)
	if ent.IsNotFound(err) {
		return nil, fault.New(fault.InvalidState, "the workspace has no active inception bot to hand back to: return the conversation to the queue")
	}
	return &id, err
}

// Delegate hands the conversation to a DELEGATION bot (I6), which owns and locks it until it
// hands it back.
func (d *Desk) Delegate(ctx context.Context, id, botID int) (*ent.Conversation, error) {
	return d.run(ctx, id, nil, func(o *op) error {
		if !o.human() || o.v.Role == enum.RoleClientUser {
			return fault.Denied("delegate conversations to bots")
		}
		if !o.isOwner(o.v.AgentID) && !o.v.Role.AtLeast(enum.RoleSupervisor) {
			return fault.New(fault.Forbidden, "only the owner or a supervisor may delegate this conversation")
		}
		if !o.lockable() {
			return fault.New(fault.InvalidState, "the conversation is %s: only NEW and PENDING conversations can be delegated", o.statusWord())
		}
		b, err := o.tx.Agent.Get(o.ctx, botID)
		if ent.IsNotFound(err) {
			return fault.Missing("bot")
		} else if err != nil {
			return err
		}
		if b.Kind != enum.KindVirtual || b.VaRole == nil || *b.VaRole != enum.VARoleDelegation || !b.Active {
			return fault.Invalid("botId", "%s is not an active DELEGATION bot", b.Name)
		}
		by := o.v.AgentID
		if o.humanOwned {
			by = *o.owner
		}
		former := o.owner // a human, the inception bot, or nobody (a supervisor delegating)
		if err := o.toBot(b.ID, false, "delegated to a bot"); err != nil {
			return err
		}
		o.upd.SetDelegatedByID(by)
		o.emit(events.ConversationDelegated, b.ID, map[string]any{"owner": former},
			map[string]any{"owner": nil, "bot": b.ID, "delegatedBy": by})
		return nil
	})
}

// HandBack is the delegated bot finishing (I6): the conversation goes back to the human who
// delegated it when they are still there (active, not OFFLINE, under the caps), else to the queue.
func (d *Desk) HandBack(ctx context.Context, id int) (*ent.Conversation, error) {
	lock := d.agentNamedBy(ctx, id, func(c *ent.Conversation) *int { return c.DelegatedByID })
	return d.run(ctx, id, lock, func(o *op) error {
		if o.human() || !o.isOwner(o.v.AgentID) {
			return fault.New(fault.Forbidden, "only the bot that owns the conversation hands it back")
		}
		by := o.conv.DelegatedByID
		to := 0
		if by != nil && slices.Contains(lock, *by) {
			h, err := o.tx.Agent.Get(o.ctx, *by)
			if err != nil && !ent.IsNotFound(err) {
				return err
			}
			if err == nil && h.Active && h.Presence != enum.PresenceOffline && o.lockable() {
				if o.checkTaker(h.ID, h.Name, false) == nil {
					to = h.ID
				}
			}
		}
		o.setLock(0, false)
		o.upd.ClearDelegatedByID().SetBotPaused(true)
		if to != 0 {
			o.setOwner(to, true)
		} else {
			o.setOwner(0, false)
		}
		o.emit(events.ConversationHandedBack, to, map[string]any{"owner": nil, "bot": o.v.AgentID}, map[string]any{"owner": events.Ref(to)})
		return nil
	})
}

// OpenIntervention is the conversation's intervention that is not over yet, or nil (the
// intervention queue shows its summary, I2).
func (d *Desk) OpenIntervention(ctx context.Context, c *ent.Conversation) (*ent.Intervention, error) {
	return openIntervention(ctx, d.client, c.ID)
}

// History lists the customer's other conversations, newest first, at most first (1 to 100) (I7).
func (d *Desk) History(ctx context.Context, c *ent.Conversation, first int) ([]*ent.Conversation, error) {
	if first < 1 || first > 100 {
		return nil, fault.Invalid("first", "1 to 100")
	}
	return d.client.Conversation.Query().Where(conversation.CustomerID(c.CustomerID), conversation.IDNEQ(c.ID)).
		Order(ent.Desc(conversation.FieldCreatedAt), ent.Desc(conversation.FieldID)).Limit(first).All(ctx)
}
