package attack

import (
	"fmt"
	"strconv"

	"switchboard/ent/event"
	"switchboard/internal/testapi"
)

// call is a valid call of a root field: who makes it and with what arguments.
type call struct {
	as   *testapi.Client
	vars map[string]any
}

// valid builds, for every mutation, a call that succeeds: the objects it needs, in A, in the state
// it needs them, and arguments without the marker (foreign callers send them too). A mutation of
// the schema missing here fails both matrices: add it.
var valid = map[string]func(w *world) call{
	"login": func(w *world) call {
		return call{w.s.Anonymous(), map[string]any{"email": w.xEmail, "password": testapi.Password}}
	},
	"logout":      func(w *world) call { return call{w.s.Login(w.xEmail, testapi.Password), nil} },
	"heartbeat":   func(w *world) call { return call{w.sa, nil} },
	"setPresence": func(w *world) call { return call{w.sa, map[string]any{"presence": "ONLINE"}} },
	"createApiKey": func(w *world) call {
		return call{w.sa, map[string]any{"agentId": w.payBot, "name": "integration key"}}
	},
	"revokeApiKey": func(w *world) call {
		id := w.sa.Do(`mutation($a:ID!){createApiKey(agentId:$a,name:"to revoke"){apiKey{id}}}`, testapi.Vars{"a": w.payBot}).
			OK(w.t).Str(w.t, "createApiKey.apiKey.id")
		return call{w.sa, map[string]any{"id": id}}
	},
	"createAgent": func(w *world) call {
		return call{w.sa, map[string]any{"input": map[string]any{
			"email": fmt.Sprintf("new%d@example.test", w.seq()), "name": "New agent", "password": testapi.Password,
			"role": "AGENT", "kind": "HUMAN", "skills": []any{"billing"}, "languages": []any{"en"},
			"channels": []any{map[string]any{"channel": "SMS", "capacity": 3}},
		}}}
	},
	"updateAgent": func(w *world) call {
		return call{w.sa, map[string]any{"id": w.upd.AgentID, "input": map[string]any{
			"name": "Updated agent", "email": w.updEmail, "password": testapi.Password, "role": "AGENT",
			"skills": []any{"billing"}, "languages": []any{"en"}, "channels": []any{map[string]any{"channel": "SMS", "capacity": 3}},
			"active": true, "teamIds": []any{w.team}, "poolIds": []any{w.pool},
		}}}
	},
	"createTeam": func(w *world) call {
		return call{w.sa, map[string]any{"input": map[string]any{"name": fmt.Sprintf("Team %d", w.seq()), "memberIds": []any{w.x.AgentID}}}}
	},
	"createPool": func(w *world) call {
		n := w.seq()
		return call{w.sa, map[string]any{"input": map[string]any{"name": fmt.Sprintf("Pool %d", n), "tag": fmt.Sprintf("tag%d", n),
			"memberIds": []any{w.x.AgentID}}}}
	},
	"updateWorkspaceSettings": func(w *world) call {
		return call{w.sa, map[string]any{"input": map[string]any{
			"name": "Renamed workspace", "autoClaimOnReply": true, "maxClaimsPerAgent": 1000, "bulkClaimCap": 50,
			"selfAssignment": "ALLOWED", "pauseBotOnClaim": true, "capacityCountsPending": false, "capacityCountsOnHold": false,
			"staleClaimAfterSeconds": 1800, "autoReleaseEnabled": false, "autoReleaseAfterSeconds": 7200,
			"lockGracePeriodSeconds": 60, "auditRetentionDays": 365, "wrapUpEnabled": false,
			"customerInactivitySeconds": 1800, "slaFirstResponseSeconds": 300,
		}}}
	},
	"ingestCustomerMessage": func(w *world) call {
		return call{w.connector, map[string]any{"input": map[string]any{
			"channel": "SMS", "customerHandle": fmt.Sprintf("handle-%d", w.seq()), "customerName": "Customer", "text": "hello",
		}}}
	},
	"endCustomerSession": func(w *world) call { return call{w.connector, map[string]any{"conversationId": w.fresh()}} },
	"mergeCustomers": func(w *world) call {
		return call{w.sa, map[string]any{"into": w.customer("FACEBOOK"), "from": w.customer("INSTAGRAM")}}
	},
	"openConversation":    func(w *world) call { return call{w.sa, map[string]any{"id": w.fresh()}} },
	"closeConversation":   func(w *world) call { return call{w.sa, map[string]any{"id": w.claimed()}} },
	"monitorConversation": func(w *world) call { return call{w.sa, map[string]any{"id": w.fresh()}} },
	"stealLock":           func(w *world) call { return call{w.sa, map[string]any{"id": w.fresh()}} },
	"claimConversation":   func(w *world) call { return call{w.sa, map[string]any{"id": w.fresh(), "force": false}} },
	"releaseConversation": func(w *world) call {
		return call{w.sa, map[string]any{"id": w.claimed()}}
	},
	"reassignConversation": func(w *world) call {
		return call{w.sa, map[string]any{"id": w.claimed(), "agentId": w.x.AgentID, "note": "over to you", "force": false}}
	},
	"bulkClaimConversations": func(w *world) call {
		return call{w.sa, map[string]any{"ids": []any{w.fresh(), w.fresh()}}}
	},
	"forceRelease": func(w *world) call { return call{w.sa, map[string]any{"id": w.claimed()}} },
	"sendMessage": func(w *world) call {
		c := w.claimed()
		return call{w.sa, map[string]any{"conversationId": c, "text": "hi there", "expectedVersion": w.version(c)}}
	},
	"addNote": func(w *world) call {
		return call{w.sa, map[string]any{"conversationId": w.claimed(), "text": "a note"}}
	},
	"pendConversation":    func(w *world) call { return call{w.sa, map[string]any{"id": w.claimed()}} },
	"resolveConversation": func(w *world) call { return call{w.sa, map[string]any{"id": w.claimed()}} },
	"requestIntervention": func(w *world) call {
		return call{w.sa, map[string]any{"id": w.fresh(), "summary": "needs a human"}}
	},
	"takeOverConversation": func(w *world) call { return call{w.sa, map[string]any{"id": w.fresh()}} },
	"cancelTakeover":       func(w *world) call { return call{w.sa, map[string]any{"id": w.takenOver()}} },
	"returnToQueue":        func(w *world) call { return call{w.sa, map[string]any{"id": w.takenOver()}} },
	"completeTakeover": func(w *world) call {
		return call{w.sa, map[string]any{"id": w.takenOver(), "input": map[string]any{
			"topic": "billing", "outcome": "solved", "tags": []any{"done"}, "block": "thanks"}}}
	},
	"delegateToBot": func(w *world) call {
		return call{w.sa, map[string]any{"id": w.claimed(), "botId": w.payBot}}
	},
	"handBackConversation": func(w *world) call { return call{w.pay, map[string]any{"id": w.delegated()}} },
	"holdConversation":     func(w *world) call { return call{w.sa, map[string]any{"id": w.claimed()}} },
	"resumeConversation": func(w *world) call {
		return call{w.sa, map[string]any{"id": w.onHold(), "force": false}}
	},
	"transferConversation": func(w *world) call {
		return call{w.sa, map[string]any{"id": w.claimed(), "agentId": w.x.AgentID, "note": "for you", "force": false}}
	},
	"joinConversation":  func(w *world) call { return call{w.sa, map[string]any{"id": w.fresh()}} },
	"leaveConversation": func(w *world) call { return call{w.sa, map[string]any{"id": w.joined()}} },
	// SPEC §12 outbound webhooks (no delivery worker runs here: nothing is sent).
	"createWebhook": func(w *world) call {
		return call{w.sa, map[string]any{"input": map[string]any{
			"url": "https://hooks.example.com/in", "eventTypes": []any{"conversation.claimed"}, "description": "crm"}}}
	},
	"updateWebhook": func(w *world) call {
		return call{w.sa, map[string]any{"id": w.webhook(), "input": map[string]any{
			"url": "https://hooks.example.com/in/2", "eventTypes": []any{"lock.stolen"}, "description": "crm",
			"active": true}}}
	},
	"createCannedResponse": func(w *world) call {
		return call{w.sa, map[string]any{"input": map[string]any{"shortcut": fmt.Sprintf("hi%d", w.seq()), "title": "Greeting", "text": "hello"}}}
	},
	"updateCannedResponse": func(w *world) call {
		return call{w.sa, map[string]any{"id": w.canned(), "input": map[string]any{"text": "changed"}}}
	},
	"deleteCannedResponse": func(w *world) call { return call{w.sa, map[string]any{"id": w.canned()}} },
	"markConversationRead": func(w *world) call { return call{w.sa, map[string]any{"id": w.fresh()}} },
	"deleteWebhook":        func(w *world) call { return call{w.sa, map[string]any{"id": w.webhook()}} },
	"rotateWebhookSecret":  func(w *world) call { return call{w.sa, map[string]any{"id": w.webhook()}} },
	"sendTestWebhookEvent": func(w *world) call { return call{w.sa, map[string]any{"id": w.webhook()}} },
	"redeliverWebhookEvent": func(w *world) call {
		return call{w.sa, map[string]any{"webhookId": w.webhook(), "eventId": w.event()}}
	},
}

