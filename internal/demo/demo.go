// Package demo fills in a demo workspace for trying Switchboard out (`--demo`, SPEC §11): agents
// with skills and channel capacities, bots, teams, pools, and conversations in every state.
package demo

import (
	"context"
	"fmt"
	"time"

	"entgo.io/ent/dialect/sql"

	"switchboard/ent"
	"switchboard/ent/agent"
	"switchboard/ent/channelsession"
	"switchboard/ent/participant"
	"switchboard/ent/schema/enum"
	"switchboard/internal/auth"
	"switchboard/internal/canned"
	"switchboard/internal/desk"
	"switchboard/internal/directory"
	"switchboard/internal/events"
	"switchboard/internal/storage"
	"switchboard/internal/tenant"
	"switchboard/internal/timers"
)

// quiet is the demo's (absent) event bus: it seeds before anyone subscribes.
var quiet *events.Bus

// Password is every demo login's password.
const Password = "switchboard"

// Login is a demo account printed at start.
type Login struct{ Email, Name, Role string }

type person struct {
	email, name string
	role        enum.Role
	skills      []string
	languages   []string
	channels    []directory.ChannelCapacity
}

var people = []person{
	{"sam@example.com", "Sam Supervisor", enum.RoleSupervisor, nil, []string{"en"}, nil},
	{"ana@example.com", "Ana Alvarez", enum.RoleAgent, []string{"billing"}, []string{"en", "es"},
		[]directory.ChannelCapacity{{Channel: enum.ChannelSMS, Capacity: 3}, {Channel: enum.ChannelLiveChat, Capacity: 2}, {Channel: enum.ChannelWhatsApp, Capacity: 4}}},
	{"ben@example.com", "Ben Brooks", enum.RoleAgent, []string{"tech"}, []string{"en"},
		[]directory.ChannelCapacity{{Channel: enum.ChannelLiveChat, Capacity: 2}, {Channel: enum.ChannelFacebook, Capacity: 4}, {Channel: enum.ChannelEmail, Capacity: 5}}},
	{"cleo@example.com", "Cleo Chen", enum.RoleAgent, []string{"billing", "tech", "senior"}, []string{"en", "zh"},
		[]directory.ChannelCapacity{{Channel: enum.ChannelSMS, Capacity: 3}, {Channel: enum.ChannelLiveChat, Capacity: 2}, {Channel: enum.ChannelWhatsApp, Capacity: 4},
			{Channel: enum.ChannelFacebook, Capacity: 4}, {Channel: enum.ChannelInstagram, Capacity: 3}, {Channel: enum.ChannelEmail, Capacity: 5}}},
	{"casey@example.com", "Casey Client", enum.RoleClientUser, nil, nil, nil},
}

const adminEmail = "admin@example.com"

// Logins lists the demo accounts.
func Logins() []Login {
	out := []Login{{adminEmail, "Avery Admin", string(enum.RoleSuperAdmin)}}
	for _, p := range people {
		out = append(out, Login{p.email, p.name, string(p.role)})
	}
	return out
}

