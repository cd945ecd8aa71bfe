package attack

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"switchboard/ent/schema/enum"
	"switchboard/internal/testapi"
)

// requirement is who may call a root field, read from the resolvers and the services they call
// (auth.Require, auth.Member, and the desk's own checks of ownership and kind).
type requirement struct {
	public bool      // anyone, signed in or not
	role   enum.Role // the least role that may ("" = any member of the workspace)
	keys   bool      // API keys (integrations) pass whatever their agent's role
	humans bool      // bots never may
	// owner: only the target's owner (its human, or for botOwner the bot that owns it); every
	// other role is refused. The matrices' targets are owned by A's super admin (or payBot).
	owner, botOwner bool
}

var member = requirement{}

// minimal is the least a caller needs per root field (queries, mutations and subscriptions share
// one namespace here; none of their names collide). A field of the schema missing here fails the
// isolation matrix: add it.
var minimal = map[string]requirement{
	// Queries.
	"me": member, "node": member, "nodes": member, "agents": member, "conversations": member,
	"workspace": member, "teams": member, "pools": member, "eventCursor": member,
	"queueStats":       {role: enum.RoleSupervisor}, // §8
	"agentPerformance": {role: enum.RoleSupervisor}, // §8

	// Mutations.
	"login":  {public: true},
	"logout": member, "heartbeat": member, "setPresence": member,
	"openConversation": member, "closeConversation": member, // L3, L4: read-only for who may not lock
	"monitorConversation":     {role: enum.RoleSupervisor, humans: true}, // SPEC §12 viewers
	"addNote":                 member,                                    // C12
	"createApiKey":            {role: enum.RoleAdmin},
	"revokeApiKey":            {role: enum.RoleAdmin}, // a key of another agent
	"createAgent":             {role: enum.RoleAdmin},
	"updateAgent":             {role: enum.RoleAdmin}, // another agent (anyone may rename themselves)
	"createTeam":              {role: enum.RoleAdmin},
	"createPool":              {role: enum.RoleAdmin},
	"updateWorkspaceSettings": {role: enum.RoleAdmin},
	"ingestCustomerMessage":   {role: enum.RoleAdmin, keys: true}, // channel connectors
	"endCustomerSession":      {role: enum.RoleAdmin, keys: true},
	"mergeCustomers":          {role: enum.RoleSupervisor},          // §1: one person known as two customers
	"claimConversation":       {role: enum.RoleAgent, humans: true}, // C1, C10
	"bulkClaimConversations":  {role: enum.RoleAgent, humans: true}, // C5
	"stealLock":               {role: enum.RoleAgent, humans: true}, // L5
	"takeOverConversation":    {role: enum.RoleAgent, humans: true}, // I2
	"sendMessage":             {role: enum.RoleAgent},               // L8; CLIENT_USERs only what they own
	"pendConversation":        {role: enum.RoleAgent},
	"resolveConversation":     {role: enum.RoleAgent},
	"releaseConversation":     {owner: true},               // C4 (supervisors forceRelease)
	"reassignConversation":    {role: enum.RoleSupervisor}, // C4: or the owner
	"forceRelease":            {role: enum.RoleSupervisor}, // C8
	"requestIntervention":     {role: enum.RoleSupervisor}, // I2: or the owning bot
	"cancelTakeover":          {role: enum.RoleSupervisor}, // I3: or the agent who took over
	"returnToQueue":           {role: enum.RoleSupervisor}, // I3
	"completeTakeover":        {role: enum.RoleSupervisor}, // I4
	"delegateToBot":           {role: enum.RoleSupervisor}, // I6: or the owner
	"handBackConversation":    {botOwner: true},            // I6
	"holdConversation":        {role: enum.RoleSupervisor}, // §6: or the owner, or the lock holder
	"resumeConversation":      {role: enum.RoleSupervisor}, // §6
	"transferConversation":    {role: enum.RoleSupervisor}, // C11: or the owner
	"joinConversation":        {role: enum.RoleSuperAdmin}, // C11
	"leaveConversation":       {role: enum.RoleSuperAdmin}, // C11: one sa joined and does not own
	// SPEC §12 outbound webhooks: admins.
	"webhooks": {role: enum.RoleAdmin}, "webhook": {role: enum.RoleAdmin}, "createWebhook": {role: enum.RoleAdmin}, "updateWebhook": {role: enum.RoleAdmin},
	"deleteWebhook": {role: enum.RoleAdmin}, "rotateWebhookSecret": {role: enum.RoleAdmin},
	"redeliverWebhookEvent": {role: enum.RoleAdmin}, "sendTestWebhookEvent": {role: enum.RoleAdmin},

	// Subscriptions (E2).
	"lockChanged": member, "myQueue": member, "inbox": member, "conversationEvents": member, "notifications": member,
	"workspaceEvents": {role: enum.RoleSupervisor},

	// Issue 20's composer and search: any member; a personal canned response is its owner's only
	// (a shared one is for admins to change: TestCannedResponseRoles).
	"searchConversations": member, "limits": member, "cannedResponses": member, "cannedResponsePlaceholders": member,
	"createCannedResponse": member, "updateCannedResponse": {owner: true}, "deleteCannedResponse": {owner: true},
	"markConversationRead": member,
}

