package routing_test

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"switchboard/ent"
	"switchboard/ent/agent"
	"switchboard/ent/agentchannel"
	"switchboard/ent/conversation"
	"switchboard/ent/intervention"
	"switchboard/ent/schema/enum"
	"switchboard/internal/auth"
	"switchboard/internal/desk"
	"switchboard/internal/directory"
	"switchboard/internal/events"
	"switchboard/internal/routing"
	"switchboard/internal/testapi"
)

// A generated matrix of worlds: random agents (kind, role, active, presence, skills, languages,
// teams, pools, channels and capacities, what they own and whether they hold a lock), random
// workspace settings (maxClaimsPerAgent, what counts against a capacity) and a random queue
// (priorities, arrivals, required skills, language, team, pool tags, human locks). A dispatch must
// assign exactly what a reference written from the rules assigns (R1–R5, C6, C7, C9, I2, L2, L4, L7), over
// the database's state just before it. Then changes made through the product's own paths
// (resolves, pends, presence, capacities, arrivals) and a dispatch again, through what routing
// remembers of the roster and the loads from one dispatch to the next; the dispatches alternate
// between two instances' routers, each seeing only its own commits as they happen.
func TestDispatchFollowsTheRules(t *testing.T) {
	s := testapi.New(t) // no background router: the test dispatches itself
	worlds := 40
	if testing.Short() {
		worlds = 8
	}
	changed := 0
	for seed := range worlds {
		w := newWorld(t, s, uint64(seed))
		for round := range 4 {
			want := w.reference()
			n, err := w.routers[round%2].Dispatch(testapi.Sys(), w.ws)
			if err != nil {
				t.Fatalf("world %d round %d: dispatch: %v", seed, round, err)
			}
			got := w.outcome()
			if diff := compareOutcomes(want, got); diff != "" || n != want.assigned {
				t.Fatalf("world %d round %d: %d assigned (want %d)\n%s\nworld:\n%s", seed, round, n, want.assigned, diff, w.describe())
			}
			changed += w.change()
		}
	}
	if changed < worlds*4 {
		t.Fatalf("the generator changed too little between dispatches (%d changes)", changed)
	}
}

var (
	ruleChannels = []enum.Channel{enum.ChannelSMS, enum.ChannelLiveChat, enum.ChannelEmail}
	ruleSkills   = []string{"billing", "tech", "vip"}
	ruleLangs    = []string{"en", "es"}
)

type world struct {
	t       *testing.T
	r       *rand.Rand
	c       *ent.Client
	routers []*routing.Router // two instances' (each with its own bus): dispatches alternate
	desk    *desk.Desk
	dir     *directory.Directory
	ws      int
	admin   *auth.Viewer
	agents  []*ent.Agent
	bot     int // the inception bot, which owns some of the queue while they wait for a human (I2)
	teams   []int
	pools   map[int]string // pool id → tag
	base    time.Time
	n       int // customers made
}

