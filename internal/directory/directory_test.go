package directory_test

import (
	"testing"

	"switchboard/internal/testapi"
)

const createAgent = `mutation($in:CreateAgentInput!){createAgent(input:$in){id name role kind vaRole skills languages channels{channel capacity}}}`

func TestCreateAgent(t *testing.T) {
	s := testapi.New(t)
	ws := s.NewWorkspace("acme")
	r := ws.Admin.Do(createAgent, testapi.Vars{"in": map[string]any{
		"email": "Ana@Acme.test", "password": "secret-123", "name": " Ana ", "role": "AGENT",
		"skills": []string{"Billing", "billing", "tech"}, "languages": []string{"en", "ES"},
		"channels": []map[string]any{{"channel": "SMS", "capacity": 3}, {"channel": "LIVE_CHAT", "capacity": 2}},
	}}).OK(t)
	if got := r.Str(t, "createAgent.name"); got != "Ana" {
		t.Fatalf("name %q", got)
	}
	if got := r.Path(t, "createAgent.skills").([]any); len(got) != 2 {
		t.Fatalf("skills %v: want normalised and unique", got)
	}
	if got := r.Path(t, "createAgent.channels").([]any); len(got) != 2 {
		t.Fatalf("channels %v", got)
	}
	s.Login("ana@acme.test", "secret-123")

	// A bot has a vaRole and no credentials.
	bot := ws.Admin.Do(createAgent, testapi.Vars{"in": map[string]any{"name": "Payments", "kind": "VIRTUAL", "vaRole": "DELEGATION"}}).OK(t)
	if bot.Str(t, "createAgent.vaRole") != "DELEGATION" || bot.Str(t, "createAgent.kind") != "VIRTUAL" {
		t.Fatalf("bot: %s", bot.Raw)
	}
}

// Bad input is BAD_USER_INPUT (or CONFLICT for a duplicate) and writes nothing.
func TestCreateAgentRejectsBadInput(t *testing.T) {
	s := testapi.New(t)
	ws := s.NewWorkspace("acme")
	ws.NewAgent("taken@acme.test", "AGENT")
	before := countAgents(t, s)
	for name, tc := range map[string]struct {
		in   map[string]any
		code string
	}{
		"bad email":         {map[string]any{"email": "not-an-email", "password": "secret-123", "name": "x"}, "BAD_USER_INPUT"},
		"short password":    {map[string]any{"email": "a@acme.test", "password": "short", "name": "x"}, "BAD_USER_INPUT"},
		"no password":       {map[string]any{"email": "a@acme.test", "name": "x"}, "BAD_USER_INPUT"},
		"common password":   {map[string]any{"email": "a@acme.test", "password": "Password123", "name": "x"}, "BAD_USER_INPUT"},
		"repeated password": {map[string]any{"email": "a@acme.test", "password": "zzzzzzzzzz", "name": "x"}, "BAD_USER_INPUT"},
		"email as password": {map[string]any{"email": "ana.lopez@acme.test", "password": "Ana.Lopez", "name": "x"}, "BAD_USER_INPUT"},
		"7 characters":      {map[string]any{"email": "a@acme.test", "password": "ñ7chars", "name": "x"}, "BAD_USER_INPUT"},
		"empty name":        {map[string]any{"email": "a@acme.test", "password": "secret-123", "name": "   "}, "BAD_USER_INPUT"},
		"duplicate email":   {map[string]any{"email": "TAKEN@acme.test", "password": "secret-123", "name": "x"}, "CONFLICT"},
		"bot without role":  {map[string]any{"name": "b", "kind": "VIRTUAL"}, "BAD_USER_INPUT"},
		"bot with password": {map[string]any{"name": "b", "kind": "VIRTUAL", "vaRole": "INCEPTION", "email": "b@acme.test", "password": "secret-123"}, "BAD_USER_INPUT"},
		"human with vaRole": {map[string]any{"email": "a@acme.test", "password": "secret-123", "name": "x", "vaRole": "INCEPTION"}, "BAD_USER_INPUT"},
		"negative capacity": {map[string]any{"email": "a@acme.test", "password": "secret-123", "name": "x", "channels": []map[string]any{{"channel": "SMS", "capacity": -1}}}, "BAD_USER_INPUT"},
		"channel twice":     {map[string]any{"email": "a@acme.test", "password": "secret-123", "name": "x", "channels": []map[string]any{{"channel": "SMS", "capacity": 1}, {"channel": "SMS", "capacity": 2}}}, "BAD_USER_INPUT"},
		"unknown channel":   {map[string]any{"email": "a@acme.test", "password": "secret-123", "name": "x", "channels": []map[string]any{{"channel": "FAX", "capacity": 1}}}, "BAD_USER_INPUT"},
		"unknown role":      {map[string]any{"email": "a@acme.test", "password": "secret-123", "name": "x", "role": "KING"}, "BAD_USER_INPUT"},
	} {
		t.Run(name, func(t *testing.T) {
			ws.Admin.Do(createAgent, testapi.Vars{"in": tc.in}).WantCode(t, tc.code)
		})
	}
	if after := countAgents(t, s); after != before {
		t.Fatalf("rejected inputs wrote agents: %d → %d", before, after)
	}
}

