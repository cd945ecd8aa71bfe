package routing

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"switchboard/ent"
	"switchboard/ent/agent"
	"switchboard/ent/conversation"
	"switchboard/ent/intervention"
	"switchboard/ent/participant"
	"switchboard/ent/pool"
	"switchboard/ent/predicate"
	"switchboard/ent/schema/enum"
	"switchboard/ent/team"
	"switchboard/ent/workspace"
	"switchboard/internal/events"
	"switchboard/internal/metrics"
	"switchboard/internal/storage"
	"switchboard/internal/tenant"
	"switchboard/internal/tracing"
)

// advisoryRouting tags the Postgres advisory lock that makes one dispatcher at a time work on a
// workspace's queue: the key is advisoryRouting<<48 | the workspace id (global ids fit 48 bits).
const advisoryRouting int64 = 0x5e17

// Router assigns queued conversations (R5, C9): whenever something may free capacity or queue work
// it is kicked, and it gives the oldest eligible queued conversations to the best agents (R4),
// owner and lock in one transaction. Several instances may run one each: a Postgres advisory lock
// lets one dispatch a workspace at a time, and agent row locks keep claims and routing from both
// filling the last slot.
type Router struct {
	client   *ent.Client
	rowLocks bool
	dialect  string
	bus      *events.Bus
	now      func() time.Time

	mu      sync.Mutex
	pending map[int]bool
	kick    chan struct{}
	rosters map[int]*roster
	loads   map[int]*knownLoads // per workspace
	loadGen map[int]uint64      // per workspace: bumped by every change seen that may move a load
	// Postgres, while Run runs: the workspaces whose events from every instance this one follows
	// (followLoads), and the changes committed here, which Watch has taken in already.
	running   context.Context
	following map[int]bool
	local     map[change][]time.Time // when each was committed: two changes of the workspace may look alike
	live      map[int]bool           // the workspaces followLoads has subscribed to (following: started)

	// Batch is how many queued conversations one transaction considers.
	Batch int
}

// New returns a router over db; it announces its assignments on bus and is kicked by the
// changes bus sees commit (see Frees).
func New(db *storage.DB, bus *events.Bus) *Router {
	r := &Router{client: db.Client, rowLocks: db.RowLocks(), dialect: db.Dialect, bus: bus, now: time.Now,
		pending: map[int]bool{}, kick: make(chan struct{}, 1), rosters: map[int]*roster{},
		loads: map[int]*knownLoads{}, loadGen: map[int]uint64{}, following: map[int]bool{}, local: map[change][]time.Time{}, live: map[int]bool{}, Batch: 200}
	if bus != nil {
		bus.Watch(r.committed)
	}
	return r
}

// committed takes in the events of a commit on this instance: the remembered loads are forgotten
// when one may move a load, and the queue looked at again when one frees capacity.
func (r *Router) committed(ws int, entries []events.Entry) {
	moves := movesLoads(entries)
	r.mu.Lock()
	if moves {
		r.loadGen[ws]++
	}
	if r.following[ws] {
		r.tookIn(entries)
	}
	r.mu.Unlock()
	if slices.ContainsFunc(entries, func(e events.Entry) bool { return Frees[e.Type] }) {
		r.Kick(ws)
	}
}

// Frees lists the event types after which routing looks at a workspace's queue again: capacity
// freed or raised, an agent available, or a conversation queued (R5).
var Frees = map[string]bool{
	events.ConversationCreated: true, events.ConversationReopened: true, events.ConversationReleased: true,
	events.ConversationForceReleased: true, events.ConversationAutoReleased: true, events.ConversationPended: true,
	events.ConversationResolved: true, events.ConversationTransferred: true, events.PresenceChanged: true,
	events.AgentUpdated: true, events.AgentCreated: true, events.WorkspaceUpdated: true, events.TeamCreated: true,
	events.PoolCreated: true,
}

// Kick asks for workspace ws's queue to be dispatched (coalesced; Run does it).
func (r *Router) Kick(ws int) {
	r.mu.Lock()
	r.pending[ws] = true
	r.mu.Unlock()
	select {
	case r.kick <- struct{}{}:
	default:
	}
}