func newWorld(t *testing.T, s *testapi.Server, seed uint64) *world {
	t.Helper()
	ctx := testapi.Sys()
	c := s.DB.Client
	r := rand.New(rand.NewPCG(seed, 7))
	ws := c.Workspace.Create().SetName(fmt.Sprintf("World %d", seed)).SetSlug(fmt.Sprintf("world-%d", seed)).
		SetMaxClaimsPerAgent(1 + r.IntN(6)).SetCapacityCountsPending(r.IntN(2) == 0).SetCapacityCountsOnHold(r.IntN(2) == 0).SaveX(ctx)
	w := &world{t: t, r: r, c: c, routers: []*routing.Router{routing.New(s.DB, s.Bus), routing.New(s.DB, events.NewBus(c, s.DB.URL))}, desk: desk.New(s.DB, s.Bus), dir: directory.New(c, s.Bus),
		ws: ws.ID, pools: map[int]string{}, base: time.Now().Add(-time.Hour).Truncate(time.Second)}
	admin := c.Agent.Create().SetWorkspaceID(ws.ID).SetName("Admin").SetRole(enum.RoleSuperAdmin).SaveX(ctx)
	w.admin = &auth.Viewer{AgentID: admin.ID, WorkspaceID: ws.ID, Role: enum.RoleSuperAdmin, Kind: enum.KindHuman}
	w.bot = c.Agent.Create().SetWorkspaceID(ws.ID).SetName("Inception").SetKind(enum.KindVirtual).SetVaRole(enum.VARoleInception).
		SetPresence(enum.PresenceOnline).SaveX(ctx).ID
	for i := range 2 {
		w.teams = append(w.teams, c.Team.Create().SetWorkspaceID(ws.ID).SetName(fmt.Sprintf("Team %d", i)).SaveX(ctx).ID)
	}
	for _, tag := range []string{"senior", "es"} {
		p := c.Pool.Create().SetWorkspaceID(ws.ID).SetName(tag).SetTag(tag).SaveX(ctx)
		w.pools[p.ID] = tag
	}
	for i := range 3 + r.IntN(5) {
		role := pick(r, []enum.Role{enum.RoleAgent, enum.RoleAgent, enum.RoleAgent, enum.RoleSupervisor, enum.RoleAdmin, enum.RoleClientUser})
		kind := enum.KindHuman
		if r.IntN(8) == 0 {
			kind, role = enum.KindVirtual, enum.RoleAgent
		}
		q := c.Agent.Create().SetWorkspaceID(ws.ID).SetName(fmt.Sprintf("Agent%d", i)).SetKind(kind).SetRole(role).
			SetActive(r.IntN(8) != 0).SetPresence(pick(r, []enum.Presence{enum.PresenceOnline, enum.PresenceOnline, enum.PresenceOnline, enum.PresenceAway, enum.PresenceOffline})).
			SetPresenceChangedAt(w.base.Add(time.Duration(r.IntN(4)) * time.Minute)). // equal times too: the id decides (R4)
			SetSkills(subset(r, ruleSkills, 0.6)).SetLanguages(subset(r, ruleLangs, 0.6)).
			AddTeamIDs(subset(r, w.teams, 0.5)...).AddPoolIDs(subset(r, keys(w.pools), 0.5)...)
		if kind == enum.KindVirtual {
			q.SetVaRole(enum.VARoleInception)
		}
		if r.IntN(2) == 0 {
			q.SetLastAssignedAt(w.base.Add(time.Duration(r.IntN(6)) * time.Minute))
		}
		a := q.SaveX(ctx)
		for _, ch := range subset(r, ruleChannels, 0.75) {
			c.AgentChannel.Create().SetWorkspaceID(ws.ID).SetAgentID(a.ID).SetChannel(ch).SetCapacity(capacity(r)).ExecX(ctx)
		}
		w.agents = append(w.agents, a)
		for range r.IntN(3) { // what it owns already
			st := pick(r, []enum.Status{enum.StatusNew, enum.StatusNew, enum.StatusPending, enum.StatusResolved})
			cc := w.conversation().SetOwnerID(a.ID).SetHumanOwned(kind == enum.KindHuman).SetLastHumanOwnerID(a.ID).
				SetStatus(st).SetState(pick(r, []enum.State{enum.StateActive, enum.StateActive, enum.StateOnHold})).
				SetIsOpen(st != enum.StatusResolved || r.IntN(2) == 0)
			if kind == enum.KindHuman && st != enum.StatusResolved && r.IntN(4) == 0 && !w.holdsLock(a.ID) {
				cc.SetLockHolderID(a.ID).SetHumanLock(true).SetLockAcquiredAt(w.base).SetLockExpiresAt(time.Now().Add(time.Hour))
			}
			cc.ExecX(ctx)
		}
	}
	w.arrive(4 + r.IntN(10))
	c.Conversation.Create().SetWorkspaceID(ws.ID).SetCustomerID(w.customer()).SetChannel(enum.ChannelSMS).ExecX(ctx) // not queued: never routed
	return w
}

// conversation starts a conversation of a new customer on a random channel.
func (w *world) conversation() *ent.ConversationCreate {
	return w.c.Conversation.Create().SetWorkspaceID(w.ws).SetCustomerID(w.customer()).SetChannel(pick(w.r, ruleChannels))
}

func (w *world) customer() int {
	w.n++
	return w.c.Customer.Create().SetWorkspaceID(w.ws).SetName(fmt.Sprintf("Customer %d", w.n)).SaveX(testapi.Sys()).ID
}

func (w *world) holdsLock(id int) bool {
	return w.c.Conversation.Query().Where(conversation.LockHolderID(id), conversation.HumanLock(true)).ExistX(testapi.Sys())
}

