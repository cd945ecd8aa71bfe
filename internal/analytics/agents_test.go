package analytics_test

import (
	"testing"
	"time"

	"switchboard/ent/conversation"
	"switchboard/internal/testapi"
)

// §8 agentPerformance: claims with time-to-claim, first response after claim, released vs
// resolved, and the current load per channel; supervisors only; days or a range.
func TestAgentPerformance(t *testing.T) {
	s := testapi.New(t)
	f := testapi.NewFixture(t, s, "acme").WithoutInception()
	ws := f.WS
	ana := f.Agent("Ana", "AGENT", "SMS:3", nil)
	a, b := f.Arrive("SMS"), f.Arrive("SMS")
	// Both have waited a minute (written, not waited for): the two claims take 60 s each.
	s.DB.Client.Conversation.Update().Where(conversation.IDIn(atoi(a), atoi(b))).SetQueuedSince(time.Now().Add(-time.Minute)).ExecX(testapi.Sys())
	for _, c := range []string{a, b} {
		ana.Do(`mutation($id:ID!){claimConversation(id:$id){id}}`, testapi.Vars{"id": c}).OK(t)
	}
	// Ana got b half a minute ago: her first response in it takes 30 s.
	s.DB.Client.Conversation.UpdateOneID(atoi(b)).SetClaimedAt(time.Now().Add(-30 * time.Second)).ExecX(testapi.Sys())
	ana.Do(`mutation($id:ID!){sendMessage(conversationId:$id,text:"Hello"){id}}`, testapi.Vars{"id": b}).OK(t)
	ana.Do(`mutation($id:ID!){sendMessage(conversationId:$id,text:"Again"){id}}`, testapi.Vars{"id": b}).OK(t) // not a first response
	ana.Do(`mutation($id:ID!){resolveConversation(id:$id){id}}`, testapi.Vars{"id": b}).OK(t)
	ana.Do(`mutation($id:ID!){releaseConversation(id:$id){id}}`, testapi.Vars{"id": a}).OK(t)
	ana.Do(`mutation($id:ID!){claimConversation(id:$id){id}}`, testapi.Vars{"id": a}).OK(t)

	q := `query($d:Int){agentPerformance(days:$d){agent{id} claims avgTimeToClaimSeconds avgFirstResponseSeconds released resolved load{channel count capacity}}}`
	ana.Do(q, nil).WantCode(t, "FORBIDDEN")
	ws.Admin.Do(q, testapi.Vars{"d": 0}).WantCode(t, "BAD_USER_INPUT")
	var out struct {
		AgentPerformance []struct {
			Agent                   struct{ ID string }
			Claims                  int
			AvgTimeToClaimSeconds   *float64
			AvgFirstResponseSeconds *float64
			Released, Resolved      int
			Load                    []struct {
				Channel         string
				Count, Capacity int
			}
		}
	}
	zed := s.NewWorkspace("other").NewAgent("zed@other.test", "AGENT")
	ws.NewAgent("sue@acme.test", "SUPERVISOR").Do(q, testapi.Vars{"d": 30}).OK(t).Decode(t, &out)
	for _, p := range out.AgentPerformance {
		if p.Agent.ID == zed.AgentID {
			t.Fatal("another workspace's agent is listed")
		}
	}
	for _, p := range out.AgentPerformance {
		if p.Agent.ID != ana.AgentID {
			continue
		}
		// Time to claim: 60 s twice, and a moment for the claim again after the release.
		if p.Claims != 3 || p.Released != 1 || p.Resolved != 1 || p.AvgTimeToClaimSeconds == nil || *p.AvgTimeToClaimSeconds < 40 || *p.AvgTimeToClaimSeconds > 45 ||
			p.AvgFirstResponseSeconds == nil || *p.AvgFirstResponseSeconds < 30 || *p.AvgFirstResponseSeconds > 35 {
			t.Fatalf("§8: %+v", p)
		}
		if len(p.Load) != 1 || p.Load[0].Channel != "SMS" || p.Load[0].Count != 1 || p.Load[0].Capacity != 3 {
			t.Fatalf("load: %+v", p.Load)
		}
		return
	}
	t.Fatal("Ana is missing")
}