// Run dispatches kicked workspaces until ctx ends; every sweep it also dispatches each workspace
// that has queued conversations, which covers changes made by other instances' crashed routers and
// anything a kick missed.
func (r *Router) Run(ctx context.Context, sweep time.Duration) {
	t := time.NewTicker(sweep)
	defer t.Stop()
	if r.dialect == dialect.Postgres && r.bus != nil { // one SQLite process: Watch sees every change
		r.mu.Lock()
		r.running = ctx
		r.mu.Unlock()
		defer func() { // a dispatch after Run (a test's, a last one) follows nothing
			r.mu.Lock()
			r.running = nil
			r.mu.Unlock()
		}()
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-r.kick:
		case <-t.C:
			ids, err := r.client.Conversation.Query().Where(Queued()...).
				Unique(true).Select(conversation.FieldWorkspaceID).Ints(tenant.System(ctx))
			if err != nil && ctx.Err() == nil {
				slog.WarnContext(ctx, "routing: sweep", "err", err)
			}
			for _, ws := range ids {
				r.mu.Lock()
				r.pending[ws] = true
				r.mu.Unlock()
			}
		}
		r.mu.Lock()
		todo := r.pending
		r.pending = map[int]bool{}
		r.mu.Unlock()
		for ws := range todo {
			if _, err := r.Dispatch(ctx, ws); err != nil && ctx.Err() == nil {
				metrics.RoutingFailed()
				slog.WarnContext(ctx, "routing: dispatch", "workspace", ws, "err", err)
				r.Kick(ws) // try again; a deadlock victim or a blip
				time.Sleep(50 * time.Millisecond)
			}
		}
	}
}

// Queued selects the conversations waiting for routing (R5): open, NEW, owned by no human, queued
// (unowned, or still the bot's while it waits for an intervention, I2).
func Queued() []predicate.Conversation {
	return []predicate.Conversation{conversation.IsOpen(true), conversation.StatusEQ(enum.StatusNew),
		conversation.HumanOwned(false), conversation.QueuedSinceNotNil()}
}

// Dispatch assigns workspace ws's queued conversations until no eligible agent is left for any of
// them (R5: nothing waits while an eligible agent has room). It returns how many it assigned.
func (r *Router) Dispatch(ctx context.Context, ws int) (total int, err error) {
	ctx = tenant.WithWorkspace(ctx, ws)
	ctx, span := tracing.Start(ctx, "routing.dispatch", trace.WithAttributes(attribute.Int("workspace", ws)))
	defer func() {
		span.SetAttributes(attribute.Int("assigned", total))
		tracing.End(span, err)
	}()
	retries := 0
	for {
		n, more, misjudged, err := r.batch(ctx, ws)
		total += n
		switch {
		case err != nil:
			return total, err
		case misjudged && retries < 3: // chosen on stale loads: again, on loads counted now
			retries++
		case n == 0 || !more:
			return total, nil
		default:
			retries = 0
		}
	}
}

// batch assigns what it can of the first Batch queued conversations in one transaction; more
// reports that the queue holds more than it looked at, misjudged that verify turned down some of
// the agents chosen (routing's remembered loads were wrong; they are forgotten).
func (r *Router) batch(ctx context.Context, wsID int) (n int, more, misjudged bool, err error) {
	r.mu.Lock()
	gen := r.loadGen[wsID]
	r.mu.Unlock()
	var pairs, done []Pair
	var at time.Time
	verified := map[int]AgentLoad{} // the chosen agents' loads, counted under their row locks
	err = storage.InTx(ctx, r.client, func(tx *ent.Tx) error {
		// InTx may run this again: nothing of an attempt that rolled back may count.
		done, pairs, n, more, misjudged = nil, nil, 0, false, false
		clear(verified)
		ws, err := r.lockQueue(ctx, tx, wsID)
		if err != nil {
			return err
		}
		now := r.now()
		ro, err := r.staticRoster(ctx, tx, ws, now)
		if err != nil {
			return err
		}
		poolTags := ro.poolTags
		queue, err := r.queue(ctx, tx, poolTags)
		if err != nil || len(queue) == 0 {
			return err
		}
		more = len(queue) == r.Batch
		online, err := r.online(ctx, tx, ro)
		if err != nil || len(online) == 0 {
			return err
		}
		cands, known, fresh, err := r.candidates(ctx, tx, ws, ro, online, now, false)
		if err != nil {
			return err
		}
		proposed := Match(queue, cands, ws.MaxClaimsPerAgent, now)
		if !fresh && waitsOnLoads(queue, proposed, cands) {
			// R5: a conversation would wait while an agent it could go to may have room, as far as
			// the remembered loads say; another instance may have freed it a moment ago. Count.
			if cands, known, fresh, err = r.candidates(ctx, tx, ws, ro, online, now, true); err != nil {
				return err
			}
			proposed = Match(queue, cands, ws.MaxClaimsPerAgent, now)
		}
		nProposed := len(proposed)
		var held map[int]bool
		pairs, held, misjudged, err = r.verify(ctx, tx, ws, ro, proposed, verified)
		if err == nil && !misjudged && !fresh {
			// R4: chosen on remembered loads that another instance's changes made wrong: count again.
			for id, l := range verified {
				misjudged = misjudged || !sameLoad(known[id], l)
			}
		}
		if err != nil || misjudged { // misjudged: chosen from a roster or loads that are not true any more: look again
			pairs = nil
			return err
		}
		misjudged = len(pairs) < nProposed // the remembered loads were wrong: count again, and look again
		if pairs, err = r.still(ctx, tx, pairs, poolTags, cands); err != nil || len(pairs) == 0 {
			return err
		}
		giveLocks(pairs, held)
		n, err = r.assign(ctx, tx, ws, pairs, now)
		done, at = pairs, now
		return err
	})
	if err != nil {
		return 0, false, false, err
	}
	for _, p := range done { // arrival to assignment, once committed
		if p.Conversation.QueuedSince != nil {
			metrics.Assigned(p.Conversation.Channel, at.Sub(*p.Conversation.QueuedSince))
		}
	}
	r.assigned(wsID, gen, pairs, verified, misjudged)
	return n, more, misjudged, nil
}