// arrive queues n conversations: priorities, arrival times (some equal: the id decides), required
// skills, language and team, tags (a pool's restricts, C7; another does not), now and then a
// human lock on it (an agent looking at it, L3), which an assignment leaves with its holder (L4),
// and now and then still the bot's, owned and locked (L7) while an intervention waits (I2).
func (w *world) arrive(n int) {
	r, ctx := w.r, testapi.Sys()
	for range n {
		cc := w.conversation().SetQueuedSince(time.Now().Add(-time.Duration(r.IntN(3)) * time.Second).Truncate(time.Second)).
			SetPriority(r.IntN(3)).SetTags(subset(r, []string{"senior", "es", "urgent"}, 0.2))
		if r.IntN(3) == 0 {
			cc.SetRequiredSkills(subset(r, ruleSkills, 0.4))
		}
		if r.IntN(4) == 0 {
			cc.SetRequiredLanguage(pick(r, ruleLangs))
		}
		if r.IntN(5) == 0 {
			cc.SetRequiredTeamID(pick(r, w.teams))
		}
		bot := r.IntN(5) == 0
		if bot {
			cc.SetOwnerID(w.bot).SetLockHolderID(w.bot).SetLockAcquiredAt(time.Now())
		} else if a := pick(r, w.agents); r.IntN(6) == 0 && a.Kind == enum.KindHuman && !w.holdsLock(a.ID) {
			cc.SetLockHolderID(a.ID).SetHumanLock(true).SetLockAcquiredAt(time.Now()).SetLockExpiresAt(time.Now().Add(time.Hour))
		}
		conv := cc.SaveX(ctx)
		if bot {
			w.c.Intervention.Create().SetWorkspaceID(w.ws).SetConversationID(conv.ID).SetSummary("needs a human").SetBotID(w.bot).
				SetStatus(pick(r, enum.InterventionWaiting)).ExecX(ctx)
		}
	}
}

// change makes random changes through the product's paths and reports how many of them, arrivals
// aside, the product made.
func (w *world) change() int {
	r := w.r
	made := 0
	for range 1 + r.IntN(4) {
		a := pick(r, w.agents)
		as := auth.WithViewer(context.Background(), &auth.Viewer{AgentID: a.ID, WorkspaceID: w.ws, Role: a.Role, Kind: a.Kind})
		admin := auth.WithViewer(context.Background(), w.admin)
		var err error
		switch r.IntN(5) {
		case 0, 1: // resolve or pend something it owns (R5: capacity frees)
			owned, _ := w.c.Conversation.Query().Where(conversation.OwnerID(a.ID), conversation.IsOpen(true),
				conversation.StatusIn(enum.StatusNew, enum.StatusPending)).IDs(testapi.Sys())
			if len(owned) == 0 {
				continue
			}
			if r.IntN(2) == 0 {
				_, err = w.desk.Resolve(as, pick(r, owned))
			} else {
				_, err = w.desk.Pend(as, pick(r, owned))
			}
		case 2:
			_, err = w.dir.SetPresence(as, pick(r, []enum.Presence{enum.PresenceOnline, enum.PresenceOnline, enum.PresenceAway, enum.PresenceOffline}))
		case 3: // an admin changes the agent's channels and capacities (R1, R2: the roster moves)
			var chans []directory.ChannelCapacity
			for _, ch := range subset(r, ruleChannels, 0.75) {
				chans = append(chans, directory.ChannelCapacity{Channel: ch, Capacity: capacity(r)})
			}
			_, err = w.dir.UpdateAgent(admin, a.ID, directory.AgentUpdate{Channels: chans, ReplaceChannels: true, Skills: subset(r, ruleSkills, 0.6)})
		case 4:
			w.arrive(1 + r.IntN(3))
			continue
		}
		if err == nil { // a change the product refused (the rules allow it no more) changed nothing
			made++
		}
	}
	w.agents = w.c.Agent.Query().Where(agent.IDIn(ids(w.agents)...)).Order(agent.ByID()).AllX(testapi.Sys())
	return made
}

// outcome is who owns each conversation of the world, who holds its lock, and who took over the
// intervention waiting on it.
type outcome struct {
	owner, holder map[int]int // conversation → agent or bot (0: nobody)
	takenBy       map[int]int // conversation → the agent its waiting intervention is TAKEN_OVER by (0: still waiting)
	assigned      int
}