// canned is a new personal canned response of A's super admin.
func (w *world) canned() string {
	w.t.Helper()
	return w.sa.Do(`mutation($s:String!){createCannedResponse(input:{shortcut:$s,title:"zqxmark",text:"zqxmark hi"}){id}}`,
		testapi.Vars{"s": fmt.Sprintf("c%d", w.seq())}).OK(w.t).Str(w.t, "createCannedResponse.id")
}

// webhook is a new webhook of A.
func (w *world) webhook() string {
	w.t.Helper()
	return w.sa.Do(`mutation($u:String!){createWebhook(input:{url:$u,description:"zqxmark"}){webhook{id}}}`,
		testapi.Vars{"u": fmt.Sprintf("https://hooks.example.com/%s/%d", marker, w.seq())}).OK(w.t).Str(w.t, "createWebhook.webhook.id")
}

// event is the id of one of A's numbered events (the log has no GraphQL listing).
func (w *world) event() string {
	w.t.Helper()
	w.sa.Do(`{eventCursor}`, nil).OK(w.t) // numbers what committed so far
	id, err := w.s.DB.Client.Event.Query().Where(event.WorkspaceID(w.a.Workspace.ID), event.SeqNotNil()).FirstID(testapi.Sys())
	if err != nil {
		w.t.Fatalf("an event of A: %v", err)
	}
	return strconv.Itoa(id)
}
