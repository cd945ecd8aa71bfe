package routing_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"switchboard/ent"
	"switchboard/ent/agent"
	"switchboard/ent/agentchannel"
	"switchboard/ent/conversation"
	"switchboard/ent/event"
	"switchboard/ent/schema/enum"
	"switchboard/internal/events"
	"switchboard/internal/httpapi"
	"switchboard/internal/testapi"
	"switchboard/internal/testdb"
)

// R2, R3, R5, C6 under real concurrency: conversations arrive while agents go ONLINE, AWAY and
// OFFLINE and resolve what they own; on Postgres two server instances route at once. A checker
// reads the database all along: no agent is ever above a capacity. At quiescence nothing waits
// while an eligible agent has room, and every assignment respected its requirements.
func TestRoutingUnderChurn(t *testing.T) {
	db := testdb.Open(t)
	s := testapi.NewOn(t, db, httpapi.Config{})
	s.Route(200 * time.Millisecond)
	f := fixtureOn(t, s, "acme")
	instances := []*testapi.Server{s}
	if db.RowLocks() { // Postgres: a second instance on the same database
		s2 := testapi.NewOn(t, db, httpapi.Config{})
		s2.Route(200 * time.Millisecond)
		instances = append(instances, s2)
	}
	f.WS.Admin.Do(`mutation{updateWorkspaceSettings(input:{maxClaimsPerAgent:4}){id}}`, nil).OK(t)
	skills := []string{"billing", "tech"}
	var agents []*testapi.Client
	for i := range 10 {
		caps := fmt.Sprintf("SMS:%d LIVE_CHAT:%d", 1+i%3, 1+(i+1)%2)
		a := f.Agent(fmt.Sprintf("Agent%02d", i), "AGENT", caps, map[string]any{"skills": skills[:i%3]})
		agents = append(agents, instances[i%len(instances)].As(a.Token))
		agents[i].AgentID = a.AgentID
	}
	var violations atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var once sync.Once
	halt := func() { once.Do(func() { close(stop); wg.Wait() }) }
	defer halt()
	// The checker.
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			case <-time.After(15 * time.Millisecond):
			}
			if v := capacityViolations(t, db.Client, f.WS.Workspace.ID, 4); v != "" {
				violations.Add(1)
				t.Errorf("capacity exceeded: %s", v)
			}
		}
	}()
	var work sync.WaitGroup
	// Arrivals, some requiring a skill.
	for g := range 4 {
		work.Add(1)
		go func() {
			defer work.Done()
			for i := range 15 {
				ch := []string{"SMS", "LIVE_CHAT"}[(g+i)%2]
				if i%4 == 0 {
					f.requiring(ch, "tech")
				} else {
					f.Arrive(ch)
				}
				time.Sleep(time.Duration(rand.IntN(20)) * time.Millisecond) // jitter to vary the interleavings: it waits for nothing
			}
		}()
	}
	// Agents: presence churn and resolving what they own.
	for _, a := range agents {
		work.Add(1)
		go func() {
			defer work.Done()
			for range 12 {
				switch rand.IntN(5) {
				case 0:
					presence(t, a, []string{"ONLINE", "AWAY", "OFFLINE"}[rand.IntN(3)])
				case 1: // a claim racing routing for the same slots (C6, R2 on every path)
					queued, _ := db.Client.Conversation.Query().Where(conversation.WorkspaceID(f.WS.Workspace.ID),
						conversation.OwnerIDIsNil(), conversation.IsOpen(true)).IDs(testapi.Sys())
					if len(queued) > 0 {
						a.Do(`mutation($id:ID!){claimConversation(id:$id){id}}`, id(fmt.Sprint(queued[rand.IntN(len(queued))])))
					}
				default:
					presence(t, a, "ONLINE")
					var n int
					fmt.Sscan(a.AgentID, &n)
					owned, _ := db.Client.Conversation.Query().Where(conversation.OwnerID(n), conversation.IsOpen(true),
						conversation.StatusEQ(enum.StatusNew)).IDs(testapi.Sys())
					if len(owned) > 0 {
						a.Do(resolve, id(fmt.Sprint(owned[rand.IntN(len(owned))])))
					}
				}
				time.Sleep(time.Duration(rand.IntN(30)) * time.Millisecond) // jitter, as above
			}
		}()
	}
	work.Wait()
	// Quiescence: everyone ONLINE; nothing may wait while an eligible agent has room.
	for _, a := range agents {
		presence(t, a, "ONLINE")
	}
	testapi.Eventually(t, 5*time.Second, "R5: no conversation waits while an eligible agent has room", func() bool {
		return idleWhileWaiting(t, db.Client, f.WS.Workspace.ID, 4) == ""
	})
	// Settled: every instance dispatches the queue once more, as its next sweep would, and is
	// waited for; nothing may change the verdicts after that.
	for _, in := range instances {
		if _, err := in.Router.Dispatch(testapi.Sys(), f.WS.Workspace.ID); err != nil {
			t.Fatal(err)
		}
	}
	halt()
	if v := idleWhileWaiting(t, db.Client, f.WS.Workspace.ID, 4); v != "" {
		t.Fatalf("R5: %s", v)
	}
	if v := capacityViolations(t, db.Client, f.WS.Workspace.ID, 4); v != "" {
		t.Fatalf("capacity exceeded at quiescence: %s", v)
	}
	// R3: every routed conversation that required tech went to an agent with tech (claims are the
	// agents' own choice: only pools bind them, C7).
	routed, _ := db.Client.Event.Query().Where(event.WorkspaceID(f.WS.Workspace.ID), event.Type(events.ConversationAssigned)).
		WithConversation().All(testapi.Sys())
	for _, e := range routed {
		a := db.Client.Agent.GetX(testapi.Sys(), *e.SubjectID)
		if slices.Contains(e.Edges.Conversation.RequiredSkills, "tech") && !slices.Contains(a.Skills, "tech") {
			t.Fatalf("R3: conversation %d requires tech; %s lacks it", e.Edges.Conversation.ID, a.Name)
		}
	}
	if violations.Load() != 0 {
		t.Fatalf("%d capacity violations", violations.Load())
	}
	assigned, _ := db.Client.Conversation.Query().Where(conversation.WorkspaceID(f.WS.Workspace.ID), conversation.HumanOwned(true)).Count(testapi.Sys())
	t.Logf("%d instances; %d conversations owned at the end", len(instances), assigned)
}