// conversations: who writes in, and where the demo leaves each conversation.
var conversations = []struct {
	channel     enum.Channel
	handle      string
	name        string
	text        string
	owner       string // email of the human owner, "" for the bot or nobody
	status      enum.Status
	state       enum.State
	tags        []string
	queued      bool
	intervene   string // an intervention summary
	lockByOwner bool
}{
	{enum.ChannelWhatsApp, "+34600111222", "Maria Garcia", "Hola, necesito ayuda con mi factura", "", enum.StatusNew, enum.StateCreated, []string{"es"}, false, "", false},
	{enum.ChannelSMS, "+15550100", "John Smith", "My card was charged twice this month", "ana@example.com", enum.StatusNew, enum.StateActive, []string{"billing"}, false, "", true},
	{enum.ChannelLiveChat, "chat-7f3a", "Priya Patel", "The app crashes when I upload a photo", "ben@example.com", enum.StatusPending, enum.StateActive, []string{"tech"}, false, "", false},
	{enum.ChannelFacebook, "fb-100234", "Liam O'Brien", "Thanks, that fixed it!", "ben@example.com", enum.StatusResolved, enum.StateActive, nil, false, "", false},
	{enum.ChannelEmail, "chen.wei@example.net", "Chen Wei", "Please send the contract for our enterprise plan", "cleo@example.com", enum.StatusNew, enum.StateOnHold, []string{"senior"}, false, "", true},
	{enum.ChannelInstagram, "ig-sofia.r", "Sofia Rossi", "I want a refund for order 4471", "", enum.StatusNew, enum.StateCreated, []string{"billing"}, true, "Customer asks for a refund of order 4471; outside the bot's policy.", false},
	{enum.ChannelWhatsApp, "+447700900123", "Noah Kim", "ok bye", "ana@example.com", enum.StatusPending, enum.StateCustomerLeft, nil, false, "", false},
	{enum.ChannelSMS, "+15550111", "Emma Jones", "That's all, thank you", "cleo@example.com", enum.StatusPending, enum.StateWrapUp, nil, false, "", false},
	{enum.ChannelLiveChat, "chat-91bc", "Lucas Silva", "Hello? Is anyone there?", "", enum.StatusNew, enum.StateInactive, nil, true, "", false},
	{enum.ChannelEmail, "olivia@example.org", "Olivia Brown", "Closing my account, thanks for the help", "", enum.StatusResolved, enum.StateClosing, nil, false, "", false},
	{enum.ChannelSMS, "+15550122", "Ethan Davis", "Got it, all good", "", enum.StatusResolved, enum.StateClosed, nil, false, "", false},
	{enum.ChannelWhatsApp, "+5511988887777", "Gabriel Souza", "Can I change my delivery address?", "", enum.StatusNew, enum.StateCreated, nil, true, "", false},
}

// formerOwner: who was in a conversation the demo places with no human in it any more (INACTIVE,
// CLOSING, CLOSED), by customer handle: §6 tells INACTIVE from CREATED by it.
var formerOwner = map[string]string{
	"chat-91bc":          "ana@example.com",
	"olivia@example.org": "ben@example.com",
	"+15550122":          "ana@example.com",
}

// placeParticipants makes who is in a placed conversation what its state says (§6): its human
// owner joined at, a former owner left at; the customer gone from CUSTOMER_LEFT on (its sessions
// ended at); nobody in a CLOSED one. Its timers follow: the customer's stop when the customer is
// gone or it is resolved, pause ON_HOLD; a CLOSING one has its housekeeping a few minutes ahead.
func placeParticipants(ctx context.Context, tx *ent.Tx, ws, conv int, state enum.State, status enum.Status, owner, former int, at, now time.Time) error {
	if owner != 0 {
		if err := tx.Participant.Create().SetWorkspaceID(ws).SetConversationID(conv).SetKind(enum.ParticipantAgent).
			SetAgentID(owner).SetJoinedAt(at).Exec(ctx); err != nil {
			return err
		}
	}
	if former != 0 {
		if err := tx.Participant.Create().SetWorkspaceID(ws).SetConversationID(conv).SetKind(enum.ParticipantAgent).
			SetAgentID(former).SetJoinedAt(at.Add(-5 * time.Minute)).SetActive(false).SetLeftAt(at).Exec(ctx); err != nil {
			return err
		}
		if err := tx.Conversation.UpdateOneID(conv).SetLastHumanOwnerID(former).Exec(ctx); err != nil {
			return err
		}
	}
	gone := state == enum.StateCustomerLeft || state == enum.StateWrapUp || state == enum.StateClosing || state == enum.StateClosed
	if gone {
		if err := tx.ChannelSession.Update().Where(channelsession.ConversationID(conv)).SetActive(false).SetEndedAt(at).Exec(ctx); err != nil {
			return err
		}
		if err := tx.Participant.Update().Where(participant.ConversationID(conv), participant.KindEQ(enum.ParticipantCustomer)).
			SetActive(false).SetLeftAt(at).Exec(ctx); err != nil {
			return err
		}
		if err := tx.Conversation.UpdateOneID(conv).SetCustomerPresent(false).Exec(ctx); err != nil {
			return err
		}
	}
	customer := []enum.TimerKind{enum.TimerCustomerInactivity, enum.TimerSLAFirstResponse}
	switch {
	case gone || status == enum.StatusResolved:
		if err := timers.Cancel(ctx, tx, conv, customer...); err != nil {
			return err
		}
	case state == enum.StateOnHold:
		if err := timers.Pause(ctx, tx, conv, now, customer...); err != nil {
			return err
		}
	}
	switch state {
	case enum.StateClosing:
		return timers.Schedule(ctx, tx, ws, conv, enum.TimerHousekeeping, now.Add(10*time.Minute), nil)
	case enum.StateClosed:
		return tx.Participant.Update().Where(participant.ConversationID(conv), participant.Active(true)).
			SetActive(false).SetLeftAt(at).Exec(ctx)
	}
	return nil
}

