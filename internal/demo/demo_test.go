package demo_test

import (
	"context"
	"testing"

	"switchboard/ent/conversation"
	"switchboard/ent/schema/enum"
	"switchboard/internal/demo"
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