// queryArgs are the arguments of the queries that need some: A's objects.
var queryArgs = map[string]func(w *world) map[string]any{
	"node": func(w *world) map[string]any { return map[string]any{"id": w.seed} },
	"nodes": func(w *world) map[string]any {
		return map[string]any{"ids": []any{w.seed, w.x.AgentID, w.team, w.pool, w.payBot}}
	},
	"webhook":             func(w *world) map[string]any { return map[string]any{"id": w.webhook()} },
	"searchConversations": func(w *world) map[string]any { return map[string]any{"text": marker} },
}

// subscriptionArgs are the arguments of the subscriptions that need some: A's live conversation
// (and B's own, so that B's stream is not refused for naming only foreign ids).
var subscriptionArgs = map[string]func(w *world) map[string]any{
	"lockChanged":        func(w *world) map[string]any { return map[string]any{"conversationIds": []any{w.live, w.bConv}} },
	"conversationEvents": func(w *world) map[string]any { return map[string]any{"conversationId": w.live} },
}

// caller is someone the matrix sends a field as.
type caller struct {
	name    string
	foreign bool // outside A: must see nothing of it
	client  func() *testapi.Client
	// renew gives a fresh credential for fields that end the caller's own (logout).
	renew func() *testapi.Client
}

// below lists A's callers under the requirement: humans of each lower role, and A's connector
// key (a bot of role AGENT) where bots may not.
func (q requirement) below(w *world) []caller {
	if q.public {
		return nil
	}
	var out []caller
	for _, r := range []enum.Role{enum.RoleClientUser, enum.RoleAgent, enum.RoleSupervisor, enum.RoleAdmin} {
		if q.owner || q.botOwner || (q.role != "" && !r.AtLeast(q.role)) {
			c := w.roles[r]
			out = append(out, caller{name: "A " + string(r), client: func() *testapi.Client { return c }})
		}
	}
	if !q.keys && (q.humans || q.owner || q.botOwner || (q.role != "" && !enum.RoleAgent.AtLeast(q.role))) {
		out = append(out, caller{name: "A bot key", client: func() *testapi.Client { return w.connector }})
	}
	return out
}

// foreigners are the callers outside A: nobody, B's super admin, B's connector key.
func (w *world) foreigners() []caller {
	bAdmin := "admin@" + w.b.Slug + ".test"
	return []caller{
		{name: "anonymous", foreign: true, client: w.s.Anonymous, renew: w.s.Anonymous},
		{name: "B SUPER_ADMIN", foreign: true, client: func() *testapi.Client { return w.bAdmin },
			renew: func() *testapi.Client { return w.s.Login(bAdmin, testapi.Password) }},
		{name: "B bot key", foreign: true, client: func() *testapi.Client { return w.bConnector },
			renew: func() *testapi.Client { return w.b.NewKey(w.bIDs["Agent"]) }},
	}
}

