package analytics_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"switchboard/ent"
	"switchboard/ent/conversation"
	"switchboard/ent/event"
	"switchboard/ent/schema/enum"
	"switchboard/internal/analytics"
	"switchboard/internal/auth"
	"switchboard/internal/desk"
	"switchboard/internal/events"
	"switchboard/internal/fault"
	"switchboard/internal/storage"
	"switchboard/internal/testapi"
	"switchboard/internal/testdb"
)

// §8 held to a reference of its definitions. Random histories are played through the desk's own
// operations (an injected clock; on Postgres the claims' and releases' hot path too) over three
// weeks: arrivals, customer messages that reopen, claims, bulk claims, releases, forced releases,
// reassignments and transfers (to agents and to a team), replies, pends, resolves, interventions
// requested, taken over, returned, cancelled and completed, delegations and hand-backs. After each operation the
// test reads every conversation's owner and status, and a reference written from SPEC §8 alone
// (not from the code under test) keeps what each agent did and when:
//   - a claim: a human came to own a conversation no human owned (claimed, taken over, given by
//     routing or by a supervisor, transferred to them; not a delegation bot handing it back to
//     the human who delegated it, I6); timed from when it entered the queue
//     when it was waiting there: its arrival without a bot, a release, a transfer to a team, an
//     intervention requested (a bot's conversation waits for a human only once the bot asks,
//     I1, I2), a reopen into the queue;
//   - a first response: the owner's first reply since it got the conversation, timed from then;
//   - released: the owner releasing its own conversation; resolved: whoever resolved it.
//
// Then, for random periods, every agent's figures and every channel's queue (depth, longest wait)
// must equal the reference's. The log stamps events with the wall clock (durations come from the
// desk's), so periods begin and end between two operations' wall times: they cut the history
// anywhere, but not across days (TestRollupGivesTheSameFigures holds the days to the log).
//
// FIGURES_CASES=<n> plays more worlds; FIGURES_SEED=<seed> FIGURES_CASES=1 replays one.
func TestFiguresFollowTheirDefinitions(t *testing.T) {
	db := testdb.Open(t)
	cases, seed := 6, time.Now().UnixNano()
	if n, err := strconv.Atoi(os.Getenv("FIGURES_CASES")); err == nil {
		cases = n
	}
	if s, err := strconv.ParseInt(os.Getenv("FIGURES_SEED"), 10, 64); err == nil {
		seed = s
	}
	mix := map[string]int{}
	for i := range cases {
		w := newFigWorld(t, db, seed+int64(i), i)
		w.mix = mix
		w.play(160 + w.r.IntN(80))
		w.compare()
	}
	if testing.Verbose() {
		t.Logf("answers per operation: %v", mix)
	}
}

// figItem is one thing §8 counts for an agent at a time.
type figItem struct {
	agent int
	kind  string // claim, first, released, resolved
	op    int    // the operation that did it (see figWorld.bounds)
	ms    int64  // -1: untimed
}

// figConv is what the reference knows of a conversation.
type figConv struct {
	owner                 int
	human, open           bool
	status                enum.Status
	waiting               bool // in the queue unowned, since waitStart
	waitStart, ownedSince time.Time
	replied               bool // its owner replied since it got it
}

type figWorld struct {
	t                   *testing.T
	db                  *storage.DB
	seed                int64
	r                   *rand.Rand
	now, start          time.Time
	d                   *desk.Desk
	ws                  int
	humans, supervisors []int
	connector, greeter  int
	payments, team      int
	names               map[int]string
	customers           []string
	convs               map[int]*figConv
	items               []figItem
	log                 []string
	// bounds[k] is a wall time between operation k's commit and operation k+1's start: the
	// log's events of operations 0…k are before it, the later ones after.
	bounds    []time.Time
	wallAfter time.Time
	mix       map[string]int // answers per operation kind
}

