package desk

import (
	"context"
	"fmt"
	"slices"

	entsql "entgo.io/ent/dialect/sql"

	"switchboard/ent"
	"switchboard/ent/conversation"
	"switchboard/ent/customer"
	"switchboard/ent/customeridentity"
	"switchboard/ent/schema/enum"
	"switchboard/internal/auth"
	"switchboard/internal/events"
	"switchboard/internal/fault"
	"switchboard/internal/storage"
)

// MergeCustomers makes customer from's handles and conversations into's, and removes from: one
// person known as two customers (§1: one customer, many channel identities) — handles that do not
// tell by themselves that they are one person (a Facebook id and a phone number), or customers
// made on two channels before a handle was matched across them. The history of every conversation
// of either then spans both (I7), and a message from any of the handles is into's. Supervisors and
// above. Every open conversation of either is a change (a new version and a customer.merged event
// of its own), so that the screens showing it read its customer again; a closed one stays as it
// was archived, but for the customer it belongs to.
func (d *Desk) MergeCustomers(ctx context.Context, intoID, fromID int) (*ent.Customer, error) {
	v, err := auth.Member(ctx)
	if err != nil {
		return nil, err
	}
	if !v.Role.AtLeast(enum.RoleSupervisor) {
		return nil, fault.Denied("merge customers (supervisors and admins)")
	}
	if intoID == fromID {
		return nil, fault.Invalid("from", "names the customer to merge into: give two different customers")
	}
	err = storage.InTx(ctx, d.client, func(tx *ent.Tx) error { return d.merge(ctx, tx, v, intoID, fromID) })
	if err != nil {
		return nil, err
	}
	return d.client.Customer.Get(ctx, intoID)
}

func (d *Desk) merge(ctx context.Context, tx *ent.Tx, v *auth.Viewer, intoID, fromID int) error {
	ws := v.WorkspaceID
	// On Postgres, the locks under which ingest decides each handle's messages, taken in one order,
	// and taken again for handles that appeared meanwhile (another merge): no message of either
	// customer is decided while they move. SQLite has one writer.
	locked := map[string]bool{}
	var into, from *ent.Customer
	for {
		custs, err := tx.Customer.Query().Where(customer.IDIn(intoID, fromID)).WithIdentities().All(ctx)
		if err != nil {
			return fmt.Errorf("merge customers: %w", err)
		}
		into, from = nil, nil
		for _, c := range custs {
			if c.ID == intoID {
				into = c
			} else {
				from = c
			}
		}
		switch {
		case into == nil:
			return fault.Missing("customer").With("field", "into")
		case from == nil:
			return fault.Missing("customer").With("field", "from")
		}
		var handles []string
		for _, c := range custs {
			for _, id := range c.Edges.Identities {
				if !locked[id.Handle] && !slices.Contains(handles, id.Handle) {
					handles = append(handles, id.Handle)
				}
			}
		}
		if !d.rowLocks || len(handles) == 0 {
			break
		}
		slices.Sort(handles)
		for _, h := range handles {
			if err := d.lockHandle(ctx, tx, ws, h); err != nil {
				return err
			}
			locked[h] = true
		}
	}
	if d.rowLocks {
		if _, err := forUpdate(d, tx.Customer.Query().Where(customer.IDIn(intoID, fromID)).Order(customer.ByID())).All(ctx); err != nil {
			return fmt.Errorf("merge customers: %w", err)
		}
	}
	// One open conversation per customer and channel (a message joins it): two on one channel
	// cannot become one customer's. Row-locked: each becomes a change of its own below.
	open, err := forUpdate(d, tx.Conversation.Query().Where(conversation.CustomerIDIn(intoID, fromID), conversation.IsOpen(true)).
		Order(conversation.ByID())).All(ctx)
	if err != nil {
		return fmt.Errorf("merge customers: %w", err)
	}
	for i, a := range open {
		for _, b := range open[i+1:] {
			if a.Channel == b.Channel && a.CustomerID != b.CustomerID {
				return fault.New(fault.InvalidState, "each customer has a conversation open on %s: resolve one and let it close, then merge them",
					channelName(a.Channel)).With("field", "from").With("conversations", []int{a.ID, b.ID})
			}
		}
	}
	moveTo := func(col string) func(*entsql.UpdateBuilder) {
		return func(u *entsql.UpdateBuilder) { u.Set(col, intoID) }
	}
	nIdent, err := tx.CustomerIdentity.Update().Where(customeridentity.CustomerID(fromID)).
		Modify(moveTo(customeridentity.FieldCustomerID)).Save(ctx)
	if err != nil {
		return fmt.Errorf("move handles: %w", err)
	}
	nConv, err := tx.Conversation.Update().Where(conversation.CustomerID(fromID)).
		Modify(moveTo(conversation.FieldCustomerID)).Save(ctx)
	if err != nil {
		return fmt.Errorf("move conversations: %w", err)
	}
	if into.Name == "" && from.Name != "" {
		if err := tx.Customer.UpdateOneID(intoID).SetName(from.Name).Exec(ctx); err != nil {
			return fmt.Errorf("name customer: %w", err)
		}
	}
	if err := tx.Customer.DeleteOneID(fromID).Exec(ctx); err != nil {
		return fmt.Errorf("remove merged customer: %w", err)
	}
	evs := []events.Entry{{WorkspaceID: ws, Type: events.CustomersMerged, ActorID: v.AgentID,
		Before: map[string]any{"customer": fromID, "name": from.Name},
		After:  map[string]any{"customer": intoID, "identities": nIdent, "conversations": nConv}}}
	for _, c := range open {
		if err := tx.Conversation.UpdateOneID(c.ID).AddVersion(1).Exec(ctx); err != nil {
			return fmt.Errorf("merge customers: %w", err)
		}
		evs = append(evs, events.Entry{WorkspaceID: ws, Type: events.CustomersMerged, ConversationID: c.ID, ActorID: v.AgentID,
			Version: c.Version + 1, Before: map[string]any{"customer": c.CustomerID}, After: map[string]any{"customer": intoID}})
	}
	return d.bus.Append(ctx, tx, evs...)
}

// channelName is how a person names channel ch in a sentence.
func channelName(ch enum.Channel) string {
	switch ch {
	case enum.ChannelSMS:
		return "SMS"
	case enum.ChannelLiveChat:
		return "live chat"
	case enum.ChannelWhatsApp:
		return "WhatsApp"
	case enum.ChannelFacebook:
		return "Facebook"
	case enum.ChannelInstagram:
		return "Instagram"
	case enum.ChannelEmail:
		return "email"
	}
	return string(ch)
}
