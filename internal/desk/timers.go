package desk

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"switchboard/ent"
	"switchboard/ent/conversation"
	"switchboard/ent/participant"
	"switchboard/ent/schema/enum"
	"switchboard/internal/events"
	"switchboard/internal/timers"
)

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
// left (the state follows, see Lifecycle); a CLOSING conversation is archived and CLOSED.
func (d *Desk) Timers(w *timers.Worker) *timers.Worker {
	return w.Handle(enum.TimerSLAFirstResponse, d.slaRanOut).Handle(enum.TimerCustomerInactivity, d.customerLeft).
		Handle(enum.TimerHousekeeping, d.housekeeping)
}

func (d *Desk) slaRanOut(ctx context.Context, tx *ent.Tx, t *ent.Timer) error {
	c, err := tx.Conversation.Get(ctx, *t.ConversationID)
	if err != nil {
		return fmt.Errorf("sla: %w", err)
	}
	if !c.IsOpen || c.Status == enum.StatusResolved {
		return nil
	}
	return d.bus.Append(ctx, tx, events.Entry{WorkspaceID: c.WorkspaceID, Type: events.SLABreached, ConversationID: c.ID, Version: c.Version,
		After: map[string]any{"owner": c.OwnerID, "dueAt": t.DueAt}})
}

func (d *Desk) customerLeft(ctx context.Context, tx *ent.Tx, t *ent.Timer) error {
	return d.onTimer(ctx, tx, t, func(o *op) error {
		if !o.conv.IsOpen || !o.conv.CustomerPresent || o.state() == enum.StateOnHold {
			return nil // gone already, or on hold (its timers are paused)
		}
		return o.customerLeaves("inactive")
	})
}

// housekeeping archives a CLOSING conversation's activity (messages, notes, interventions) to
// permanent storage and closes it: CLOSED, read-only (§6).
func (d *Desk) housekeeping(ctx context.Context, tx *ent.Tx, t *ent.Timer) error {
	c, err := tx.Conversation.Query().Where(conversation.ID(*t.ConversationID)).
		WithMessages().WithNotes().WithInterventions().Only(ctx)
	if err != nil {
		return fmt.Errorf("housekeeping: %w", err)
	}
	if c.State != enum.StateClosing {
		return nil // someone came back
	}
	now := d.now()
	payload := map[string]any{"messages": c.Edges.Messages, "notes": c.Edges.Notes, "interventions": c.Edges.Interventions,
		"archivedAt": now}
	if err := tx.Archive.Create().SetWorkspaceID(c.WorkspaceID).SetConversationID(c.ID).SetPayload(asJSON(payload)).Exec(ctx); err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	if err := tx.Conversation.UpdateOneID(c.ID).SetState(enum.StateClosed).SetIsOpen(false).SetClosedAt(now).
		ClearLockHolderID().SetHumanLock(false).ClearLockAcquiredAt().ClearLockExpiresAt().ClearQueuedSince().
		AddVersion(1).Exec(ctx); err != nil {
		return fmt.Errorf("close: %w", err)
	}
	// Whoever is still in it leaves: the inception bot, the last to go (§6's "conversation bot").
	if err := leave(ctx, tx, now, participant.ConversationID(c.ID)); err != nil {
		return err
	}
	if err := timers.Cancel(ctx, tx, c.ID); err != nil {
		return err
	}
	v := c.Version + 1
	return d.bus.Append(ctx, tx,
		events.Entry{WorkspaceID: c.WorkspaceID, Type: events.Archived, ConversationID: c.ID, Version: v,
			After: map[string]any{"messages": len(c.Edges.Messages), "notes": len(c.Edges.Notes)}},
		events.Entry{WorkspaceID: c.WorkspaceID, Type: events.StateChanged, ConversationID: c.ID, Version: v,
			Before: map[string]any{"state": c.State}, After: map[string]any{"state": enum.StateClosed}})
}

// asJSON turns v into the map form a JSON column stores.
func asJSON(v any) map[string]any {
	b, err := json.Marshal(v)
	if err != nil {
		return map[string]any{"error": err.Error()}
	}
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return m
}
