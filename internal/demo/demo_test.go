package demo_test

import (
	"context"
	"testing"

	"switchboard/ent/conversation"
	"switchboard/ent/schema/enum"
	"switchboard/internal/demo"
	"switchboard/internal/desk"
	"switchboard/internal/httpapi"
	"switchboard/internal/testapi"
	"switchboard/internal/testdb"
)

// SPEC §11 --demo: agents, bots, teams, pools and conversations in every state, with working
// logins; seeding twice changes nothing.
func TestSeed(t *testing.T) {
	db := testdb.Open(t)
	ctx := context.Background()
	created, err := demo.Seed(ctx, db)
	if err != nil || !created {
		t.Fatalf("seed: %v %v", created, err)
	}
	if again, err := demo.Seed(ctx, db); err != nil || again {
		t.Fatalf("second seed: %v %v", again, err)
	}
	sys := testapi.Sys()
	for _, st := range enum.StateCreated.Values() {
		if n := db.Client.Conversation.Query().Where(conversation.StateEQ(enum.State(st))).CountX(sys); n == 0 {
			t.Errorf("no demo conversation in state %s", st)
		}
	}
	for _, st := range enum.StatusNew.Values() {
		if n := db.Client.Conversation.Query().Where(conversation.StatusEQ(enum.Status(st))).CountX(sys); n == 0 {
			t.Errorf("no demo conversation with status %s", st)
		}
	}
	s := testapi.NewOn(t, db, httpapi.Config{})
	for _, l := range demo.Logins() {
		c := s.Login(l.Email, demo.Password)
		if got := c.Do(`{me{role}}`, nil).OK(t).Str(t, "me.role"); got != l.Role {
			t.Errorf("%s: role %s, want %s", l.Email, got, l.Role)
		}
	}
	ana := s.Login("ana@example.com", demo.Password)
	r := ana.Do(`{conversations(first:50){totalCount}}`, nil).OK(t)
	if n := r.Path(t, "conversations.totalCount").(float64); n < 10 {
		t.Fatalf("ana sees %v conversations", n)
	}
	// Two weeks of history: the supervisor dashboard (§8) has figures from the start.
	var perf struct {
		AgentPerformance []struct {
			Agent                   struct{ Name string }
			Claims, Resolved        int
			AvgFirstResponseSeconds *float64
		}
	}
	s.Login("sam@example.com", demo.Password).Do(`{agentPerformance(days:7){agent{name} claims resolved avgFirstResponseSeconds}}`, nil).OK(t).Decode(t, &perf)
	found := false
	for _, p := range perf.AgentPerformance {
		if p.Agent.Name == "Ana Alvarez" {
			found = true
			if p.Claims < 20 || p.Resolved < 10 || p.AvgFirstResponseSeconds == nil {
				t.Fatalf("demo history: %+v", p)
			}
		}
	}
	if !found {
		t.Fatal("Ana is not in agentPerformance")
	}
}

// §6: every demo conversation is in the state its participants say, and they are as the desk keeps
// them: the human owner in it, the customer exactly while a session lasts, one participant per
// session, nobody in a CLOSED conversation, housekeeping pending for a CLOSING one.
func TestSeedFollowsTheLifecycle(t *testing.T) {
	db := testdb.Open(t)
	ctx := context.Background()
	if _, err := demo.Seed(ctx, db); err != nil {
		t.Fatal(err)
	}
	sys := testapi.Sys()
	convs := db.Client.Conversation.Query().WithParticipants().WithChannelSessions().WithTimers().AllX(sys)
	for _, c := range convs {
		present, agents, had := false, false, false
		for _, s := range c.Edges.ChannelSessions {
			present = present || s.Active
		}
		owner := 0
		if c.HumanOwned && c.OwnerID != nil {
			owner = *c.OwnerID
		}
		ownerIn, perSession := false, map[int]int{}
		for _, p := range c.Edges.Participants {
			switch {
			case p.Kind == enum.ParticipantCustomer:
				perSession[*p.ChannelSessionID]++
				for _, s := range c.Edges.ChannelSessions {
					if s.ID == *p.ChannelSessionID && s.Active != p.Active {
						t.Errorf("conversation %d: session %d active %v, its participant %v", c.ID, s.ID, s.Active, p.Active)
					}
				}
			case p.Kind == enum.ParticipantAgent:
				had = true
				agents = agents || p.Active
				ownerIn = ownerIn || (p.Active && *p.AgentID == owner)
			}
			if p.Active && c.State == enum.StateClosed {
				t.Errorf("conversation %d is CLOSED with participant %d (%s) in it", c.ID, p.ID, p.Kind)
			}
		}
		for _, s := range c.Edges.ChannelSessions {
			if perSession[s.ID] != 1 {
				t.Errorf("conversation %d: session %d has %d participants", c.ID, s.ID, perSession[s.ID])
			}
		}
		if owner != 0 && !ownerIn {
			t.Errorf("conversation %d: its owner %d is not in it", c.ID, owner)
		}
		if present != c.CustomerPresent {
			t.Errorf("conversation %d: customerPresent %v with sessions active %v", c.ID, c.CustomerPresent, present)
		}
		// The demo shows both CUSTOMER_LEFT and WRAP_UP: the workspace's wrap-up setting decides the
		// next move, not the state a conversation entered.
		want := map[enum.State]bool{desk.Lifecycle(c.State, present, agents, had, false): true, desk.Lifecycle(c.State, present, agents, had, true): true}
		if !want[c.State] {
			t.Errorf("conversation %d is %s; §6 says %v (customer present %v, agents %v, ever %v)", c.ID, c.State, want, present, agents, had)
		}
		house := false
		for _, tm := range c.Edges.Timers {
			house = house || (tm.Kind == enum.TimerHousekeeping && tm.Status == enum.TimerPending)
		}
		if house != (c.State == enum.StateClosing) {
			t.Errorf("conversation %d is %s with housekeeping pending %v", c.ID, c.State, house)
		}
	}
}
