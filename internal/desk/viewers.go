package desk

import (
	"context"
	"fmt"
	"time"

	"switchboard/ent"
	"switchboard/ent/conversation"
	"switchboard/ent/predicate"
	"switchboard/ent/schema/enum"
	"switchboard/ent/viewer"
	"switchboard/internal/auth"
	"switchboard/internal/events"
	"switchboard/internal/fault"
	"switchboard/internal/storage"
	"switchboard/internal/tenant"
)

// Viewers (SPEC §12 Conversation.viewers): who has a conversation open now. A human has one
// conversation open at a time, as the workspace shows one: opening (or monitoring) another leaves
// the previous one's view, as L3 releases its lock. A viewer is renewed with the lock lease (L6)
// while connected; one not seen for the workspace's lockGracePeriod has gone. Joining and leaving
// are events of the conversation (viewer.joined, viewer.left) at its current version: they change
// nothing else.

// view makes the viewer a viewer of the operation's conversation (monitoring: without the lock)
// and leaves the view of any other.
func (o *op) view(monitoring bool) error {
	for _, c := range o.viewed {
		n, err := o.tx.Viewer.Delete().Where(viewer.ConversationID(c.ID), viewer.AgentID(o.v.AgentID)).Exec(o.ctx)
		if err != nil {
			return fmt.Errorf("leave the previous view: %w", err)
		}
		if n > 0 {
			o.evs = append(o.evs, o.viewerLeft(c, o.v.AgentID, "opened another conversation"))
		}
	}
	mine, err := o.tx.Viewer.Query().Where(viewer.ConversationID(o.conv.ID), viewer.AgentID(o.v.AgentID)).Only(o.ctx)
	switch {
	case ent.IsNotFound(err):
		if err := o.tx.Viewer.Create().SetWorkspaceID(o.v.WorkspaceID).SetConversationID(o.conv.ID).SetAgentID(o.v.AgentID).
			SetOpenedAt(o.now).SetLastSeenAt(o.now).SetMonitoring(monitoring).Exec(o.ctx); err != nil {
			return fmt.Errorf("join the view: %w", err)
		}
	case err != nil:
		return fmt.Errorf("find the view: %w", err)
	case mine.Monitoring == monitoring && o.now.Sub(mine.LastSeenAt) < o.grace():
		return mine.Update().SetLastSeenAt(o.now).Exec(o.ctx) // already here: nothing to tell
	default: // the mode changed, or the view had lapsed and the others were told it had gone
		if err := mine.Update().SetLastSeenAt(o.now).SetOpenedAt(o.now).SetMonitoring(monitoring).Exec(o.ctx); err != nil {
			return fmt.Errorf("rejoin the view: %w", err)
		}
	}
	o.emit(events.ViewerJoined, o.v.AgentID, nil, map[string]any{"viewer": o.v.AgentID, "monitoring": monitoring})
	return nil
}

// unview leaves the operation's conversation's view.
func (o *op) unview(reason string) error {
	n, err := o.tx.Viewer.Delete().Where(viewer.ConversationID(o.conv.ID), viewer.AgentID(o.v.AgentID)).Exec(o.ctx)
	if err != nil {
		return fmt.Errorf("leave the view: %w", err)
	}
	if n > 0 {
		o.emit(events.ViewerLeft, o.v.AgentID, map[string]any{"viewer": o.v.AgentID}, map[string]any{"viewer": nil, "reason": reason})
	}
	return nil
}

// viewerLeft is the event of agentID leaving c's view (c row-locked, so its version is current).
func (o *op) viewerLeft(c *ent.Conversation, agentID int, reason string) events.Entry {
	return events.Entry{WorkspaceID: c.WorkspaceID, Type: events.ViewerLeft, ConversationID: c.ID, ActorID: o.v.AgentID,
		SubjectID: agentID, Version: c.Version, Before: map[string]any{"viewer": agentID}, After: map[string]any{"viewer": nil, "reason": reason}}
}

