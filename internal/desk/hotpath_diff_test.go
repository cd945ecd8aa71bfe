package desk_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"reflect"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"switchboard/ent"
	"switchboard/ent/agent"
	"switchboard/ent/agentchannel"
	"switchboard/ent/channelsession"
	"switchboard/ent/conversation"
	"switchboard/ent/customer"
	"switchboard/ent/event"
	"switchboard/ent/intervention"
	"switchboard/ent/message"
	"switchboard/ent/note"
	"switchboard/ent/participant"
	"switchboard/ent/schema/enum"
	"switchboard/ent/timer"
	"switchboard/internal/auth"
	"switchboard/internal/desk"
	"switchboard/internal/directory"
	"switchboard/internal/fault"
	"switchboard/internal/storage"
	"switchboard/internal/testapi"
	"switchboard/internal/testdb"
	"switchboard/internal/timers"
)

// TestHotPathDifferential holds storage/migrations/postgres/…_hotpaths.sql to the ordinary way over the whole state
// space (issue 17; STYLE 11, 12): for many random worlds it builds twin workspaces with the same
// random settings (pauseBotOnClaim, capacity counting of PENDING and ON_HOLD, wrap-up,
// maxClaimsPerAgent, selfAssignment, lockGracePeriod …), agents of every role with random channel
// capacities (missing channels, 0, 1 …), bots, pools and a team, and plays one random sequence of
// domain operations on both: ingests, opens, steals, claims, pends, holds, interventions and
// takeovers, delegations, customers leaving, leases expiring, stale sweeps, timers … on one
// injected clock. Claims and releases, single or gathered into one batch, go through the hot
// paths on one twin and the ordinary way on the other; every other operation runs identically on
// both. After each operation the answers (the conversation, or the fault's code, message and
// extensions) must be equal, and after each claim, release or batch so must every row of both
// twins, ids mapped one-to-one: conversations, participants, channel sessions, agents,
// interventions, timers, messages, notes and every event (type, actor, subject, version,
// before/after, duration, in order per conversation). And after every step no conversation may
// have changed while keeping its version (but for its lease's end): live updates show each
// event's conversation as of its version. (L1–L8, C1–C10, R1, R2, I2–I6, §6, §8, E1)
//
// A failure prints the world's seed and the operations played. HOTPATH_DIFF_SEED=<seed>
// HOTPATH_DIFF_CASES=1 replays that world; HOTPATH_DIFF_CASES=n plays n worlds without the default
// time budget (a long run).
func TestHotPathDifferential(t *testing.T) {
	testdb.RequirePostgres(t)
	seed := time.Now().UnixNano() % 1_000_000_000
	if s := os.Getenv("HOTPATH_DIFF_SEED"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("HOTPATH_DIFF_SEED: %v", err)
		}
		seed = n
	}
	cases, budget := 400, 18*time.Second
	if s := os.Getenv("HOTPATH_DIFF_CASES"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			t.Fatalf("HOTPATH_DIFF_CASES: %v", err)
		}
		cases, budget = n, 0
	}
	start := time.Now()
	stats := &diffStats{}
	played := 0
	// A fresh database every few worlds: sweeps and timers look at every workspace.
	for g := 0; played < cases && !t.Failed(); g++ {
		if budget > 0 && time.Since(start) > budget {
			break
		}
		t.Run(fmt.Sprintf("worlds%d", g), func(t *testing.T) {
			db := testdb.Open(t)
			for n := 0; n < 8 && played < cases; n++ {
				if budget > 0 && time.Since(start) > budget {
					return
				}
				w := newDiffWorld(t, db, seed+int64(played), played, stats)
				played++
				if budget > 0 {
					w.deadline = start.Add(budget)
				}
				w.play()
			}
		})
	}
	stats.panics.Range(func(k, example any) bool {
		t.Logf("the ordinary way panicked, on both twins (not a hot-path matter): %s (for example %s)", k, example)
		return true
	})
	var shapes []string
	for k, n := range stats.shapes {
		shapes = append(shapes, fmt.Sprintf("%s: %d", k, n))
	}
	sort.Strings(shapes)
	t.Logf("what the claims and releases met:\n  %s", strings.Join(shapes, "\n  "))
	t.Logf("seed %d: %d worlds, %d steps in %v; claims and releases: %d decided by the hot paths, %d declined, %d batches (%d operations)",
		seed, played, stats.steps.Load(), time.Since(start).Round(time.Millisecond), stats.hot.Load(), stats.declined.Load(),
		stats.batches.Load(), stats.batchOps.Load())
}

// diffStats counts what the worlds played (the test's log says how much the hot paths decided).
type diffStats struct {
	steps, hot, declined, batches, batchOps atomic.Int64
	panics                                  sync.Map // what panicked the ordinary way → an example
	mu                                      sync.Mutex
	shapes                                  map[string]int // what claims and releases met (noteShape)
}

func (s *diffStats) shape(what string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shapes == nil {
		s.shapes = map[string]int{}
	}
	s.shapes[what]++
}

var (
	diffChannels = []enum.Channel{enum.ChannelSMS, enum.ChannelLiveChat, enum.ChannelEmail}
	diffTags     = []string{"vip", "billing", "misc"} // pools exist for some of vip and billing, never misc
)

// diffAgent is one agent of both twins.
type diffAgent struct {
	name   string
	role   enum.Role
	kind   enum.AgentKind
	apiKey bool // the channel connector's key
	ids    [2]int
}

func (a *diffAgent) human() bool { return a.kind == enum.KindHuman }

// diffSide is one twin: its workspace and desk (0: hot paths, 1: the ordinary way), and the ids of
// its conversations in the order both twins created them.
type diffSide struct {
	ws    int
	desk  *desk.Desk
	convs []int
	names map[int]string            // agent id → name
	ranks map[string]map[int]string // table → id → position among the twin's rows
}

// diffWorld is one random world played on two twins.
type diffWorld struct {
	t        *testing.T
	db       *storage.DB
	seed     int64
	r        *rand.Rand
	now      time.Time
	clock    func() time.Time
	sides    [2]*diffSide
	agents   []*diffAgent
	byName   map[string]*diffAgent
	teams    map[string][2]int
	cust     []diffCustomer
	log      []string
	stats    *diffStats
	worker   *timers.Worker
	counter  int
	deadline time.Time // the default run's time budget: the world ends early (zero: none)
	// A story's conversation and actor, which target and human then draw.
	focus *diffTarget
	actor *diffAgent
}

type diffCustomer struct {
	handle string
	ch     enum.Channel
}

// diffOp is one step: run gives side j's answer, normalized; global steps run once for both.
type diffOp struct {
	name   string
	run    func(j int) any
	global func()
	check  bool // compare every row afterwards
}

func newDiffWorld(t *testing.T, db *storage.DB, seed int64, n int, stats *diffStats) *diffWorld {
	t.Helper()
	w := &diffWorld{t: t, db: db, seed: seed, r: rand.New(rand.NewPCG(uint64(seed), 17)), stats: stats,
		byName: map[string]*diffAgent{}, teams: map[string][2]int{}}
	// Worlds go back in time, a year apart: a later world's sweeps, lease expiries and timers find
	// nothing due in an earlier one's (they share the database).
	w.now = time.Date(2040, 1, 1, 9, 0, 0, 0, time.UTC).Add(-time.Duration(n) * 365 * 24 * time.Hour).
		Add(time.Duration(w.r.Int64N(int64(time.Hour))))
	w.clock = func() time.Time { return w.now }
	base := desk.New(db, nil).WithClock(w.clock)
	w.sides = [2]*diffSide{{desk: base}, {desk: base.WithoutHotPaths()}}
	w.worker = base.WithoutHotPaths().Timers(timers.NewWorker(db, "diff").WithClock(w.clock))
	w.build(n)
	return w
}

func (w *diffWorld) pick(n int) int        { return w.r.IntN(n) }
func (w *diffWorld) chance(p float64) bool { return w.r.Float64() < p }