func newFigWorld(t *testing.T, db *storage.DB, seed int64, n int) *figWorld {
	w := &figWorld{t: t, db: db, seed: seed, r: rand.New(rand.NewPCG(uint64(seed), 8)), names: map[int]string{}, convs: map[int]*figConv{}}
	// Three weeks ending a day before now (whole milliseconds: the log keeps microseconds, the
	// figures milliseconds).
	w.start = time.Now().Add(-22 * 24 * time.Hour).Add(time.Duration(w.r.Int64N(int64(time.Hour)))).Truncate(time.Millisecond)
	w.now = w.start
	w.d = desk.New(db, nil).WithClock(func() time.Time { return w.now })
	sys := testapi.Sys()
	c := db.Client
	ws := c.Workspace.Create().SetName("Figures").SetSlug(fmt.Sprintf("figures-%d-%d", seed, n)).
		SetAutoClaimOnReply(w.r.IntN(2) == 0).SetPauseBotOnClaim(w.r.IntN(2) == 0).SetMaxClaimsPerAgent(50).
		SetCapacityCountsPending(w.r.IntN(2) == 0).SaveX(sys)
	w.ws = ws.ID
	add := func(name string, role enum.Role, kind enum.AgentKind, va *enum.VARole) int {
		a := c.Agent.Create().SetWorkspaceID(w.ws).SetName(name).SetRole(role).SetKind(kind).SetNillableVaRole(va).
			SetPresence(enum.PresenceOnline).SaveX(sys)
		if kind == enum.KindHuman {
			for _, ch := range []enum.Channel{enum.ChannelSMS, enum.ChannelLiveChat, enum.ChannelEmail} {
				c.AgentChannel.Create().SetWorkspaceID(w.ws).SetAgentID(a.ID).SetChannel(ch).SetCapacity(40).ExecX(sys)
			}
		}
		w.names[a.ID] = name
		return a.ID
	}
	inception, delegation := enum.VARoleInception, enum.VARoleDelegation
	if w.r.IntN(4) > 0 { // else new conversations wait unowned
		w.greeter = add("Greeter", enum.RoleAgent, enum.KindVirtual, &inception)
	}
	w.connector = add("Connector", enum.RoleAgent, enum.KindVirtual, &delegation)
	w.payments = add("Payments", enum.RoleAgent, enum.KindVirtual, &delegation)
	for i := range 3 {
		w.humans = append(w.humans, add(fmt.Sprintf("H%d", i+1), enum.RoleAgent, enum.KindHuman, nil))
	}
	w.supervisors = []int{add("Sup", enum.RoleSupervisor, enum.KindHuman, nil)}
	w.team = c.Team.Create().SetWorkspaceID(w.ws).SetName("Tier2").AddMemberIDs(w.humans[:2]...).SaveX(sys).ID
	return w
}

func (w *figWorld) ctx(agent int) context.Context {
	role, kind := enum.RoleAgent, enum.KindHuman
	if slices.Contains(w.supervisors, agent) {
		role = enum.RoleSupervisor
	}
	v := &auth.Viewer{AgentID: agent, WorkspaceID: w.ws, Name: w.names[agent], Role: role, Kind: kind}
	if agent == w.connector || agent == w.greeter || agent == w.payments {
		v.Kind, v.APIKeyID = enum.KindVirtual, 1
	}
	return auth.WithViewer(context.Background(), v)
}

func (w *figWorld) fail(format string, args ...any) {
	w.t.Helper()
	log := w.log
	if len(log) > 400 {
		log = log[len(log)-400:]
	}
	w.t.Fatalf("%s\n\nreplay: FIGURES_SEED=%d FIGURES_CASES=1 go test -run FiguresFollowTheirDefinitions ./internal/analytics/\nplayed (last %d):\n  %s",
		fmt.Sprintf(format, args...), w.seed, len(log), strings.Join(log, "\n  "))
}

// advance moves the clock on: mostly seconds or minutes, sometimes hours (so periods cut days).
func (w *figWorld) advance() {
	var d time.Duration
	switch x := w.r.IntN(10); {
	case x < 4:
		d = time.Duration(1+w.r.Int64N(20_000)) * time.Millisecond
	case x < 8:
		d = time.Duration(1+w.r.Int64N(40)) * time.Minute
	default:
		d = time.Duration(1+w.r.Int64N(9*3600)) * time.Second
	}
	if limit := time.Now().Add(-24 * time.Hour); w.now.Add(d).After(limit) {
		d = time.Millisecond
	}
	w.now = w.now.Add(d)
}

