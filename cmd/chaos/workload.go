package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// registry is the conversations the agents know of: those the connector's messages went to.
type registry struct {
	mu     sync.RWMutex
	convs  []int64
	known  map[int64]bool
	closed map[int64]bool
}

func newRegistry() *registry {
	return &registry{known: map[int64]bool{}, closed: map[int64]bool{}}
}

func (r *registry) add(conv int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if conv == 0 || r.known[conv] {
		return
	}
	r.known[conv] = true
	r.convs = append(r.convs, conv)
}

// close forgets a CLOSED conversation (read-only for good; its customer's next message starts a
// new one), keeping a few so that operations on closed conversations are tried too.
func (r *registry) close(conv int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed[conv] {
		return
	}
	r.closed[conv] = true
	if len(r.closed)%4 != 0 {
		r.convs = slices.DeleteFunc(r.convs, func(c int64) bool { return c == conv })
	}
}

// pick chooses a conversation, most often one of a hot few so that agents collide.
func (r *registry) pick(rng *rand.Rand) int64 {
	r.mu.RLock()
	defer r.mu.RUnlock()
	n := len(r.convs)
	if n == 0 {
		return 0
	}
	if rng.IntN(10) < 6 {
		return r.convs[rng.IntN(min(n, 4))]
	}
	return r.convs[rng.IntN(n)]
}