// Agent.load: any member sees a colleague's load per permitted channel (R1, R2) — whoever hands a
// conversation over picks someone with room; another workspace's agent stays out of reach.
func TestAgentLoad(t *testing.T) {
	s := testapi.New(t)
	ws := s.NewWorkspace("acme")
	conn := ws.NewKey(ws.NewBot("Connector", "DELEGATION"))
	ana := ws.NewAgent("ana@acme.test", "AGENT")
	bob := ws.NewAgent("bob@acme.test", "AGENT")
	ws.Admin.Do(`mutation($id:ID!){updateAgent(id:$id,input:{channels:[{channel:SMS,capacity:3},{channel:LIVE_CHAT,capacity:2}]}){id}}`, testapi.Vars{"id": ana.AgentID}).OK(t)
	c := conn.Do(`mutation{ingestCustomerMessage(input:{channel:SMS,customerHandle:"+15550001",text:"hi"}){id}}`, nil).OK(t).Str(t, "ingestCustomerMessage.id")
	ana.Do(`mutation($id:ID!){claimConversation(id:$id){id}}`, testapi.Vars{"id": c}).OK(t)

	q := `query($id:ID!){node(id:$id){... on Agent{load{channel count capacity}}}}`
	var out struct {
		Node *struct {
			Load []struct {
				Channel         string
				Count, Capacity int
			}
		}
	}
	bob.Do(q, testapi.Vars{"id": ana.AgentID}).OK(t).Decode(t, &out)
	if out.Node == nil || len(out.Node.Load) != 2 || out.Node.Load[0] != (struct {
		Channel         string
		Count, Capacity int
	}{"LIVE_CHAT", 0, 2}) || out.Node.Load[1].Channel != "SMS" || out.Node.Load[1].Count != 1 || out.Node.Load[1].Capacity != 3 {
		t.Fatalf("Ana's load seen by Bob: %+v", out.Node)
	}
	out.Node = nil
	ana.Do(q, testapi.Vars{"id": bob.AgentID}).OK(t).Decode(t, &out)
	if out.Node == nil || out.Node.Load == nil || len(out.Node.Load) != 0 {
		t.Fatalf("an agent without channels has an empty load, not %+v", out.Node)
	}
	zed := s.NewWorkspace("other").NewAgent("zed@other.test", "AGENT")
	zed.Do(q, testapi.Vars{"id": ana.AgentID}).WantCode(t, "NOT_FOUND")
}

// §8: a supervisor handing a queued conversation to an agent (reassign or transfer) gives the agent
// a conversation no human owned: it is the agent's claim, timed from when it entered the queue,
// like routing's. A handover between humans is not. Found by TestFiguresFollowTheirDefinitions.
func TestHandedFromTheQueueIsAClaim(t *testing.T) {
	s := testapi.New(t)
	f := testapi.NewFixture(t, s, "acme").WithoutInception()
	ana := f.Agent("Ana", "AGENT", "*:3", nil).Online()
	ben := f.Agent("Ben", "AGENT", "*:3", nil).Online()
	a, b := f.Arrive("SMS"), f.Arrive("EMAIL")
	s.DB.Client.Conversation.Update().Where(conversation.IDIn(atoi(a), atoi(b))).SetQueuedSince(time.Now().Add(-time.Minute)).ExecX(testapi.Sys())
	f.WS.Admin.Do(`mutation($id:ID!,$to:ID!){reassignConversation(id:$id,agentId:$to){id}}`, testapi.Vars{"id": a, "to": ana.AgentID}).OK(t)
	f.WS.Admin.Do(`mutation($id:ID!,$to:ID!){transferConversation(id:$id,agentId:$to){id}}`, testapi.Vars{"id": b, "to": ana.AgentID}).OK(t)
	ana.Do(`mutation($id:ID!,$to:ID!){reassignConversation(id:$id,agentId:$to){id}}`, testapi.Vars{"id": a, "to": ben.AgentID}).OK(t)

	var out struct {
		AgentPerformance []struct {
			Agent                 struct{ ID string }
			Claims                int
			AvgTimeToClaimSeconds *float64
		}
	}
	f.WS.Admin.Do(`{agentPerformance(days:1){agent{id} claims avgTimeToClaimSeconds}}`, nil).OK(t).Decode(t, &out)
	for _, p := range out.AgentPerformance {
		switch p.Agent.ID {
		case ana.AgentID:
			if p.Claims != 2 || p.AvgTimeToClaimSeconds == nil || *p.AvgTimeToClaimSeconds < 59 || *p.AvgTimeToClaimSeconds > 70 {
				t.Fatalf("Ana was handed two queued conversations after a minute each: %+v", p)
			}
		case ben.AgentID:
			if p.Claims != 0 {
				t.Fatalf("Ben got his from Ana, not from the queue: %+v", p)
			}
		}
	}
}