// conv draws a conversation the world has, mostly an open one; 0 when none.
func (w *figWorld) conv() int {
	var open, all []int
	for id, c := range w.convs {
		all = append(all, id)
		if c.open && c.status != enum.StatusResolved {
			open = append(open, id)
		}
	}
	slices.Sort(open)
	slices.Sort(all)
	switch {
	case len(open) > 0 && w.r.IntN(10) > 0:
		return open[w.r.IntN(len(open))]
	case len(all) > 0:
		return all[w.r.IntN(len(all))]
	}
	return 0
}

func (w *figWorld) human() int { return w.humans[w.r.IntN(len(w.humans))] }

// someone draws who acts on conversation id: mostly its owner, else a human or the supervisor.
func (w *figWorld) someone(id int) int {
	if c := w.convs[id]; c != nil && c.human && w.r.IntN(3) > 0 {
		return c.owner
	}
	if w.r.IntN(4) == 0 {
		return w.supervisors[0]
	}
	return w.human()
}

// play runs n random operations.
func (w *figWorld) play(n int) {
	for range n {
		w.advance()
		w.step()
	}
}

// step runs one operation and takes its effects into the reference.
func (w *figWorld) step() {
	id, by := w.conv(), 0
	var name string
	var run func() error
	convOp := func(n string, actor int, f func(ctx context.Context) (*ent.Conversation, error)) {
		name, by = n, actor
		run = func() error { _, err := f(w.ctx(actor)); return err }
	}
	x := w.r.IntN(100)
	if id == 0 {
		x = 0
	}
	switch {
	case x < 14: // a customer writes: a new conversation, or to an open or resolved one
		var handle string
		if len(w.customers) > 0 && w.r.IntN(3) == 0 {
			handle = w.customers[w.r.IntN(len(w.customers))]
		} else {
			handle = fmt.Sprintf("+1555%04d", len(w.customers))
			w.customers = append(w.customers, handle)
		}
		ch := []enum.Channel{enum.ChannelSMS, enum.ChannelLiveChat, enum.ChannelEmail}[w.r.IntN(3)]
		name, by, id = fmt.Sprintf("customer %s writes on %s", handle, ch), w.connector, 0
		run = func() error {
			c, err := w.d.Ingest(w.ctx(w.connector), desk.IngestInput{Channel: ch, CustomerHandle: handle, Text: "hello"})
			if err == nil {
				id = c.ID
			}
			return err
		}
	case x < 28:
		a := w.human()
		if w.r.IntN(5) == 0 {
			convOp("takeOver", a, func(ctx context.Context) (*ent.Conversation, error) { return w.d.TakeOver(ctx, id) })
		} else {
			convOp("claim", a, func(ctx context.Context) (*ent.Conversation, error) { return w.d.Claim(ctx, id, false) })
		}
	case x < 32:
		a := w.human()
		ids := []int{id, w.conv()}
		name, by = fmt.Sprintf("bulkClaim of %v", ids), a
		run = func() error { _, err := w.d.BulkClaim(w.ctx(a), ids); return err }
	case x < 42:
		convOp("release", w.someone(id), func(ctx context.Context) (*ent.Conversation, error) { return w.d.Release(ctx, id) })
	case x < 45:
		convOp("forceRelease", w.supervisors[0], func(ctx context.Context) (*ent.Conversation, error) { return w.d.ForceRelease(ctx, id) })
	case x < 52:
		to := w.human()
		convOp(fmt.Sprintf("reassign to %s", w.names[to]), w.someone(id), func(ctx context.Context) (*ent.Conversation, error) {
			return w.d.Reassign(ctx, id, to, nil, false)
		})
	case x < 57:
		if w.r.IntN(2) == 0 {
			to := w.human()
			convOp(fmt.Sprintf("transfer to %s", w.names[to]), w.someone(id), func(ctx context.Context) (*ent.Conversation, error) {
				return w.d.Transfer(ctx, id, &to, nil, nil, false)
			})
		} else {
			convOp("transfer to the team", w.someone(id), func(ctx context.Context) (*ent.Conversation, error) {
				return w.d.Transfer(ctx, id, nil, &w.team, nil, false)
			})
		}
	case x < 72:
		a := w.someone(id)
		name, by = "send", a
		run = func() error { _, err := w.d.Send(w.ctx(a), id, "a reply", nil); return err }
	case x < 78:
		convOp("resolve", w.someone(id), func(ctx context.Context) (*ent.Conversation, error) { return w.d.Resolve(ctx, id) })
	case x < 81:
		convOp("pend", w.someone(id), func(ctx context.Context) (*ent.Conversation, error) { return w.d.Pend(ctx, id) })
	case x < 87:
		bot := w.greeter
		if c := w.convs[id]; c != nil && !c.human && c.owner != 0 {
			bot = c.owner
		}
		if bot == 0 {
			bot = w.connector
		}
		convOp("requestIntervention", bot, func(ctx context.Context) (*ent.Conversation, error) {
			return w.d.RequestIntervention(ctx, id, "a human, please")
		})
	case x < 90:
		convOp("returnToQueue", w.someone(id), func(ctx context.Context) (*ent.Conversation, error) { return w.d.ReturnToQueue(ctx, id) })
	case x < 93:
		convOp("cancelTakeover", w.someone(id), func(ctx context.Context) (*ent.Conversation, error) { return w.d.CancelTakeover(ctx, id) })
	case x < 96:
		convOp("completeTakeover", w.someone(id), func(ctx context.Context) (*ent.Conversation, error) {
			return w.d.CompleteTakeover(ctx, id, desk.Completion{Topic: "billing", Outcome: "solved"})
		})
	case x < 98:
		convOp("delegate", w.someone(id), func(ctx context.Context) (*ent.Conversation, error) { return w.d.Delegate(ctx, id, w.payments) })
	default:
		for cid, c := range w.convs { // the delegation bot finishing: one it owns, if any
			if c.owner == w.payments && !c.human {
				id = cid
				break
			}
		}
		convOp("handBack", w.payments, func(ctx context.Context) (*ent.Conversation, error) { return w.d.HandBack(ctx, id) })
	}
	before := time.Now()
	if len(w.bounds) > 0 || !w.wallAfter.IsZero() {
		w.bounds = append(w.bounds, w.wallAfter.Add(before.Sub(w.wallAfter)/2).Truncate(time.Microsecond))
	}
	err := run()
	w.wallAfter = time.Now()
	line := fmt.Sprintf("%d %s %s by %s on %d", w.op(), w.now.Format("01-02 15:04:05.000"), name, w.names[by], id)
	var fe *fault.Error
	switch {
	case err == nil:
	case errors.As(err, &fe) && fe.Code != fault.Internal && fe.Code != fault.Unavailable:
		w.mix[strings.Fields(name)[0]+" "+string(fe.Code)]++
		w.log = append(w.log, line+": "+string(fe.Code))
		w.observe(name, by, 0, false) // a refusal changes nothing
		return
	default:
		w.fail("%s: %v", line, err)
	}
	w.mix[strings.Fields(name)[0]+" ok"]++
	w.log = append(w.log, line)
	w.observe(name, by, id, true)
}