func (o *op) grace() time.Duration { return time.Duration(o.ws.LockGracePeriodSeconds) * time.Second }

// Monitor is a supervisor opening a conversation to watch it without taking its lock: a viewer
// like any other (others see them looking), whose own lock elsewhere stays where it is.
func (d *Desk) Monitor(ctx context.Context, id int) (*ent.Conversation, error) {
	v, err := auth.Require(ctx, enum.RoleSupervisor, "monitor conversations")
	if err != nil {
		return nil, err
	}
	if v.Kind != enum.KindHuman {
		return nil, fault.New(fault.Forbidden, "bots do not open conversations: they own them")
	}
	return d.runAs(ctx, id, nil, true, func(o *op) error { return o.view(true) })
}

// Viewers lists who has conversation c open now, the first to open it first.
func (d *Desk) Viewers(ctx context.Context, c *ent.Conversation) ([]*ent.Viewer, error) {
	w, err := d.client.Workspace.Get(tenant.System(ctx), c.WorkspaceID)
	if err != nil {
		return nil, err
	}
	since := d.now().Add(-time.Duration(w.LockGracePeriodSeconds) * time.Second)
	return d.client.Viewer.Query().Where(viewer.ConversationID(c.ID), viewer.LastSeenAtGTE(since)).
		Order(ent.Asc(viewer.FieldOpenedAt), ent.Asc(viewer.FieldID)).All(ctx)
}

// renewViewers keeps the given agents of workspace ws viewing what they have open.
func (d *Desk) renewViewers(ctx context.Context, ws int, agents []int) error {
	return d.client.Viewer.Update().Where(viewer.WorkspaceID(ws), predicate.Viewer(storage.IntsIn(viewer.FieldAgentID, agents))).SetLastSeenAt(d.now()).Exec(ctx)
}

// ExpireViewers removes the viewers not seen for their workspace's lockGracePeriod (their
// connection was lost) and tells the conversation, one transaction per viewer under the
// conversation's row lock; a viewer who came back meanwhile stays.
func (d *Desk) ExpireViewers(ctx context.Context) (int, error) {
	sys := tenant.System(ctx)
	now := d.now()
	// The shortest grace a workspace may set (ent/schema/workspace.go) bounds the candidates; each
	// is checked against its own workspace's.
	gone, err := d.client.Viewer.Query().Where(viewer.LastSeenAtLT(now.Add(-15 * time.Second))).Limit(1000).All(sys)
	if err != nil {
		return 0, fmt.Errorf("expire viewers: %w", err)
	}
	done := 0
	for _, g := range gone {
		expired := false
		err := storage.InTx(sys, d.client, func(tx *ent.Tx) error {
			expired = false // InTx may run this again
			c, err := forUpdate(d, tx.Conversation.Query().Where(conversation.ID(g.ConversationID))).Only(sys)
			if err != nil {
				return err
			}
			w, err := tx.Workspace.Get(sys, c.WorkspaceID)
			if err != nil {
				return err
			}
			cutoff := now.Add(-time.Duration(w.LockGracePeriodSeconds) * time.Second)
			n, err := tx.Viewer.Delete().Where(viewer.ID(g.ID), viewer.LastSeenAtLT(cutoff)).Exec(sys)
			if err != nil || n == 0 {
				return err
			}
			expired = true
			return d.bus.Append(sys, tx, events.Entry{WorkspaceID: c.WorkspaceID, Type: events.ViewerLeft, ConversationID: c.ID,
				SubjectID: g.AgentID, Version: c.Version,
				Before: map[string]any{"viewer": g.AgentID}, After: map[string]any{"viewer": nil, "reason": "connection lost"}})
		})
		if ent.IsNotFound(err) {
			continue
		}
		if err != nil {
			return done, err
		}
		if expired {
			done++
		}
	}
	return done, nil
}
