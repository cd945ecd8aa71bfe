package desk

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	entsql "entgo.io/ent/dialect/sql"
	"switchboard/ent"
	"switchboard/ent/agent"
	"switchboard/ent/channelsession"
	"switchboard/ent/conversation"
	"switchboard/ent/customeridentity"
	"switchboard/ent/predicate"
	"switchboard/ent/schema"
	"switchboard/ent/schema/enum"
	"switchboard/internal/auth"
	"switchboard/internal/events"
	"switchboard/internal/fault"
	"switchboard/internal/routing"
	"switchboard/internal/storage"
)

// advisoryIngest tags the Postgres advisory lock (two-key form, its own key space) under which
// the messages of one workspace's handle are decided.
const advisoryIngest = 0x5e18

// Limits on what a channel connector may send.
const (
	MaxMessageLen = 10000
	maxHandleLen  = 320
	maxNameLen    = 200
	previewLen    = 140
)

// IngestInput is a customer's message as a channel connector reports it.
type IngestInput struct {
	Channel        enum.Channel
	CustomerHandle string
	CustomerName   *string
	Text           string
}

// Ingest records a customer's message: it finds or creates the customer (by its handle, on any
// channel) and the customer's open conversation (on any channel: it gains a session on this one,
// §6), else a new one on this channel, and stores the message. A
// new conversation is owned and locked by the workspace's INCEPTION bot in state CREATED (I1, L7);
// without such a bot it waits unowned in the queue (R5). A RESOLVED conversation is reopened as
// NEW (§6). Callers: API keys (channel connectors) and admins.
func (d *Desk) Ingest(ctx context.Context, in IngestInput) (*ent.Conversation, error) {
	v, err := auth.Member(ctx)
	if err != nil {
		return nil, err
	}
	if !v.ViaAPIKey() && !v.Role.AtLeast(enum.RoleAdmin) {
		return nil, fault.Denied("ingest customer messages (channel connectors use an API key)")
	}
	handle := strings.TrimSpace(in.CustomerHandle)
	if handle == "" || utf8.RuneCountInString(handle) > maxHandleLen {
		return nil, fault.Invalid("customerHandle", "must be 1 to %d characters", maxHandleLen)
	}
	if !schema.Storable(handle) { // it is looked up before anything is stored (SPEC §9)
		return nil, fault.Invalid("customerHandle", "contains a NUL character or invalid UTF-8: remove it")
	}
	name := ""
	if in.CustomerName != nil {
		name = strings.TrimSpace(*in.CustomerName)
		if utf8.RuneCountInString(name) > maxNameLen {
			return nil, fault.Invalid("customerName", "at most %d characters", maxNameLen)
		}
	}
	text, err := messageText(in.Text)
	if err != nil {
		return nil, err
	}
	var convID int
	// Two first messages from a new customer race to create the customer or the conversation; the
	// unique indexes let one win and the other retries and finds what the winner made.
	err = storage.Retry(3, func() error {
		return storage.InTx(ctx, d.client, func(tx *ent.Tx) error {
			id, err := d.ingest(ctx, tx, v, in.Channel, handle, name, text)
			convID = id
			return err
		})
	})
	if err != nil {
		return nil, err
	}
	return d.client.Conversation.Get(ctx, convID)
}

// lockHandle takes, on Postgres, the lock under which workspace ws's messages from handle are
// decided (ingest) and the customer it names changes (merge), until tx ends. SQLite has one writer.
func (d *Desk) lockHandle(ctx context.Context, tx *ent.Tx, ws int, handle string) error {
	if !d.rowLocks {
		return nil
	}
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1, hashtext($2))", advisoryIngest, fmt.Sprintf("%d:%s", ws, handle)); err != nil {
		return fmt.Errorf("customer lock: %w", err)
	}
	return nil
}