// lockQueue reads workspace ws; on Postgres, in the same statement, it waits for the advisory lock
// that lets one dispatcher at a time work on ws's queue (every later statement sees what the one
// before committed; the workspace's row, which dispatches do not change, may be read as of just
// before the wait: its roster version is read again once the chosen agents are locked).
func (r *Router) lockQueue(ctx context.Context, tx *ent.Tx, ws int) (*ent.Workspace, error) {
	q := tx.Workspace.Query().Where(workspace.ID(ws))
	if r.rowLocks {
		q.Modify(func(s *entsql.Selector) {
			s.AppendSelectExpr(entsql.ExprFunc(func(b *entsql.Builder) {
				b.WriteString("pg_advisory_xact_lock(").Arg(advisoryRouting<<48 | int64(ws)).WriteString(")")
			}))
		})
	}
	w, err := q.Only(ctx)
	if err != nil {
		return nil, fmt.Errorf("routing lock: %w", err)
	}
	return w, nil
}

// queue reads the first Batch queued conversations in queue order (R5: priority, then arrival),
// with what they require (R3). It takes no row locks: agents are locked before conversations
// everywhere (see still).
func (r *Router) queue(ctx context.Context, tx *ent.Tx, poolTags []string) ([]Waiting, error) {
	convs, err := tx.Conversation.Query().Where(Queued()...).
		Order(ent.Desc(conversation.FieldPriority), ent.Asc(conversation.FieldQueuedSince), ent.Asc(conversation.FieldID)).
		Limit(r.Batch).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("queue: %w", err)
	}
	out := make([]Waiting, len(convs))
	for i, c := range convs {
		out[i] = waitingOf(c, poolTags)
	}
	return out, nil
}

// waitingOf is what a queued conversation requires (R3); poolTags are the workspace's pools' tags.
func waitingOf(c *ent.Conversation, poolTags []string) Waiting {
	w := Waiting{ID: c.ID, Version: c.Version, Channel: c.Channel, Skills: c.RequiredSkills,
		Language: c.RequiredLanguage, Team: c.RequiredTeamID, Bot: c.OwnerID, State: c.State, QueuedSince: c.QueuedSince}
	if c.LockHolderID != nil {
		w.Holder, w.HumanLock = *c.LockHolderID, c.HumanLock
	}
	for _, t := range c.Tags {
		if slices.Contains(poolTags, t) {
			w.Pools = append(w.Pools, t)
		}
	}
	return w
}

// still row-locks the paired conversations that are still queued (agents are already locked, the
// order every operation takes) and keeps only the pairs whose agent still meets what the
// conversation requires as of now (R3: a requirement set since the queue was read counts), with the
// conversation as it is now (version, bot, lock, state).
func (r *Router) still(ctx context.Context, tx *ent.Tx, pairs []Pair, poolTags []string, cands []*Candidate) ([]Pair, error) {
	if len(pairs) == 0 {
		return nil, nil
	}
	ids := make([]int, len(pairs))
	for i, p := range pairs {
		ids[i] = p.Conversation.ID
	}
	rows, err := storage.ForUpdate(r.rowLocks, tx.Conversation.Query().Where(append(Queued(), conversation.IDIn(ids...))...).
		Order(conversation.ByID())).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("lock queued: %w", err)
	}
	now := make(map[int]Waiting, len(rows))
	for _, c := range rows {
		now[c.ID] = waitingOf(c, poolTags)
	}
	byID := make(map[int]*Candidate, len(cands))
	for _, c := range cands {
		byID[c.ID] = c
	}
	out := pairs[:0]
	for _, p := range pairs {
		w, ok := now[p.Conversation.ID]
		if !ok || byID[p.Agent] == nil || !byID[p.Agent].Meets(w) || w.Channel != p.Conversation.Channel {
			continue
		}
		p.Conversation = w
		out = append(out, p)
	}
	return out, nil
}

