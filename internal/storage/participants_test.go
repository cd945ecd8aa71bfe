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
// upgrade: a customer's participant ends with its session, a session without one gets one, an
// agent is in a conversation once, nobody is in a CLOSED conversation. The rest is left alone.
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
	if n != 1 || len(got) != len(want)+1 {
		t.Errorf("the session the customer came back in has %d active participants; participants %v", n, got)
	}
}