func (d *Desk) ingest(ctx context.Context, tx *ent.Tx, v *auth.Viewer, ch enum.Channel, handle, name, text string) (int, error) {
	now := d.now()
	ws := v.WorkspaceID
	// One customer's messages, on whichever channel, are decided one at a time: two first messages
	// of a handle on two channels make one customer, and two messages of a customer with no open
	// conversation open one (§1, §6). Taken before any row lock, so it joins no cycle with them.
	if err := d.lockHandle(ctx, tx, ws, handle); err != nil {
		return 0, err
	}
	ident, cust, renamed, fresh, err := customerOf(ctx, tx, ws, ch, handle, name)
	if err != nil {
		return 0, err
	}
	author := cust.Name
	if author == "" {
		author = handle
	}

	var evs []events.Entry
	created := false
	// §1, §6: the customer's open conversation, on this channel or another (it gains a session on
	// this one and stays on its routing channel); a customer made just now has none.
	var conv *ent.Conversation
	if fresh {
		conv, err = nil, &ent.NotFoundError{}
	} else {
		conv, err = d.lockOpen(ctx, tx, cust.ID, ch)
	}
	switch {
	case ent.IsNotFound(err):
		conv, err = d.openConversation(ctx, tx, ws, cust.ID, ident.ID, ch, now)
		if err != nil {
			return 0, err
		}
		created = true
		evs = append(evs, events.Entry{WorkspaceID: ws, Type: events.ConversationCreated, ConversationID: conv.ID, ActorID: v.AgentID,
			SubjectID: ptrOr(conv.OwnerID), Version: conv.Version,
			After: map[string]any{"status": conv.Status, "state": conv.State, "channel": ch, "customer": cust.ID, "owner": conv.OwnerID}})
		if conv.LockHolderID != nil { // the inception bot's lock (L7)
			evs = append(evs, events.Entry{WorkspaceID: ws, Type: events.LockAcquired, ConversationID: conv.ID, ActorID: v.AgentID,
				SubjectID: *conv.LockHolderID, Version: conv.Version, Before: map[string]any{"holder": nil}, After: map[string]any{"holder": *conv.LockHolderID}})
		}
	case err != nil:
		return 0, fmt.Errorf("find conversation: %w", err)
	}

	if _, err := tx.Message.Create().SetWorkspaceID(ws).SetConversationID(conv.ID).SetAuthorKind(enum.AuthorCustomer).
		SetAuthorName(author).SetChannel(ch).SetText(text).Save(ctx); err != nil {
		return 0, fmt.Errorf("store message: %w", err)
	}
	// The first message is part of the change that created the conversation (version 1); every
	// later one is a change of its own.
	version := conv.Version
	upd := tx.Conversation.UpdateOneID(conv.ID).SetPreview(preview(text)).SetLastMessageAt(now).SetLastCustomerMessageAt(now)
	if !created {
		version++
		upd.AddVersion(1)
	}
	indexed := []string{text}
	if created {
		indexed = append(indexed, cust.Name, handle)
	} else if renamed {
		indexed = append(indexed, cust.Name)
	}
	if err := d.search.Add(ctx, tx, upd, conv.ID, indexed...); err != nil {
		return 0, err
	}
	if conv.Status == enum.StatusResolved {
		reopened, err := d.reopen(ctx, tx, v, conv, upd, version, now)
		if err != nil {
			return 0, err
		}
		evs = append(evs, reopened...)
	}
	if err := upd.Exec(ctx); err != nil {
		return 0, fmt.Errorf("update conversation: %w", err)
	}
	wsRow, err := tx.Workspace.Get(ctx, ws)
	if err != nil {
		return 0, err
	}
	if !created && conv.CustomerPresent {
		// §6: present, maybe on another channel only (it came in there, or came back there): a
		// session on this one unless it has one.
		in, err := tx.ChannelSession.Query().Where(channelsession.ConversationID(conv.ID), channelsession.IdentityID(ident.ID),
			channelsession.Active(true)).Exist(ctx)
		if err != nil {
			return 0, fmt.Errorf("channel sessions: %w", err)
		}
		if !in {
			if err := customerSession(ctx, tx, ws, conv.ID, ident.ID, ch, now); err != nil {
				return 0, err
			}
			evs = append(evs, events.Entry{WorkspaceID: ws, Type: events.CustomerJoinedChannel, ConversationID: conv.ID, ActorID: v.AgentID,
				Version: version, After: map[string]any{"channel": ch}})
		}
	}
	if !created && !conv.CustomerPresent {
		// §6: the customer who had left is back: a new session, and the state follows.
		if err := customerSession(ctx, tx, ws, conv.ID, ident.ID, ch, now); err != nil {
			return 0, err
		}
		// Its agents: its human owner, or who joined it (C11); had: one ever did.
		agents, had := conv.HumanOwned, conv.HumanOwned || conv.LastHumanOwnerID != nil
		if !agents {
			if agents, err = joinedBy(ctx, tx, conv.ID, 0); err != nil {
				return 0, err
			}
		}
		if !agents && !had {
			if had, err = everJoined(ctx, tx, conv.ID); err != nil {
				return 0, err
			}
		}
		to := Lifecycle(conv.State, true, agents, had || agents, wsRow.WrapUpEnabled)
		if err := tx.Conversation.UpdateOneID(conv.ID).SetCustomerPresent(true).SetState(to).Exec(ctx); err != nil {
			return 0, fmt.Errorf("customer back: %w", err)
		}
		evs = append(evs, events.Entry{WorkspaceID: ws, Type: events.CustomerReturned, ConversationID: conv.ID, ActorID: v.AgentID,
			Version: version, After: map[string]any{"present": true, "channel": ch}})
		if to != conv.State {
			evs = append(evs, events.Entry{WorkspaceID: ws, Type: events.StateChanged, ConversationID: conv.ID, ActorID: v.AgentID,
				Version: version, Before: map[string]any{"state": conv.State}, After: map[string]any{"state": to}})
			conv.State = to
		}
	}
	if err := customerWrote(ctx, tx, wsRow, conv, created || conv.Status == enum.StatusResolved, now); err != nil {
		return 0, err
	}
	evs = append(evs, events.Entry{WorkspaceID: ws, Type: events.MessageReceived, ConversationID: conv.ID, ActorID: v.AgentID,
		Version: version, After: map[string]any{"text": preview(text), "author": author}})
	if err := d.bus.Append(ctx, tx, evs...); err != nil {
		return 0, err
	}
	return conv.ID, nil
}