// TestIsolation is matrix 2 (issue 18): every query, mutation and subscription against callers
// who must get nothing of workspace A: nobody, members of workspace B, and A's members (and bot)
// below the field's role (SPEC §10: every operation is authorised by role and confined to the
// caller's workspace). Foreign callers are refused or see nothing of A (neither its marker nor
// its ids) and change nothing of it; lower roles are refused and change nothing.
func TestIsolation(t *testing.T) {
	t.Parallel()
	start := time.Now()
	w := newWorld(t)
	m := &isolation{w: w, tabs: tables(t, w.s.DB.SQL)}
	for _, root := range []string{w.sc.Query, w.sc.Mutation, w.sc.Subscription} {
		for _, f := range w.sc.fields(root) {
			if _, ok := minimal[f.Name]; !ok {
				t.Errorf("%s.%s is not in minimal: add the least role that may call it (isolation_test.go)", root, f.Name)
			}
		}
	}
	for _, f := range w.sc.fields(w.sc.Query) {
		m.field(t, "query", f, func() (call, bool) {
			args := map[string]any{}
			if build, ok := queryArgs[f.Name]; ok {
				args = build(w)
			}
			return call{vars: args}, m.callable(t, f, args)
		})
	}
	for _, f := range w.sc.fields(w.sc.Mutation) {
		build, ok := valid[f.Name]
		if !ok {
			t.Errorf("mutation %s: the isolation matrix cannot call it: add it to valid (calls_test.go)", f.Name)
			continue
		}
		m.field(t, "mutation", f, func() (call, bool) { return build(w), true })
	}
	subs := m.subscriptions(t)
	t.Logf("isolation matrix: %d queries and mutations × callers = %d requests, %d subscriptions × callers = %d streams (%s)",
		m.fields, m.requests, subs.fields, subs.streams, time.Since(start).Round(time.Millisecond))
	fmt.Printf("isolation matrix: %d fields, %d (field, caller) pairs\n", m.fields+subs.fields, m.requests+subs.streams)
}

type isolation struct {
	w                *world
	tabs             []string
	fields, requests int
}

// callable reports whether args give every required argument of f; a field the matrix cannot
// call is a failure that names it.
func (m *isolation) callable(t *testing.T, f field, args map[string]any) bool {
	for _, a := range f.Args {
		if _, ok := args[a.Name]; a.required() && !ok {
			t.Errorf("%s: the isolation matrix cannot call it: give its argument %s in queryArgs or subscriptionArgs", f.Name, a.Name)
			return false
		}
	}
	return true
}

// field sends f as every foreign caller and every caller below its requirement.
func (m *isolation) field(t *testing.T, op string, f field, build func() (call, bool)) {
	req, ok := minimal[f.Name]
	if !ok {
		return
	}
	c, ok := build()
	if !ok {
		return
	}
	m.fields++
	w := m.w
	doc := w.sc.operation(op, f, allArgs(f), 2)
	for _, who := range append(w.foreigners(), req.below(w)...) {
		key := f.Name + " " + who.name
		if _, ok := knownGaps[key]; ok {
			t.Logf("known gap, skipped: %s: %s", key, knownGaps[key])
			continue
		}
		m.requests++
		vars := c.vars
		if f.Name == "login" { // public: with A's email but not its password
			vars = map[string]any{"email": w.xEmail, "password": "not-the-password"}
		}
		client := who.client()
		if f.Name == "logout" && who.renew != nil {
			client = who.renew()
		}
		aIDs := idsOf(t, w.s, m.tabs, w.a.Workspace.ID)
		of := &ofWorkspace{ws: strconv.Itoa(w.a.Workspace.ID), ids: map[string]bool{}}
		for _, id := range aIDs {
			of.ids[strconv.FormatInt(id, 10)] = true
		}
		before := takeDigest(t, w.s, m.tabs, of)
		r := send(client, doc, vars)
		after := takeDigest(t, w.s, m.tabs, of)
		for _, p := range answerProblems(r) {
			t.Errorf("%s: %s: %s", key, p, short(r.Raw))
		}
		refused := len(r.Errors) > 0
		if len(r.Errors) > 0 && before.diff(after) != "" {
			t.Errorf("%s: answered %s but wrote %s", key, r.Code(), before.diff(after))
		}
		if who.foreign {
			for _, l := range leaks(r.Raw, aIDs, sentIDs(vars, nil)) {
				t.Errorf("%s: the answer shows %s: %s", key, l, short(r.Raw))
			}
			namesA := false
			for id := range sentIDs(vars, nil) {
				namesA = namesA || slices.Contains(aIDs, atoi64(id))
			}
			for _, e := range r.Errors {
				// An error about A's object must not say more than that there is none; a request
				// that names nothing of A may be told what is wrong with it.
				if code, _ := e.Extensions["code"].(string); !refusals[code] && (namesA || code != "BAD_USER_INPUT") {
					t.Errorf("%s: answered %s, which tells something about A's object (want UNAUTHENTICATED, FORBIDDEN or NOT_FOUND): %s", key, code, short(r.Raw))
				}
			}
			if d := before.of.diff(*after.of); d != "" {
				t.Errorf("%s: changed workspace A: %s", key, d)
			}
		} else {
			codes := []string{}
			for _, e := range r.Errors {
				code, _ := e.Extensions["code"].(string)
				codes = append(codes, code)
			}
			if len(codes) == 0 { // results that report per item (bulk claims) refuse each one
				var data any
				_ = json.Unmarshal(r.Data, &data)
				codes = codesIn(data)
			}
			if len(codes) == 0 || slices.ContainsFunc(codes, func(c string) bool { return !refusals[c] }) {
				t.Errorf("%s: not refused (codes %v; want UNAUTHENTICATED, FORBIDDEN or NOT_FOUND): %s", key, codes, short(r.Raw))
			}
			if d := before.diff(after); d != "" && !refused {
				t.Errorf("%s: wrote %s", key, d)
			}
		}
		if !refused {
			c, _ = build() // it took: the next caller gets a fresh target
		}
	}
}

