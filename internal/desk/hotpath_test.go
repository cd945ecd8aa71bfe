package desk_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"

	"switchboard/ent"
	"switchboard/ent/event"
	"switchboard/ent/participant"
	"switchboard/ent/schema/enum"
	"switchboard/internal/auth"
	"switchboard/internal/desk"
	"switchboard/internal/fault"
	"switchboard/internal/testapi"
	"switchboard/internal/testdb"
)

// twin is one side of a hot-path comparison: an agent, the conversation it acts on, another
// conversation it may hold the lock of, and another agent who may hold this one's (L2: one each).
type twin struct {
	agent           *testapi.Client
	agentID, holder int
	conv, other     int
}

// TestHotPathsMatch holds storage/hotpaths.sql to the ordinary way: each case is arranged twice,
// on twin agents and conversations; one twin is claimed or released through the hot path, the
// other the ordinary way, on one clock; both must end with the same answer (or error code), the
// same conversation rows, events, participants and agent row. Cases the hot path declines (C2
// conflict, C6/R2 caps, C7 pools, C10, C1 bots, I2) must come out the same too, which also proves
// that declining wrote nothing (L1–L6, C1–C7, C10, §6 lifecycle, §8 time-to-claim).
func TestHotPathsMatch(t *testing.T) {
	testdb.RequirePostgres(t)
	f := newFixture(t)
	third := f.agent("Third", "AGENT", 5)
	sys := testapi.Sys()
	db := f.s.DB.Client
	now := time.Now().UTC().Truncate(time.Millisecond)
	hot := desk.New(f.s.DB, nil).WithClock(func() time.Time { return now })
	slow := hot.WithoutHotPaths()
	set := func(c int) *ent.ConversationUpdateOne { return db.Conversation.UpdateOneID(c) }
	claimBy := func(d *desk.Desk, s twin) (*ent.Conversation, error) { return d.Claim(viewerCtx(f, s), s.conv, false) }
	releaseBy := func(d *desk.Desk, s twin) (*ent.Conversation, error) { return d.Release(viewerCtx(f, s), s.conv) }
	claimed := func(s twin) {
		if _, err := slow.Claim(viewerCtx(f, s), s.conv, false); err != nil {
			t.Fatal(err)
		}
	}

	cases := []struct {
		name    string
		arrange func(s twin)
		act     func(d *desk.Desk, s twin) (*ent.Conversation, error)
		code    string // the error both must give; "" for none
		hot     bool   // the hot path decides it (else it declines)
	}{
		{"claim a queued conversation", nil, claimBy, "", true},
		{"claim while holding another conversation's lock (L3)", func(s twin) {
			s.agent.Do(open, id(fmt.Sprint(s.other))).OK(t)
		}, claimBy, "", true},
		{"claim while holding this conversation's lock", func(s twin) {
			set(s.conv).SetLockHolderID(s.agentID).SetHumanLock(true).SetLockAcquiredAt(now.Add(-time.Minute)).
				SetLockExpiresAt(now.Add(time.Minute)).ExecX(sys)
		}, claimBy, "", true},
		{"claim after the customer left (§6 CUSTOMER_LEFT)", func(s twin) {
			set(s.conv).SetCustomerPresent(false).ExecX(sys)
		}, claimBy, "", true},
		{"claim on hold (§6)", func(s twin) { set(s.conv).SetState(enum.StateOnHold).ExecX(sys) }, claimBy, "", true},
		{"claim never queued (no time-to-claim)", func(s twin) { set(s.conv).ClearQueuedSince().ExecX(sys) }, claimBy, "", true},
		{"claim what another agent owns (C2)", func(s twin) {
			set(s.conv).SetOwnerID(atoi(t, third.AgentID)).SetHumanOwned(true).ExecX(sys)
		}, claimBy, "CONFLICT", false},
		{"claim what another agent is replying to (L4)", func(s twin) {
			set(s.conv).SetLockHolderID(s.holder).SetHumanLock(true).ExecX(sys)
		}, claimBy, "LOCKED", false},
		{"claim at capacity (R2)", func(s twin) {
			set(s.other).SetOwnerID(s.agentID).SetHumanOwned(true).ExecX(sys) // capacity 1 on SMS
		}, claimBy, "CAPACITY_EXCEEDED", false},
		{"claim a tagged conversation (C7)", func(s twin) { set(s.conv).SetTags([]string{"vip"}).ExecX(sys) }, claimBy, "", false},
		{"claim a bot's conversation (C1)", func(s twin) {
			bot := f.s.DB.Client.Agent.Query().Where(agentIsBot()).FirstIDX(sys)
			set(s.conv).SetOwnerID(bot).SetLockHolderID(bot).ExecX(sys)
		}, claimBy, "", false},
		{"claim a resolved conversation (L1)", func(s twin) { set(s.conv).SetStatus(enum.StatusResolved).ExecX(sys) }, claimBy, "INVALID_STATE", false},
		{"release with the lock", claimed, releaseBy, "", true},
		{"release after the lock was stolen", func(s twin) {
			claimed(s)
			set(s.conv).SetLockHolderID(s.holder).ExecX(sys)
		}, releaseBy, "", true},
		{"release on hold", func(s twin) { claimed(s); set(s.conv).SetState(enum.StateOnHold).ExecX(sys) }, releaseBy, "", true},
		{"release after the customer left (§6 CLOSING, a timer)", func(s twin) {
			claimed(s)
			set(s.conv).SetCustomerPresent(false).ExecX(sys)
		}, releaseBy, "", false},
		{"release what another agent owns", func(s twin) {
			set(s.conv).SetOwnerID(atoi(t, third.AgentID)).SetHumanOwned(true).ExecX(sys)
		}, releaseBy, "FORBIDDEN", false},
		{"release an unclaimed conversation", nil, releaseBy, "INVALID_STATE", false},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sides := [2]twin{}
			for j := range sides {
				a := f.agent(fmt.Sprintf("Twin%d%c", i, 'A'+j), "AGENT", 1)
				h := f.agent(fmt.Sprintf("Holder%d%c", i, 'A'+j), "AGENT", 1)
				sides[j] = twin{agent: a, agentID: atoi(t, a.AgentID), holder: atoi(t, h.AgentID),
					conv: atoi(t, f.queued("SMS")), other: atoi(t, f.queued("SMS"))}
				for _, c := range []int{sides[j].conv, sides[j].other} {
					set(c).SetQueuedSince(now.Add(-90 * time.Second)).ExecX(sys)
				}
				if tc.arrange != nil {
					tc.arrange(sides[j])
				}
			}
			var got [2]any
			var evs [2][]any
			for j, d := range []*desk.Desk{hot, slow} {
				mark, hits := db.Event.Query().Aggregate(ent.Max(event.FieldID)).IntX(sys), desk.HotDecided()
				c, err := tc.act(d, sides[j])
				if decided := desk.HotDecided() - hits; decided != 0 != (tc.hot && j == 0) {
					t.Fatalf("side %d: the hot path decided %d operations", j, decided)
				}
				code := ""
				if err != nil {
					fe, ok := fault.As(err)
					if !ok {
						t.Fatalf("side %d: %v", j, err)
					}
					code = string(fe.Code)
				}
				if code != tc.code {
					t.Fatalf("side %d: error %q, want %q (%v)", j, code, tc.code, err)
				}
				ids := map[int]string{sides[j].agentID: "agent", sides[j].holder: "holder", sides[j].conv: "conv", sides[j].other: "other"}
				for _, e := range db.Event.Query().Where(event.IDGT(mark)).Order(event.ByID()).AllX(sys) {
					e.ID, e.Seq, e.CreatedAt = 0, nil, time.Time{}
					evs[j] = append(evs[j], normalized(t, e, ids))
				}
				parts := db.Participant.Query().Where(participant.ConversationID(sides[j].conv), participant.KindEQ(enum.ParticipantAgent)).
					Order(participant.ByID()).AllX(sys)
				for _, p := range parts {
					p.ID, p.JoinedAt = 0, time.Time{}
				}
				row := db.Conversation.GetX(sys, sides[j].conv)
				ag := db.Agent.GetX(sys, sides[j].agentID)
				got[j] = map[string]any{"code": code, "answer": conv(t, c, ids), "row": conv(t, row, ids),
					"participants": normalized(t, parts, ids), "agent": []any{ag.LastAssignedAt, ag.LastActivityAt},
					"other": conv(t, db.Conversation.GetX(sys, sides[j].other), ids)}
			}
			if !reflect.DeepEqual(evs[0], evs[1]) {
				t.Errorf("events differ:\nhot  %v\nslow %v", evs[0], evs[1])
			}
			if !reflect.DeepEqual(got[0], got[1]) {
				t.Errorf("outcomes differ:\nhot  %v\nslow %v", got[0], got[1])
			}
		})
	}
}