// Every administration mutation is for admins; agents and supervisors get FORBIDDEN and nothing
// changes.
func TestAdministrationNeedsAdmin(t *testing.T) {
	s := testapi.New(t)
	ws := s.NewWorkspace("acme")
	for _, role := range []string{"AGENT", "SUPERVISOR", "CLIENT_USER"} {
		c := ws.NewAgent(role+"@acme.test", role)
		for name, q := range map[string]string{
			"createAgent": `mutation{createAgent(input:{email:"z@acme.test",password:"secret-123",name:"z"}){id}}`,
			"createTeam":  `mutation{createTeam(input:{name:"t"}){id}}`,
			"createPool":  `mutation{createPool(input:{name:"p",tag:"vip"}){id}}`,
			"settings":    `mutation{updateWorkspaceSettings(input:{maxClaimsPerAgent:5}){id}}`,
			"promote":     `mutation($id:ID!){updateAgent(id:$id,input:{role:ADMIN}){id}}`,
		} {
			c.Do(q, testapi.Vars{"id": c.AgentID}).WantCode(t, "FORBIDDEN")
			_ = name
		}
	}
	if n, _ := s.DB.Client.Team.Query().Count(testapi.Sys()); n != 0 {
		t.Fatal("a team was created by a non-admin")
	}
	if n, _ := s.DB.Client.Pool.Query().Count(testapi.Sys()); n != 0 {
		t.Fatal("a pool was created by a non-admin")
	}
	w := ws.Admin.Do(`{workspace{maxClaimsPerAgent}}`, nil).OK(t)
	if w.Path(t, "workspace.maxClaimsPerAgent").(float64) != 20 {
		t.Fatalf("settings changed: %s", w.Raw)
	}
	// An admin cannot create a SUPER_ADMIN or change one.
	admin := ws.NewAgent("second-admin@acme.test", "ADMIN")
	admin.Do(`mutation{createAgent(input:{email:"s@acme.test",password:"secret-123",name:"s",role:SUPER_ADMIN}){id}}`, nil).WantCode(t, "FORBIDDEN")
	admin.Do(`mutation($id:ID!){updateAgent(id:$id,input:{name:"hijacked"}){id}}`, testapi.Vars{"id": ws.Admin.AgentID}).WantCode(t, "FORBIDDEN")
}

