package attack

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"switchboard/ent/schema/enum"
	"switchboard/internal/testapi"
)

// marker is in every name and text of workspace A (its slug too, so its admin's name and its
// workspace's name carry it): a response to anyone outside A that contains it leaks A.
const marker = "zqxmark"

// world is two workspaces on one server: A, with one object of every kind and a member of every
// role, and B, another tenant with objects of its own.
type world struct {
	t  testing.TB
	s  *testapi.Server
	sc *schema
	a  *testapi.Workspace
	b  *testapi.Workspace
	// sa is A's SUPER_ADMIN: the caller of the bad-input matrix (every role check passes, so the
	// bad value is what decides).
	sa *testapi.Client
	// roles are A's members below SUPER_ADMIN, by role.
	roles map[enum.Role]*testapi.Client
	// x is an ONLINE human AGENT of A with room on every channel: reassignments and transfers go
	// to it. upd is the agent updateAgent changes.
	x, upd             *testapi.Client
	xEmail, updEmail   string
	connector          *testapi.Client // API key of a DELEGATION bot: the channel connector
	payBot             string          // a DELEGATION bot conversations are delegated to
	pay                *testapi.Client // payBot's API key (hands conversations back)
	team, pool         string
	bAdmin, bConnector *testapi.Client
	// bIDs are B's objects by GraphQL type name: "another workspace's id".
	bIDs  map[string]string
	bConv string
	// seed is a conversation of A with a reply and a note; live is one the subscription part of
	// the isolation matrix drives activity on.
	seed, live string
	n          atomic.Int64
}

// channelsAll is a capacity on every channel, large enough for every conversation the matrices
// give one agent.
func channelsAll(capacity int) []map[string]any {
	var out []map[string]any
	for _, ch := range enum.ChannelSMS.Values() {
		out = append(out, map[string]any{"channel": ch, "capacity": capacity})
	}
	return out
}

func newWorld(t testing.TB) *world {
	s := testapi.New(t)
	w := &world{t: t, s: s, roles: map[enum.Role]*testapi.Client{}, bIDs: map[string]string{}}
	w.sc = introspect(t, s)
	w.a = s.NewWorkspace(marker + "-a")
	w.sa = w.a.Admin
	w.sa.Do(`mutation($in:UpdateWorkspaceInput!){updateWorkspaceSettings(input:$in){id}}`,
		testapi.Vars{"in": map[string]any{"maxClaimsPerAgent": 1000}}).OK(t)
	w.sa.Do(`mutation($id:ID!,$ch:[ChannelCapacityInput!]){updateAgent(id:$id,input:{channels:$ch}){id}}`,
		testapi.Vars{"id": w.sa.AgentID, "ch": channelsAll(1000)}).OK(t)
	w.sa.Do(`mutation{setPresence(presence:ONLINE){id}}`, nil).OK(t)

	w.x, w.xEmail = w.human(w.a, "x", enum.RoleAgent)
	w.upd, w.updEmail = w.human(w.a, "upd", enum.RoleAgent)
	for _, r := range []enum.Role{enum.RoleClientUser, enum.RoleAgent, enum.RoleSupervisor, enum.RoleAdmin} {
		w.roles[r], _ = w.human(w.a, "role-"+strings.ToLower(string(r)), r)
	}
	w.connector = w.a.NewKey(w.a.NewBot(marker+" connector", "DELEGATION"))
	w.payBot = w.a.NewBot(marker+" payments", "DELEGATION")
	w.pay = w.a.NewKey(w.payBot)
	w.team = w.sa.Do(`mutation($n:String!,$m:[ID!]){createTeam(input:{name:$n,memberIds:$m}){id}}`,
		testapi.Vars{"n": marker + " team", "m": []string{w.x.AgentID}}).OK(t).Str(t, "createTeam.id")
	w.pool = w.sa.Do(`mutation($n:String!,$m:[ID!]){createPool(input:{name:$n,tag:"vip",memberIds:$m}){id}}`,
		testapi.Vars{"n": marker + " pool", "m": []string{w.x.AgentID}}).OK(t).Str(t, "createPool.id")
	// Some of everything in A carrying the marker: a claimed conversation with a reply, a note, an
	// intervention; the rest come with each setup.
	c := w.claimed()
	w.seed, w.live = c, w.fresh()
	w.sa.Do(`mutation($c:ID!,$t:String!){addNote(conversationId:$c,text:$t){id}}`, testapi.Vars{"c": c, "t": marker + " note"}).OK(t)
	w.sa.Do(`mutation($c:ID!,$t:String!){sendMessage(conversationId:$c,text:$t){id}}`, testapi.Vars{"c": c, "t": marker + " reply"}).OK(t)
	w.sa.Do(`mutation($c:ID!,$t:String!){requestIntervention(id:$c,summary:$t){id}}`, testapi.Vars{"c": w.fresh(), "t": marker + " summary"}).OK(t)

	w.b = s.NewWorkspace("other-b")
	w.bAdmin = w.b.Admin
	bBot := w.b.NewBot("B connector", "DELEGATION")
	w.bConnector = w.b.NewKey(bBot)
	w.bConv = w.bConnector.Do(`mutation{ingestCustomerMessage(input:{channel:SMS,customerHandle:"b-1",customerName:"B customer",text:"hello B"}){id}}`, nil).
		OK(t).Str(t, "ingestCustomerMessage.id")
	w.bIDs["Conversation"] = w.bConv
	w.bIDs["Agent"] = bBot
	w.bIDs["Team"] = w.bAdmin.Do(`mutation{createTeam(input:{name:"B team"}){id}}`, nil).OK(t).Str(t, "createTeam.id")
	w.bIDs["Pool"] = w.bAdmin.Do(`mutation{createPool(input:{name:"B pool",tag:"vip"}){id}}`, nil).OK(t).Str(t, "createPool.id")
	w.bIDs["ApiKey"] = w.bAdmin.Do(`mutation($a:ID!){createApiKey(agentId:$a,name:"B key"){apiKey{id}}}`, testapi.Vars{"a": bBot}).
		OK(t).Str(t, "createApiKey.apiKey.id")
	w.bIDs["Workspace"] = w.b.ID()
	return w
}

