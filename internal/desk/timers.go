package desk

import (
	"context"
	"fmt"
	"time"

	"switchboard/ent"
	"switchboard/ent/schema/enum"
	"switchboard/internal/events"
	"switchboard/internal/timers"
)

// SLABreached: nobody answered the customer within the workspace's first-response SLA (§6, §8).
const SLABreached = "sla.breached"

// customerTimers are the timers a conversation's customer side runs (§6): stopped on hold.
var customerTimers = []enum.TimerKind{enum.TimerCustomerInactivity, enum.TimerSLAFirstResponse}

// customerWrote (re)starts the customer-inactivity timer and, when the customer is now waiting for
// a first human answer (a new or reopened conversation), the first-response SLA. The caller holds
// the conversation's row.
func customerWrote(ctx context.Context, tx *ent.Tx, ws *ent.Workspace, conv *ent.Conversation, waiting bool, now time.Time) error {
	if err := timers.Schedule(ctx, tx, ws.ID, conv.ID, enum.TimerCustomerInactivity,
		now.Add(time.Duration(ws.CustomerInactivitySeconds)*time.Second), nil); err != nil {
		return err
	}
	if waiting {
		if err := timers.Schedule(ctx, tx, ws.ID, conv.ID, enum.TimerSLAFirstResponse,
			now.Add(time.Duration(ws.SLAFirstResponseSeconds)*time.Second), nil); err != nil {
			return err
		}
	}
	if conv.State == enum.StateOnHold {
		return timers.Pause(ctx, tx, conv.ID, now, customerTimers...)
	}
	return nil
}

// Timers registers the desk's timer handlers on w (§6): a first-response SLA that runs out is
// recorded (sla.breached, for queueStats); a customer silent for customerInactivitySeconds has
// left: WRAP_UP when the workspace wraps up and a human owns it, else CUSTOMER_LEFT.
func (d *Desk) Timers(w *timers.Worker) *timers.Worker {
	return w.Handle(enum.TimerSLAFirstResponse, d.slaRanOut).Handle(enum.TimerCustomerInactivity, d.customerLeft)
}

func (d *Desk) slaRanOut(ctx context.Context, tx *ent.Tx, t *ent.Timer) error {
	c, err := tx.Conversation.Get(ctx, *t.ConversationID)
	if err != nil {
		return fmt.Errorf("sla: %w", err)
	}
	if !c.IsOpen || c.Status == enum.StatusResolved {
		return nil
	}
	return d.bus.Append(ctx, tx, events.Entry{WorkspaceID: c.WorkspaceID, Type: SLABreached, ConversationID: c.ID, Version: c.Version,
		After: map[string]any{"owner": c.OwnerID, "dueAt": t.DueAt}})
}

func (d *Desk) customerLeft(ctx context.Context, tx *ent.Tx, t *ent.Timer) error {
	c, err := tx.Conversation.Get(ctx, *t.ConversationID)
	if err != nil {
		return fmt.Errorf("inactivity: %w", err)
	}
	switch c.State {
	case enum.StateCreated, enum.StateActive, enum.StateInactive:
	default:
		return nil // on hold (paused), or already leaving
	}
	ws, err := tx.Workspace.Get(ctx, c.WorkspaceID)
	if err != nil {
		return err
	}
	to := enum.StateCustomerLeft
	if ws.WrapUpEnabled && c.HumanOwned {
		to = enum.StateWrapUp
	}
	if err := tx.Conversation.UpdateOneID(c.ID).SetState(to).AddVersion(1).Exec(ctx); err != nil {
		return fmt.Errorf("inactivity: %w", err)
	}
	if err := timers.Cancel(ctx, tx, c.ID, enum.TimerSLAFirstResponse); err != nil {
		return err
	}
	return d.bus.Append(ctx, tx, events.Entry{WorkspaceID: c.WorkspaceID, Type: events.StateChanged, ConversationID: c.ID,
		Version: c.Version + 1, Before: map[string]any{"state": c.State}, After: map[string]any{"state": to, "reason": "customer inactive"}})
}