// roster is what routing keeps of a workspace's agents between dispatches: who may be given what.
// It is reloaded when the workspace's roster version moves (directory changes bump it) or after
// rosterTTL.
type roster struct {
	version int64
	loaded  time.Time
	byAgent map[int]*Candidate // static parts only: skills, languages, teams, pools, capacities
	// poolTags are the tags of the workspace's pools (C7: a tagged conversation needs a member).
	poolTags []string
}

const rosterTTL = 30 * time.Second

// staticRoster returns the cached roster of ws, reloading it when it moved.
func (r *Router) staticRoster(ctx context.Context, tx *ent.Tx, ws *ent.Workspace, now time.Time) (*roster, error) {
	r.mu.Lock()
	ro := r.rosters[ws.ID]
	r.mu.Unlock()
	if ro != nil && ro.version == ws.RosterVersion && now.Sub(ro.loaded) < rosterTTL {
		return ro, nil
	}
	agents, err := tx.Agent.Query().Where(agent.KindEQ(enum.KindHuman), agent.Active(true), agent.RoleNEQ(enum.RoleClientUser)).
		WithChannels().WithTeams(func(q *ent.TeamQuery) { q.Select(team.FieldID) }).WithPools(func(q *ent.PoolQuery) { q.Select(pool.FieldTag) }).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("roster: %w", err)
	}
	poolTags, err := tx.Pool.Query().Select(pool.FieldTag).Strings(ctx)
	if err != nil {
		return nil, fmt.Errorf("pools: %w", err)
	}
	ro = &roster{version: ws.RosterVersion, loaded: now, byAgent: make(map[int]*Candidate, len(agents)), poolTags: poolTags}
	for _, a := range agents {
		c := &Candidate{ID: a.ID, Skills: a.Skills, Languages: a.Languages, Capacity: map[enum.Channel]int{}}
		for _, ch := range a.Edges.Channels {
			c.Capacity[ch.Channel] = ch.Capacity
		}
		for _, t := range a.Edges.Teams {
			c.Teams = append(c.Teams, t.ID)
		}
		for _, p := range a.Edges.Pools {
			c.Pools = append(c.Pools, p.Tag)
		}
		ro.byAgent[a.ID] = c
	}
	r.mu.Lock()
	r.rosters[ws.ID] = ro
	r.mu.Unlock()
	return ro, nil
}

// onlineAgent is an agent routing may give work to now: HUMAN, active, ONLINE, not a
// CLIENT_USER, in the cached roster (one who joined after it was read waits for the next
// dispatch), with what R4 orders by.
type onlineAgent struct {
	ID                int        `json:"id"`
	PresenceChangedAt time.Time  `json:"presence_changed_at"`
	LastAssignedAt    *time.Time `json:"last_assigned_at"`
}

// online reads the agents routing may give work to now, in id order.
func (r *Router) online(ctx context.Context, tx *ent.Tx, ro *roster) ([]onlineAgent, error) {
	var all []onlineAgent
	if err := tx.Agent.Query().Where(agent.KindEQ(enum.KindHuman), agent.Active(true), agent.PresenceEQ(enum.PresenceOnline),
		agent.RoleNEQ(enum.RoleClientUser)).Order(agent.ByID()).
		Select(agent.FieldID, agent.FieldPresenceChangedAt, agent.FieldLastAssignedAt).Scan(ctx, &all); err != nil {
		return nil, fmt.Errorf("online agents: %w", err)
	}
	return slices.DeleteFunc(all, func(a onlineAgent) bool { _, ok := ro.byAgent[a.ID]; return !ok }), nil
}

// candidates returns the online agents as candidates from the cached roster, with their loads:
// known, the ones remembered while still good (fresh false) or counted now (always when count).
// Nothing is locked: verify re-checks the chosen ones under their row locks. Their OnChannel maps
// are known's own, shared: Match copies before it writes.
func (r *Router) candidates(ctx context.Context, tx *ent.Tx, ws *ent.Workspace, ro *roster, online []onlineAgent, now time.Time,
	count bool) (cands []*Candidate, known map[int]AgentLoad, fresh bool, err error) {
	ids := make([]int, len(online))
	for i, a := range online {
		ids[i] = a.ID
	}
	loads, fresh, err := r.loadsOf(ctx, tx, ws, ids, now, count)
	if err != nil {
		return nil, nil, false, err
	}
	all := make([]Candidate, len(online))
	cands = make([]*Candidate, len(online))
	for i, a := range online {
		c := &all[i]
		*c = *ro.byAgent[a.ID]
		c.Open, c.OnChannel = loads[a.ID].Open, loads[a.ID].OnChannel
		c.IdleSince = a.PresenceChangedAt
		if a.LastAssignedAt != nil && a.LastAssignedAt.After(c.IdleSince) {
			c.IdleSince = *a.LastAssignedAt
		}
		cands[i] = c
	}
	return cands, loads, fresh, nil
}