// observe reads every conversation and takes what changed into the reference; op succeeded on
// conversation id (for a customer's message, the conversation it went to).
func (w *figWorld) observe(op string, by, id int, ok bool) {
	rows, err := w.db.Client.Conversation.Query().Where(conversation.WorkspaceID(w.ws)).All(testapi.Sys())
	if err != nil {
		w.fail("read: %v", err)
	}
	toBot := map[string]bool{"delegate": true, "cancelTakeover": true, "completeTakeover": true}
	enqueues := map[string]bool{"release": true, "forceRelease": true, "transfer to the team": true, "requestIntervention": true, "returnToQueue": true, "handBack": true}
	for _, row := range rows {
		owner := 0
		if row.OwnerID != nil {
			owner = *row.OwnerID
		}
		c, known := w.convs[row.ID]
		if !known {
			if !ok || row.ID != id || !strings.HasPrefix(op, "customer") {
				w.fail("conversation %d appeared after %s (ok %v)", row.ID, op, ok)
			}
			// Arrived: with the inception bot it is not waiting for a human (I1), without one it
			// waits in the queue from now (R5).
			w.convs[row.ID] = &figConv{owner: owner, human: row.HumanOwned, open: row.IsOpen, status: row.Status, waiting: owner == 0, waitStart: w.now}
			if row.HumanOwned {
				w.fail("conversation %d arrived owned by a human", row.ID)
			}
			continue
		}
		changed := c.owner != owner || c.human != row.HumanOwned || c.open != row.IsOpen || c.status != row.Status
		if !ok || row.ID != id && !strings.HasPrefix(op, "bulkClaim") {
			if changed {
				w.fail("conversation %d changed by %s (ok %v) on another one or refused: owner %d→%d human %v→%v status %s→%s",
					row.ID, op, ok, c.owner, owner, c.human, row.HumanOwned, c.status, row.Status)
			}
			continue
		}
		reopened := c.status == enum.StatusResolved && row.Status != enum.StatusResolved
		switch {
		case row.HumanOwned && !c.human && op == "handBack": // back to the human who delegated it (I6): not a claim
			c.waiting, c.ownedSince, c.replied = false, w.now, false
		case row.HumanOwned && !c.human: // a human has it now, from the queue or a bot: a claim
			ms := int64(-1)
			if c.waiting {
				ms = max(w.now.Sub(c.waitStart), time.Millisecond).Milliseconds()
			}
			w.items = append(w.items, figItem{owner, "claim", w.op(), ms})
			c.waiting, c.ownedSince, c.replied = false, w.now, false
		case row.HumanOwned && c.owner != owner: // from one human to another: not a claim
			c.ownedSince, c.replied = w.now, false
		case c.human && !row.HumanOwned:
			if op == "release" && by == c.owner {
				w.items = append(w.items, figItem{c.owner, "released", w.op(), -1})
			}
			if owner == 0 { // unowned: back in the queue
				c.waiting, c.waitStart = true, w.now
			} else { // to a bot (cancelled or completed takeover, delegation)
				c.waiting = false
			}
		case !row.HumanOwned && owner != 0 && (c.owner != owner || toBot[op]): // given to a bot: it has it, not the queue
			c.waiting = false
		}
		// A reopened bot's conversation stays the bot's, waiting again only if it was (its
		// intervention still asks for a human).
		if !row.HumanOwned && (enqueues[op] || reopened && (owner == 0 || c.waiting)) {
			c.waiting, c.waitStart = true, w.now
		}
		if op == "send" && row.HumanOwned && owner == by && !c.replied {
			w.items = append(w.items, figItem{by, "first", w.op(), max(w.now.Sub(c.ownedSince), time.Millisecond).Milliseconds()})
			c.replied = true
		}
		if op == "resolve" {
			w.items = append(w.items, figItem{by, "resolved", w.op(), -1})
		}
		c.owner, c.human, c.open, c.status = owner, row.HumanOwned, row.IsOpen, row.Status
	}
}