// viewerCtx is the context of twin s's agent.
func viewerCtx(f *fixture, s twin) context.Context {
	return auth.WithViewer(context.Background(), &auth.Viewer{AgentID: s.agentID, WorkspaceID: f.ws.Workspace.ID,
		Role: enum.RoleAgent, Kind: enum.KindHuman})
}

// conv is c (nil allowed) without what differs between twins by construction.
func conv(t *testing.T, c *ent.Conversation, ids map[int]string) any {
	if c == nil {
		return nil
	}
	cp := *c
	cp.ID, cp.CustomerID, cp.CreatedAt, cp.UpdatedAt, cp.LastMessageAt, cp.LastCustomerMessageAt = 0, 0, time.Time{}, time.Time{}, time.Time{}, nil
	cp.Edges = ent.ConversationEdges{}
	return normalized(t, cp, ids)
}

// normalized is v as JSON values, times in UTC, with the twins' ids named by ids.
func normalized(t *testing.T, v any, ids map[int]string) any {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	var walk func(any) any
	walk = func(x any) any {
		switch x := x.(type) {
		case map[string]any:
			for k, v := range x {
				x[k] = walk(v)
			}
		case []any:
			for i, v := range x {
				x[i] = walk(v)
			}
		case float64:
			if name, ok := ids[int(x)]; ok {
				return name
			}
		case string:
			if tm, err := time.Parse(time.RFC3339Nano, x); err == nil {
				return tm.UTC().Format(time.RFC3339Nano)
			}
		}
		return x
	}
	return walk(out)
}