// waitsOnLoads reports whether Match left a queued conversation to wait that a candidate meets
// and has a capacity above 0 on: only the loads kept it from that candidate. Under a backlog
// (more queued than room) that is every dispatch, which then counts: a room another instance freed
// a moment ago is used at once (R5).
func waitsOnLoads(queue []Waiting, proposed []Pair, cands []*Candidate) bool {
	for _, w := range queue {
		if slices.ContainsFunc(proposed, func(p Pair) bool { return p.Conversation.ID == w.ID }) {
			continue
		}
		if slices.ContainsFunc(cands, func(c *Candidate) bool { return c.Capacity[w.Channel] > 0 && c.Meets(w) }) {
			return true
		}
	}
	return false
}

// sameLoad reports whether two counts of an agent's load agree.
func sameLoad(a, b AgentLoad) bool {
	return a.Open == b.Open && maps.Equal(a.OnChannel, b.OnChannel)
}

// verify row-locks the chosen agents (in id order, before any conversation: the order every
// operation takes) and keeps, in queue order, only the pairs that still hold with what is true
// now: the agent ONLINE, permitted, under its channel capacity and maxClaimsPerAgent; held are
// those of them that hold a human lock (for giveLocks). Permissions and capacities are ro's:
// moved reports that the roster changed since ro was read (R1–R3), and then nothing holds. A
// change to the roster moves its version in its own transaction, read here in a statement after
// the row locks: a change committed before it is seen; one committed after comes after this
// dispatch in the order of things (it reads nothing the dispatch writes). Without that look, a
// dispatch that chose an agent from the roster it remembered, and then waited for the agent's row
// while a change that held it removed the skill the conversation requires, gave it the
// conversation anyway.
func (r *Router) verify(ctx context.Context, tx *ent.Tx, ws *ent.Workspace, ro *roster, pairs []Pair, verified map[int]AgentLoad) (out []Pair, held map[int]bool, moved bool, err error) {
	if len(pairs) == 0 {
		return nil, nil, false, nil
	}
	var ids []int
	for _, p := range pairs {
		ids = append(ids, p.Agent)
	}
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	ready, err := storage.ForUpdate(r.rowLocks, tx.Agent.Query().Where(agent.IDIn(ids...), agent.Active(true),
		agent.PresenceEQ(enum.PresenceOnline)).Order(agent.ByID())).IDs(ctx)
	if err != nil {
		return nil, nil, false, fmt.Errorf("lock agents: %w", err)
	}
	now, err := readLocked(ctx, tx, r.dialect, ws, ids)
	if err != nil || now.Roster != ro.version {
		return nil, nil, err == nil, err
	}
	for _, id := range ids {
		verified[id] = AgentLoad{Open: now.Loads[id].Open, OnChannel: maps.Clone(now.Loads[id].OnChannel)}
	}
	loads := now.Loads
	out = pairs[:0]
	for _, p := range pairs {
		l := loads[p.Agent]
		if l.OnChannel == nil {
			l.OnChannel = map[enum.Channel]int{}
		}
		cp, ok := ro.byAgent[p.Agent].Capacity[p.Conversation.Channel]
		if !slices.Contains(ready, p.Agent) || !ok || l.OnChannel[p.Conversation.Channel] >= cp || l.Open >= ws.MaxClaimsPerAgent {
			continue
		}
		l.Open++
		l.OnChannel[p.Conversation.Channel]++
		loads[p.Agent] = l
		out = append(out, p)
	}
	return out, now.Holders, false, nil
}

// knownLoads is what routing last counted of a workspace's online agents' loads. It only steers
// the choice among candidates (R4): verify counts the chosen agents again under their row locks
// before anything is assigned, so a stale figure can never break a cap. It is dropped by any
// change this instance commits that may move a load (other than routing's own assignments, whose
// verified loads it takes in), by any such change committed on another instance as soon as it is
// read here (followLoads), when the online agents change, and after loadsTTL.
type knownLoads struct {
	gen   uint64
	at    time.Time
	loads map[int]AgentLoad
}

const loadsTTL = time.Second

// loadsOf returns the loads of agents ids: known ones while still good (fresh false) unless
// count, else counted (fresh).
func (r *Router) loadsOf(ctx context.Context, tx *ent.Tx, ws *ent.Workspace, ids []int, now time.Time, count bool) (loads map[int]AgentLoad, fresh bool, err error) {
	r.mu.Lock()
	k, gen := r.loads[ws.ID], r.loadGen[ws.ID]
	r.mu.Unlock()
	if !count && k != nil && k.gen == gen && now.Sub(k.at) < loadsTTL && len(k.loads) == len(ids) &&
		!slices.ContainsFunc(ids, func(id int) bool { _, ok := k.loads[id]; return !ok }) {
		return k.loads, false, nil
	}
	if loads, err = Loads(ctx, tx, ws, ids); err != nil {
		return nil, false, err
	}
	for _, id := range ids { // every online agent has an entry, so the set can be compared
		if _, ok := loads[id]; !ok {
			loads[id] = AgentLoad{OnChannel: map[enum.Channel]int{}}
		}
	}
	r.mu.Lock()
	if r.loadGen[ws.ID] == gen {
		r.loads[ws.ID] = &knownLoads{gen: gen, at: now, loads: loads}
	}
	if r.running != nil && !r.following[ws.ID] {
		r.following[ws.ID] = true
		go r.followLoads(r.running, ws.ID)
	}
	r.mu.Unlock()
	return loads, true, nil
}

