package routing

import (
	"context"
	"fmt"
	"time"

	"switchboard/ent"
	"switchboard/ent/conversation"
	"switchboard/ent/event"
	"switchboard/ent/schema/enum"
	"switchboard/internal/events"
)

// RateWindow is how far back the expected wait looks at the channel's assignments.
const RateWindow = 15 * time.Minute

// Place is a queued conversation's place in its channel's queue (SPEC §12).
type Place struct {
	Position int // 1: assigned next on its channel
	// Wait is the expected time until it is assigned, from the channel's assignment rate over the
	// last RateWindow; nil when nothing was assigned on the channel in that time.
	Wait *time.Duration
}

// PlaceOf reports where c waits (R5: priority, then arrival, per routing channel); nil when it is
// not queued.
func PlaceOf(ctx context.Context, client *ent.Client, c *ent.Conversation, now time.Time) (*Place, error) {
	if !c.IsOpen || c.HumanOwned || c.QueuedSince == nil || c.Status != enum.StatusNew {
		return nil, nil
	}
	q := *c.QueuedSince
	ahead, err := client.Conversation.Query().Where(append(Queued(), conversation.ChannelEQ(c.Channel),
		conversation.Or(conversation.PriorityGT(c.Priority), conversation.And(conversation.PriorityEQ(c.Priority),
			conversation.Or(conversation.QueuedSinceLT(q), conversation.And(conversation.QueuedSinceEQ(q), conversation.IDLT(c.ID))))))...).
		Count(ctx)
	if err != nil {
		return nil, fmt.Errorf("queue position: %w", err)
	}
	p := &Place{Position: ahead + 1}
	given, err := client.Event.Query().Where(event.TypeIn(events.ConversationAssigned, events.ConversationClaimed),
		event.CreatedAtGT(now.Add(-RateWindow)), event.HasConversationWith(conversation.ChannelEQ(c.Channel))).Count(ctx)
	if err != nil {
		return nil, fmt.Errorf("assignment rate: %w", err)
	}
	if given > 0 {
		w := time.Duration(float64(p.Position) / float64(given) * float64(RateWindow))
		p.Wait = &w
	}
	return p, nil
}