// build creates the twins' workspaces, agents, channels, pools and team, with the same random
// settings (directly: this is the roster, not what is under test).
func (w *diffWorld) build(n int) {
	sys := testapi.Sys()
	c := w.db.Client
	pickInt := func(vs ...int) int { return vs[w.pick(len(vs))] }
	selfAssign := enum.SelfAssignmentAllowed
	if w.chance(0.25) {
		selfAssign = enum.SelfAssignmentRoutingOnly
	}
	settings := []string{}
	autoClaim, maxClaims, pause := w.chance(0.7), pickInt(1, 2, 3, 20), w.chance(0.6)
	pending, onHold, wrapUp := w.chance(0.4), w.chance(0.4), w.chance(0.4)
	stale, autoRel, autoRelAfter := pickInt(60, 60, 1800), w.chance(0.3), pickInt(120, 7200)
	grace, inactivity, sla := pickInt(15, 60, 300), pickInt(60, 1800, 1800), pickInt(10, 300)
	settings = append(settings, fmt.Sprintf("autoClaimOnReply=%v maxClaimsPerAgent=%d pauseBotOnClaim=%v capacityCountsPending=%v capacityCountsOnHold=%v wrapUp=%v selfAssignment=%s staleAfter=%ds autoRelease=%v/%ds lockGrace=%ds inactivity=%ds sla=%ds",
		autoClaim, maxClaims, pause, pending, onHold, wrapUp, selfAssign, stale, autoRel, autoRelAfter, grace, inactivity, sla))
	for j := range w.sides {
		ws := c.Workspace.Create().SetName("Diff").SetSlug(fmt.Sprintf("diff-%d-%d-%d", n, w.seed, j)).
			SetAutoClaimOnReply(autoClaim).SetMaxClaimsPerAgent(maxClaims).SetSelfAssignment(selfAssign).
			SetPauseBotOnClaim(pause).SetCapacityCountsPending(pending).SetCapacityCountsOnHold(onHold).
			SetStaleClaimAfterSeconds(stale).SetAutoReleaseEnabled(autoRel).SetAutoReleaseAfterSeconds(autoRelAfter).
			SetLockGracePeriodSeconds(grace).SetWrapUpEnabled(wrapUp).SetCustomerInactivitySeconds(inactivity).
			SetSLAFirstResponseSeconds(sla).SaveX(sys)
		w.sides[j].ws = ws.ID
		w.sides[j].names = map[int]string{}
		w.sides[j].ranks = map[string]map[int]string{}
	}
	add := func(name string, role enum.Role, kind enum.AgentKind, va *enum.VARole, active bool, presence enum.Presence, chans map[enum.Channel]int) *diffAgent {
		a := &diffAgent{name: name, role: role, kind: kind}
		for j, s := range w.sides {
			ag := c.Agent.Create().SetWorkspaceID(s.ws).SetName(name).SetRole(role).SetKind(kind).SetNillableVaRole(va).
				SetActive(active).SetPresence(presence).SaveX(sys)
			a.ids[j] = ag.ID
			s.names[ag.ID] = name
			for _, ch := range diffChannels { // in one order on both twins
				if capacity, ok := chans[ch]; ok {
					c.AgentChannel.Create().SetWorkspaceID(s.ws).SetAgentID(ag.ID).SetChannel(ch).SetCapacity(capacity).ExecX(sys)
				}
			}
		}
		w.agents = append(w.agents, a)
		w.byName[name] = a
		return a
	}
	inception, delegation := enum.VARoleInception, enum.VARoleDelegation
	online := enum.PresenceOnline
	add("Connector", enum.RoleAgent, enum.KindVirtual, &delegation, true, online, nil).apiKey = true
	if w.chance(0.3) { // an inactive inception bot, older than the active one: ingest must skip it
		add("Retired bot", enum.RoleAgent, enum.KindVirtual, &inception, false, online, nil)
	}
	if w.chance(0.6) {
		add("Greeter", enum.RoleAgent, enum.KindVirtual, &inception, true, online, nil)
	}
	if w.chance(0.7) {
		add("Payments", enum.RoleAgent, enum.KindVirtual, &delegation, true, online, nil)
	}
	add("Admin", enum.RoleSuperAdmin, enum.KindHuman, nil, true, online, map[enum.Channel]int{enum.ChannelSMS: 5, enum.ChannelLiveChat: 5, enum.ChannelEmail: 5})
	roles := []enum.Role{enum.RoleAgent, enum.RoleAgent, enum.RoleAgent, enum.RoleAgent, enum.RoleSupervisor, enum.RoleSupervisor,
		enum.RoleAdmin, enum.RoleClientUser, enum.RoleSuperAdmin}
	humans := 3 + w.pick(4)
	for i := range humans {
		role := roles[w.pick(len(roles))]
		if i == 0 || (i == 1 && w.chance(0.5)) { // H1 and H2 act most (see human)
			role = enum.RoleAgent
		}
		presence := online
		if x := w.r.Float64(); x < 0.1 {
			presence = enum.PresenceAway
		} else if x < 0.2 {
			presence = enum.PresenceOffline
		}
		chans := map[enum.Channel]int{}
		for _, ch := range diffChannels {
			if !w.chance(0.2) {
				chans[ch] = pickInt(0, 1, 1, 2, 2, 3, 20)
			}
		}
		a := add(fmt.Sprintf("H%d", i+1), role, enum.KindHuman, nil, true, presence, chans)
		settings = append(settings, fmt.Sprintf("%s %s %s %v", a.name, role, presence, chans))
	}
	humanIDs := func(j int, p float64) []int {
		var ids []int
		for _, a := range w.agents {
			if a.human() && w.chance(p) {
				ids = append(ids, a.ids[j])
			}
		}
		return ids
	}
	for _, tag := range diffTags[:2] {
		if !w.chance(0.6) {
			continue
		}
		members := humanIDs(0, 0.5)
		for j, s := range w.sides {
			ids := members
			if j == 1 {
				ids = w.twinIDs(members)
			}
			c.Pool.Create().SetWorkspaceID(s.ws).SetName("Pool " + tag).SetTag(tag).AddMemberIDs(ids...).ExecX(sys)
		}
		settings = append(settings, fmt.Sprintf("pool %s: %v", tag, w.names(0, members)))
	}
	members := humanIDs(0, 0.5)
	var team [2]int
	for j, s := range w.sides {
		ids := members
		if j == 1 {
			ids = w.twinIDs(members)
		}
		team[j] = c.Team.Create().SetWorkspaceID(s.ws).SetName("Tier2").AddMemberIDs(ids...).SaveX(sys).ID
	}
	w.teams["Tier2"] = team
	w.logf("world %d, seed %d: %s", n, w.seed, strings.Join(settings, "; "))
}

// twinIDs maps side 0's agent ids to side 1's.
func (w *diffWorld) twinIDs(ids []int) []int {
	out := make([]int, len(ids))
	for i, id := range ids {
		out[i] = w.byName[w.sides[0].names[id]].ids[1]
	}
	return out
}

func (w *diffWorld) names(j int, ids []int) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = w.sides[j].names[id]
	}
	return out
}

func (w *diffWorld) logf(format string, args ...any) {
	w.log = append(w.log, fmt.Sprintf(format, args...))
}

// fail stops the world with what was played, and how to play it again.
func (w *diffWorld) fail(format string, args ...any) {
	w.t.Helper()
	log := w.log
	if len(log) > 120 {
		log = append(log[:1:1], append([]string{"…"}, log[len(log)-119:]...)...)
	}
	w.t.Fatalf("%s\n\nreplay: HOTPATH_DIFF_SEED=%d HOTPATH_DIFF_CASES=1 go test -race -run HotPathDifferential ./internal/desk/\nplayed:\n  %s",
		fmt.Sprintf(format, args...), w.seed, strings.Join(log, "\n  "))
}

// ctx is agent a's context on side j.
func (w *diffWorld) ctx(j int, a *diffAgent) context.Context {
	v := &auth.Viewer{AgentID: a.ids[j], WorkspaceID: w.sides[j].ws, Name: a.name, Role: a.role, Kind: a.kind}
	if a.apiKey {
		v.APIKeyID = 1
	}
	return auth.WithViewer(context.Background(), v)
}

// play runs the world: a few conversations, then random steps.
func (w *diffWorld) play() {
	w.t.Helper()
	for range 3 + w.pick(5) {
		w.step(w.ingest())
	}
	for range 30 + w.pick(40) {
		if !w.deadline.IsZero() && time.Now().After(w.deadline) {
			break
		}
		w.advance()
		w.step(w.randomOp())
		w.stats.steps.Add(1)
	}
	w.compareRows("at the end")
	if os.Getenv("HOTPATH_DIFF_VERBOSE") != "" {
		w.t.Logf("played:\n  %s", strings.Join(w.log, "\n  "))
	}
}

// advance moves the clock on, mostly a little, with nanoseconds (the database keeps microseconds).
func (w *diffWorld) advance() {
	var d time.Duration
	switch x := w.r.Float64(); {
	case x < 0.7:
		d = time.Duration(w.r.Int64N(int64(2 * time.Second)))
	case x < 0.9:
		d = 2*time.Second + time.Duration(w.r.Int64N(int64(90*time.Second)))
	case x < 0.98:
		d = 90*time.Second + time.Duration(w.r.Int64N(int64(40*time.Minute)))
	default:
		d = 40*time.Minute + time.Duration(w.r.Int64N(int64(3*time.Hour)))
	}
	w.now = w.now.Add(d)
}

// step plays op on both twins and compares.
func (w *diffWorld) step(op diffOp) {
	w.t.Helper()
	w.logf("%s %s", w.now.Format("15:04:05.000000000"), op.name)
	before := w.conversationStates()
	defer w.invariants(op.name)
	defer w.changedWithVersions(op.name, before)
	if op.global != nil {
		op.global()
	} else {
		a0, a1 := w.guarded(op, 0), w.guarded(op, 1)
		if !reflect.DeepEqual(a0, a1) {
			w.fail("%s: the twins answered differently:\nhot  %s\nslow %s", op.name, js(a0), js(a1))
		}
		w.log[len(w.log)-1] += " → " + short(a0)
	}
	if op.check {
		w.compareRows("after " + op.name)
	}
}

// convState is a conversation's version and its row as stored (JSON).
type convState struct {
	version int
	state   string
}