func (w *world) outcome() outcome {
	ctx := testapi.Sys()
	o := outcome{owner: map[int]int{}, holder: map[int]int{}, takenBy: map[int]int{}}
	for _, c := range w.c.Conversation.Query().Where(conversation.WorkspaceID(w.ws)).AllX(ctx) {
		o.owner[c.ID], o.holder[c.ID] = deref(c.OwnerID), deref(c.LockHolderID)
	}
	for _, iv := range w.c.Intervention.Query().Where(intervention.WorkspaceID(w.ws)).AllX(ctx) {
		if iv.Status == enum.InterventionTakenOver {
			o.takenBy[iv.ConversationID] = deref(iv.TakenOverByID)
		}
	}
	return o
}

// reference is what the rules say a dispatch does now, from the database's rows alone.
func (w *world) reference() outcome {
	ctx := testapi.Sys()
	out := w.outcome()
	ws := w.c.Workspace.GetX(ctx, w.ws)
	type cand struct {
		a         *ent.Agent
		caps      map[enum.Channel]int
		onChannel map[enum.Channel]int
		open      int
		idle      time.Time
		holds     bool
		teams     []int
		pools     []string
	}
	var cands []*cand
	for _, a := range w.c.Agent.Query().Where(agent.WorkspaceID(w.ws)).WithChannels().WithTeams().WithPools().Order(agent.ByID()).AllX(ctx) {
		// R3: HUMAN, ONLINE; an active member who works the channels (a CLIENT_USER does not, C11).
		if a.Kind != enum.KindHuman || !a.Active || a.Presence != enum.PresenceOnline || a.Role == enum.RoleClientUser {
			continue
		}
		c := &cand{a: a, caps: map[enum.Channel]int{}, onChannel: map[enum.Channel]int{}, idle: a.PresenceChangedAt}
		if a.LastAssignedAt != nil && a.LastAssignedAt.After(c.idle) { // R4: idle since its last assignment
			c.idle = *a.LastAssignedAt
		}
		for _, ch := range a.Edges.Channels {
			c.caps[ch.Channel] = ch.Capacity
		}
		for _, t := range a.Edges.Teams {
			c.teams = append(c.teams, t.ID)
		}
		for _, p := range a.Edges.Pools {
			c.pools = append(c.pools, p.Tag)
		}
		for _, o := range w.c.Conversation.Query().Where(conversation.OwnerID(a.ID), conversation.HumanOwned(true), conversation.IsOpen(true)).AllX(ctx) {
			if o.Status != enum.StatusNew && o.Status != enum.StatusPending {
				continue // C6: open conversations owned, NEW or PENDING
			}
			c.open++
			// R2: NEW counts on its channel; PENDING and ON_HOLD as the workspace says.
			if (o.Status == enum.StatusNew || ws.CapacityCountsPending) && (o.State != enum.StateOnHold || ws.CapacityCountsOnHold) {
				c.onChannel[o.Channel]++
			}
		}
		c.holds = w.holdsLock(a.ID)
		cands = append(cands, c)
	}
	// R5: the queue in order, priority then arrival.
	// I2: a bot's conversation waiting for a human is queued too.
	queue := w.c.Conversation.Query().Where(conversation.WorkspaceID(w.ws), conversation.IsOpen(true), conversation.StatusEQ(enum.StatusNew),
		conversation.HumanOwned(false), conversation.QueuedSinceNotNil()).AllX(ctx)
	slices.SortFunc(queue, func(a, b *ent.Conversation) int {
		return cmp.Or(cmp.Compare(b.Priority, a.Priority), a.QueuedSince.Compare(*b.QueuedSince), cmp.Compare(a.ID, b.ID))
	})
	poolTags := slices.Collect(func(yield func(string) bool) {
		for _, tag := range w.pools {
			if !yield(tag) {
				return
			}
		}
	})
	now := time.Now().Add(time.Hour) // assigned in this dispatch: idle since now, after everyone else
	for _, conv := range queue {
		var best *cand
		for _, c := range cands {
			capacity, permitted := c.caps[conv.Channel]
			eligible := permitted && c.onChannel[conv.Channel] < capacity && c.open < ws.MaxClaimsPerAgent && // R1, R2, C6
				(conv.RequiredLanguage == nil || slices.Contains(c.a.Languages, *conv.RequiredLanguage)) &&
				(conv.RequiredTeamID == nil || slices.Contains(c.teams, *conv.RequiredTeamID)) &&
				!slices.ContainsFunc(conv.RequiredSkills, func(s string) bool { return !slices.Contains(c.a.Skills, s) }) &&
				!slices.ContainsFunc(conv.Tags, func(tag string) bool { return slices.Contains(poolTags, tag) && !slices.Contains(c.pools, tag) }) // C7
			if !eligible {
				continue
			}
			// R4: the least loaded on the channel, then the one idle longest, then the lower id.
			if best == nil || cmp.Or(cmp.Compare(c.onChannel[conv.Channel], best.onChannel[conv.Channel]), c.idle.Compare(best.idle), cmp.Compare(c.a.ID, best.a.ID)) < 0 {
				best = c
			}
		}
		if best == nil {
			continue // R5: it waits
		}
		out.owner[conv.ID] = best.a.ID
		out.assigned++
		best.open++
		best.onChannel[conv.Channel]++
		best.idle = now
		// C9, L2, L4, L7: the lock goes with it when no human holds the conversation's and the agent
		// holds none; a human looking at it keeps it; the bot's goes with the bot's ownership.
		switch {
		case conv.HumanLock:
		case !best.holds:
			out.holder[conv.ID] = best.a.ID
			best.holds = true
		default:
			out.holder[conv.ID] = 0
		}
		if conv.OwnerID != nil { // I2: the intervention waiting on the bot's conversation is taken over
			out.takenBy[conv.ID] = best.a.ID
		}
	}
	return out
}