// openConversation creates a conversation owned and locked by the inception bot (I1, L7), or
// queued when the workspace has none. It links to the customer's last closed conversation on the
// channel (I7 history).
func (d *Desk) openConversation(ctx context.Context, tx *ent.Tx, ws, customerID, identityID int, ch enum.Channel, now time.Time) (*ent.Conversation, error) {
	bot, err := tx.Agent.Query().
		Where(agent.KindEQ(enum.KindVirtual), agent.VaRoleEQ(enum.VARoleInception), agent.Active(true)).
		Order(agent.ByID()).First(ctx)
	if err != nil && !ent.IsNotFound(err) {
		return nil, fmt.Errorf("find inception bot: %w", err)
	}
	prev, err := tx.Conversation.Query().
		Where(conversation.CustomerID(customerID), conversation.ChannelEQ(ch), conversation.IsOpen(false)).
		Order(ent.Desc(conversation.FieldID)).FirstID(ctx)
	if err != nil && !ent.IsNotFound(err) {
		return nil, fmt.Errorf("find previous conversation: %w", err)
	}
	c := tx.Conversation.Create().SetWorkspaceID(ws).SetCustomerID(customerID).SetChannel(ch).
		SetStatus(enum.StatusNew).SetState(enum.StateCreated).SetLastMessageAt(now)
	if prev != 0 {
		c.SetPreviousID(prev)
	}
	if bot != nil {
		// The bot owns and locks it; it is not waiting for a human yet, so it is not queued.
		c.SetOwnerID(bot.ID).SetLockHolderID(bot.ID).SetHumanLock(false).SetLockAcquiredAt(now)
	} else {
		c.SetQueuedSince(now)
	}
	conv, err := c.Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("create conversation: %w", err)
	}
	cs, err := tx.ChannelSession.Create().SetWorkspaceID(ws).SetConversationID(conv.ID).SetIdentityID(identityID).SetChannel(ch).
		SetStartedAt(now).Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("create channel session: %w", err)
	}
	parts := []*ent.ParticipantCreate{
		tx.Participant.Create().SetWorkspaceID(ws).SetConversationID(conv.ID).SetKind(enum.ParticipantCustomer).SetChannelSessionID(cs.ID).SetJoinedAt(now),
	}
	if bot != nil {
		parts = append(parts, tx.Participant.Create().SetWorkspaceID(ws).SetConversationID(conv.ID).SetKind(enum.ParticipantBot).
			SetAgentID(bot.ID).SetJoinedAt(now))
	}
	if err := tx.Participant.CreateBulk(parts...).Exec(ctx); err != nil {
		return nil, fmt.Errorf("add participants: %w", err)
	}
	return conv, nil
}