// conversationStates is every conversation of both twins as stored (JSON), by id, with its
// version, leaving out the lock's lease end: renewing a lease is the lock's bookkeeping.
func (w *diffWorld) conversationStates() map[int]convState {
	out := map[int]convState{}
	ids := append(slices.Clone(w.sides[0].convs), w.sides[1].convs...)
	convs, err := w.db.Client.Conversation.Query().Where(conversation.IDIn(ids...)).All(testapi.Sys())
	if err != nil {
		w.fail("read the conversations: %v", err)
	}
	for _, c := range convs {
		c.LockExpiresAt = nil
		out[c.ID] = convState{c.Version, js(c)}
	}
	return out
}

// changedWithVersions fails when a conversation changed without its version moving: live
// subscribers are sent a conversation as of each event's version (graph's conversationAt shares
// it among them under that version), so a change that keeps the version would show some of them
// the conversation as it was before it.
func (w *diffWorld) changedWithVersions(op string, before map[int]convState) {
	w.t.Helper()
	for id, now := range w.conversationStates() {
		was, ok := before[id]
		if ok && was.version == now.version && was.state != now.state {
			w.fail("%s: conversation %d changed and kept its version %d:\nbefore %s\nafter  %s", op, id, now.version, was.state, now.state)
		}
	}
}

// invariants fails when either twin holds a state the rules never allow, whatever the operations
// that led there (both twins could share a mistake the comparison cannot see): a lock on a
// conversation that is neither NEW nor PENDING (L1), a human holding two locks (L2), a lock whose
// human flag disagrees with its holder's kind, ownership whose human flag disagrees with its
// owner's kind, a bot holding the lock of a conversation it does not own, or a bot owning an open
// NEW or PENDING conversation whose lock it does not hold (L7).
func (w *diffWorld) invariants(op string) {
	w.t.Helper()
	ctx := testapi.Sys()
	kinds := map[int]enum.AgentKind{}
	for _, a := range w.agents {
		kinds[a.ids[0]], kinds[a.ids[1]] = a.kind, a.kind
	}
	for j, side := range w.sides {
		convs, err := w.db.Client.Conversation.Query().Where(conversation.WorkspaceID(side.ws)).All(ctx)
		if err != nil {
			w.fail("read the conversations: %v", err)
		}
		locks := map[int]int{}
		for _, c := range convs {
			holder, owner := deref(c.LockHolderID), deref(c.OwnerID)
			if _, ok := kinds[holder]; holder != 0 && !ok {
				w.fail("%s: twin %d: conversation %d: the lock's holder %d is none of the world's agents", op, j, c.ID, holder)
			}
			if _, ok := kinds[owner]; owner != 0 && !ok {
				w.fail("%s: twin %d: conversation %d: its owner %d is none of the world's agents", op, j, c.ID, owner)
			}
			lockable := c.Status == enum.StatusNew || c.Status == enum.StatusPending
			switch {
			case holder != 0 && !lockable:
				w.fail("%s: twin %d: conversation %d is %s and locked by %d (L1)", op, j, c.ID, c.Status, holder)
			case c.HumanLock != (holder != 0 && kinds[holder] == enum.KindHuman):
				w.fail("%s: twin %d: conversation %d: humanLock %v with holder %d (%s)", op, j, c.ID, c.HumanLock, holder, kinds[holder])
			case c.HumanOwned != (owner != 0 && kinds[owner] == enum.KindHuman):
				w.fail("%s: twin %d: conversation %d: humanOwned %v with owner %d (%s)", op, j, c.ID, c.HumanOwned, owner, kinds[owner])
			case holder != 0 && kinds[holder] == enum.KindVirtual && holder != owner:
				w.fail("%s: twin %d: conversation %d: bot %d holds the lock, owner %d (L7)", op, j, c.ID, holder, owner)
			case owner != 0 && kinds[owner] == enum.KindVirtual && c.IsOpen && lockable && holder != owner:
				w.fail("%s: twin %d: conversation %d (%s, %s): bot %d owns it, the lock is %d's (L7)", op, j, c.ID, c.Status, c.State, owner, holder)
			}
			if c.HumanLock {
				if locks[holder]++; locks[holder] > 1 {
					w.fail("%s: twin %d: agent %d holds two locks (L2)", op, j, holder)
				}
			}
		}
	}
}