func compareOutcomes(want, got outcome) string {
	var diff string
	for _, id := range slices.Sorted(func(yield func(int) bool) {
		for id := range want.owner {
			if !yield(id) {
				return
			}
		}
	}) {
		if want.owner[id] != got.owner[id] || want.holder[id] != got.holder[id] || want.takenBy[id] != got.takenBy[id] {
			diff += fmt.Sprintf("conversation %d: owner %d, lock %d, taken over by %d; want owner %d, lock %d, taken over by %d\n",
				id, got.owner[id], got.holder[id], got.takenBy[id], want.owner[id], want.holder[id], want.takenBy[id])
		}
	}
	return diff
}

func (w *world) describe() string {
	ctx := testapi.Sys()
	ws := w.c.Workspace.GetX(ctx, w.ws)
	s := fmt.Sprintf("maxClaims %d, countsPending %v, countsOnHold %v, pools %v\n", ws.MaxClaimsPerAgent, ws.CapacityCountsPending, ws.CapacityCountsOnHold, w.pools)
	for _, a := range w.c.Agent.Query().Where(agent.WorkspaceID(w.ws)).WithChannels().WithTeams().WithPools().Order(agent.ByID()).AllX(ctx) {
		var chans []string
		for _, ch := range a.Edges.Channels {
			chans = append(chans, fmt.Sprintf("%s:%d", ch.Channel, ch.Capacity))
		}
		s += fmt.Sprintf("agent %d %s %s active=%v %s since %s last %v skills %v langs %v teams %d pools %d chans %v\n", a.ID, a.Kind, a.Role, a.Active,
			a.Presence, a.PresenceChangedAt.Format(time.TimeOnly), a.LastAssignedAt, a.Skills, a.Languages, len(a.Edges.Teams), len(a.Edges.Pools), chans)
	}
	for _, c := range w.c.Conversation.Query().Where(conversation.WorkspaceID(w.ws)).Order(conversation.ByID()).AllX(ctx) {
		s += fmt.Sprintf("conversation %d %s %s %s open=%v owner %d human=%v lock %d/%v queued %v prio %d skills %v lang %v team %v tags %v\n",
			c.ID, c.Channel, c.Status, c.State, c.IsOpen, deref(c.OwnerID), c.HumanOwned, deref(c.LockHolderID), c.HumanLock, c.QueuedSince != nil,
			c.Priority, c.RequiredSkills, c.RequiredLanguage, c.RequiredTeamID, c.Tags)
	}
	return s
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// capacity is a channel's capacity: 1 to 3, now and then 0 (permitted, no room).
func capacity(r *rand.Rand) int {
	if r.IntN(8) == 0 {
		return 0
	}
	return 1 + r.IntN(3)
}

// subset is a random subset of xs, each with probability p, in xs's order.
func subset[T any](r *rand.Rand, xs []T, p float64) []T {
	var out []T
	for _, x := range xs {
		if r.Float64() < p {
			out = append(out, x)
		}
	}
	return out
}

func keys(m map[int]string) []int {
	return slices.Sorted(func(yield func(int) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	})
}

func ids(agents []*ent.Agent) []int {
	out := make([]int, len(agents))
	for i, a := range agents {
		out[i] = a.ID
	}
	return out
}

func deref(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

// R4 across instances: what another instance changed a moment ago counts. Instance B dispatches
// an arrival and remembers the loads (Xavier 1, Yara 0); Yara then claims two conversations on
// instance A, whose commits B does not see; B's next arrival must go to Xavier (1 against 2), not
// to Yara, whom B's remembered loads call the least loaded: the chosen agent's load, read again
// under its row lock, disagrees with what B remembered, so B counts again before it assigns.
func TestLoadsChangedOnAnotherInstance(t *testing.T) {
	s := testapi.New(t)
	ctx, c := testapi.Sys(), s.DB.Client
	b := routing.New(s.DB, events.NewBus(c, s.DB.URL)) // instance B; s.Bus is instance A's
	clock := time.Now()
	routing.SetClock(b, func() time.Time { return clock }) // B's remembered loads stay good however slow the machine
	ws := c.Workspace.Create().SetName("Two instances").SetSlug("two-instances").SetMaxClaimsPerAgent(10).SaveX(ctx)
	at := time.Now().Add(-time.Hour)
	agentOn := func(name string, since time.Time) *ent.Agent {
		a := c.Agent.Create().SetWorkspaceID(ws.ID).SetName(name).SetPresence(enum.PresenceOnline).SetPresenceChangedAt(since).SaveX(ctx)
		c.AgentChannel.Create().SetWorkspaceID(ws.ID).SetAgentID(a.ID).SetChannel(enum.ChannelSMS).SetCapacity(5).ExecX(ctx)
		return a
	}
	xavier, yara := agentOn("Xavier", at), agentOn("Yara", at.Add(time.Minute))
	n := 0
	arrive := func() int {
		n++
		cust := c.Customer.Create().SetWorkspaceID(ws.ID).SetName(fmt.Sprintf("Customer %d", n)).SaveX(ctx)
		return c.Conversation.Create().SetWorkspaceID(ws.ID).SetCustomerID(cust.ID).SetChannel(enum.ChannelSMS).
			SetQueuedSince(time.Now()).SaveX(ctx).ID
	}
	owner := func(id int) int { return deref(c.Conversation.GetX(ctx, id).OwnerID) }
	first := arrive()
	if _, err := b.Dispatch(ctx, ws.ID); err != nil || owner(first) != xavier.ID {
		t.Fatalf("first arrival: owner %d, want Xavier %d (idle longest; %v)", owner(first), xavier.ID, err)
	}
	d := desk.New(s.DB, s.Bus) // instance A
	asYara := auth.WithViewer(context.Background(), &auth.Viewer{AgentID: yara.ID, WorkspaceID: ws.ID, Role: enum.RoleAgent, Kind: enum.KindHuman})
	for range 2 {
		id := c.Conversation.Create().SetWorkspaceID(ws.ID).SetCustomerID(
			c.Customer.Create().SetWorkspaceID(ws.ID).SetName("Walk-in").SaveX(ctx).ID).SetChannel(enum.ChannelSMS).SaveX(ctx).ID
		if _, err := d.Claim(asYara, id, false); err != nil {
			t.Fatal(err)
		}
	}
	second := arrive()
	if _, err := b.Dispatch(ctx, ws.ID); err != nil || owner(second) != xavier.ID {
		t.Fatalf("R4: the second arrival went to %d, want Xavier %d (1 open against Yara's 2; %v)", owner(second), xavier.ID, err)
	}
}

// R4 across instances, the other way: a load another instance lowers counts at the next dispatch.
// Instance B remembers the loads (Xavier 4, Yara 3, Zed 5) and follows the workspace's events; a
// supervisor on instance A reassigns Xavier's four to Zed; once B has read those commits (its remembered loads are
// forgotten: the test waits for that, not for a time), B's next arrival goes to Xavier (0 against
// 3), whom the remembered loads would call the busier. Postgres only: SQLite is one process.
func TestLoweredLoadsOnAnotherInstance(t *testing.T) {
	s := testapi.New(t)
	if s.DB.Dialect != dialect.Postgres {
		t.Skip("one SQLite process: there is no other instance")
	}
	ctx, c := testapi.Sys(), s.DB.Client
	run, stop := context.WithCancel(context.Background())
	defer stop()
	busB := events.NewBus(c, s.DB.URL)
	go busB.Run(run)
	b := routing.New(s.DB, busB) // instance B; s.Bus is instance A's
	clock := time.Now()
	routing.SetClock(b, func() time.Time { return clock }) // B's remembered loads stay good however slow the machine
	go b.Run(run, time.Hour)                               // follows; dispatches only when this test says
	ws := c.Workspace.Create().SetName("Two instances").SetSlug("lowered-loads").SetMaxClaimsPerAgent(10).SaveX(ctx)
	at := time.Now().Add(-time.Hour)
	agentOn := func(name string, since time.Time) *ent.Agent {
		a := c.Agent.Create().SetWorkspaceID(ws.ID).SetName(name).SetPresence(enum.PresenceOnline).SetPresenceChangedAt(since).SaveX(ctx)
		c.AgentChannel.Create().SetWorkspaceID(ws.ID).SetAgentID(a.ID).SetChannel(enum.ChannelSMS).SetCapacity(9).ExecX(ctx)
		return a
	}
	xavier, yara := agentOn("Xavier", at), agentOn("Yara", at.Add(time.Minute))
	zed := agentOn("Zed", at)
	c.AgentChannel.Update().Where(agentchannel.AgentID(zed.ID)).SetCapacity(12).ExecX(ctx)
	sue := c.Agent.Create().SetWorkspaceID(ws.ID).SetName("Sue").SetRole(enum.RoleSupervisor).SaveX(ctx)
	n := 0
	conv := func(owner *ent.Agent) int {
		n++
		cust := c.Customer.Create().SetWorkspaceID(ws.ID).SetName(fmt.Sprintf("Customer %d", n)).SaveX(ctx)
		q := c.Conversation.Create().SetWorkspaceID(ws.ID).SetCustomerID(cust.ID).SetChannel(enum.ChannelSMS)
		if owner != nil {
			q.SetOwnerID(owner.ID).SetHumanOwned(true).SetLastHumanOwnerID(owner.ID).SetClaimedAt(at).SetOwnerActiveAt(at)
		} else {
			q.SetQueuedSince(time.Now())
		}
		return q.SaveX(ctx).ID
	}
	var xaviers []int
	for range 4 {
		xaviers = append(xaviers, conv(xavier))
	}
	conv(yara)
	for range 5 {
		conv(zed)
	}
	owner := func(id int) int { return deref(c.Conversation.GetX(ctx, id).OwnerID) }
	dispatch := func(want *ent.Agent, why string) {
		t.Helper()
		id := conv(nil)
		if _, err := b.Dispatch(ctx, ws.ID); err != nil || owner(id) != want.ID {
			t.Fatalf("%s: went to %d, want %s %d (%v)", why, owner(id), want.Name, want.ID, err)
		}
	}
	dispatch(yara, "first arrival (Yara 1, Xavier 4, Zed 5)")
	testapi.Eventually(t, 10*time.Second, "B follows the workspace", func() bool { return routing.Following(b, ws.ID) })
	dispatch(yara, "second arrival (Yara 2, Xavier 4, Zed 5)")
	if !routing.Remembers(b, ws.ID) {
		t.Fatal("B should remember the loads it counted and assigned from")
	}
	d := desk.New(s.DB, s.Bus) // instance A
	asSue := auth.WithViewer(context.Background(), &auth.Viewer{AgentID: sue.ID, WorkspaceID: ws.ID, Role: enum.RoleSupervisor, Kind: enum.KindHuman})
	for _, id := range xaviers {
		if _, err := d.Reassign(asSue, id, zed.ID, nil, false); err != nil {
			t.Fatal(err)
		}
	}
	testapi.Eventually(t, 10*time.Second, "B reads A's reassignments and forgets the loads", func() bool { return !routing.Remembers(b, ws.ID) })
	dispatch(xavier, "R4: the third arrival (Xavier 0 after A's reassignments, Yara 3, Zed 9)")
}
