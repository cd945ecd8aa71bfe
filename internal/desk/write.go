package desk

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"switchboard/ent"
	"switchboard/ent/agent"
	"switchboard/ent/schema/enum"
	"switchboard/internal/auth"
	"switchboard/internal/events"
	"switchboard/internal/fault"
	"switchboard/internal/timers"
)

// Send posts the viewer's reply. It needs the lock (L8: held, or gained now under L3's
// conditions, else LOCKED); with expectedVersion older than the conversation's version it is
// CONFLICT, so nobody answers a customer blind (SPEC §9). Replying to an unclaimed conversation
// claims it when the workspace auto-claims (C3); over a cap, nothing is sent. Bots reply only to
// conversations they own (L7, I5).
func (d *Desk) Send(ctx context.Context, id int, text string, expectedVersion *int) (*ent.Message, error) {
	text, err := messageText(text)
	if err != nil {
		return nil, err
	}
	var msg *ent.Message
	_, err = d.run(ctx, id, nil, func(o *op) error {
		if expectedVersion != nil && *expectedVersion != o.conv.Version {
			if *expectedVersion > o.conv.Version {
				return fault.Invalid("expectedVersion", "%d is newer than the conversation (%d)", *expectedVersion, o.conv.Version)
			}
			return fault.New(fault.Conflict, "the conversation changed (version %d, you saw %d): read the latest before replying", o.conv.Version, *expectedVersion).
				With("currentVersion", o.conv.Version)
		}
		if o.v.Role == enum.RoleClientUser && !o.isOwner(o.v.AgentID) {
			return fault.Denied("reply to conversations you do not own")
		}
		if err := o.needLock(); err != nil {
			return err
		}
		author := enum.AuthorBot
		if o.human() {
			author = enum.AuthorAgent
			if !o.humanOwned && o.ws.AutoClaimOnReply && o.mayAssign(false, "") == nil {
				if err := o.claim(false, true); err != nil {
					return err
				}
			}
		}
		var err error
		msg, err = o.tx.Message.Create().SetWorkspaceID(o.v.WorkspaceID).SetConversationID(o.conv.ID).SetAuthorKind(author).
			SetAuthorID(o.v.AgentID).SetAuthorName(o.v.Name).SetChannel(o.conv.Channel).SetText(text).Save(o.ctx)
		if err != nil {
			return fmt.Errorf("store message: %w", err)
		}
		o.changed = true
		o.upd.SetPreview(preview(text)).SetLastMessageAt(o.now)
		if err := o.d.search.Add(o.ctx, o.tx, o.upd, o.conv.ID, text); err != nil {
			return err
		}
		o.touch()
		o.emit(events.MessageSent, 0, nil, map[string]any{"message": msg.ID, "author": o.v.AgentID, "text": preview(text)})
		if o.human() && o.isOwner(o.v.AgentID) && o.humanOwned && (o.newOwner || o.conv.FirstReplyAt == nil) {
			// §8: the owner's first response since it got the conversation.
			since := o.now
			if !o.newOwner && o.conv.ClaimedAt != nil {
				since = *o.conv.ClaimedAt
			}
			o.upd.Mutation().ResetFirstReplyAt() // the claim in this operation cleared it
			o.upd.SetFirstReplyAt(o.now)
			o.emit(events.FirstResponse, o.v.AgentID, nil, map[string]any{"message": msg.ID})
			o.evs[len(o.evs)-1].Duration = max(o.now.Sub(since), time.Millisecond)
		}
		if o.human() {
			if err := timers.Cancel(o.ctx, o.tx, o.conv.ID, enum.TimerSLAFirstResponse); err != nil { // answered
				return err
			}
			return o.tx.Agent.Update().Where(agent.ID(o.v.AgentID)).SetLastActivityAt(o.now).Exec(o.ctx)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return msg.Unwrap(), nil
}

// AddNote adds an internal note (C12): any member of the workspace, no lock needed; customers
// never see notes.
func (d *Desk) AddNote(ctx context.Context, id int, text string) (*ent.Note, error) {
	text, err := sized("text", text, true, MaxNoteLen)
	if err != nil {
		return nil, err
	}
	var note *ent.Note
	_, err = d.run(ctx, id, nil, func(o *op) error {
		if !o.conv.IsOpen {
			return fault.New(fault.InvalidState, "the conversation is closed and read-only")
		}
		var err error
		if note, err = o.tx.Note.Create().SetWorkspaceID(o.v.WorkspaceID).SetConversationID(o.conv.ID).SetAuthorID(o.v.AgentID).
			SetText(text).Save(o.ctx); err != nil {
			return fmt.Errorf("store note: %w", err)
		}
		if err := o.d.search.Add(o.ctx, o.tx, o.upd, o.conv.ID, text); err != nil {
			return err
		}
		o.changed = true
		o.emit(events.NoteAdded, 0, nil, map[string]any{"note": note.ID})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return note.Unwrap(), nil
}

// Pend moves a NEW conversation to PENDING (waiting on the customer); Resolve closes the query
// (NEW or PENDING → RESOLVED). Both need the lock (L8) and release a human's lock (L6: the status
// changed). A bot's lock stays with its ownership (L7) while the conversation is lockable: a
// RESOLVED one is never locked (L1), so resolving releases a bot's lock too, and the bot gains it
// again when the customer reopens the conversation (ingest).
func (d *Desk) Pend(ctx context.Context, id int) (*ent.Conversation, error) {
	return d.setStatus(ctx, id, enum.StatusPending)
}

// Resolve: see Pend.
func (d *Desk) Resolve(ctx context.Context, id int) (*ent.Conversation, error) {
	return d.setStatus(ctx, id, enum.StatusResolved)
}

func (d *Desk) setStatus(ctx context.Context, id int, to enum.Status) (*ent.Conversation, error) {
	// run locks the viewer's row: needLock may give the viewer this lock (L2 with routing, which
	// also gives locks under the agent's row lock).
	return d.run(ctx, id, nil, func(o *op) error {
		if o.v.Role == enum.RoleClientUser && !o.isOwner(o.v.AgentID) {
			return fault.Denied("change conversations you do not own")
		}
		if err := o.needLock(); err != nil {
			return err
		}
		from := o.conv.Status
		if from == to {
			return fault.New(fault.InvalidState, "the conversation is already %s", to)
		}
		o.changed = true
		o.upd.SetStatus(to)
		typ := events.ConversationPended
		if to == enum.StatusResolved {
			typ = events.ConversationResolved
			o.upd.SetResolvedAt(o.now).SetStale(false) // no claim goes stale once resolved (C8)
		}
		o.touch()
		if o.holder != nil && (o.humanLock || to == enum.StatusResolved) {
			holder := *o.holder
			o.setLock(0, false)
			o.emit(events.LockReleased, holder, map[string]any{"holder": holder}, map[string]any{"holder": nil, "reason": "status changed"})
		}
		o.emit(typ, 0, map[string]any{"status": from}, map[string]any{"status": to})
		if to == enum.StatusResolved {
			return timers.Cancel(o.ctx, o.tx, o.conv.ID, customerTimers...) // nobody waits any more
		}
		return nil
	})
}

func messageText(text string) (string, error) {
	return sized("text", text, true, MaxMessageLen)
}

// sized trims text and checks its length: 1 (0 unless required) to max characters, else
// BAD_USER_INPUT saying how long it is, with the limit in extensions.maxLength for clients to show.
func sized(field, text string, required bool, max int) (string, error) {
	text = strings.TrimSpace(text)
	if text == "" && required {
		return "", fault.Invalid(field, "is empty: write 1 to %d characters", max).With("maxLength", max)
	}
	if n := utf8.RuneCountInString(text); n > max {
		return "", fault.Invalid(field, "is %d characters long; the limit is %d", n, max).With("maxLength", max)
	}
	return text, nil
}

// Ownership is C1's view of a conversation's owner for viewer v.
func Ownership(c *ent.Conversation, v *auth.Viewer) string {
	switch {
	case !c.HumanOwned || c.OwnerID == nil:
		return "UNCLAIMED"
	case v != nil && *c.OwnerID == v.AgentID:
		return "CLAIMED_BY_ME"
	}
	return "CLAIMED_BY_OTHER"
}

// CanReply is L4's viewerCanReply: the viewer holds the lock of a lockable conversation.
func CanReply(c *ent.Conversation, v *auth.Viewer) bool {
	return v != nil && c.LockHolderID != nil && *c.LockHolderID == v.AgentID && c.IsOpen &&
		(c.Status == enum.StatusNew || c.Status == enum.StatusPending)
}