func TestAgentsMayChangeOnlyTheirOwnNameAndPassword(t *testing.T) {
	s := testapi.New(t)
	ws := s.NewWorkspace("acme")
	ana := ws.NewAgent("ana@acme.test", "AGENT")
	ben := ws.NewAgent("ben@acme.test", "AGENT")
	ana.Do(`mutation($id:ID!){updateAgent(id:$id,input:{name:"Ana A.",password:"new-secret-1"}){name}}`, testapi.Vars{"id": ana.AgentID}).OK(t)
	s.Login("ana@acme.test", "new-secret-1")
	for _, weak := range []string{"qwerty123", "ANA@acme.test", "ana", "11111111"} { // SPEC §10: nothing easy to guess
		ana.Do(`mutation($id:ID!,$p:String!){updateAgent(id:$id,input:{password:$p}){name}}`, testapi.Vars{"id": ana.AgentID, "p": weak}).WantCode(t, "BAD_USER_INPUT")
	}
	s.Login("ana@acme.test", "new-secret-1")
	ana.Do(`mutation($id:ID!){updateAgent(id:$id,input:{skills:["vip"]}){name}}`, testapi.Vars{"id": ana.AgentID}).WantCode(t, "FORBIDDEN")
	ana.Do(`mutation($id:ID!){updateAgent(id:$id,input:{name:"x"}){name}}`, testapi.Vars{"id": ben.AgentID}).WantCode(t, "FORBIDDEN")
	// Admins cannot lock themselves out.
	ws.Admin.Do(`mutation($id:ID!){updateAgent(id:$id,input:{active:false}){id}}`, testapi.Vars{"id": ws.Admin.AgentID}).WantCode(t, "BAD_USER_INPUT")
}

func TestUpdateAgentReplacesChannels(t *testing.T) {
	s := testapi.New(t)
	ws := s.NewWorkspace("acme")
	ana := ws.NewAgent("ana@acme.test", "AGENT")
	q := `mutation($id:ID!,$in:UpdateAgentInput!){updateAgent(id:$id,input:$in){channels{channel capacity} skills}}`
	r := ws.Admin.Do(q, testapi.Vars{"id": ana.AgentID, "in": map[string]any{"channels": []map[string]any{{"channel": "EMAIL", "capacity": 5}}, "skills": []string{"vip"}}}).OK(t)
	if got := r.Path(t, "updateAgent.channels.0.capacity").(float64); got != 5 {
		t.Fatalf("capacity %v", got)
	}
	r = ws.Admin.Do(q, testapi.Vars{"id": ana.AgentID, "in": map[string]any{"name": "Ana"}}).OK(t)
	if got := r.Path(t, "updateAgent.channels").([]any); len(got) != 1 {
		t.Fatalf("channels not given, yet changed: %v", got)
	}
	ws.Admin.Do(q, testapi.Vars{"id": ana.AgentID, "in": map[string]any{"channels": []map[string]any{{"channel": "EMAIL", "capacity": 5000}}}}).WantCode(t, "BAD_USER_INPUT")
}

func TestTeamsPoolsAndSettings(t *testing.T) {
	s := testapi.New(t)
	ws := s.NewWorkspace("acme")
	ana := ws.NewAgent("ana@acme.test", "AGENT")
	ws.Admin.Do(`mutation($m:[ID!]){createTeam(input:{name:"Billing",memberIds:$m}){id name members{id}}}`, testapi.Vars{"m": []string{ana.AgentID, ana.AgentID}}).OK(t)
	ws.Admin.Do(`mutation{createTeam(input:{name:"Billing"}){id}}`, nil).WantCode(t, "CONFLICT")
	ws.Admin.Do(`mutation($m:[ID!]){createPool(input:{name:"Spanish",tag:" ES ",memberIds:$m}){tag}}`, testapi.Vars{"m": []string{ana.AgentID}}).OK(t)
	ws.Admin.Do(`mutation{createPool(input:{name:"Other",tag:"es"}){tag}}`, nil).WantCode(t, "CONFLICT")
	r := ana.Do(`{teams{name members{name}} pools{tag} me{teams{name} pools{tag}}}`, nil).OK(t)
	if r.Str(t, "pools.0.tag") != "es" || r.Str(t, "me.teams.0.name") != "Billing" {
		t.Fatalf("teams/pools: %s", r.Raw)
	}

	q := `mutation($in:UpdateWorkspaceInput!){updateWorkspaceSettings(input:$in){maxClaimsPerAgent selfAssignment autoClaimOnReply}}`
	r = ws.Admin.Do(q, testapi.Vars{"in": map[string]any{"maxClaimsPerAgent": 5, "selfAssignment": "ROUTING_ONLY", "autoClaimOnReply": false}}).OK(t)
	if r.Str(t, "updateWorkspaceSettings.selfAssignment") != "ROUTING_ONLY" {
		t.Fatalf("settings: %s", r.Raw)
	}
	ws.Admin.Do(q, testapi.Vars{"in": map[string]any{"maxClaimsPerAgent": 0}}).WantCode(t, "BAD_USER_INPUT")
	ws.Admin.Do(q, testapi.Vars{"in": map[string]any{"bulkClaimCap": 51}}).WantCode(t, "BAD_USER_INPUT")
	if got := ws.Admin.Do(`{workspace{maxClaimsPerAgent}}`, nil).OK(t).Path(t, "workspace.maxClaimsPerAgent").(float64); got != 5 {
		t.Fatalf("a rejected update changed the settings: %v", got)
	}
}