// human creates a signed-in, ONLINE human of ws with role and room on every channel.
func (w *world) human(ws *testapi.Workspace, name string, role enum.Role) (*testapi.Client, string) {
	w.t.Helper()
	email := name + "@" + ws.Slug + ".test"
	ws.Admin.Do(`mutation($in:CreateAgentInput!){createAgent(input:$in){id}}`, testapi.Vars{"in": map[string]any{
		"email": email, "password": testapi.Password, "name": marker + " " + name, "role": role, "channels": channelsAll(1000)}}).OK(w.t)
	c := w.s.Login(email, testapi.Password)
	c.Do(`mutation{setPresence(presence:ONLINE){id}}`, nil).OK(w.t)
	return c, email
}

// seq is a number unique in the world, for names that must not repeat.
func (w *world) seq() int64 { return w.n.Add(1) }

// fresh is a new conversation of A: a customer's first message, owned and locked by the inception
// bot (I1).
func (w *world) fresh() string {
	w.t.Helper()
	return w.connector.Do(`mutation($in:IngestMessageInput!){ingestCustomerMessage(input:$in){id}}`, testapi.Vars{"in": map[string]any{
		"channel": "SMS", "customerHandle": fmt.Sprintf("%s-%d", marker, w.seq()), "customerName": marker + " customer",
		"text": "hello " + marker}}).OK(w.t).Str(w.t, "ingestCustomerMessage.id")
}

// customer ingests a message from a new handle on ch and returns its customer's id.
func (w *world) customer(ch string) string {
	w.t.Helper()
	return w.connector.Do(`mutation($in:IngestMessageInput!){ingestCustomerMessage(input:$in){customer{id}}}`, testapi.Vars{"in": map[string]any{
		"channel": ch, "customerHandle": fmt.Sprintf("%s-%d", marker, w.seq()), "customerName": marker + " customer",
		"text": "hello " + marker}}).OK(w.t).Str(w.t, "ingestCustomerMessage.customer.id")
}

// as runs a setup mutation that must succeed and returns the conversation's id.
func (w *world) as(c *testapi.Client, doc, id string, more testapi.Vars) string {
	w.t.Helper()
	vars := testapi.Vars{"id": id}
	for k, v := range more {
		vars[k] = v
	}
	c.Do(doc, vars).OK(w.t)
	return id
}

// claimed is a conversation of A that sa owns and holds the lock of.
func (w *world) claimed() string {
	return w.as(w.sa, `mutation($id:ID!){claimConversation(id:$id){id}}`, w.fresh(), nil)
}

// joined is a conversation x owns that sa joined (C11): sa is in it without owning it.
func (w *world) joined() string {
	id := w.as(w.x, `mutation($id:ID!){claimConversation(id:$id){id}}`, w.fresh(), nil)
	return w.as(w.sa, `mutation($id:ID!){joinConversation(id:$id){id}}`, id, nil)
}

// takenOver is a conversation sa took over from the bot (I2).
func (w *world) takenOver() string {
	return w.as(w.sa, `mutation($id:ID!){takeOverConversation(id:$id){id}}`, w.fresh(), nil)
}

// delegated is a conversation sa delegated to payBot (I6).
func (w *world) delegated() string {
	return w.as(w.sa, `mutation($id:ID!,$b:ID!){delegateToBot(id:$id,botId:$b){id}}`, w.claimed(), testapi.Vars{"b": w.payBot})
}

// onHold is a conversation sa owns, ON_HOLD (§6).
func (w *world) onHold() string {
	return w.as(w.sa, `mutation($id:ID!){holdConversation(id:$id){id}}`, w.claimed(), nil)
}