// figRow is one agent's figures in comparable form.
type figRow struct {
	claims           int
	toClaim, toFirst string
	released         int
	resolved         int
}

func mean(sum, n int64) string {
	if n == 0 {
		return "-"
	}
	d := time.Duration(float64(sum) / float64(n) * float64(time.Millisecond))
	return d.String()
}

// op is the number of the operation running now.
func (w *figWorld) op() int { return len(w.bounds) }

// figPeriod is a period of wall time and the operations whose events fall in it (first…last).
type figPeriod struct {
	from, to    time.Time
	first, last int
}

// expected is the reference's figures over p.
func (w *figWorld) expected(p figPeriod) map[int]figRow {
	type acc struct {
		claims, claimsTimed, claimMs, firsts, firstMs, released, resolved int64
	}
	by := map[int]*acc{}
	for _, id := range append(slices.Clone(w.humans), w.supervisors...) {
		by[id] = &acc{}
	}
	for _, it := range w.items {
		a := by[it.agent]
		if a == nil || it.op < p.first || it.op > p.last {
			continue
		}
		switch it.kind {
		case "claim":
			a.claims++
			if it.ms >= 0 {
				a.claimsTimed++
				a.claimMs += it.ms
			}
		case "first":
			a.firsts++
			a.firstMs += it.ms
		case "released":
			a.released++
		case "resolved":
			a.resolved++
		}
	}
	out := map[int]figRow{}
	for id, a := range by {
		out[id] = figRow{int(a.claims), mean(a.claimMs, a.claimsTimed), mean(a.firstMs, a.firsts), int(a.released), int(a.resolved)}
	}
	return out
}