func preview(text string) string {
	text = strings.Join(strings.Fields(text), " ")
	if utf8.RuneCountInString(text) <= previewLen {
		return text
	}
	r := []rune(text)
	return string(r[:previewLen-1]) + "…"
}

func ptrOr(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

// customerSession starts the customer's session on ch in conversation conv, and its participant.
func customerSession(ctx context.Context, tx *ent.Tx, ws, conv, identity int, ch enum.Channel, now time.Time) error {
	cs, err := tx.ChannelSession.Create().SetWorkspaceID(ws).SetConversationID(conv).SetIdentityID(identity).SetChannel(ch).
		SetStartedAt(now).Save(ctx)
	if err != nil {
		return fmt.Errorf("channel session: %w", err)
	}
	if err := tx.Participant.Create().SetWorkspaceID(ws).SetConversationID(conv).SetKind(enum.ParticipantCustomer).
		SetChannelSessionID(cs.ID).SetJoinedAt(now).Exec(ctx); err != nil {
		return fmt.Errorf("customer participant: %w", err)
	}
	return nil
}

// lockOpen finds the customer's open conversation, the one on ch first (a customer has one, but
// conversations of before may be open on several channels), and row-locks it, with its human
// owner's row first (the order every operation takes: agents, then conversations), since a
// reopening may keep it with that owner (mayKeep). Its version and status are decided on the
// locked row.
func (d *Desk) lockOpen(ctx context.Context, tx *ent.Tx, customerID int, ch enum.Channel) (*ent.Conversation, error) {
	open := []predicate.Conversation{conversation.CustomerID(customerID), conversation.IsOpen(true)}
	c, err := tx.Conversation.Query().Where(open...).Order(func(s *entsql.Selector) {
		s.OrderExpr(entsql.ExprFunc(func(b *entsql.Builder) {
			b.WriteString("CASE WHEN ").WriteString(s.C(conversation.FieldChannel)).WriteString(" = ").Arg(string(ch)).WriteString(" THEN 0 ELSE 1 END")
		}))
	}, ent.Desc(conversation.FieldID)).First(ctx)
	if err != nil || !d.rowLocks {
		return c, err
	}
	if c.HumanOwned && c.OwnerID != nil {
		if err := d.lockAgents(ctx, tx, *c.OwnerID); err != nil {
			return nil, err
		}
	}
	return forUpdate(d, tx.Conversation.Query().Where(append(open, conversation.ID(c.ID))...)).Only(ctx)
}

// mayKeep reports whether agentID may own one more conversation on ch now: active, ONLINE, under
// the caps (SPEC §6 reopening to the last owner). It takes the agent's row lock first, as every
// path that gives ownership does.
func (d *Desk) mayKeep(ctx context.Context, tx *ent.Tx, wsID, agentID int, ch enum.Channel) (bool, error) {
	a, err := forUpdate(d, tx.Agent.Query().Where(agent.ID(agentID))).Only(ctx)
	if ent.IsNotFound(err) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("last owner: %w", err)
	}
	if !a.Active || a.Presence != enum.PresenceOnline {
		return false, nil
	}
	ws, err := tx.Workspace.Get(ctx, wsID)
	if err != nil {
		return false, err
	}
	err = routing.CheckRoom(ctx, tx, ws, agentID, ch, a.Name)
	if _, ok := fault.As(err); ok {
		return false, nil
	}
	return err == nil, err
}