func deref(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

// guarded runs op on side j; a panic of the ordinary way (the same on both twins) is its answer,
// and the test reports it without failing: it is not the hot paths' to fix.
func (w *diffWorld) guarded(op diffOp, j int) (answer any) {
	defer func() {
		if r := recover(); r != nil {
			answer = map[string]any{"panic": fmt.Sprint(r)}
			kind, _, _ := strings.Cut(op.name, " ")
			w.stats.panics.LoadOrStore(kind+": "+fmt.Sprint(r), op.name)
		}
	}()
	return op.run(j)
}

func js(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// short is an answer for the log: the fault's code, or "ok".
func short(a any) string {
	if m, ok := a.(map[string]any); ok {
		if c, ok := m["code"]; ok {
			return fmt.Sprint(c)
		}
	}
	if l, ok := a.([]any); ok {
		var parts []string
		for _, x := range l {
			parts = append(parts, short(x))
		}
		return "[" + strings.Join(parts, " ") + "]"
	}
	return "ok"
}

// randomOp draws the next step.
func (w *diffWorld) randomOp() diffOp {
	type choice struct {
		weight int
		op     func() diffOp
	}
	choices := []choice{
		{6, w.ingest}, {8, w.open}, {2, w.closeView}, {4, w.steal},
		{18, w.claim}, {12, w.release}, {7, w.batch},
		{2, w.forceRelease}, {2, w.bulkClaim}, {3, w.reassign}, {2, w.transfer},
		{4, func() diffOp { return w.setStatus(true) }}, {3, func() diffOp { return w.setStatus(false) }},
		{4, w.send}, {1, w.note}, {3, w.hold}, {2, w.resume},
		{4, w.requestIntervention}, {3, w.takeOver}, {2, w.cancelTakeover}, {2, w.returnToQueue}, {3, w.completeTakeover},
		{2, w.delegate}, {2, w.handBack}, {3, w.customerLeaves}, {2, w.join}, {1, w.leave},
		{2, w.expireLeases}, {2, w.sweepStale}, {2, w.heartbeat}, {2, w.fireTimers}, {2, w.setPresence},
		{1, w.changeSettings}, {1, w.changeCapacity}, {10, w.story},
	}
	total := 0
	for _, c := range choices {
		total += c.weight
	}
	x := w.pick(total)
	for _, c := range choices {
		if x < c.weight {
			return c.op()
		}
		x -= c.weight
	}
	panic("unreachable")
}

// ---- choosing actors and targets (from side 0, which equals side 1 while the test passes)

func (w *diffWorld) conv(k int) *ent.Conversation {
	return w.db.Client.Conversation.GetX(testapi.Sys(), w.sides[0].convs[k])
}

func (w *diffWorld) anyAgent() *diffAgent { return w.agents[w.pick(len(w.agents))] }

// human draws a human: a story's actor, or most often one of two (H1, H2), so that their caps and
// locks come into play.
func (w *diffWorld) human() *diffAgent {
	if w.actor != nil {
		return w.actor
	}
	if w.chance(0.5) {
		return w.byName[fmt.Sprintf("H%d", 1+w.pick(2))]
	}
	for {
		if a := w.anyAgent(); a.human() {
			return a
		}
	}
}

func (w *diffWorld) bot() *diffAgent {
	for {
		if a := w.anyAgent(); !a.human() {
			return a
		}
	}
}

// agentOn is the agent named by id on side 0 (the owner, the holder), or nil.
func (w *diffWorld) agentOn(id *int) *diffAgent {
	if id == nil {
		return nil
	}
	return w.byName[w.sides[0].names[*id]]
}

// actorFor is, with probability p, the conversation's owner (else its lock holder) when there is
// one; otherwise any agent drawn by other.
func (w *diffWorld) actorFor(k int, p float64, other func() *diffAgent) *diffAgent {
	if k >= 0 && w.chance(p) {
		c := w.conv(k)
		if a := w.agentOn(c.OwnerID); a != nil && (a.human() || w.chance(0.5)) {
			return a
		}
		if a := w.agentOn(c.LockHolderID); a != nil {
			return a
		}
	}
	return other()
}

// target draws a conversation: mostly one of the world's, sometimes the other twin's (another
// workspace: NOT_FOUND) or one that does not exist. k is -1 when there is none yet.
type diffTarget struct {
	k    int
	mode int // 0 this twin's, 1 the other twin's, 2 none
}

func (w *diffWorld) target() diffTarget {
	if w.focus != nil {
		return *w.focus
	}
	n := len(w.sides[0].convs)
	switch x := w.r.Float64(); {
	case n == 0 || x < 0.02:
		return diffTarget{k: -1, mode: 2}
	case x < 0.05:
		return diffTarget{k: w.pick(n), mode: 1}
	}
	return diffTarget{k: w.pick(n)}
}

// targetWhere is, with probability p, one of the world's conversations that pred accepts (as
// side 0 holds it), when there is one; otherwise target's draw.
func (w *diffWorld) targetWhere(p float64, pred func(*ent.Conversation) bool) diffTarget {
	if w.chance(p) && w.focus == nil {
		var ks []int
		for _, c := range w.db.Client.Conversation.Query().Where(conversation.IDIn(w.sides[0].convs...)).AllX(testapi.Sys()) {
			if pred(c) {
				ks = append(ks, slices.Index(w.sides[0].convs, c.ID))
			}
		}
		if len(ks) > 0 {
			return diffTarget{k: ks[w.pick(len(ks))]}
		}
	}
	return w.target()
}

// claimable and owned are the shapes where the hot paths have something to decide.
func claimable(c *ent.Conversation) bool {
	return c.IsOpen && c.Status != enum.StatusResolved && c.OwnerID == nil
}
func owned(c *ent.Conversation) bool { return c.HumanOwned }

func (tg diffTarget) id(w *diffWorld, j int) int {
	switch tg.mode {
	case 1:
		return w.sides[1-j].convs[tg.k]
	case 2:
		return 1 << 30
	}
	return w.sides[j].convs[tg.k]
}

func (tg diffTarget) String() string {
	switch tg.mode {
	case 1:
		return fmt.Sprintf("c%d of the other twin", tg.k)
	case 2:
		return "a missing conversation"
	}
	return fmt.Sprintf("c%d", tg.k)
}

// convOp is an operation of actor a on a conversation, answered with the conversation.
func (w *diffWorld) convOp(name string, a *diffAgent, tg diffTarget, check bool,
	fn func(d *desk.Desk, ctx context.Context, id int) (*ent.Conversation, error)) diffOp {
	return diffOp{name: fmt.Sprintf("%s by %s of %s", name, a.name, tg), check: check, run: func(j int) any {
		c, err := fn(w.sides[j].desk, w.ctx(j, a), tg.id(w, j))
		return w.answer(j, c, err)
	}}
}

// ---- the operations

func (w *diffWorld) ingest() diffOp {
	var cu diffCustomer
	if len(w.cust) == 0 || w.chance(0.5) {
		w.counter++
		cu = diffCustomer{handle: fmt.Sprintf("cust-%d", w.counter), ch: w.channel()}
		w.cust = append(w.cust, cu)
	} else {
		cu = w.cust[w.pick(len(w.cust))]
		if w.chance(0.2) { // the same customer on another channel
			cu.ch = w.channel()
			w.cust = append(w.cust, cu)
		}
	}
	w.counter++
	text := fmt.Sprintf("message %d", w.counter)
	by := w.byName["Connector"]
	if w.chance(0.1) {
		by = w.human() // admins may, others may not
	}
	name := "Customer " + cu.handle
	return diffOp{name: fmt.Sprintf("ingest by %s from %s on %s", by.name, cu.handle, cu.ch), run: func(j int) any {
		c, err := w.sides[j].desk.Ingest(w.ctx(j, by), desk.IngestInput{Channel: cu.ch, CustomerHandle: cu.handle, CustomerName: &name, Text: text})
		if err == nil && !slices.Contains(w.sides[j].convs, c.ID) {
			w.sides[j].convs = append(w.sides[j].convs, c.ID)
		}
		return w.answer(j, c, err)
	}}
}

// channel draws a channel, mostly SMS (so that conversations meet on one channel's capacity).
func (w *diffWorld) channel() enum.Channel {
	if w.chance(0.5) {
		return enum.ChannelSMS
	}
	return diffChannels[w.pick(len(diffChannels))]
}

func (w *diffWorld) open() diffOp {
	return w.convOp("open", w.human(), w.target(), false, (*desk.Desk).Open)
}

func (w *diffWorld) closeView() diffOp {
	tg := w.target()
	return w.convOp("close", w.actorFor(tg.k, 0.6, w.human), tg, false, (*desk.Desk).Close)
}

func (w *diffWorld) steal() diffOp {
	return w.convOp("steal", w.anyAgent(), w.target(), false, (*desk.Desk).Steal)
}

// claimer draws who claims: mostly humans of any role, sometimes a bot.
func (w *diffWorld) claimer() *diffAgent {
	if w.chance(0.1) && w.actor == nil {
		return w.bot()
	}
	return w.human()
}

func (w *diffWorld) claim() diffOp {
	b := batchOp{a: w.claimer(), tg: w.targetWhere(0.6, claimable), force: w.chance(0.08), now: w.now}
	return diffOp{name: b.String(), check: true, global: func() { w.single(b) }}
}

func (w *diffWorld) release() diffOp {
	tg := w.targetWhere(0.6, owned)
	b := batchOp{release: true, a: w.actorFor(tg.k, 0.8, w.anyAgent), tg: tg, now: w.now}
	return diffOp{name: b.String(), check: true, global: func() { w.single(b) }}
}

// single plays one claim or release: on the hot twin through the hot paths (a batch of one),
// on the other the ordinary way. The operation's desk on the hot twin has a clock of its own that
// tells a decline: the hot path reads it once, when it queues the operation; a second read is the
// ordinary way beginning (the batch declined it), and ends the operation's context, so that it
// writes nothing. The test then checks that declining wrote nothing at all, and runs the
// operation the ordinary way, as the desk would have. (Claims by bots, by CLIENT_USERs and forced
// ones never reach the hot paths: the first read is the ordinary way's, and it goes on.)
func (w *diffWorld) single(b batchOp) {
	w.t.Helper()
	w.noteShape(b)
	hot := w.sides[0].desk
	before, hits := w.fingerprint(0), desk.HotDecided()
	ctx, cancel := context.WithCancel(w.ctx(0, b.a))
	defer cancel()
	var reads atomic.Int32
	var declined atomic.Bool
	c, err := b.run(w, hot.WithClock(func() time.Time {
		if reads.Add(1) > 1 {
			declined.Store(true)
			cancel()
		}
		return b.now
	}), ctx, 0)
	switch {
	case desk.HotDecided() > hits:
		w.stats.hot.Add(1)
		w.log[len(w.log)-1] += " (decided by the hot path)"
	case declined.Load():
		w.stats.declined.Add(1)
		if after := w.fingerprint(0); after != before {
			w.fail("%s: the hot path declined it but wrote:\nbefore %s\nafter  %s", b, before, after)
		}
		c, err = b.run(w, hot.WithoutHotPaths().WithClock(b.clock), w.ctx(0, b.a), 0)
	}
	h := w.answer(0, c, err)
	c, err = b.run(w, w.sides[1].desk.WithClock(b.clock), w.ctx(1, b.a), 1)
	if s := w.answer(1, c, err); !reflect.DeepEqual(h, s) {
		w.fail("%s: the twins answered differently:\nhot  %s\nslow %s", b, js(h), js(s))
	}
	w.log[len(w.log)-1] += " → " + short(h)
}

// fingerprint identifies every row of side j's workspace that an operation may write, by id and
// row version (xmin, which any UPDATE changes), and its events by count and last id (a batch that
// declines everything may still number the events before it: their seq, and the workspace's
// counter, are not part of it).
func (w *diffWorld) fingerprint(j int) string {
	var out string
	q := `SELECT concat_ws(' / ',
		(SELECT string_agg(id || ':' || xmin, ',' ORDER BY id) FROM conversations WHERE workspace_id = $1),
		(SELECT string_agg(id || ':' || xmin, ',' ORDER BY id) FROM participants WHERE workspace_id = $1),
		(SELECT string_agg(id || ':' || xmin, ',' ORDER BY id) FROM agents WHERE workspace_id = $1),
		(SELECT string_agg(id || ':' || xmin, ',' ORDER BY id) FROM interventions WHERE workspace_id = $1),
		(SELECT string_agg(id || ':' || xmin, ',' ORDER BY id) FROM timers WHERE workspace_id = $1),
		(SELECT string_agg(id || ':' || xmin, ',' ORDER BY id) FROM channel_sessions WHERE workspace_id = $1),
		(SELECT count(*) || ':' || coalesce(max(id), 0) FROM messages WHERE workspace_id = $1),
		(SELECT count(*) || ':' || coalesce(max(id), 0) FROM notes WHERE workspace_id = $1),
		(SELECT count(*) || ':' || coalesce(max(id), 0) FROM events WHERE workspace_id = $1))`
	if err := w.db.SQL.QueryRowContext(context.Background(), q, w.sides[j].ws).Scan(&out); err != nil {
		w.fail("fingerprint: %v", err)
	}
	return out
}

// noteShape counts, for the test's log, the shape of conversation id as the hot twin's claims and
// releases find it: what the random worlds cover.
func (w *diffWorld) noteShape(b batchOp) {
	a, id := b.a, b.tg.id(w, 0)
	sys := testapi.Sys()
	c, err := w.db.Client.Conversation.Get(sys, id)
	if err != nil || c.WorkspaceID != w.sides[0].ws {
		w.stats.shape("target=missing or another workspace's")
		return
	}
	actor := a
	who := func(a *int, human bool) string {
		switch {
		case a == nil:
			return "none"
		case *a == actor.ids[0]:
			return "the actor"
		case human:
			return "another human"
		}
		return "a bot"
	}
	lock := who(c.LockHolderID, c.HumanLock)
	if c.LockExpiresAt != nil && c.LockExpiresAt.Before(w.now) {
		lock += " (lease expired)"
	}
	iv := "none"
	if x, err := w.db.Client.Intervention.Query().Where(intervention.ConversationID(id)).Order(ent.Desc(intervention.FieldID)).First(sys); err == nil {
		iv = string(x.Status)
	}
	w.stats.shape("role=" + string(a.role) + " " + string(a.kind))
	w.stats.shape("owner=" + who(c.OwnerID, c.HumanOwned))
	w.stats.shape("lock=" + lock)
	w.stats.shape(fmt.Sprintf("status=%s open=%v", c.Status, c.IsOpen))
	w.stats.shape("state=" + string(c.State))
	w.stats.shape("intervention=" + iv)
	w.stats.shape(fmt.Sprintf("tagged=%v stale=%v botPaused=%v", len(c.Tags) > 0, c.Stale, c.BotPaused))
	kind, _, _ := strings.Cut(b.String(), " by ")
	w.stats.shape(fmt.Sprintf("%s of: owner=%s queued=%v lastHumanOwner=%v customerPresent=%v state=%s", kind,
		who(c.OwnerID, c.HumanOwned), c.QueuedSince != nil, c.LastHumanOwnerID != nil, c.CustomerPresent, c.State))
}

func (w *diffWorld) forceRelease() diffOp {
	return w.convOp("forceRelease", w.human(), w.target(), false, (*desk.Desk).ForceRelease)
}

func (w *diffWorld) bulkClaim() diffOp {
	a := w.claimer()
	var tgs []diffTarget
	for range 1 + w.pick(3) {
		tgs = append(tgs, w.target())
	}
	return diffOp{name: fmt.Sprintf("bulkClaim by %s of %v", a.name, tgs), check: true, run: func(j int) any {
		ids := make([]int, len(tgs))
		for i, tg := range tgs {
			ids[i] = tg.id(w, j)
		}
		res, err := w.sides[j].desk.BulkClaim(w.ctx(j, a), ids)
		if err != nil {
			return w.answer(j, nil, err)
		}
		out := []any{}
		for _, r := range res {
			var e error
			if r.Err != nil {
				e = r.Err
			}
			out = append(out, w.answer(j, r.Conversation, e))
		}
		return out
	}}
}

func (w *diffWorld) reassign() diffOp {
	tg := w.target()
	a, to := w.actorFor(tg.k, 0.5, w.human), w.claimer()
	force := w.chance(0.2)
	var note *string
	if w.chance(0.5) {
		s := "over to you"
		note = &s
	}
	return w.convOp(fmt.Sprintf("reassign to %s (force %v)", to.name, force), a, tg, false, func(d *desk.Desk, ctx context.Context, id int) (*ent.Conversation, error) {
		return d.Reassign(ctx, id, to.ids[w.sideOf(d)], note, force)
	})
}

// sideOf says which twin a desk serves (for arguments that are ids).
func (w *diffWorld) sideOf(d *desk.Desk) int {
	if d == w.sides[0].desk {
		return 0
	}
	return 1
}

func (w *diffWorld) transfer() diffOp {
	tg := w.target()
	a := w.actorFor(tg.k, 0.5, w.human)
	force := w.chance(0.2)
	if w.chance(0.5) {
		to := w.claimer()
		return w.convOp(fmt.Sprintf("transfer to %s (force %v)", to.name, force), a, tg, false, func(d *desk.Desk, ctx context.Context, id int) (*ent.Conversation, error) {
			agentID := to.ids[w.sideOf(d)]
			return d.Transfer(ctx, id, &agentID, nil, nil, force)
		})
	}
	return w.convOp("transfer to the team", a, tg, false, func(d *desk.Desk, ctx context.Context, id int) (*ent.Conversation, error) {
		team := w.teams["Tier2"][w.sideOf(d)]
		return d.Transfer(ctx, id, nil, &team, nil, force)
	})
}

func (w *diffWorld) setStatus(pend bool) diffOp {
	tg := w.target()
	a := w.actorFor(tg.k, 0.6, w.anyAgent)
	if pend {
		return w.convOp("pend", a, tg, false, (*desk.Desk).Pend)
	}
	return w.convOp("resolve", a, tg, false, (*desk.Desk).Resolve)
}

func (w *diffWorld) send() diffOp {
	tg := w.target()
	a := w.actorFor(tg.k, 0.5, w.anyAgent)
	w.counter++
	text := fmt.Sprintf("reply %d", w.counter)
	return diffOp{name: fmt.Sprintf("send by %s to %s", a.name, tg), run: func(j int) any {
		m, err := w.sides[j].desk.Send(w.ctx(j, a), tg.id(w, j), text, nil)
		if err != nil {
			return w.answer(j, nil, err)
		}
		return map[string]any{"text": m.Text, "author": w.agentName(j, m.AuthorID), "kind": m.AuthorKind}
	}}
}

func (w *diffWorld) note() diffOp {
	tg, a := w.target(), w.anyAgent()
	return diffOp{name: fmt.Sprintf("note by %s on %s", a.name, tg), run: func(j int) any {
		n, err := w.sides[j].desk.AddNote(w.ctx(j, a), tg.id(w, j), "a note")
		if err != nil {
			return w.answer(j, nil, err)
		}
		return n.Text
	}}
}

func (w *diffWorld) hold() diffOp {
	tg := w.target()
	return w.convOp("hold", w.actorFor(tg.k, 0.7, w.human), tg, false, (*desk.Desk).Hold)
}

func (w *diffWorld) resume() diffOp {
	tg := w.target()
	force := w.chance(0.3)
	return w.convOp(fmt.Sprintf("resume (force %v)", force), w.actorFor(tg.k, 0.7, w.human), tg, false, func(d *desk.Desk, ctx context.Context, id int) (*ent.Conversation, error) {
		return d.Resume(ctx, id, force)
	})
}

func (w *diffWorld) requestIntervention() diffOp {
	tg := w.target()
	a := w.actorFor(tg.k, 0.7, w.anyAgent)
	return w.convOp("requestIntervention", a, tg, false, func(d *desk.Desk, ctx context.Context, id int) (*ent.Conversation, error) {
		return d.RequestIntervention(ctx, id, "the customer asks for a human")
	})
}

func (w *diffWorld) takeOver() diffOp {
	return w.convOp("takeOver", w.claimer(), w.target(), false, (*desk.Desk).TakeOver)
}

func (w *diffWorld) cancelTakeover() diffOp {
	tg := w.target()
	return w.convOp("cancelTakeover", w.actorFor(tg.k, 0.7, w.human), tg, false, (*desk.Desk).CancelTakeover)
}

func (w *diffWorld) returnToQueue() diffOp {
	tg := w.target()
	return w.convOp("returnToQueue", w.actorFor(tg.k, 0.7, w.human), tg, false, (*desk.Desk).ReturnToQueue)
}

func (w *diffWorld) completeTakeover() diffOp {
	tg := w.target()
	var tags []string
	for _, tag := range diffTags {
		if w.chance(0.4) {
			tags = append(tags, tag)
		}
	}
	var block *string
	if w.chance(0.3) {
		b := "payment-step"
		block = &b
	}
	return w.convOp(fmt.Sprintf("completeTakeover tags %v", tags), w.actorFor(tg.k, 0.7, w.human), tg, false, func(d *desk.Desk, ctx context.Context, id int) (*ent.Conversation, error) {
		return d.CompleteTakeover(ctx, id, desk.Completion{Topic: "billing", Outcome: "solved", Tags: tags, Block: block})
	})
}

func (w *diffWorld) delegate() diffOp {
	tg := w.target()
	bot := w.bot()
	return w.convOp("delegate to "+bot.name, w.actorFor(tg.k, 0.6, w.human), tg, false, func(d *desk.Desk, ctx context.Context, id int) (*ent.Conversation, error) {
		return d.Delegate(ctx, id, bot.ids[w.sideOf(d)])
	})
}

func (w *diffWorld) handBack() diffOp {
	tg := w.target()
	return w.convOp("handBack", w.actorFor(tg.k, 0.8, w.bot), tg, false, (*desk.Desk).HandBack)
}

func (w *diffWorld) customerLeaves() diffOp {
	by := w.byName["Connector"]
	if w.chance(0.1) {
		by = w.human()
	}
	return w.convOp("endCustomerSession", by, w.target(), false, func(d *desk.Desk, ctx context.Context, id int) (*ent.Conversation, error) {
		return d.EndCustomerSession(ctx, id, nil)
	})
}

// join is mostly of a conversation a human owns, or nobody: joining a bot's is a takeover, and a
// joiner in a human's conversation is what a release must see (C11, §6: it stays ACTIVE).
func (w *diffWorld) join() diffOp {
	by := w.byName["Admin"]
	if w.chance(0.3) {
		by = w.human()
	}
	tg := w.targetWhere(0.6, func(c *ent.Conversation) bool { return c.HumanOwned || c.OwnerID == nil })
	return w.convOp("join", by, tg, false, (*desk.Desk).Join)
}

// leave is mostly of a conversation the super admin is in without owning it (C11).
func (w *diffWorld) leave() diffOp {
	by := w.byName["Admin"]
	if w.chance(0.3) {
		by = w.human()
	}
	admin := w.byName["Admin"].ids[0]
	tg := w.targetWhere(0.7, func(c *ent.Conversation) bool {
		return (c.OwnerID == nil || *c.OwnerID != admin) && w.db.Client.Participant.Query().Where(participant.ConversationID(c.ID),
			participant.AgentID(admin), participant.Active(true)).ExistX(testapi.Sys())
	})
	return w.convOp("leave", by, tg, false, (*desk.Desk).Leave)
}

func (w *diffWorld) heartbeat() diffOp {
	a := w.human()
	return diffOp{name: "heartbeat by " + a.name, run: func(j int) any {
		return w.answer(j, nil, w.sides[j].desk.Heartbeat(w.ctx(j, a)))
	}}
}

func (w *diffWorld) setPresence() diffOp {
	a := w.human()
	p := []enum.Presence{enum.PresenceOnline, enum.PresenceOnline, enum.PresenceAway, enum.PresenceOffline}[w.pick(4)]
	return diffOp{name: fmt.Sprintf("setPresence %s by %s", p, a.name), run: func(j int) any {
		_, err := directory.New(w.db.Client, nil).SetPresence(w.ctx(j, a), p)
		return w.answer(j, nil, err)
	}}
}

// story plays a short chain of operations on one conversation by one human, to reach the deeper
// shapes (interventions returned or left TAKEN_OVER, caps met by PENDING and ON_HOLD ones, a lock
// held elsewhere, a customer gone, a delegation) more often than independent draws would.
func (w *diffWorld) story() diffOp {
	tg, a := w.targetWhere(0.7, claimable), w.human()
	botOwned := func() diffTarget {
		return w.targetWhere(0.8, func(c *ent.Conversation) bool { return c.IsOpen && c.OwnerID != nil && !c.HumanOwned })
	}
	type part = func() diffOp
	claimOther := func() diffOp { // the same human, another conversation (the focus is lifted)
		w.focus = nil
		return w.claim()
	}
	var name string
	var parts []part
	switch w.pick(8) {
	case 0:
		name, tg = "an intervention", botOwned()
		parts = []part{w.requestIntervention, w.takeOver}
		parts = append(parts, []part{w.returnToQueue, w.release, w.cancelTakeover, w.completeTakeover, w.claim}[w.pick(5)])
		if w.chance(0.5) {
			parts = append(parts, w.claim)
		}
	case 1:
		name = "a cap met"
		parts = []part{w.claim, func() diffOp { return w.setStatus(true) }, claimOther}
	case 2:
		name = "a hold"
		parts = []part{w.claim, w.hold, claimOther, w.release}
	case 3:
		name = "a lock held elsewhere"
		parts = []part{w.open, claimOther}
		if w.chance(0.5) {
			parts = append(parts, w.batch)
		}
	case 4:
		name = "the customer leaving"
		parts = []part{w.claim, w.customerLeaves, []part{w.release, w.claim}[w.pick(2)]}
	case 5:
		// C7: the only way to tag a conversation is to complete a takeover with tags; a claim of
		// the bot's conversation is a takeover.
		name, tg = "a pool", botOwned()
		parts = []part{w.claim, w.completeTakeover, w.requestIntervention, w.takeOver,
			[]part{w.returnToQueue, w.release}[w.pick(2)], w.claim}
	case 6:
		// C11, §6: the owner releasing while a super admin who joined is in it (the hot path
		// declines it: the state stays ACTIVE), then the joiner leaving.
		name = "a joiner"
		parts = []part{w.claim, w.join, w.release, w.leave}
		if w.chance(0.5) {
			parts = append(parts, w.claim)
		}
	default:
		name = "a delegation"
		parts = []part{w.claim, w.delegate, w.handBack, w.release}
	}
	return diffOp{name: fmt.Sprintf("story of %s: %s and %s", name, a.name, tg), global: func() {
		w.focus, w.actor = &tg, a
		defer func() { w.focus, w.actor = nil, nil }()
		for _, p := range parts {
			w.now = w.now.Add(time.Duration(w.r.Int64N(int64(time.Second))))
			w.step(p())
		}
	}}
}

// changeSettings changes one workspace setting on both twins (an admin's updateWorkspaceSettings,
// written directly: its event carries the workspace rows, which differ between twins by
// construction).
func (w *diffWorld) changeSettings() diffOp {
	b := w.chance(0.5)
	var name string
	var set func(u *ent.WorkspaceUpdateOne)
	switch w.pick(7) {
	case 0:
		n := []int{1, 2, 3, 20}[w.pick(4)]
		name, set = fmt.Sprintf("maxClaimsPerAgent=%d", n), func(u *ent.WorkspaceUpdateOne) { u.SetMaxClaimsPerAgent(n) }
	case 1:
		name, set = fmt.Sprintf("capacityCountsPending=%v", b), func(u *ent.WorkspaceUpdateOne) { u.SetCapacityCountsPending(b) }
	case 2:
		name, set = fmt.Sprintf("capacityCountsOnHold=%v", b), func(u *ent.WorkspaceUpdateOne) { u.SetCapacityCountsOnHold(b) }
	case 3:
		name, set = fmt.Sprintf("pauseBotOnClaim=%v", b), func(u *ent.WorkspaceUpdateOne) { u.SetPauseBotOnClaim(b) }
	case 4:
		sa := enum.SelfAssignmentAllowed
		if b {
			sa = enum.SelfAssignmentRoutingOnly
		}
		name, set = "selfAssignment="+string(sa), func(u *ent.WorkspaceUpdateOne) { u.SetSelfAssignment(sa) }
	case 5:
		name, set = fmt.Sprintf("wrapUpEnabled=%v", b), func(u *ent.WorkspaceUpdateOne) { u.SetWrapUpEnabled(b) }
	default:
		n := []int{15, 60, 300}[w.pick(3)]
		name, set = fmt.Sprintf("lockGracePeriod=%ds", n), func(u *ent.WorkspaceUpdateOne) { u.SetLockGracePeriodSeconds(n) }
	}
	return diffOp{name: "settings: " + name, global: func() {
		for _, s := range w.sides {
			u := w.db.Client.Workspace.UpdateOneID(s.ws)
			set(u)
			u.ExecX(testapi.Sys())
		}
	}}
}

// changeCapacity sets, removes or adds a human's capacity on a channel on both twins (an admin's
// updateAgent; R1, R2).
func (w *diffWorld) changeCapacity() diffOp {
	a, ch := w.human(), w.channel()
	capacity := []int{-1, 0, 1, 1, 2, 3}[w.pick(6)] // -1: not permitted on the channel
	return diffOp{name: fmt.Sprintf("capacity of %s on %s: %d", a.name, ch, capacity), global: func() {
		sys := testapi.Sys()
		for j, s := range w.sides {
			w.db.Client.AgentChannel.Delete().Where(agentchannel.AgentID(a.ids[j]), agentchannel.ChannelEQ(ch)).ExecX(sys)
			if capacity >= 0 {
				w.db.Client.AgentChannel.Create().SetWorkspaceID(s.ws).SetAgentID(a.ids[j]).SetChannel(ch).SetCapacity(capacity).ExecX(sys)
			}
		}
	}}
}

// The sweeps below act on every workspace at once, so on both twins in one call.

func (w *diffWorld) expireLeases() diffOp {
	return diffOp{name: "expire leases", check: true, global: func() {
		if _, err := w.sides[1].desk.ExpireLeases(context.Background()); err != nil {
			w.fail("expire leases: %v", err)
		}
	}}
}

func (w *diffWorld) sweepStale() diffOp {
	return diffOp{name: "sweep stale claims", check: true, global: func() {
		if _, _, err := w.sides[1].desk.SweepStale(context.Background()); err != nil {
			w.fail("sweep: %v", err)
		}
	}}
}

func (w *diffWorld) fireTimers() diffOp {
	return diffOp{name: "fire due timers", check: true, global: func() {
		if _, err := w.worker.RunOnce(context.Background()); err != nil {
			w.fail("timers: %v", err)
		}
	}}
}

// ---- batches

// batchOp is one claim or release of a batch, with its own time.
type batchOp struct {
	release, force bool
	a              *diffAgent
	tg             diffTarget
	now            time.Time
}

func (b batchOp) String() string {
	kind := "claim"
	switch {
	case b.release:
		kind = "release"
	case b.force:
		kind = "claim (force)"
	}
	return fmt.Sprintf("%s by %s of %s", kind, b.a.name, b.tg)
}

// clock is the operation's time.
func (b batchOp) clock() time.Time { return b.now }

func (b batchOp) run(w *diffWorld, d *desk.Desk, ctx context.Context, j int) (*ent.Conversation, error) {
	if b.release {
		return d.Release(ctx, b.tg.id(w, j))
	}
	return d.Claim(ctx, b.tg.id(w, j), b.force)
}

// batch gathers claims and releases into one batch on the hot twin: the hot-path queue is held
// until all have arrived, one after another, so their order is known. Each operation has its own
// time, and its own clock that tells a decline (see single). The batch decides some operations
// and declines the others, which the test stops before they write anything; the ordinary twin then
// runs what the batch decided in the batch's documented order (its claims, then its releases, each
// kind in arrival order), and the twins must agree on the answers and on every row: that is also
// what shows that the batch wrote nothing for what it declined. Then both twins run the declined
// operations the ordinary way, in arrival order, as the desk would have.
func (w *diffWorld) batch() diffOp {
	var ops []batchOp
	convs, claimers := map[diffTarget]bool{}, map[string]bool{}
	at := w.now
	add := func(b batchOp) {
		// Only humans who may claim enter the queue (the others go their ordinary way at once), and
		// a batch takes each conversation and each claimer once.
		if (!b.release && (!b.a.human() || b.a.role == enum.RoleClientUser)) || convs[b.tg] || (!b.release && claimers[b.a.name]) {
			return
		}
		convs[b.tg], claimers[b.a.name] = true, !b.release || claimers[b.a.name]
		at = at.Add(time.Duration(w.r.Int64N(int64(3 * time.Millisecond))))
		b.now = at
		ops = append(ops, b)
	}
	if w.chance(0.4) {
		// L3 inside the batch: an agent holding a lock claims another conversation while the
		// locked one is released by its owner (the holder or not), in either arrival order.
		held := w.db.Client.Conversation.Query().Where(conversation.IDIn(w.sides[0].convs...), conversation.HumanLock(true)).AllX(testapi.Sys())
		if len(held) > 0 {
			y := held[w.pick(len(held))]
			claim := batchOp{a: w.agentOn(y.LockHolderID), tg: w.targetWhere(0.8, claimable)}
			pair := []batchOp{claim}
			if owner := w.agentOn(y.OwnerID); owner != nil && y.HumanOwned {
				pair = append(pair, batchOp{release: true, a: owner, tg: diffTarget{k: slices.Index(w.sides[0].convs, y.ID)}})
			}
			if w.chance(0.5) {
				slices.Reverse(pair)
			}
			for _, b := range pair {
				add(b)
			}
		}
	}
	for range 1 + w.pick(7) {
		b := batchOp{release: w.chance(0.4)}
		if b.release {
			b.tg = w.targetWhere(0.5, owned)
			b.a = w.actorFor(b.tg.k, 0.6, w.anyAgent)
		} else {
			b.tg = w.targetWhere(0.5, claimable)
			b.a = w.human()
		}
		add(b)
	}
	var names []string
	for _, b := range ops {
		names = append(names, b.String())
	}
	return diffOp{name: fmt.Sprintf("batch [%s]", strings.Join(names, "; ")), check: true, global: func() {
		w.runBatch(ops)
		w.now = at
	}}
}

func (w *diffWorld) runBatch(ops []batchOp) {
	w.t.Helper()
	n := len(ops)
	if n == 0 {
		return
	}
	type result struct {
		c   *ent.Conversation
		err error
	}
	hot := w.sides[0].desk
	for _, b := range ops {
		w.noteShape(b)
	}
	res := make([]result, n)
	declined := make([]atomic.Bool, n)
	waiting, release := desk.HoldHotPaths(hot)
	var wg sync.WaitGroup
	for i, b := range ops {
		ctx, cancel := context.WithCancel(w.ctx(0, b.a))
		defer cancel()
		var reads atomic.Int32
		d := hot.WithClock(func() time.Time {
			if reads.Add(1) > 1 {
				declined[i].Store(true)
				cancel()
			}
			return b.now
		})
		wg.Go(func() { res[i].c, res[i].err = b.run(w, d, ctx, 0) })
		for deadline := time.Now().Add(10 * time.Second); waiting() < i+1; runtime.Gosched() {
			if time.Now().After(deadline) {
				release()
				w.fail("batch: %d of %d operations reached the hot-path queue", waiting(), n)
			}
		}
	}
	release()
	wg.Wait()
	w.stats.batches.Add(1)
	w.stats.batchOps.Add(int64(n))
	// What the batch decided answered with a conversation; what it declined was stopped, or failed
	// the ordinary way before it read its clock (a conversation not found: nothing written).
	var decided, rest []int
	for _, release := range []bool{false, true} {
		for i, b := range ops {
			if b.release == release && res[i].err == nil && !declined[i].Load() {
				decided = append(decided, i)
			}
		}
	}
	for i := range ops {
		if res[i].err != nil || declined[i].Load() {
			rest = append(rest, i)
		}
	}
	w.stats.hot.Add(int64(len(decided)))
	w.stats.declined.Add(int64(len(rest)))
	var notes []string
	compare := func(i int, h result, how string) {
		b := ops[i]
		c, err := b.run(w, w.sides[1].desk.WithClock(b.clock), w.ctx(1, b.a), 1)
		ha, sa := w.answer(0, h.c, h.err), w.answer(1, c, err)
		notes = append(notes, fmt.Sprintf("%s: %s → %s", b, how, short(ha)))
		if !reflect.DeepEqual(ha, sa) {
			w.fail("batch [%s]: %s answered differently:\nhot  %s\nslow %s", strings.Join(notes, "; "), b, js(ha), js(sa))
		}
	}
	for _, i := range decided {
		compare(i, res[i], "decided by the batch")
	}
	w.compareRows(fmt.Sprintf("after the batch (its decided operations: %v; declined: %v)", decided, rest))
	for _, i := range rest {
		b := ops[i]
		c, err := b.run(w, hot.WithoutHotPaths().WithClock(b.clock), w.ctx(0, b.a), 0)
		compare(i, result{c, err}, "declined")
	}
	w.log[len(w.log)-1] += " → " + strings.Join(notes, "; ")
}

// ---- answers and rows, normalized

// answer is an operation's answer on side j without what differs between twins by construction:
// the conversation (its ids mapped), or the fault.
func (w *diffWorld) answer(j int, c *ent.Conversation, err error) any {
	w.t.Helper()
	if err != nil {
		f, ok := fault.As(err)
		if !ok {
			w.fail("side %d: not a fault: %v", j, err)
		}
		out := map[string]any{"code": string(f.Code), "message": f.Message}
		if len(f.Extensions) > 0 {
			out["extensions"] = w.refs(j, f.Extensions)
		}
		return out
	}
	if c == nil {
		return nil
	}
	return w.normConv(j, c)
}

// refs maps agent references ({"id": "12", "name": …}) in fault extensions to names.
func (w *diffWorld) refs(j int, v any) any {
	raw, _ := json.Marshal(v)
	var x any
	_ = json.Unmarshal(raw, &x)
	var walk func(any) any
	walk = func(x any) any {
		switch x := x.(type) {
		case map[string]any:
			for k, v := range x {
				if s, ok := v.(string); ok && k == "id" {
					if n, err := strconv.Atoi(s); err == nil {
						x[k] = w.agentName(j, &n)
						continue
					}
				}
				x[k] = walk(v)
			}
		case []any:
			for i, v := range x {
				x[i] = walk(v)
			}
		}
		return x
	}
	return walk(x)
}

func (w *diffWorld) agentName(j int, id *int) any {
	if id == nil {
		return nil
	}
	if n, ok := w.sides[j].names[*id]; ok {
		return n
	}
	return fmt.Sprintf("unknown agent %d", *id) // differs between twins: shows up
}

func (w *diffWorld) convName(j int, id *int) any {
	if id == nil {
		return nil
	}
	if k := slices.Index(w.sides[j].convs, *id); k >= 0 {
		return fmt.Sprintf("c%d", k)
	}
	return fmt.Sprintf("unknown conversation %d", *id)
}

// rank names row id of table by its position among side j's rows of that table (both twins
// create them in the same order).
func (w *diffWorld) rank(j int, table string, id *int) any {
	if id == nil {
		return nil
	}
	s := w.sides[j]
	if name, ok := s.ranks[table][*id]; ok {
		return name
	}
	sys := testapi.Sys()
	c := w.db.Client
	var ids []int
	switch table {
	case "customer":
		ids = c.Customer.Query().Where(customer.WorkspaceID(s.ws)).Order(customer.ByID()).IDsX(sys)
	case "message":
		ids = c.Message.Query().Where(message.WorkspaceID(s.ws)).Order(message.ByID()).IDsX(sys)
	case "note":
		ids = c.Note.Query().Where(note.WorkspaceID(s.ws)).Order(note.ByID()).IDsX(sys)
	case "session":
		ids = c.ChannelSession.Query().Where(channelsession.WorkspaceID(s.ws)).Order(channelsession.ByID()).IDsX(sys)
	case "team":
		if *id == w.teams["Tier2"][j] {
			return "Tier2"
		}
	}
	s.ranks[table] = map[int]string{}
	for i, x := range ids {
		s.ranks[table][x] = fmt.Sprintf("%s%d", table, i)
	}
	if name, ok := s.ranks[table][*id]; ok {
		return name
	}
	return fmt.Sprintf("unknown %s %d", table, *id)
}

func tm(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func (w *diffWorld) normConv(j int, c *ent.Conversation) map[string]any {
	return map[string]any{
		"id": w.convName(j, &c.ID), "customer": w.rank(j, "customer", &c.CustomerID), "channel": c.Channel,
		"status": c.Status, "state": c.State, "isOpen": c.IsOpen, "priority": c.Priority, "version": c.Version,
		"tags": c.Tags, "requiredSkills": c.RequiredSkills, "requiredLanguage": c.RequiredLanguage,
		"requiredTeam": w.rank(j, "team", c.RequiredTeamID), "owner": w.agentName(j, c.OwnerID), "humanOwned": c.HumanOwned,
		"claimedAt": tm(c.ClaimedAt), "ownerActiveAt": tm(c.OwnerActiveAt), "stale": c.Stale,
		"lastHumanOwner": w.agentName(j, c.LastHumanOwnerID), "lockHolder": w.agentName(j, c.LockHolderID),
		"humanLock": c.HumanLock, "lockAcquiredAt": tm(c.LockAcquiredAt), "lockExpiresAt": tm(c.LockExpiresAt),
		"botPaused": c.BotPaused, "firstReplyAt": tm(c.FirstReplyAt), "customerPresent": c.CustomerPresent,
		"delegatedBy": w.agentName(j, c.DelegatedByID), "queuedSince": tm(c.QueuedSince), "preview": c.Preview,
		"lastMessageAt": tm(&c.LastMessageAt), "lastCustomerMessageAt": tm(c.LastCustomerMessageAt),
		"resolvedAt": tm(c.ResolvedAt), "closed": c.ClosedAt != nil, "previous": w.convName(j, c.PreviousID),
	}
}

// jsonIDs maps the ids inside an event's before/after by what their key names.
func (w *diffWorld) jsonIDs(j int, m map[string]any) any {
	if m == nil {
		return nil
	}
	out := map[string]any{}
	for k, v := range m {
		id := func() *int {
			if f, ok := v.(float64); ok {
				n := int(f)
				return &n
			}
			return nil
		}
		switch k {
		case "owner", "holder", "bot", "participant", "author", "viewer", "delegatedBy":
			if n := id(); n != nil {
				out[k] = w.agentName(j, n)
				continue
			}
		case "customer":
			if n := id(); n != nil {
				out[k] = w.rank(j, "customer", n)
				continue
			}
		case "message":
			if n := id(); n != nil {
				out[k] = w.rank(j, "message", n)
				continue
			}
		case "note":
			if n := id(); n != nil {
				out[k] = w.rank(j, "note", n)
				continue
			}
		case "team":
			if n := id(); n != nil {
				out[k] = w.rank(j, "team", n)
				continue
			}
		}
		if s, ok := v.(string); ok {
			if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
				v = t.UTC().Format(time.RFC3339Nano)
			}
		}
		out[k] = v
	}
	return out
}

// rows is everything side j's workspace holds that a claim or release may touch, normalized, per
// conversation (and per agent).
func (w *diffWorld) rows(j int) map[string]any {
	sys := testapi.Sys()
	c := w.db.Client
	s := w.sides[j]
	perConv := func() []any {
		out := make([]any, len(s.convs))
		for i := range out {
			out[i] = []any{}
		}
		return out
	}
	at := func(conv int) int {
		k := slices.Index(s.convs, conv)
		if k < 0 {
			w.fail("side %d: a row of conversation %d, which the world does not know", j, conv)
		}
		return k
	}
	convs := make([]any, len(s.convs))
	for _, x := range c.Conversation.Query().Where(conversation.WorkspaceID(s.ws)).AllX(sys) {
		convs[at(x.ID)] = w.normConv(j, x)
	}
	parts := perConv()
	for _, p := range c.Participant.Query().Where(participant.WorkspaceID(s.ws)).Order(participant.ByID()).AllX(sys) {
		k := at(p.ConversationID)
		parts[k] = append(parts[k].([]any), map[string]any{"kind": p.Kind, "agent": w.agentName(j, p.AgentID),
			"session": w.rank(j, "session", p.ChannelSessionID), "active": p.Active, "leftAt": tm(p.LeftAt)})
	}
	sessions := perConv()
	for _, x := range c.ChannelSession.Query().Where(channelsession.WorkspaceID(s.ws)).Order(channelsession.ByID()).AllX(sys) {
		k := at(x.ConversationID)
		sessions[k] = append(sessions[k].([]any), map[string]any{"id": w.rank(j, "session", &x.ID), "channel": x.Channel,
			"active": x.Active, "endedAt": tm(x.EndedAt)})
	}
	ivs := perConv()
	for _, x := range c.Intervention.Query().Where(intervention.WorkspaceID(s.ws)).Order(intervention.ByID()).AllX(sys) {
		k := at(x.ConversationID)
		ivs[k] = append(ivs[k].([]any), map[string]any{"status": x.Status, "summary": x.Summary,
			"requestedBy": w.agentName(j, x.RequestedByID), "bot": w.agentName(j, x.BotID),
			"takenOverBy": w.agentName(j, x.TakenOverByID), "takenOverAt": tm(x.TakenOverAt), "topic": x.Topic,
			"outcome": x.Outcome, "tags": x.Tags, "block": x.Block, "completedAt": tm(x.CompletedAt)})
	}
	tms := perConv()
	for _, x := range c.Timer.Query().Where(timer.WorkspaceID(s.ws), timer.ConversationIDNotNil()).Order(timer.ByID()).AllX(sys) {
		k := at(*x.ConversationID)
		tms[k] = append(tms[k].([]any), map[string]any{"kind": x.Kind, "status": x.Status, "dueAt": tm(&x.DueAt),
			"remainingMs": x.RemainingMs, "payload": x.Payload, "attempts": x.Attempts, "firedAt": tm(x.FiredAt)})
	}
	msgs := perConv()
	for _, x := range c.Message.Query().Where(message.WorkspaceID(s.ws)).Order(message.ByID()).AllX(sys) {
		k := at(x.ConversationID)
		msgs[k] = append(msgs[k].([]any), map[string]any{"id": w.rank(j, "message", &x.ID), "kind": x.AuthorKind,
			"author": w.agentName(j, x.AuthorID), "name": x.AuthorName, "channel": x.Channel, "text": x.Text})
	}
	notes := perConv()
	for _, x := range c.Note.Query().Where(note.WorkspaceID(s.ws)).Order(note.ByID()).AllX(sys) {
		k := at(x.ConversationID)
		notes[k] = append(notes[k].([]any), map[string]any{"id": w.rank(j, "note", &x.ID), "author": w.agentName(j, &x.AuthorID), "text": x.Text})
	}
	evs := perConv()
	var wsEvents []any
	for _, x := range c.Event.Query().Where(event.WorkspaceID(s.ws)).Order(event.ByID()).AllX(sys) {
		e := map[string]any{"type": x.Type, "actor": w.agentName(j, x.ActorID), "subject": w.agentName(j, x.SubjectID),
			"version": x.Version, "durationMs": x.DurationMs, "before": w.jsonIDs(j, x.Before), "after": w.jsonIDs(j, x.After)}
		if x.ConversationID == nil {
			wsEvents = append(wsEvents, e)
			continue
		}
		k := at(*x.ConversationID)
		evs[k] = append(evs[k].([]any), e)
	}
	agents := map[string]any{}
	for _, x := range c.Agent.Query().Where(agent.WorkspaceID(s.ws)).AllX(sys) {
		agents[x.Name] = map[string]any{"presence": x.Presence, "active": x.Active,
			"lastActivityAt": tm(x.LastActivityAt), "lastAssignedAt": tm(x.LastAssignedAt)}
	}
	return map[string]any{"conversations": convs, "participants": parts, "sessions": sessions, "interventions": ivs,
		"timers": tms, "messages": msgs, "notes": notes, "events": evs, "workspaceEvents": wsEvents, "agents": agents}
}

// checkNumbers holds the hot twin's event numbers to E3: its batches number every event committed
// before them (the ordinary way's, in id order), then their own as they write them, so the
// numbered events, in id order, are numbered 1, 2, 3 …, none follows an unnumbered one, and the
// workspace's counter is at the last number.
func (w *diffWorld) checkNumbers(when string) {
	w.t.Helper()
	sys := testapi.Sys()
	ws := w.sides[0].ws
	next, gap := int64(1), 0
	for _, e := range w.db.Client.Event.Query().Where(event.WorkspaceID(ws)).Order(event.ByID()).AllX(sys) {
		switch {
		case e.Seq == nil:
			gap = e.ID
		case gap != 0:
			w.fail("%s E3: event %d (%s) is numbered %d after event %d, which is not numbered", when, e.ID, e.Type, *e.Seq, gap)
		case *e.Seq != next:
			w.fail("%s E3: event %d (%s) is numbered %d, want %d", when, e.ID, e.Type, *e.Seq, next)
		default:
			next++
		}
	}
	if n := w.db.Client.Workspace.GetX(sys, ws).EventSeq; n != next-1 {
		w.fail("%s E3: the workspace's event counter is at %d, the last number given is %d", when, n, next-1)
	}
}

// compareRows fails unless both twins hold the same rows.
func (w *diffWorld) compareRows(when string) {
	w.t.Helper()
	h, s := w.rows(0), w.rows(1)
	w.checkNumbers(when)
	if reflect.DeepEqual(h, s) {
		return
	}
	var diffs []string
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, table := range keys {
		a, b := h[table], s[table]
		if reflect.DeepEqual(a, b) {
			continue
		}
		switch a := a.(type) {
		case []any:
			b, _ := b.([]any)
			for i := range max(len(a), len(b)) {
				var x, y any
				if i < len(a) {
					x = a[i]
				}
				if i < len(b) {
					y = b[i]
				}
				if !reflect.DeepEqual(x, y) {
					diffs = append(diffs, fmt.Sprintf("%s c%d:\n    hot  %s\n    slow %s", table, i, js(x), js(y)))
				}
			}
		case map[string]any:
			b, _ := b.(map[string]any)
			for k := range a {
				if !reflect.DeepEqual(a[k], b[k]) {
					diffs = append(diffs, fmt.Sprintf("%s %s:\n    hot  %s\n    slow %s", table, k, js(a[k]), js(b[k])))
				}
			}
		default:
			diffs = append(diffs, fmt.Sprintf("%s:\n    hot  %s\n    slow %s", table, js(a), js(b)))
		}
	}
	if len(diffs) > 8 {
		diffs = diffs[:8]
	}
	w.fail("%s the twins' rows differ:\n  %s", when, strings.Join(diffs, "\n  "))
}