// version is a conversation's version now.
func (w *world) version(id string) int {
	var out struct{ Node struct{ Version int } }
	w.sa.Do(`query($id:ID!){node(id:$id){... on Conversation{version}}}`, testapi.Vars{"id": id}).OK(w.t).Decode(w.t, &out)
	return out.Node.Version
}

// typeOf is the GraphQL type of one of A's ids, as A's super admin sees it ("" when none).
func (w *world) typeOf(id string) string {
	var out struct {
		Node *struct {
			Typename string `json:"__typename"`
		}
	}
	r := w.sa.Do(`query($id:ID!){node(id:$id){__typename}}`, testapi.Vars{"id": id})
	if len(r.Errors) > 0 {
		return ""
	}
	r.Decode(w.t, &out)
	if out.Node == nil {
		return ""
	}
	return out.Node.Typename
}

// raw is a string sent as these exact bytes inside the JSON body (invalid UTF-8, unescaped
// control characters), which encoding/json would otherwise repair or escape.
type raw []byte

// send posts doc with vars as c, writing raw values byte for byte.
func send(c *testapi.Client, doc string, vars map[string]any) *testapi.Response {
	var raws [][]byte
	body, err := json.Marshal(map[string]any{"query": doc, "variables": substitute(vars, &raws)})
	if err != nil {
		panic(err) // the matrices only build encodable values
	}
	for i, r := range raws {
		body = bytes.Replace(body, []byte(fmt.Sprintf(`"\u0000raw%d\u0000"`, i)), append(append([]byte{'"'}, r...), '"'), 1)
	}
	return c.Post("/query", "application/json", body)
}

// substitute replaces raw values by placeholders that send swaps for their bytes.
func substitute(v any, raws *[][]byte) any {
	switch x := v.(type) {
	case raw:
		*raws = append(*raws, x)
		return fmt.Sprintf("\x00raw%d\x00", len(*raws)-1)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = substitute(e, raws)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = substitute(e, raws)
		}
		return out
	}
	return v
}

// allowedCodes are the extensions.code values an answer may carry: SPEC §9's, and the documented
// extras (internal/fault: CURSOR_EXPIRED for an `after` the retention purged; Apollo's
// PERSISTED_QUERY_NOT_FOUND, which only persisted queries get). UNAVAILABLE (an outage) and
// INTERNAL_SERVER_ERROR are never the right answer to a request.
var allowedCodes = map[string]bool{
	"UNAUTHENTICATED": true, "FORBIDDEN": true, "NOT_FOUND": true, "BAD_USER_INPUT": true, "CONFLICT": true,
	"LOCKED": true, "CAPACITY_EXCEEDED": true, "INVALID_STATE": true, "RATE_LIMITED": true,
	"CURSOR_EXPIRED": true, "PERSISTED_QUERY_NOT_FOUND": true,
}

// refusals are the codes that refuse a caller without saying anything about the target.
var refusals = map[string]bool{"UNAUTHENTICATED": true, "FORBIDDEN": true, "NOT_FOUND": true}

// answerProblems lists what is wrong with an answer whatever the request: a 5xx, an error without
// an allowed code, or an error code inside the data (bulk results) that is not allowed.
// entMessage is how ent's own errors read ("ent: validator failed for field …").
var entMessage = regexp.MustCompile(`\bent: |validator failed`)

func answerProblems(r *testapi.Response) []string {
	var out []string
	if r.Status >= http.StatusInternalServerError {
		out = append(out, fmt.Sprintf("HTTP %d", r.Status))
	}
	if len(r.Errors) == 0 && r.Data == nil {
		out = append(out, fmt.Sprintf("HTTP %d without data or errors", r.Status))
	}
	for _, e := range r.Errors {
		code, _ := e.Extensions["code"].(string)
		if !allowedCodes[code] {
			out = append(out, fmt.Sprintf("error code %q (%s)", code, e.Message))
		}
		if entMessage.MatchString(e.Message) {
			out = append(out, fmt.Sprintf("the database layer's message reached the client (%s): check the input where it is taken", e.Message))
		}
	}
	var data any
	_ = json.Unmarshal(r.Data, &data)
	for _, code := range codesIn(data) {
		if !allowedCodes[code] {
			out = append(out, fmt.Sprintf("error code %q inside the data", code))
		}
	}
	return out
}

// codesIn finds the values of "code" fields inside data (results that report several outcomes).
func codesIn(v any) []string {
	var out []string
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if s, ok := e.(string); ok && k == "code" {
				out = append(out, s)
			}
			out = append(out, codesIn(e)...)
		}
	case []any:
		for _, e := range x {
			out = append(out, codesIn(e)...)
		}
	}
	return out
}

// short abbreviates a response body for failure messages.
func short(b []byte) string {
	if len(b) > 600 {
		return string(b[:600]) + fmt.Sprintf("… (%d bytes)", len(b))
	}
	return string(b)
}