// change names a committed event: a change of one conversation (0: of the workspace) at a version,
// by an actor, about a subject (two changes of the workspace differ by them).
type change struct {
	ws, conv, version, actor, subject int
	typ                               string
}

func changeOf(e events.Entry) change {
	return change{e.WorkspaceID, e.ConversationID, e.Version, e.ActorID, e.SubjectID, e.Type}
}

// tookIn notes the load-moving changes this instance committed, which Watch has taken in, so that
// followLoads does not count them twice when it reads them back. Called with r.mu held.
func (r *Router) tookIn(entries []events.Entry) {
	now := time.Now()
	for c, ats := range r.local { // kept a while: the log is read back within milliseconds
		if now.Sub(ats[len(ats)-1]) > 10*time.Second {
			delete(r.local, c)
		}
	}
	for _, e := range entries {
		if movesLoads([]events.Entry{e}) { // as followLoads reads them: one by one
			c := changeOf(e)
			r.local[c] = append(r.local[c], now)
		}
	}
}

// followLoads reads workspace ws's events as they commit on any instance, and forgets the loads
// remembered for it when a change that may move one commits elsewhere: a load another instance
// lowered counts at the next dispatch, not a loadsTTL later (R4: the least loaded agent). It ends
// with ctx, or when the bus drops it; then the loads are forgotten and the next count follows
// again.
func (r *Router) followLoads(ctx context.Context, ws int) {
	defer func() {
		r.mu.Lock()
		delete(r.following, ws)
		delete(r.live, ws)
		r.loadGen[ws]++
		r.mu.Unlock()
	}()
	s, err := r.bus.Subscribe(ctx, ws)
	if err != nil {
		return
	}
	defer s.Close()
	r.mu.Lock()
	r.loadGen[ws]++ // counted before the subscription began: count again
	r.live[ws] = true
	r.mu.Unlock()
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.Done():
			return
		case e := <-s.C:
			r.read(ws, e)
		}
	}
}

