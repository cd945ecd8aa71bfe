package desk

import (
	"context"
	"fmt"

	"switchboard/ent"
	"switchboard/ent/readmark"
	"switchboard/ent/schema/enum"
	"switchboard/ent/timer"
	"switchboard/internal/auth"
	"switchboard/internal/fault"
)

// MarkRead records that the viewer has read the conversation up to the customer's latest message,
// so it is no longer unread to them (Unread). A later message makes it unread again.
func (d *Desk) MarkRead(ctx context.Context, id int) (*ent.Conversation, error) {
	v, err := auth.Member(ctx)
	if err != nil {
		return nil, err
	}
	conv, err := d.client.Conversation.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, fault.Missing("conversation")
	} else if err != nil {
		return nil, fmt.Errorf("mark read: %w", err)
	}
	// Read up to the message the server has, not up to the viewer's clock: another instance's
	// clock may be behind the one that stamped the message.
	upTo := d.now()
	if conv.LastCustomerMessageAt != nil {
		upTo = *conv.LastCustomerMessageAt
	}
	err = d.client.ReadMark.Create().SetWorkspaceID(v.WorkspaceID).SetAgentID(v.AgentID).SetConversationID(id).SetReadAt(upTo).
		OnConflictColumns(readmark.FieldAgentID, readmark.FieldConversationID).UpdateReadAt().Exec(ctx)
	if err != nil {
		return nil, fmt.Errorf("mark read: %w", err)
	}
	return conv, nil
}

// Unread reports whether the customer wrote in conv since the viewer last read it.
func (d *Desk) Unread(ctx context.Context, conv *ent.Conversation) (bool, error) {
	v, err := auth.Member(ctx)
	if err != nil || conv.LastCustomerMessageAt == nil {
		return false, err
	}
	m, err := d.client.ReadMark.Query().Where(readmark.AgentID(v.AgentID), readmark.ConversationID(conv.ID)).Only(ctx)
	if ent.IsNotFound(err) {
		return true, nil
	} else if err != nil {
		return false, fmt.Errorf("unread: %w", err)
	}
	return m.ReadAt.Before(*conv.LastCustomerMessageAt), nil
}

// FirstResponseDue is when conv's first-response SLA runs out: the due time of its running SLA
// timer, or nil when none runs (nothing waits for a reply, or ON_HOLD stopped the clock).
func (d *Desk) FirstResponseDue(ctx context.Context, conv *ent.Conversation) (*ent.Timer, error) {
	t, err := d.client.Timer.Query().Where(timer.ConversationID(conv.ID), timer.KindEQ(enum.TimerSLAFirstResponse),
		timer.StatusEQ(enum.TimerPending)).First(ctx)
	if ent.IsNotFound(err) {
		return nil, nil
	}
	return t, err
}