func atoi64(s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return -1
	}
	return n
}

// subscriptionCounts are the subscription part's matrix size.
type subscriptionCounts struct{ fields, streams int }

// subscriptions opens every subscription as every foreign caller (replaying from the start of the
// log, after "0", where it can) and as A's callers below its requirement, drives activity in A,
// and checks that no foreign stream got anything of A and every lower-role stream was refused.
func (m *isolation) subscriptions(t *testing.T) subscriptionCounts {
	w := m.w
	var n subscriptionCounts
	type opened struct {
		key     string
		foreign bool
		st      *stream
		vars    map[string]any
	}
	var all []opened
	token := func(c *testapi.Client) string { return c.Token }
	for _, f := range w.sc.fields(w.sc.Subscription) {
		req, ok := minimal[f.Name]
		if !ok {
			continue
		}
		args := map[string]any{}
		if build, ok := subscriptionArgs[f.Name]; ok {
			args = build(w)
		}
		for _, a := range f.Args {
			if a.Name == "after" && a.Type.named().Name == "String" {
				args["after"] = "0" // replay the whole log: none of A's events may come
			}
		}
		if !m.callable(t, f, args) {
			continue
		}
		n.fields++
		doc := w.sc.operation("subscription", f, args, 2)
		for _, who := range append(w.foreigners(), req.below(w)...) {
			key := f.Name + " " + who.name
			if _, ok := knownGaps[key]; ok {
				t.Logf("known gap, skipped: %s: %s", key, knownGaps[key])
				continue
			}
			n.streams++
			all = append(all, opened{key: key, foreign: who.foreign, st: openStream(t, w.s.URL, token(who.client()), doc, args), vars: args})
		}
	}
	// A control stream in A, and B's own inbox: both must see what happens in their workspace.
	control := openStream(t, w.s.URL, w.sa.Token, `subscription{workspaceEvents{type after}}`, nil)
	bInbox := openStream(t, w.s.URL, w.bAdmin.Token, `subscription{inbox{reason conversation{id preview}}}`, nil)
	for _, st := range []*stream{control, bInbox} {
		if !st.waitFor(`"connection_ack"`, 10*time.Second) {
			t.Fatalf("a control stream did not start: %s", st.all())
		}
	}
	w.activity()
	final := "final " + marker
	w.sa.Do(`mutation($c:ID!,$t:String!){sendMessage(conversationId:$c,text:$t){id}}`, testapi.Vars{"c": w.claimed(), "t": final}).OK(t)
	if !control.waitFor(final, 10*time.Second) {
		t.Fatalf("A's own stream did not see A's activity: %s", control.all())
	}
	w.bConnector.Do(`mutation{ingestCustomerMessage(input:{channel:SMS,customerHandle:"b-sentinel",text:"sentinel B"}){id}}`, nil).OK(t)
	if !bInbox.waitFor("sentinel B", 10*time.Second) {
		t.Fatalf("B's own stream did not see B's activity (so its silence about A would prove nothing): %s", bInbox.all())
	}
	// Not a wait for an event: what is checked below is that nothing comes, and no signal can
	// say that a frame will not. The signals above say the bus has handed on everything up to
	// them; this grace bounds how late a stream could still write a leaked frame it was handed
	// (the short window of issue 18).
	time.Sleep(300 * time.Millisecond)
	aIDs := idsOf(t, w.s, m.tabs, w.a.Workspace.ID)
	for _, o := range all {
		if o.foreign {
			for _, f := range o.st.events() {
				for _, l := range leaks(payload(f), aIDs, nil) {
					t.Errorf("%s: the stream shows %s: %s", o.key, l, short(f))
				}
			}
			for _, f := range append(o.st.of("error"), o.st.of("next")...) {
				for _, l := range leaks(payload(f), aIDs, sentIDs(o.vars, nil)) {
					t.Errorf("%s: an error shows %s: %s", o.key, l, short(f))
				}
			}
			for _, code := range o.st.errorCodes() {
				if !refusals[code] {
					t.Errorf("%s: answered %s (want UNAUTHENTICATED, FORBIDDEN or NOT_FOUND): %s", o.key, code, o.st.all())
				}
			}
			if strings.HasSuffix(o.key, " anonymous") && !o.st.refused() {
				t.Errorf("%s: an anonymous subscription was not refused: %s", o.key, o.st.all())
			}
			continue
		}
		if ev := o.st.events(); len(ev) > 0 || !o.st.refused() {
			t.Errorf("%s: not refused (%d events): %s", o.key, len(ev), o.st.all())
		}
	}
	return n
}