// read takes in event e of workspace ws as followLoads reads it from the log: a change that may
// move a load forgets the remembered loads, unless this instance committed it (Watch took it in).
func (r *Router) read(ws int, e *ent.Event) {
	entry := events.Entry{WorkspaceID: ws, Type: e.Type, Version: e.Version, Before: e.Before, After: e.After}
	if e.ConversationID != nil {
		entry.ConversationID = *e.ConversationID
	}
	if e.ActorID != nil {
		entry.ActorID = *e.ActorID
	}
	if e.SubjectID != nil {
		entry.SubjectID = *e.SubjectID
	}
	if !movesLoads([]events.Entry{entry}) {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	c := changeOf(entry)
	if ats := r.local[c]; len(ats) > 1 {
		r.local[c] = ats[1:]
	} else if len(ats) == 1 {
		delete(r.local, c)
	} else {
		r.loadGen[ws]++
	}
}

// assigned takes in, after a dispatch committed, the loads its agents were verified to have
// (under their row locks) plus what it gave them.
// What it remembers is forgotten instead when verify found it wrong (misjudged) or when a change
// committed since the dispatch began.
func (r *Router) assigned(ws int, gen uint64, pairs []Pair, verified map[int]AgentLoad, misjudged bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := r.loads[ws]
	if k == nil {
		return
	}
	if misjudged || k.gen != gen || r.loadGen[ws] != gen {
		delete(r.loads, ws)
		return
	}
	if len(pairs) == 0 {
		return
	}
	next := maps.Clone(k.loads)
	for id, l := range verified {
		if _, ok := next[id]; ok {
			if l.OnChannel == nil {
				l.OnChannel = map[enum.Channel]int{}
			}
			next[id] = l
		}
	}
	for _, p := range pairs { // assigned conversations are NEW and not on hold: they count (R2)
		if l, ok := next[p.Agent]; ok {
			l.Open++
			l.OnChannel[p.Conversation.Channel]++
			next[p.Agent] = l
		}
	}
	r.loads[ws] = &knownLoads{gen: gen, at: k.at, loads: next}
}

// movesLoads reports whether a commit's events may move an agent's load (R2, C6): anything but
// routing's own assignments (see assigned) and changes that leave ownership, status and hold
// alone.
func movesLoads(entries []events.Entry) bool {
	if slices.ContainsFunc(entries, func(e events.Entry) bool { return e.Type == events.ConversationAssigned }) {
		return false
	}
	return slices.ContainsFunc(entries, func(e events.Entry) bool {
		switch e.Type {
		case events.ConversationCreated, events.MessageReceived, events.MessageSent, events.NoteAdded, events.LockAcquired,
			events.LockReleased, events.LockStolen, events.FirstResponse, events.SLABreached, events.PresenceChanged,
			events.ConversationLeft, // a joiner (C11) owns nothing
			events.CustomerJoinedChannel, events.CustomerLeftChannel, events.CustomersMerged:
			return false
		case events.StateChanged:
			return fmt.Sprint(e.Before["state"]) == string(enum.StateOnHold) || fmt.Sprint(e.After["state"]) == string(enum.StateOnHold)
		}
		return true
	})
}

// lockMove is what an assignment does to the conversation's lock.
type lockMove int

const (
	keepLock  lockMove = iota // nobody's, or a human's who is looking at it (L4: they keep it)
	giveLock                  // to the new owner (C9), from nobody or from the bot
	clearLock                 // the bot's, which goes with its ownership (L7)
)

// assign applies pairs: owner (and lock, see lockMove) in one UPDATE per agent and lock move,
// the interventions taken over (I2), the events, and the agents' last assignment time (R4).
func (r *Router) assign(ctx context.Context, tx *ent.Tx, ws *ent.Workspace, pairs []Pair, now time.Time) (int, error) {
	groups := map[group][]int{}
	var order []group
	var evs []events.Entry
	agents := map[int]bool{}
	waiting, err := waitingInterventions(ctx, tx, pairs)
	if err != nil {
		return 0, err
	}
	for _, p := range pairs {
		w := p.Conversation
		move := keepLock
		switch {
		case w.Holder != 0 && w.HumanLock:
		case p.Lock:
			move = giveLock
		case w.Holder != 0:
			move = clearLock
		}
		activate := w.State == enum.StateCreated || w.State == enum.StateInactive
		g := group{p.Agent, move, activate}
		if _, ok := groups[g]; !ok {
			order = append(order, g)
		}
		groups[g] = append(groups[g], w.ID)
		agents[p.Agent] = true
		v := w.Version + 1
		entry := func(typ string, subject int, before, after map[string]any) events.Entry {
			return events.Entry{WorkspaceID: ws.ID, Type: typ, ConversationID: w.ID, SubjectID: subject, Version: v, Before: before, After: after}
		}
		evs = append(evs, entry(events.ConversationAssigned, p.Agent, map[string]any{"owner": nil}, map[string]any{"owner": p.Agent, "by": "routing"}))
		if w.QueuedSince != nil { // §8 time-to-claim
			evs[len(evs)-1].Duration = max(now.Sub(*w.QueuedSince), time.Millisecond)
		}
		if iv := waiting[w.ID]; iv != nil {
			evs = append(evs, entry(events.InterventionTakenOver, p.Agent, map[string]any{"bot": w.Bot}, map[string]any{"owner": p.Agent}))
		}
		if activate {
			evs = append(evs, entry(events.StateChanged, 0, map[string]any{"state": w.State}, map[string]any{"state": enum.StateActive}))
		}
		switch {
		case move == giveLock:
			evs = append(evs, entry(events.LockAcquired, p.Agent, map[string]any{"holder": events.Ref(w.Holder)}, map[string]any{"holder": p.Agent}))
		case move == clearLock:
			evs = append(evs, entry(events.LockReleased, w.Holder, map[string]any{"holder": w.Holder}, map[string]any{"holder": nil, "reason": "the bot lost ownership"}))
		}
	}
	for _, g := range order {
		if err := assignGroup(ctx, tx, ws, g, groups[g], waiting, now); err != nil {
			return 0, err
		}
	}
	if err := participate(ctx, tx, ws.ID, pairs, now); err != nil {
		return 0, err
	}
	ids := make([]int, 0, len(agents))
	for id := range agents {
		ids = append(ids, id)
	}
	if err := tx.Agent.Update().Where(agent.IDIn(ids...)).SetLastAssignedAt(now).Exec(ctx); err != nil {
		return 0, fmt.Errorf("assigned agents: %w", err)
	}
	return len(pairs), r.bus.Append(ctx, tx, evs...)
}

// participate takes the pairs' agents into their conversations (§6), unless one is in it already
// (a SUPER_ADMIN who joined, C11), and the delegation bots that owned them out; the conversation's
// inception bot stays in it until it closes.
func participate(ctx context.Context, tx *ent.Tx, ws int, pairs []Pair, now time.Time) error {
	convs := make([]int, len(pairs))
	var bots []int
	for i, p := range pairs {
		convs[i] = p.Conversation.ID
		if p.Conversation.Bot != nil {
			bots = append(bots, p.Conversation.ID)
		}
	}
	if len(bots) > 0 {
		if err := tx.Participant.Update().Where(participant.ConversationIDIn(bots...), participant.Active(true),
			participant.KindEQ(enum.ParticipantBot), participant.HasAgentWith(agent.Or(agent.VaRoleIsNil(), agent.VaRoleNEQ(enum.VARoleInception)))).
			SetActive(false).SetLeftAt(now).Exec(ctx); err != nil {
			return fmt.Errorf("bots left: %w", err)
		}
	}
	in, err := tx.Participant.Query().Where(participant.ConversationIDIn(convs...), participant.Active(true),
		participant.KindEQ(enum.ParticipantAgent)).All(ctx)
	if err != nil {
		return fmt.Errorf("participants: %w", err)
	}
	already := map[[2]int]bool{}
	for _, p := range in {
		if p.AgentID != nil {
			already[[2]int{p.ConversationID, *p.AgentID}] = true
		}
	}
	var joins []*ent.ParticipantCreate
	for _, p := range pairs {
		if !already[[2]int{p.Conversation.ID, p.Agent}] {
			joins = append(joins, tx.Participant.Create().SetWorkspaceID(ws).SetConversationID(p.Conversation.ID).
				SetKind(enum.ParticipantAgent).SetAgentID(p.Agent).SetJoinedAt(now))
		}
	}
	if len(joins) == 0 {
		return nil
	}
	if err := tx.Participant.CreateBulk(joins...).Exec(ctx); err != nil {
		return fmt.Errorf("participants: %w", err)
	}
	return nil
}

// group is the conversations assign gives one agent with one lock move and activation: one UPDATE.
type group struct {
	agent    int
	lock     lockMove
	activate bool // §6: CREATED or INACTIVE becomes ACTIVE, a human participates
}

// waitingInterventions are the interventions waiting on the pairs' conversations (I2), by
// conversation: only a conversation a bot still owns can have one, so it looks only when there
// are some.
func waitingInterventions(ctx context.Context, tx *ent.Tx, pairs []Pair) (map[int]*ent.Intervention, error) {
	var botOwned []int
	for _, p := range pairs {
		if p.Conversation.Bot != nil {
			botOwned = append(botOwned, p.Conversation.ID)
		}
	}
	waiting := map[int]*ent.Intervention{}
	if len(botOwned) > 0 {
		ivs, err := tx.Intervention.Query().Where(intervention.ConversationIDIn(botOwned...),
			intervention.StatusIn(enum.InterventionWaiting...)).All(ctx)
		if err != nil {
			return nil, fmt.Errorf("interventions: %w", err)
		}
		for _, iv := range ivs {
			waiting[iv.ConversationID] = iv
		}
	}
	return waiting, nil
}

// assignGroup gives the conversations ids to g.agent in one UPDATE, and marks the interventions
// waiting on them taken over by it (I2).
func assignGroup(ctx context.Context, tx *ent.Tx, ws *ent.Workspace, g group, ids []int, waiting map[int]*ent.Intervention, now time.Time) error {
	u := tx.Conversation.Update().Where(conversation.IDIn(ids...)).
		SetOwnerID(g.agent).SetHumanOwned(true).SetLastHumanOwnerID(g.agent).SetClaimedAt(now).SetOwnerActiveAt(now).
		SetStale(false).ClearQueuedSince().ClearFirstReplyAt().SetBotPaused(ws.PauseBotOnClaim).AddVersion(1)
	if g.activate {
		u.SetState(enum.StateActive)
	}
	switch g.lock {
	case giveLock:
		u.SetLockHolderID(g.agent).SetHumanLock(true).SetLockAcquiredAt(now).
			SetLockExpiresAt(now.Add(time.Duration(ws.LockGracePeriodSeconds) * time.Second))
	case clearLock:
		u.ClearLockHolderID().SetHumanLock(false).ClearLockAcquiredAt().ClearLockExpiresAt()
	}
	if err := u.Exec(ctx); err != nil {
		return fmt.Errorf("assign to %d: %w", g.agent, err)
	}
	var taken []int
	for _, id := range ids {
		if waiting[id] != nil {
			taken = append(taken, id)
		}
	}
	if len(taken) > 0 {
		if err := tx.Intervention.Update().Where(intervention.ConversationIDIn(taken...),
			intervention.StatusIn(enum.InterventionWaiting...)).
			SetStatus(enum.InterventionTakenOver).SetTakenOverByID(g.agent).SetTakenOverAt(now).Exec(ctx); err != nil {
			return fmt.Errorf("interventions: %w", err)
		}
	}
	return nil
}