// Seed creates the demo workspace unless it exists. It reports whether it created it.
func Seed(ctx context.Context, db *storage.DB) (bool, error) {
	client := db.Client
	dir := directory.New(client, quiet)
	if _, err := dir.WorkspaceBySlug(ctx, "demo"); err == nil {
		return false, nil
	} else if !ent.IsNotFound(err) {
		return false, err
	}
	ws, err := dir.CreateWorkspace(ctx, "Acme Support (demo)", "demo", adminEmail, "Avery Admin", Password)
	if err != nil {
		return false, err
	}
	admin, err := client.Agent.Query().Where(agent.Email(adminEmail)).Only(tenant.System(ctx))
	if err != nil {
		return false, err
	}
	v := &auth.Viewer{AgentID: admin.ID, WorkspaceID: ws.ID, Name: admin.Name, Role: admin.Role, Kind: admin.Kind}
	actx := auth.WithViewer(ctx, v)

	ids := map[string]int{}
	for _, p := range people {
		email, pw, role := p.email, Password, p.role
		a, err := dir.CreateAgent(actx, directory.AgentInput{Email: &email, Password: &pw, Name: p.name, Role: &role,
			Skills: p.skills, Languages: p.languages, Channels: p.channels})
		if err != nil {
			return false, fmt.Errorf("demo agent %s: %w", email, err)
		}
		ids[email] = a.ID
	}
	virtual, delegation := enum.KindVirtual, enum.VARoleDelegation
	if _, err := dir.CreateAgent(actx, directory.AgentInput{Name: "Payments bot", Kind: &virtual, VARole: &delegation}); err != nil {
		return false, err
	}
	if _, err := dir.CreateTeam(actx, "Billing", []int{ids["ana@example.com"], ids["cleo@example.com"]}); err != nil {
		return false, err
	}
	if _, err := dir.CreateTeam(actx, "Technical", []int{ids["ben@example.com"], ids["cleo@example.com"]}); err != nil {
		return false, err
	}
	for _, p := range []struct {
		name, tag string
		members   []string
	}{
		{"Billing pool", "billing", []string{"ana@example.com", "cleo@example.com"}},
		{"Senior agents", "senior", []string{"cleo@example.com"}},
		{"Spanish speakers", "es", []string{"ana@example.com"}},
	} {
		var m []int
		for _, e := range p.members {
			m = append(m, ids[e])
		}
		if _, err := dir.CreatePool(actx, p.name, p.tag, m); err != nil {
			return false, err
		}
	}

	replies := canned.New(client)
	for _, r := range []struct{ shortcut, title, text string }{
		{"thanks", "Thanks for waiting", "Hi {{customer.firstName}}, thanks for waiting. I'm {{agent.firstName}} and I'll help you from here."},
		{"refund", "Refund on its way", "Your refund is on its way: it reaches your account in 3 to 5 working days."},
		{"hours", "Opening hours", "We're here Monday to Friday, 8:00 to 20:00, and Saturday 9:00 to 14:00."},
		{"bye", "Closing", "Is there anything else I can help with, {{customer.firstName}}? Have a good day!"},
	} {
		if _, err := replies.Create(actx, canned.Input{Shortcut: &r.shortcut, Title: &r.title, Text: &r.text, Shared: true}); err != nil {
			return false, fmt.Errorf("demo canned response: %w", err)
		}
	}

	d := desk.New(db, quiet)
	now := time.Now()
	for i, c := range conversations {
		name := c.name
		conv, err := d.Ingest(actx, desk.IngestInput{Channel: c.channel, CustomerHandle: c.handle, CustomerName: &name, Text: c.text})
		if err != nil {
			return false, fmt.Errorf("demo conversation %d: %w", i, err)
		}
		// Place it where the demo wants it, as the operations of later chapters would have.
		at := now.Add(-time.Duration(len(conversations)-i) * 7 * time.Minute)
		err = storage.InTx(actx, client, func(tx *ent.Tx) error {
			u := tx.Conversation.UpdateOneID(conv.ID).SetStatus(c.status).SetState(c.state).SetTags(append([]string{}, c.tags...)).
				SetLastMessageAt(at).SetLastCustomerMessageAt(at).AddVersion(1)
			// The customer and the message date from then too, so that every time shown agrees.
			q, args := sql.Dialect(db.Dialect).Update("messages").Set("created_at", at).Where(sql.EQ("conversation_id", conv.ID)).Query()
			if _, err := tx.ExecContext(actx, q, args...); err != nil {
				return err
			}
			q, args = sql.Dialect(db.Dialect).Update("customers").Set("created_at", at).Where(sql.EQ("id", conv.CustomerID)).Query()
			if _, err := tx.ExecContext(actx, q, args...); err != nil {
				return err
			}
			switch {
			case c.owner != "":
				u.SetOwnerID(ids[c.owner]).SetHumanOwned(true).SetLastHumanOwnerID(ids[c.owner]).SetClaimedAt(at).SetOwnerActiveAt(at).SetBotPaused(true).ClearQueuedSince()
				if c.lockByOwner {
					u.SetLockHolderID(ids[c.owner]).SetHumanLock(true).SetLockAcquiredAt(at)
				} else {
					u.ClearLockHolderID().SetHumanLock(false).ClearLockAcquiredAt()
				}
			case c.queued:
				u.ClearOwnerID().SetHumanOwned(false).ClearLockHolderID().SetHumanLock(false).ClearLockAcquiredAt().SetQueuedSince(at)
			}
			if c.status == enum.StatusResolved {
				u.SetResolvedAt(at).ClearLockHolderID().SetHumanLock(false).ClearLockAcquiredAt()
			}
			if c.state == enum.StateClosed {
				u.SetIsOpen(false).SetClosedAt(at)
			}
			if _, err := u.Save(actx); err != nil {
				return err
			}
			if err := placeParticipants(actx, tx, ws.ID, conv.ID, c.state, c.status, ids[c.owner], ids[formerOwner[c.handle]], at, now); err != nil {
				return err
			}
			if c.intervene != "" {
				if _, err := tx.Intervention.Create().SetWorkspaceID(ws.ID).SetConversationID(conv.ID).SetSummary(c.intervene).Save(actx); err != nil {
					return err
				}
			}
			return quiet.Append(actx, tx, events.Entry{WorkspaceID: ws.ID, Type: "demo.placed", ConversationID: conv.ID, ActorID: admin.ID,
				Version: conv.Version + 1, After: map[string]any{"status": c.status, "state": c.state, "owner": c.owner}})
		})
		if err != nil {
			return false, fmt.Errorf("demo conversation %d: %w", i, err)
		}
	}
	if err := history(actx, client, ws.ID, []int{ids["ana@example.com"], ids["ben@example.com"], ids["cleo@example.com"]}, now); err != nil {
		return false, fmt.Errorf("demo history: %w", err)
	}
	return true, nil
}