// periods draws the periods to compare: the whole history, and random cuts of it, some one
// operation long.
func (w *figWorld) periods() []figPeriod {
	last := w.op() // the last operation's (no bound after it yet)
	ps := []figPeriod{{w.wallAfter.Add(-time.Hour), w.wallAfter.Add(time.Hour), 0, last}}
	n := len(w.bounds)
	for range 24 {
		a, b := w.r.IntN(n), w.r.IntN(n)
		if w.r.IntN(4) == 0 {
			b = min(a+1, n-1)
		}
		if b < a {
			a, b = b, a
		}
		if a == b {
			continue
		}
		ps = append(ps, figPeriod{w.bounds[a], w.bounds[b], a + 1, b})
	}
	return ps
}

// compare checks every period's figures and the queue now against the reference.
func (w *figWorld) compare() {
	w.t.Helper()
	ctx := auth.WithViewer(context.Background(), &auth.Viewer{AgentID: w.supervisors[0], WorkspaceID: w.ws, Role: enum.RoleSupervisor, Kind: enum.KindHuman})
	for _, p := range w.periods() {
		stats, err := analytics.AgentPerformance(ctx, w.db.Client, p.from, p.to)
		if err != nil {
			w.fail("agentPerformance: %v", err)
		}
		want := w.expected(p)
		for _, s := range stats {
			ms := func(d *time.Duration) string {
				if d == nil {
					return "-"
				}
				return d.String()
			}
			got := figRow{s.Claims, ms(s.AvgTimeToClaim), ms(s.AvgFirstResponse), s.Released, s.Resolved}
			if got != want[s.Agent.ID] {
				w.fail("operations %d…%d, %s: got %+v, want %+v\n%s", p.first, p.last, w.names[s.Agent.ID], got, want[s.Agent.ID], w.explain(s.Agent.ID))
			}
			delete(want, s.Agent.ID)
		}
		if len(want) > 0 {
			w.fail("agents missing from the report: %v", want)
		}
	}
	queues, err := analytics.QueueStats(ctx, w.db.Client, w.now.AddDate(0, 0, -7), w.now, w.now)
	if err != nil {
		w.fail("queueStats: %v", err)
	}
	for _, q := range queues {
		depth, oldest, ids := 0, time.Time{}, []int{}
		for id, c := range w.convs {
			row, err := w.db.Client.Conversation.Get(testapi.Sys(), id)
			if err != nil {
				w.fail("read %d: %v", id, err)
			}
			if row.Channel != q.Channel || !c.waiting || !c.open || c.status != enum.StatusNew || c.human {
				continue
			}
			depth++
			ids = append(ids, id)
			if oldest.IsZero() || c.waitStart.Before(oldest) {
				oldest = c.waitStart
			}
		}
		wait := "-"
		if depth > 0 {
			wait = w.now.Sub(oldest).String()
		}
		got := "-"
		if q.LongestWait != nil {
			got = q.LongestWait.String()
		}
		if q.Depth != depth || got != wait {
			w.fail("queue %s: depth %d, longest wait %s; want %d, %s (%v)", q.Channel, q.Depth, got, depth, wait, ids)
		}
	}
}

// explain lists, for a failure, what the reference counted for agent and what the log holds.
func (w *figWorld) explain(agent int) string {
	var b strings.Builder
	b.WriteString("reference:")
	for _, it := range w.items {
		if it.agent == agent {
			fmt.Fprintf(&b, " %s@%d(%d)", it.kind, it.op, it.ms)
		}
	}
	evs, err := w.db.Client.Event.Query().Where(event.WorkspaceID(w.ws), event.Or(event.SubjectID(agent), event.ActorID(agent))).
		Order(ent.Asc(event.FieldID)).All(testapi.Sys())
	if err != nil {
		return err.Error()
	}
	b.WriteString("\nlog:")
	for _, e := range evs {
		if e.DurationMs != nil || e.Type == events.ConversationClaimed || e.Type == events.ConversationResolved || e.Type == events.ConversationReleased {
			ms := int64(-1)
			if e.DurationMs != nil {
				ms = *e.DurationMs
			}
			fmt.Fprintf(&b, " %s(%d)", strings.TrimPrefix(e.Type, "conversation."), ms)
		}
	}
	return b.String()
}