// Nothing crosses workspaces: another workspace's ids are NOT_FOUND, its rows invisible.
func TestWorkspaceIsolation(t *testing.T) {
	s := testapi.New(t)
	a := s.NewWorkspace("alpha")
	b := s.NewWorkspace("beta")
	anaA := a.NewAgent("ana@alpha.test", "AGENT")
	key := a.NewKey(a.NewBot("Connector", "DELEGATION"))
	conv := key.Do(`mutation{ingestCustomerMessage(input:{channel:SMS,customerHandle:"+1555",text:"hi"}){id customer{id}}}`, nil).OK(t)
	convID, custID := conv.Str(t, "ingestCustomerMessage.id"), conv.Str(t, "ingestCustomerMessage.customer.id")

	if n := b.Admin.Do(`{conversations{totalCount}}`, nil).OK(t).Path(t, "conversations.totalCount").(float64); n != 0 {
		t.Fatalf("beta sees %v of alpha's conversations", n)
	}
	if n := b.Admin.Do(`{agents{totalCount}}`, nil).OK(t).Path(t, "agents.totalCount").(float64); n != 2 {
		t.Fatalf("beta sees %v agents, want its own 2", n)
	}
	for _, id := range []string{convID, custID, anaA.AgentID, a.ID()} {
		b.Admin.Do(`query($id:ID!){node(id:$id){id}}`, testapi.Vars{"id": id}).WantCode(t, "NOT_FOUND")
	}
	r := b.Admin.Do(`query($ids:[ID!]!){nodes(ids:$ids){id}}`, testapi.Vars{"ids": []string{convID, b.Admin.AgentID}})
	if len(r.Errors) != 1 || r.Code() != "NOT_FOUND" {
		t.Fatalf("nodes across workspaces: %s", r.Raw)
	}
	b.Admin.Do(`mutation($a:ID!){createApiKey(agentId:$a,name:"steal"){key}}`, testapi.Vars{"a": anaA.AgentID}).WantCode(t, "NOT_FOUND")
	b.Admin.Do(`mutation($a:ID!){updateAgent(id:$a,input:{name:"pwned"}){id}}`, testapi.Vars{"a": anaA.AgentID}).WantCode(t, "NOT_FOUND")
	b.Admin.Do(`mutation($m:[ID!]){createTeam(input:{name:"t",memberIds:$m}){id}}`, testapi.Vars{"m": []string{anaA.AgentID}}).WantCode(t, "NOT_FOUND")
	if got := anaA.Do(`{me{name}}`, nil).OK(t).Str(t, "me.name"); got != "ana@alpha.test" {
		t.Fatalf("alpha's agent was changed from beta: %q", got)
	}
}

func countAgents(t *testing.T, s *testapi.Server) int {
	t.Helper()
	n, err := s.DB.Client.Agent.Query().Count(testapi.Sys())
	if err != nil {
		t.Fatal(err)
	}
	return n
}