// history writes two weeks of the agents' past work into the event log (claims and routing
// assignments with their time-to-claim, first responses, resolutions, a few releases), as the
// desk would have, so that the supervisor dashboard (§8) has figures on a fresh demo. The
// conversations themselves are long archived: the events name none.
func history(ctx context.Context, client *ent.Client, ws int, agents []int, now time.Time) error {
	var batch []*ent.EventCreate
	add := func(typ string, at time.Time, actor, subject int, d time.Duration) {
		c := client.Event.Create().SetWorkspaceID(ws).SetType(typ).SetCreatedAt(at).SetActorID(actor)
		if subject != 0 {
			c.SetSubjectID(subject)
		}
		if d > 0 {
			c.SetDurationMs(d.Milliseconds())
		}
		batch = append(batch, c)
	}
	for day := 14; day >= 1; day-- {
		for i, a := range agents {
			for k := range 4 + (day+i)%4 { // 4 to 7 a day each
				n := day*31 + i*7 + k
				at := now.AddDate(0, 0, -day).Add(time.Duration(9+k) * time.Hour)
				typ := events.ConversationClaimed
				if n%3 == 0 {
					typ = events.ConversationAssigned
				}
				add(typ, at, a, a, time.Duration(20+n%240)*time.Second)
				add(events.FirstResponse, at.Add(time.Duration(30+n%150)*time.Second), a, a, time.Duration(30+n%150)*time.Second)
				if n%9 == 0 {
					add(events.ConversationReleased, at.Add(10*time.Minute), a, a, 0)
				} else {
					add(events.ConversationResolved, at.Add(15*time.Minute), a, 0, 0)
				}
			}
		}
	}
	return client.Event.CreateBulk(batch...).Exec(ctx)
}