// The channels whose handles name the same thing, so that one handle on two of them is one
// customer (§1): a phone number on SMS and WhatsApp, an address on email and in a chat that asks
// for it. Handles on Facebook and Instagram, and other chat handles, are each platform's own ids:
// the same string there is not the same person.
var (
	phoneChannels   = []enum.Channel{enum.ChannelSMS, enum.ChannelWhatsApp}
	addressChannels = []enum.Channel{enum.ChannelEmail, enum.ChannelLiveChat}
	phoneNumber     = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)
	emailAddress    = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
)

// sameHandleChannels lists the channels on which handle names the customer writing from it on ch
// (ch among them), or nil when it names someone only on ch.
func sameHandleChannels(ch enum.Channel, handle string) []enum.Channel {
	switch {
	case slices.Contains(phoneChannels, ch) && phoneNumber.MatchString(handle):
		return phoneChannels
	case slices.Contains(addressChannels, ch) && emailAddress.MatchString(handle):
		return addressChannels
	}
	return nil
}

// customerOf finds the customer who writes from handle on ch, or makes its identity; a name given
// and different from the stored one renames it (renamed); fresh says it made the customer. A
// handle new on ch but known on another channel where it names the same thing is the same
// customer (§1: one customer, many channel identities; see sameHandleChannels), so its history
// spans channels (I7).
func customerOf(ctx context.Context, tx *ent.Tx, ws int, ch enum.Channel, handle, name string) (ident *ent.CustomerIdentity, cust *ent.Customer, renamed, fresh bool, err error) {
	ident, err = tx.CustomerIdentity.Query().
		Where(customeridentity.ChannelEQ(ch), customeridentity.Handle(handle)).WithCustomer().Only(ctx)
	if ent.IsNotFound(err) {
		var known *ent.CustomerIdentity
		if chs := sameHandleChannels(ch, handle); chs != nil {
			// The channels named, so that the (workspace, channel, handle) index finds it.
			known, err = tx.CustomerIdentity.Query().Where(customeridentity.ChannelIn(chs...), customeridentity.Handle(handle)).
				Order(customeridentity.ByID()).WithCustomer().First(ctx)
			if err != nil && !ent.IsNotFound(err) {
				return nil, nil, false, false, fmt.Errorf("find the customer on other channels: %w", err)
			}
		}
		var cust *ent.Customer
		if known != nil {
			cust = known.Edges.Customer
		} else if cust, err = tx.Customer.Create().SetWorkspaceID(ws).SetName(name).Save(ctx); err == nil {
			fresh = true
		} else {
			return nil, nil, false, false, fmt.Errorf("create customer: %w", err)
		}
		ident, err = tx.CustomerIdentity.Create().SetWorkspaceID(ws).SetCustomerID(cust.ID).SetChannel(ch).SetHandle(handle).Save(ctx)
		if err != nil {
			return nil, nil, false, false, fmt.Errorf("create identity: %w", err)
		}
		ident.Edges.Customer = cust
	} else if err != nil {
		return nil, nil, false, false, fmt.Errorf("find identity: %w", err)
	}
	cust = ident.Edges.Customer
	renamed = name != "" && name != cust.Name
	if renamed {
		if err := tx.Customer.UpdateOneID(cust.ID).SetName(name).Exec(ctx); err != nil {
			return nil, nil, false, false, fmt.Errorf("rename customer: %w", err)
		}
		cust.Name = name
	}
	return ident, cust, renamed, fresh, nil
}