func (r *registry) pickN(rng *rand.Rand, k int) []int64 {
	seen := map[int64]bool{}
	var out []int64
	for i := 0; i < 3*k && len(out) < k; i++ {
		if c := r.pick(rng); c != 0 && !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	return out
}

// workload runs the simulated agents and the channel connector.
type workload struct {
	api      *api
	cl       *Cluster
	setup    *Setup
	reg      *registry
	clock    clock
	deadline time.Time
	msgs     atomic.Int64
	runTag   string
	ops      atomic.Int64 // answered operations, for the progress line
}

// actor is one simulated agent (or the connector): its own session, one request at a time.
type actor struct {
	w     *workload
	p     Person
	home  int
	cur   int
	rng   *rand.Rand
	ops   []Op
	seen  map[int64]int64 // the last version seen per conversation
	mine  map[int64]bool  // conversations last seen owned by the actor
	moved time.Time       // when it last left its home instance
}

func (w *workload) newActor(p Person, home int, seed uint64) *actor {
	return &actor{w: w, p: p, home: home, cur: home, rng: rand.New(rand.NewPCG(seed, 7)),
		seen: map[int64]int64{}, mine: map[int64]bool{}}
}

// base is the instance the actor talks to: its home when it is up, else another that is.
func (a *actor) base() (string, int) {
	insts := a.w.cl.insts
	if a.cur != a.home && time.Since(a.moved) > 3*time.Second && insts[a.home].up.Load() {
		a.cur = a.home
	}
	if !insts[a.cur].up.Load() {
		for k := 1; k <= len(insts); k++ {
			if j := (a.cur + k) % len(insts); insts[j].up.Load() {
				a.cur, a.moved = j, time.Now()
				break
			}
		}
	}
	return insts[a.cur].url, a.cur
}

// failover moves to the next instance after a failed request.
func (a *actor) failover() {
	a.cur = (a.cur + 1) % len(a.w.cl.insts)
	a.moved = time.Now()
	time.Sleep(time.Duration(10+a.rng.IntN(40)) * time.Millisecond)
}

// exec sends one operation and records it; it returns the answer's data field r.
func (a *actor) exec(op Op, token, query string, vars map[string]any) (Op, json.RawMessage) {
	base, inst := a.base()
	op.Inst = int8(inst)
	op.Call = a.w.clock.now()
	ans := a.w.api.do(context.Background(), base, token, query, vars)
	op.Ret = a.w.clock.now()
	op.HTTP = int16(ans.status)
	op.Code = ans.codeOrStatus()
	op.Refused, op.Timeout = ans.refused, ans.timeout
	var data json.RawMessage
	switch {
	case ans.unknown():
		op.Res = resUnknown
		if ans.err != nil || ans.status >= 500 || ans.code == "UNAVAILABLE" {
			a.failover()
		}
	case ans.code != "":
		op.Res = resErr
	default:
		op.Res = resOK
		var d struct {
			R json.RawMessage `json:"r"`
		}
		if json.Unmarshal(ans.data, &d) == nil {
			data = d.R
		}
	}
	a.w.ops.Add(1)
	return op, data
}

// record keeps a conversation operation's answer.
func (a *actor) record(op Op, data json.RawMessage) {
	if op.Res == resOK && data != nil {
		var c convJSON
		if err := json.Unmarshal(data, &c); err == nil && c.ID != "" {
			op.Obs, _ = c.obs()
			a.saw(op.Conv, op.Obs)
		}
	}
	a.ops = append(a.ops, op)
}

func (a *actor) saw(conv int64, o *Obs) {
	a.seen[conv] = o.Version
	if o.Own == ownMe {
		a.mine[conv] = true
	} else {
		delete(a.mine, conv)
	}
	if !o.Open {
		a.w.reg.close(conv)
	}
}

var convMutations = map[OpKind]string{
	OpOpen:             `mutation($id:ID!){r:openConversation(id:$id){` + convFields + `}}`,
	OpClose:            `mutation($id:ID!){r:closeConversation(id:$id){` + convFields + `}}`,
	OpSteal:            `mutation($id:ID!){r:stealLock(id:$id){` + convFields + `}}`,
	OpClaim:            `mutation($id:ID!){r:claimConversation(id:$id){` + convFields + `}}`,
	OpRelease:          `mutation($id:ID!){r:releaseConversation(id:$id){` + convFields + `}}`,
	OpPend:             `mutation($id:ID!){r:pendConversation(id:$id){` + convFields + `}}`,
	OpResolve:          `mutation($id:ID!){r:resolveConversation(id:$id){` + convFields + `}}`,
	OpTakeOver:         `mutation($id:ID!){r:takeOverConversation(id:$id){` + convFields + `}}`,
	OpCancelTakeover:   `mutation($id:ID!){r:cancelTakeover(id:$id){` + convFields + `}}`,
	OpReturnToQueue:    `mutation($id:ID!){r:returnToQueue(id:$id){` + convFields + `}}`,
	OpCompleteTakeover: `mutation($id:ID!){r:completeTakeover(id:$id,input:{topic:"chaos",outcome:"handled",tags:["chaos"]}){` + convFields + `}}`,
	OpReassign:         `mutation($id:ID!,$a:ID!){r:reassignConversation(id:$id,agentId:$a,note:"over to you"){` + convFields + `}}`,
	OpTransferAgent:    `mutation($id:ID!,$a:ID!){r:transferConversation(id:$id,agentId:$a){` + convFields + `}}`,
	OpTransferTeam:     `mutation($id:ID!,$t:ID!){r:transferConversation(id:$id,teamId:$t){` + convFields + `}}`,
	OpRequestIntervention: `mutation($id:ID!){r:requestIntervention(id:$id,summary:"the customer asks for a human"){` +
		convFields + `}}`,
}

const (
	sendMutation     = `mutation($id:ID!,$t:String!,$v:Int){r:sendMessage(conversationId:$id,text:$t,expectedVersion:$v){id}}`
	bulkMutation     = `mutation($ids:[ID!]!){r:bulkClaimConversations(ids:$ids){conversationId error{code} conversation{` + convFields + `}}}`
	presenceMutation = `mutation($p:Presence!){r:setPresence(presence:$p){id}}`
	ingestMutation   = `mutation($in:IngestMessageInput!){r:ingestCustomerMessage(input:$in){` + convFields + ` customer{id}}}`
)

// humanMix is how often each operation is tried.
var humanMix = []struct {
	kind   OpKind
	weight int
}{
	{OpOpen, 16}, {OpClose, 6}, {OpSteal, 8}, {OpClaim, 12}, {OpRelease, 8}, {OpSend, 14}, {OpPend, 5},
	{OpResolve, 4}, {OpReassign, 4}, {OpTransferAgent, 2}, {OpTransferTeam, 1}, {OpBulkClaim, 3}, {OpTakeOver, 3},
	{OpCancelTakeover, 2}, {OpReturnToQueue, 2}, {OpCompleteTakeover, 2}, {OpPresence, 2},
}

var humanMixTotal = func() int {
	n := 0
	for _, m := range humanMix {
		n += m.weight
	}
	return n
}()

// ownsFirst are operations an agent mostly tries on what it owns.
var ownsFirst = map[OpKind]bool{OpRelease: true, OpPend: true, OpResolve: true, OpSend: true, OpCancelTakeover: true,
	OpReturnToQueue: true, OpCompleteTakeover: true, OpReassign: true, OpTransferAgent: true, OpTransferTeam: true}

// runHuman is one agent until the deadline.
func (a *actor) runHuman() {
	a.presence("ONLINE")
	for time.Now().Before(a.w.deadline) {
		r := a.rng.IntN(humanMixTotal)
		var kind OpKind
		for _, m := range humanMix {
			if r < m.weight {
				kind = m.kind
				break
			}
			r -= m.weight
		}
		a.human(kind)
	}
}

func (a *actor) pickConv(kind OpKind) int64 {
	if ownsFirst[kind] && len(a.mine) > 0 && a.rng.IntN(10) < 6 {
		mine := make([]int64, 0, len(a.mine))
		for c := range a.mine {
			mine = append(mine, c)
		}
		slices.Sort(mine)
		return mine[a.rng.IntN(len(mine))]
	}
	return a.w.reg.pick(a.rng)
}

func (a *actor) human(kind OpKind) {
	switch kind {
	case OpPresence:
		p := []string{"ONLINE", "ONLINE", "ONLINE", "AWAY", "AWAY", "OFFLINE"}[a.rng.IntN(6)]
		a.presence(p)
		return
	case OpBulkClaim:
		a.bulk()
		return
	}
	conv := a.pickConv(kind)
	if conv == 0 {
		time.Sleep(10 * time.Millisecond)
		return
	}
	op := Op{Kind: kind, Agent: a.p.ID, Sup: a.p.Sup, Conv: conv}
	vars := map[string]any{"id": fmt.Sprint(conv)}
	switch kind {
	case OpSend:
		a.send(op)
		return
	case OpReassign, OpTransferAgent:
		t := a.w.setup.humans[a.rng.IntN(len(a.w.setup.humans))].ID
		op.Target = t
		vars["a"] = fmt.Sprint(t)
	case OpTransferTeam:
		vars["t"] = fmt.Sprint(a.w.setup.team)
	}
	a.record(a.exec(op, a.p.Token, convMutations[kind], vars))
}

func (a *actor) presence(p string) {
	op, _ := a.exec(Op{Kind: OpPresence, Agent: a.p.ID, Sup: a.p.Sup}, a.p.Token, presenceMutation, map[string]any{"p": p})
	a.ops = append(a.ops, op)
}

// send replies with the version last seen (now and then an older one: CONFLICT, SPEC §9).
func (a *actor) send(op Op) {
	vars := map[string]any{"id": fmt.Sprint(op.Conv)}
	if v, ok := a.seen[op.Conv]; ok {
		if a.rng.IntN(10) == 0 && v > 1 {
			v--
		}
		op.Expect = v
		vars["v"] = v
	}
	op.Token = fmt.Sprintf("%s m%d", a.w.runTag, a.w.msgs.Add(1))
	vars["t"] = op.Token
	op, data := a.exec(op, a.p.Token, sendMutation, vars)
	if op.Res == resOK {
		var m struct{ ID string }
		if json.Unmarshal(data, &m) == nil {
			op.MsgID = atoi(m.ID)
		}
		delete(a.seen, op.Conv) // the version moved on; the next reply reads it first
	}
	a.ops = append(a.ops, op)
}

// bulk claims a few conversations at once (C5): one operation per conversation.
func (a *actor) bulk() {
	ids := a.w.reg.pickN(a.rng, 2+a.rng.IntN(3))
	if len(ids) == 0 {
		return
	}
	strs := make([]string, len(ids))
	for i, id := range ids {
		strs[i] = fmt.Sprint(id)
	}
	call, data := a.exec(Op{Kind: OpBulkClaim, Agent: a.p.ID, Sup: a.p.Sup}, a.p.Token, bulkMutation, map[string]any{"ids": strs})
	a.ops = append(a.ops, call)
	items := map[int64]Op{}
	for _, id := range ids {
		item := call
		item.Kind, item.Conv = OpBulkItem, id
		items[id] = item
	}
	if call.Res == resOK {
		var results []struct {
			ConversationID string
			Error          *struct{ Code string }
			Conversation   *convJSON
		}
		_ = json.Unmarshal(data, &results)
		for _, r := range results {
			id := atoi(r.ConversationID)
			item, ok := items[id]
			if !ok {
				continue
			}
			switch {
			case r.Error != nil:
				item.Code = r.Error.Code
				item.Res = resErr
				if item.Code == "INTERNAL_SERVER_ERROR" || item.Code == "UNAVAILABLE" {
					item.Res = resUnknown
				}
			case r.Conversation != nil:
				item.Obs, _ = r.Conversation.obs()
				a.saw(id, item.Obs)
			}
			items[id] = item
		}
	} else if call.Res == resErr {
		return // refused as a whole: nothing was claimed
	}
	for _, id := range ids {
		a.ops = append(a.ops, items[id])
	}
}

// customer is one of the connector's customers: chatty for a while, then silent for a while,
// so that inactivity timers run out (§6).
type customer struct {
	handle  string
	channel string
	quiet   bool
	until   time.Time
}

// runConnector is the channel connector and the bot: customers' messages (ingest) and the bot's
// requests for a human (I2), until the deadline.
func (a *actor) runConnector(custs []*customer) {
	for time.Now().Before(a.w.deadline) {
		now := time.Now()
		var chatty []*customer
		for _, c := range custs {
			if now.After(c.until) {
				c.quiet = !c.quiet
				if c.quiet {
					c.until = now.Add(time.Duration(20+a.rng.IntN(80)) * time.Second)
				} else {
					c.until = now.Add(time.Duration(5+a.rng.IntN(30)) * time.Second)
				}
			}
			if !c.quiet {
				chatty = append(chatty, c)
			}
		}
		switch {
		case a.rng.IntN(10) < 3:
			if conv := a.w.reg.pick(a.rng); conv != 0 {
				op := Op{Kind: OpRequestIntervention, Agent: a.p.ID, Conv: conv}
				a.record(a.exec(op, a.p.Token, convMutations[OpRequestIntervention], map[string]any{"id": fmt.Sprint(conv)}))
			}
		case len(chatty) > 0:
			a.ingest(chatty[a.rng.IntN(len(chatty))])
		}
		time.Sleep(time.Duration(10+a.rng.IntN(30)) * time.Millisecond)
	}
}

// ingest sends a customer's message; the answer names the conversation it went to.
func (a *actor) ingest(c *customer) {
	op := Op{Kind: OpIngest, Agent: a.p.ID, Token: fmt.Sprintf("%s m%d", a.w.runTag, a.w.msgs.Add(1))}
	op, data := a.exec(op, a.p.Token, ingestMutation, map[string]any{"in": map[string]any{
		"channel": c.channel, "customerHandle": c.handle, "customerName": c.handle, "text": op.Token}})
	if op.Res == resOK {
		var cj convJSON
		if json.Unmarshal(data, &cj) == nil {
			op.Obs, op.Conv = cj.obs()
			if cj.Customer != nil {
				op.Customer = atoi(cj.Customer.ID)
			}
			a.w.reg.add(op.Conv)
		}
	}
	a.ops = append(a.ops, op)
}