// activity is a bit of everything in A: arrivals, claims, locks, messages, notes, a steal, a
// reassignment with a note, a customer reply, a resolution, presence, an intervention.
func (w *world) activity() {
	t := w.t
	id := w.live
	do := func(c *testapi.Client, doc string, vars testapi.Vars) { c.Do(doc, vars).OK(t) }
	do(w.sa, `mutation($id:ID!){claimConversation(id:$id){id}}`, testapi.Vars{"id": id})
	do(w.sa, `mutation($id:ID!,$t:String!){sendMessage(conversationId:$id,text:$t){id}}`, testapi.Vars{"id": id, "t": marker + " live reply"})
	do(w.sa, `mutation($id:ID!,$t:String!){addNote(conversationId:$id,text:$t){id}}`, testapi.Vars{"id": id, "t": marker + " live note"})
	do(w.roles[enum.RoleAgent], `mutation($id:ID!){stealLock(id:$id){id}}`, testapi.Vars{"id": id})
	do(w.sa, `mutation($id:ID!,$a:ID!,$n:String){reassignConversation(id:$id,agentId:$a,note:$n){id}}`,
		testapi.Vars{"id": id, "a": w.x.AgentID, "n": marker + " handoff"})
	do(w.connector, `mutation($in:IngestMessageInput!){ingestCustomerMessage(input:$in){id}}`, testapi.Vars{"in": map[string]any{
		"channel": "SMS", "customerHandle": w.liveHandle(), "text": marker + " customer again"}})
	do(w.x, `mutation($id:ID!){stealLock(id:$id){id}}`, testapi.Vars{"id": id})
	do(w.x, `mutation($id:ID!){resolveConversation(id:$id){id}}`, testapi.Vars{"id": id})
	do(w.sa, `mutation{setPresence(presence:AWAY){id}}`, nil)
	do(w.sa, `mutation{setPresence(presence:ONLINE){id}}`, nil)
	do(w.sa, `mutation($id:ID!,$s:String!){requestIntervention(id:$id,summary:$s){id}}`, testapi.Vars{"id": w.fresh(), "s": marker + " help"})
}

// liveHandle is the customer handle of A's live conversation.
func (w *world) liveHandle() string {
	var out struct {
		Node struct {
			Customer struct{ Identities []struct{ Handle string } }
		}
	}
	w.sa.Do(`query($id:ID!){node(id:$id){... on Conversation{customer{identities{handle}}}}}`, testapi.Vars{"id": w.live}).OK(w.t).Decode(w.t, &out)
	if len(out.Node.Customer.Identities) == 0 {
		w.t.Fatalf("live conversation without a customer handle")
	}
	return out.Node.Customer.Identities[0].Handle
}