// loadsOf reads, in one pass, the human agents' loads and capacities from the database.
func loadsOf(t testing.TB, c *ent.Client, ws int) (map[int]int, map[[2]any]int, map[[2]any]int, []*ent.Agent) {
	convs, err := c.Conversation.Query().Where(conversation.WorkspaceID(ws), conversation.HumanOwned(true), conversation.IsOpen(true),
		conversation.StatusIn(enum.StatusNew, enum.StatusPending)).All(testapi.Sys())
	if err != nil {
		t.Error(err)
		return nil, nil, nil, nil
	}
	open, onCh := map[int]int{}, map[[2]any]int{}
	for _, cv := range convs {
		open[*cv.OwnerID]++
		if cv.Status == enum.StatusNew {
			onCh[[2]any{*cv.OwnerID, cv.Channel}]++
		}
	}
	chans := c.AgentChannel.Query().Where(agentchannel.HasAgentWith(agent.WorkspaceID(ws))).AllX(testapi.Sys())
	capacity := map[[2]any]int{}
	for _, ch := range chans {
		capacity[[2]any{ch.AgentID, ch.Channel}] = ch.Capacity
	}
	agents := c.Agent.Query().Where(agent.WorkspaceID(ws), agent.KindEQ(enum.KindHuman), agent.RoleEQ(enum.RoleAgent)).AllX(testapi.Sys())
	return open, onCh, capacity, agents
}

func capacityViolations(t testing.TB, c *ent.Client, ws, maxClaims int) string {
	open, onCh, capacity, _ := loadsOf(t, c, ws)
	for k, n := range onCh {
		if n > capacity[k] {
			return fmt.Sprintf("agent %v owns %d on %v, capacity %d", k[0], n, k[1], capacity[k])
		}
	}
	for a, n := range open {
		if n > maxClaims {
			return fmt.Sprintf("agent %d owns %d, maxClaimsPerAgent %d", a, n, maxClaims)
		}
	}
	return ""
}

// idleWhileWaiting names a queued conversation that an ONLINE agent could take, if any.
func idleWhileWaiting(t testing.TB, c *ent.Client, ws, maxClaims int) string {
	open, onCh, capacity, agents := loadsOf(t, c, ws)
	waiting := c.Conversation.Query().Where(conversation.WorkspaceID(ws), conversation.IsOpen(true), conversation.StatusEQ(enum.StatusNew),
		conversation.OwnerIDIsNil(), conversation.QueuedSinceNotNil()).AllX(testapi.Sys())
	for _, w := range waiting {
		for _, a := range agents {
			k := [2]any{a.ID, w.Channel}
			cp, ok := capacity[k]
			hasSkills := true
			for _, s := range w.RequiredSkills {
				hasSkills = hasSkills && slices.Contains(a.Skills, s)
			}
			if a.Presence == enum.PresenceOnline && ok && onCh[k] < cp && open[a.ID] < maxClaims && hasSkills {
				return fmt.Sprintf("conversation %d waits while %s has room", w.ID, a.Name)
			}
		}
	}
	return ""
}
