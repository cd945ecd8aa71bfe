package storage_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"switchboard/ent/participant"
	"switchboard/ent/schema/enum"
	"switchboard/internal/testapi"
	"switchboard/internal/testdb"
)

// §6: the participants written before they followed who is in a conversation are repaired at the
// upgrade: a customer's participant ends with its session, a session without one gets one (ended
// or not), one that names another conversation's session goes, an agent is in a conversation
// once, nobody is in a CLOSED conversation (its sessions end too), a delegation bot is in the
// conversation it owns. The rest is left alone.
func TestParticipantsOfBeforeAreRepaired(t *testing.T) {
	db := testdb.Empty(t)
	ctx := context.Background()
	vs := versions(t, db)
	if vs[len(vs)-1] != "20261208000000" {
		t.Fatalf("the repair is no longer the last file (%s): migrate to the one before it by name", vs[len(vs)-1])
	}
	if err := db.MigrateTo(ctx, vs[len(vs)-2]); err != nil {
		t.Fatal(err)
	}
	c, sys := db.Client, testapi.Sys()
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	ws := c.Workspace.Create().SetName("w").SetSlug("w").SaveX(sys).ID
	root := c.Agent.Create().SetWorkspaceID(ws).SetName("Root").SetRole(enum.RoleSuperAdmin).SaveX(sys).ID
	ana := c.Agent.Create().SetWorkspaceID(ws).SetName("Ana").SaveX(sys).ID
	bot := c.Agent.Create().SetWorkspaceID(ws).SetName("Greeter").SetKind(enum.KindVirtual).SetVaRole(enum.VARoleInception).SaveX(sys).ID
	payments := c.Agent.Create().SetWorkspaceID(ws).SetName("Payments").SetKind(enum.KindVirtual).SetVaRole(enum.VARoleDelegation).SaveX(sys).ID
	cu := c.Customer.Create().SetWorkspaceID(ws).SetName("Grace").SaveX(sys).ID
	ident := c.CustomerIdentity.Create().SetWorkspaceID(ws).SetCustomerID(cu).SetChannel(enum.ChannelSMS).SetHandle("+1555").SaveX(sys).ID
	closed := c.Conversation.Create().SetWorkspaceID(ws).SetCustomerID(cu).SetChannel(enum.ChannelSMS).SetState(enum.StateClosed).
		SetIsOpen(false).SetClosedAt(t0.Add(time.Hour)).SaveX(sys).ID
	open := c.Conversation.Create().SetWorkspaceID(ws).SetCustomerID(cu).SetChannel(enum.ChannelSMS).SetState(enum.StateActive).
		SetOwnerID(root).SetHumanOwned(true).SaveX(sys).ID
	session := func(conv int, ended *time.Time) int {
		s := c.ChannelSession.Create().SetWorkspaceID(ws).SetConversationID(conv).SetIdentityID(ident).SetChannel(enum.ChannelSMS).SetStartedAt(t0)
		if ended != nil {
			s.SetActive(false).SetEndedAt(*ended)
		}
		return s.SaveX(sys).ID
	}
	part := func(conv int, kind enum.ParticipantKind, agentID, sessionID int) int {
		p := c.Participant.Create().SetWorkspaceID(ws).SetConversationID(conv).SetKind(kind).SetJoinedAt(t0)
		if agentID != 0 {
			p.SetAgentID(agentID)
		}
		if sessionID != 0 {
			p.SetChannelSessionID(sessionID)
		}
		return p.SaveX(sys).ID
	}
	left := t0.Add(30 * time.Minute)
	delegated := c.Conversation.Create().SetWorkspaceID(ws).SetCustomerID(cu).SetChannel(enum.ChannelWhatsApp).SetState(enum.StateCreated).
		SetOwnerID(payments).SetClaimedAt(t0).SaveX(sys).ID
	stillIn := session(closed, nil)                                // a CLOSED conversation's session never ended
	stray := part(delegated, enum.ParticipantCustomer, 0, stillIn) // names another conversation's session
	endedBare := c.ChannelSession.Create().SetWorkspaceID(ws).SetConversationID(delegated).SetIdentityID(ident).
		SetChannel(enum.ChannelWhatsApp).SetStartedAt(t0).SetActive(false).SaveX(sys).ID // ended, no time
	closedSession := session(closed, &left)
	closedCustomer := part(closed, enum.ParticipantCustomer, 0, closedSession) // still active: ended with its session
	closedBot := part(closed, enum.ParticipantBot, bot, 0)                     // still in a CLOSED conversation
	endedSession := session(open, &left)
	endedCustomer := part(open, enum.ParticipantCustomer, 0, endedSession)
	back := session(open, nil) // the customer came back: no participant
	rootIn := part(open, enum.ParticipantAgent, root, 0)
	rootAgain := part(open, enum.ParticipantAgent, root, 0) // routing's second row
	anaIn := part(open, enum.ParticipantAgent, ana, 0)
	openBot := part(open, enum.ParticipantBot, bot, 0)

	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	upToDate(t, db)
	got := map[int]string{}
	for _, p := range c.Participant.Query().AllX(sys) {
		w := fmt.Sprint(p.Active)
		if p.LeftAt != nil {
			w += " left " + p.LeftAt.UTC().Format(time.TimeOnly)
		}
		if p.ChannelSessionID != nil && *p.ChannelSessionID == back {
			w = "session back " + w
		}
		got[p.ID] = w
	}
	want := map[int]string{
		closedCustomer: "false left 10:30:00",
		closedBot:      "false left 11:00:00",
		endedCustomer:  "false left 10:30:00",
		rootIn:         "true",
		anaIn:          "true",
		openBot:        "true",
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("participant %d: %q, want %q", id, got[id], w)
		}
	}
	if _, ok := got[rootAgain]; ok {
		t.Errorf("Root's second row %d is still there", rootAgain)
	}
	n := c.Participant.Query().Where(participant.ChannelSessionID(back), participant.Active(true),
		participant.KindEQ(enum.ParticipantCustomer), participant.ConversationID(open)).CountX(sys)
	if _, ok := got[stray]; ok {
		t.Errorf("the participant naming another conversation's session %d is still there", stray)
	}
	if s := c.ChannelSession.GetX(sys, stillIn); s.Active || s.EndedAt == nil || !s.EndedAt.Equal(t0.Add(time.Hour)) {
		t.Errorf("the CLOSED conversation's session: active %v ended %v; want ended when it closed", s.Active, s.EndedAt)
	}
	for _, sid := range []int{stillIn, endedBare} {
		ps := c.Participant.Query().Where(participant.ChannelSessionID(sid)).AllX(sys)
		if len(ps) != 1 || ps[0].Active || ps[0].LeftAt == nil {
			t.Errorf("session %d's participants: %v; want one, ended with a time", sid, ps)
		}
	}
	bots := c.Participant.Query().Where(participant.ConversationID(delegated), participant.AgentID(payments), participant.Active(true)).CountX(sys)
	if n != 1 || bots != 1 || len(got) != len(want)+4 {
		t.Errorf("the session the customer came back in has %d active participants, the delegation bot %d; participants %v", n, bots, got)
	}
}