// reopen adds to upd what a customer's message does to a RESOLVED conversation, and returns its
// events (written at version).
func (d *Desk) reopen(ctx context.Context, tx *ent.Tx, v *auth.Viewer, conv *ent.Conversation, upd *ent.ConversationUpdateOne, version int, now time.Time) ([]events.Entry, error) {
	ws, ch, former := v.WorkspaceID, conv.Channel, conv.OwnerID
	var reopenLock []events.Entry
	// §6: a customer writing to a RESOLVED conversation reopens it as NEW: to its last (human)
	// owner when still eligible, else to the queue, where routing offers it. A bot's stays the
	// bot's.
	upd.SetStatus(enum.StatusNew).ClearResolvedAt()
	after := map[string]any{"status": enum.StatusNew, "owner": nil}
	if conv.HumanOwned && conv.OwnerID != nil {
		keep, err := d.mayKeep(ctx, tx, ws, *conv.OwnerID, ch)
		if err != nil {
			return nil, err
		}
		if keep {
			after["owner"] = *conv.OwnerID
		} else {
			upd.ClearOwnerID().SetHumanOwned(false).ClearClaimedAt().ClearOwnerActiveAt().SetStale(false).SetQueuedSince(now)
			if conv.HumanLock {
				upd.ClearLockHolderID().SetHumanLock(false).ClearLockAcquiredAt().ClearLockExpiresAt()
			}
			// §6: its owner is no longer in it, and the state follows for the customer writing
			// (INACTIVE unless someone who joined is still there).
			w, err := tx.Workspace.Get(ctx, ws)
			if err != nil {
				return nil, err
			}
			moved, err := ownerLeft(ctx, tx, w, conv, true, now)
			if err != nil {
				return nil, err
			}
			conv.HumanOwned, conv.OwnerID = false, nil
			if moved != "" {
				reopenLock = append(reopenLock, events.Entry{WorkspaceID: ws, Type: events.StateChanged, ConversationID: conv.ID,
					ActorID: v.AgentID, Version: version, Before: map[string]any{"state": conv.State}, After: map[string]any{"state": moved}})
				conv.State = moved
			}
		}
	} else if conv.OwnerID != nil {
		// The bot's: it holds the lock again now that the conversation is lockable (L7, L1).
		after["bot"] = *conv.OwnerID
		if conv.LockHolderID == nil {
			upd.SetLockHolderID(*conv.OwnerID).SetHumanLock(false).SetLockAcquiredAt(now)
			reopenLock = append(reopenLock, events.Entry{WorkspaceID: ws, Type: events.LockAcquired, ConversationID: conv.ID,
				ActorID: v.AgentID, SubjectID: *conv.OwnerID, Version: version,
				Before: map[string]any{"holder": nil}, After: map[string]any{"holder": *conv.OwnerID}})
		}
		if conv.QueuedSince != nil { // its intervention still asks for a human: queued again from now
			upd.SetQueuedSince(now)
		}
	} else {
		// Nobody's: it enters the queue now (R5's order, §8's time-to-claim), not when it last
		// left an owner before it was resolved.
		upd.SetQueuedSince(now)
	}
	return append([]events.Entry{{WorkspaceID: ws, Type: events.ConversationReopened, ConversationID: conv.ID, ActorID: v.AgentID,
		Version: version, Before: map[string]any{"status": enum.StatusResolved, "owner": former}, After: after}}, reopenLock...), nil
}
