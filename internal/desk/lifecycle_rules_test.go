package desk_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"switchboard/ent"
	"switchboard/ent/channelsession"
	"switchboard/ent/conversation"
	"switchboard/ent/event"
	"switchboard/ent/participant"
	"switchboard/ent/schema/enum"
	"switchboard/ent/timer"
	"switchboard/internal/auth"
	"switchboard/internal/desk"
	"switchboard/internal/events"
	"switchboard/internal/fault"
	"switchboard/internal/storage"
	"switchboard/internal/testapi"
	"switchboard/internal/testdb"
	"switchboard/internal/timers"
)

// TestLifecycleFollowsItsRules holds the lifecycle (SPEC §6) to a reference written from its table
// alone, not from desk.Lifecycle. Random worlds (wrap-up on or off, short SLA and
// customer-inactivity seconds, with or without an inception bot; three agents, a supervisor and a
// super admin, ONLINE, with room to spare) play random operations through the desk's own methods
// on an injected clock: customers writing (new conversations, to open, resolved and closed ones),
// connectors ending the customer's session, claims, take-overs, steals, joins and leaves (C11), opens and closes,
// releases and forced releases, reassignments, replies, pends, resolves, holds and resumes
// (forced or not), interventions requested, returned, cancelled and completed, delegations and
// hand-backs, and the timers worker run at the injected time. After every operation it reads
// every conversation's row, its active participants and channel sessions, its live timers and the
// new events, and requires of each:
//
//   - its state is what §6's table says of who is in it now: a human agent participates (its
//     human owner, a super admin who joined, C11) with the customer there: ACTIVE; the customer
//     alone: CREATED until a human ever was in it, INACTIVE after; the customer gone, agents there:
//     WRAP_UP when the workspace configures it, else CUSTOMER_LEFT; nobody: CLOSING, and the
//     timers worker's next run (housekeeping) makes it CLOSED, read-only and not open. ON_HOLD is
//     entered only from ACTIVE by a hold and left only by a resume, to what the table says then;
//   - the active human participants are its human owner and who joined and has not left (C11), and the customer
//     is present exactly while one of its channel sessions is active;
//   - every state change has exactly one conversation.state_changed event with its before and
//     after, and no other state_changed event is written (E1);
//   - the customer-inactivity timer runs from the customer's last message, the first-response SLA
//     from a message that waits for a first human answer (a new conversation, a reopened one)
//     until a human replies; both stop when the customer leaves or it is resolved; both stop on
//     ON_HOLD keeping the time that was left, and go on with it on resume; an inactivity timer
//     that runs out means the customer left; an SLA that runs out on an open, unresolved
//     conversation is one sla.breached event;
//   - a customer writing to a RESOLVED conversation reopens it as NEW; to a CLOSED one starts a
//     new conversation (CREATED, NEW) linked to it by history (previous);
//   - a CLOSED conversation never changes again (its version stays), and an operation the desk
//     refuses (a fault) changes no row and writes no event.
//
// LIFECYCLE_CASES=<n> plays n worlds (default 10); LIFECYCLE_SEED=<seed> LIFECYCLE_CASES=1
// replays the first world of a failure.
func TestLifecycleFollowsItsRules(t *testing.T) {
	db := testdb.Open(t)
	cases, seed := 10, time.Now().UnixNano()%1_000_000_000
	if s := os.Getenv("LIFECYCLE_CASES"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			t.Fatalf("LIFECYCLE_CASES: %v", err)
		}
		cases = n
	}
	if s := os.Getenv("LIFECYCLE_SEED"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("LIFECYCLE_SEED: %v", err)
		}
		seed = n
	}
	mix, steps, start := map[string]int{}, 0, time.Now()
	for i := range cases {
		w := newLcWorld(t, db, seed+int64(i), i, mix)
		w.play(70 + w.r.IntN(50))
		steps += w.steps
	}
	keys := make([]string, 0, len(mix))
	for k := range mix {
		keys = append(keys, fmt.Sprintf("%s: %d", k, mix[k]))
	}
	sort.Strings(keys)
	t.Logf("seed %d: %d worlds, %d steps in %v", seed, cases, steps, time.Since(start).Round(time.Millisecond))
	if testing.Verbose() {
		t.Logf("answers per operation:\n  %s", strings.Join(keys, "\n  "))
	}
}

// lcTimer is what the reference knows of one timer of a conversation.
type lcTimer struct {
	live, paused bool
	due          time.Time     // while running
	left         time.Duration // while paused
	seq          int           // creation order: equal due times fire in it
}

// lcConv is what the reference knows of a conversation.
type lcConv struct {
	id, customer int
	state        enum.State
	status       enum.Status
	open         bool
	present      bool
	humans       map[int]bool // human agents in it
	bots         map[int]bool // bots in it
	had          bool         // a human agent was ever in it
	inactivity   lcTimer
	sla          lcTimer
	breaches     int // sla.breached this step
	closedAt     int // its version when it was closed
	moves        [][2]enum.State
}

// lcCustomer is one customer: its handle, the channel it mostly writes on (it writes on the others
// too: one customer, many channel identities, §1), and its conversations.
type lcCustomer struct {
	handle string
	ch     enum.Channel
	convs  []int                // in order of creation
	on     map[int]enum.Channel // each conversation's (routing) channel
}

// lcRow is what the test reads of a conversation.
type lcRow struct {
	version        int
	state          enum.State
	status         enum.Status
	open, present  bool
	owner          int // its human owner, 0 when none
	anyOwner       int
	previous       int
	humans         []int  // active AGENT participants
	bots           []int  // active BOT participants
	sessions       int    // active channel sessions
	customers      string // what is wrong with its CUSTOMER participants, "" when each session is one
	timers         map[enum.TimerKind]string
	pendingHouse   bool
	liveTimerCount int
	lockHolder     int
}

type lcWorld struct {
	t                  *testing.T
	db                 *storage.DB
	seed               int64
	n                  int
	r                  *rand.Rand
	now                time.Time
	d                  *desk.Desk
	worker             *timers.Worker
	ws                 int
	wrap               bool
	inactivity, sla    time.Duration
	humans             []int // AGENTs
	sup, admin         int
	connector, greeter int
	payments           int
	names              map[int]string
	roles              map[int]enum.Role
	bots               map[int]bool
	customers          []*lcCustomer
	convs              map[int]*lcConv
	rows               map[int]lcRow
	lastEvent          int
	seq                int
	log                []string
	settings           string
	mix                map[string]int
	steps              int
}

func newLcWorld(t *testing.T, db *storage.DB, seed int64, n int, mix map[string]int) *lcWorld {
	t.Helper()
	w := &lcWorld{t: t, db: db, seed: seed, n: n, r: rand.New(rand.NewPCG(uint64(seed), 6)), mix: mix,
		names: map[int]string{}, roles: map[int]enum.Role{}, bots: map[int]bool{}, convs: map[int]*lcConv{}, rows: map[int]lcRow{}}
	// Worlds go back in time, a year apart: the timers worker of a later world finds nothing due
	// in an earlier one's conversations (they share the database). Whole milliseconds: timers keep
	// the time left in milliseconds.
	w.now = time.Date(2045, 1, 1, 9, 0, 0, 0, time.UTC).Add(-time.Duration(n) * 365 * 24 * time.Hour).
		Add(time.Duration(w.r.Int64N(int64(time.Hour)))).Truncate(time.Millisecond)
	clock := func() time.Time { return w.now }
	w.d = desk.New(db, nil).WithClock(clock)
	w.worker = w.d.Timers(timers.NewWorker(db, "lifecycle").WithClock(clock))
	sys := testapi.Sys()
	c := db.Client
	w.wrap = w.r.IntN(2) == 0
	inact, sla := []int{60, 90, 240}[w.r.IntN(3)], []int{10, 25, 45, 100}[w.r.IntN(4)]
	w.inactivity, w.sla = time.Duration(inact)*time.Second, time.Duration(sla)*time.Second
	autoClaim, onHold := w.r.IntN(3) > 0, w.r.IntN(2) == 0
	ws := c.Workspace.Create().SetName("Lifecycle").SetSlug(fmt.Sprintf("lifecycle-%d-%d", seed, n)).
		SetWrapUpEnabled(w.wrap).SetCustomerInactivitySeconds(inact).SetSLAFirstResponseSeconds(sla).
		SetAutoClaimOnReply(autoClaim).SetCapacityCountsOnHold(onHold).SetMaxClaimsPerAgent(100).SaveX(sys)
	w.ws = ws.ID
	add := func(name string, role enum.Role, kind enum.AgentKind, va *enum.VARole) int {
		a := c.Agent.Create().SetWorkspaceID(w.ws).SetName(name).SetRole(role).SetKind(kind).SetNillableVaRole(va).
			SetPresence(enum.PresenceOnline).SaveX(sys)
		if kind == enum.KindHuman {
			for _, ch := range lcChannels {
				c.AgentChannel.Create().SetWorkspaceID(w.ws).SetAgentID(a.ID).SetChannel(ch).SetCapacity(50).ExecX(sys)
			}
		} else {
			w.bots[a.ID] = true
		}
		w.names[a.ID], w.roles[a.ID] = name, role
		return a.ID
	}
	inception, delegation := enum.VARoleInception, enum.VARoleDelegation
	w.connector = add("Connector", enum.RoleAgent, enum.KindVirtual, &delegation)
	bot := "none"
	if w.r.IntN(3) > 0 {
		w.greeter = add("Greeter", enum.RoleAgent, enum.KindVirtual, &inception)
		bot = "Greeter"
	}
	w.payments = add("Payments", enum.RoleAgent, enum.KindVirtual, &delegation)
	for i := range 3 {
		w.humans = append(w.humans, add(fmt.Sprintf("H%d", i+1), enum.RoleAgent, enum.KindHuman, nil))
	}
	w.sup = add("Sup", enum.RoleSupervisor, enum.KindHuman, nil)
	w.admin = add("Root", enum.RoleSuperAdmin, enum.KindHuman, nil)
	w.settings = fmt.Sprintf("wrapUp=%v inactivity=%v sla=%v inception bot=%s autoClaimOnReply=%v capacityCountsOnHold=%v",
		w.wrap, w.inactivity, w.sla, bot, autoClaim, onHold)
	w.lastEvent = w.maxEvent()
	return w
}

var lcChannels = []enum.Channel{enum.ChannelSMS, enum.ChannelWhatsApp, enum.ChannelLiveChat, enum.ChannelEmail}

func (w *lcWorld) ctx(agent int) context.Context {
	v := &auth.Viewer{AgentID: agent, WorkspaceID: w.ws, Name: w.names[agent], Role: w.roles[agent], Kind: enum.KindHuman}
	if w.bots[agent] {
		v.Kind, v.APIKeyID = enum.KindVirtual, 1
	}
	return auth.WithViewer(context.Background(), v)
}

func (w *lcWorld) fail(format string, args ...any) {
	w.t.Helper()
	log := w.log
	if len(log) > 300 {
		log = log[len(log)-300:]
	}
	w.t.Fatalf("%s\n\nworld %d: %s\nreplay: LIFECYCLE_SEED=%d LIFECYCLE_CASES=1 go test -count=1 -run TestLifecycleFollowsItsRules ./internal/desk/\nplayed (last %d):\n  %s",
		fmt.Sprintf(format, args...), w.n, w.settings, w.seed, len(log), strings.Join(log, "\n  "))
}

// advance moves the clock on: mostly seconds, sometimes minutes, past the SLA and inactivity.
func (w *lcWorld) advance() {
	var d time.Duration
	switch x := w.r.IntN(10); {
	case x < 6:
		d = time.Duration(1+w.r.Int64N(15_000)) * time.Millisecond
	case x < 9:
		d = time.Duration(5+w.r.Int64N(60)) * time.Second
	default:
		d = time.Duration(1+w.r.Int64N(6)) * time.Minute
	}
	w.now = w.now.Add(d)
}

func (w *lcWorld) maxEvent() int {
	e, err := w.db.Client.Event.Query().Where(event.WorkspaceID(w.ws)).Order(ent.Desc(event.FieldID)).First(testapi.Sys())
	if ent.IsNotFound(err) {
		return 0
	} else if err != nil {
		w.fail("events: %v", err)
	}
	return e.ID
}

// conv draws a conversation: mostly one still open and not resolved; 0 when there is none.
func (w *lcWorld) conv() int {
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
	case len(open) > 0 && w.r.IntN(8) > 0:
		return open[w.r.IntN(len(open))]
	case len(all) > 0:
		return all[w.r.IntN(len(all))]
	}
	return 0
}

// someone draws who acts on conversation id: mostly its human owner, else any human.
func (w *lcWorld) someone(id int) int {
	if r, ok := w.rows[id]; ok && r.owner != 0 && w.r.IntN(3) > 0 {
		return r.owner
	}
	switch w.r.IntN(6) {
	case 0:
		return w.sup
	case 1:
		return w.admin
	}
	return w.humans[w.r.IntN(len(w.humans))]
}

// inState draws, mostly, a conversation in state s (hold and resume would mostly be refused
// otherwise); else id.
func (w *lcWorld) inState(id int, s enum.State) int {
	var ids []int
	for _, cid := range w.sortedConvs() {
		if w.convs[cid].state == s {
			ids = append(ids, cid)
		}
	}
	if len(ids) == 0 || w.r.IntN(5) == 0 {
		return id
	}
	return ids[w.r.IntN(len(ids))]
}

// notBots draws, mostly, an open conversation no bot owns (joining a bot's is a takeover, which
// leaves the joiner the owner); else id.
func (w *lcWorld) notBots(id int) int {
	var ids []int
	for _, cid := range w.sortedConvs() {
		if r := w.rows[cid]; r.open && (r.anyOwner == 0 || r.owner != 0) {
			ids = append(ids, cid)
		}
	}
	if len(ids) == 0 || w.r.IntN(3) == 0 {
		return id
	}
	return ids[w.r.IntN(len(ids))]
}

// joinedBy draws, mostly, a conversation agent is in without owning it (it joined, C11); else id.
func (w *lcWorld) joinedBy(id, agent int) int {
	var ids []int
	for _, cid := range w.sortedConvs() {
		if r := w.rows[cid]; r.owner != agent && slices.Contains(r.humans, agent) {
			ids = append(ids, cid)
		}
	}
	if len(ids) == 0 || w.r.IntN(6) == 0 {
		return id
	}
	return ids[w.r.IntN(len(ids))]
}

func (w *lcWorld) human() int {
	if w.r.IntN(5) == 0 {
		return w.sup
	}
	return w.humans[w.r.IntN(len(w.humans))]
}

// lcOp is one operation: run returns the conversation it acted on (a customer's message: the one
// it went to).
type lcOp struct {
	name string
	kind string
	by   int
	conv int
	ch   enum.Channel // a customer's message: the channel it came on
	run  func() (int, error)
}

func (w *lcWorld) play(n int) {
	for range 2 + w.r.IntN(3) {
		w.step(w.ingestOp())
	}
	for range n {
		w.advance()
		w.step(w.randomOp())
	}
	// Leave nothing due for later worlds (they are a year earlier, but be sure).
	if err := w.db.Client.Timer.Update().Where(timer.WorkspaceID(w.ws), timer.StatusIn(enum.TimerPending, enum.TimerPaused)).
		SetStatus(enum.TimerCancelled).Exec(testapi.Sys()); err != nil {
		w.fail("cancel timers: %v", err)
	}
}

func (w *lcWorld) ingestOp() lcOp {
	var cu *lcCustomer
	ci := 0
	if len(w.customers) > 0 && w.r.IntN(5) < 3 {
		ci = w.r.IntN(len(w.customers))
		cu = w.customers[ci]
	} else {
		cu = &lcCustomer{handle: fmt.Sprintf("+1555%04d", len(w.customers)), ch: lcChannels[w.r.IntN(len(lcChannels))], on: map[int]enum.Channel{}}
		if cu.ch == enum.ChannelEmail || cu.ch == enum.ChannelLiveChat {
			cu.handle = fmt.Sprintf("c%04d@example.com", len(w.customers))
		}
		w.customers = append(w.customers, cu)
		ci = len(w.customers) - 1
	}
	ch := cu.ch
	if w.r.IntN(5) == 0 { // the other channel its handle names it on: a phone's, an address's (§1)
		ch = map[enum.Channel]enum.Channel{enum.ChannelSMS: enum.ChannelWhatsApp, enum.ChannelWhatsApp: enum.ChannelSMS,
			enum.ChannelEmail: enum.ChannelLiveChat, enum.ChannelLiveChat: enum.ChannelEmail}[cu.ch]
	}
	op := lcOp{name: fmt.Sprintf("customer %s writes on %s", cu.handle, ch), kind: "ingest", by: w.connector, conv: -1 - ci, ch: ch}
	op.run = func() (int, error) {
		c, err := w.d.Ingest(w.ctx(w.connector), desk.IngestInput{Channel: ch, CustomerHandle: cu.handle, Text: "hello"})
		if err != nil {
			return 0, err
		}
		return c.ID, nil
	}
	return op
}

func (w *lcWorld) randomOp() lcOp {
	id := w.conv()
	x := w.r.IntN(100)
	if id == 0 {
		x = 0
	}
	conv := func(kind string, by int, f func(ctx context.Context) (*ent.Conversation, error)) lcOp {
		return lcOp{name: kind, kind: kind, by: by, conv: id, run: func() (int, error) {
			_, err := f(w.ctx(by))
			return id, err
		}}
	}
	switch {
	case x < 12:
		return w.ingestOp()
	case x < 20:
		return conv("claim", w.human(), func(ctx context.Context) (*ent.Conversation, error) { return w.d.Claim(ctx, id, false) })
	case x < 22:
		return conv("takeOver", w.human(), func(ctx context.Context) (*ent.Conversation, error) { return w.d.TakeOver(ctx, id) })
	case x < 24:
		return conv("steal", w.someone(id), func(ctx context.Context) (*ent.Conversation, error) { return w.d.Steal(ctx, id) })
	case x < 27:
		return conv("open", w.someone(id), func(ctx context.Context) (*ent.Conversation, error) { return w.d.Open(ctx, id) })
	case x < 29:
		return conv("close", w.someone(id), func(ctx context.Context) (*ent.Conversation, error) { return w.d.Close(ctx, id) })
	case x < 35:
		return conv("release", w.someone(id), func(ctx context.Context) (*ent.Conversation, error) { return w.d.Release(ctx, id) })
	case x < 37:
		return conv("forceRelease", w.sup, func(ctx context.Context) (*ent.Conversation, error) { return w.d.ForceRelease(ctx, id) })
	case x < 40:
		to := w.human()
		op := conv("reassign", w.someone(id), func(ctx context.Context) (*ent.Conversation, error) {
			return w.d.Reassign(ctx, id, to, nil, false)
		})
		op.name = "reassign to " + w.names[to]
		return op
	case x < 47:
		by := w.someone(id)
		if w.r.IntN(8) == 0 && w.greeter != 0 {
			by = w.greeter
		}
		return lcOp{name: "send", kind: "send", by: by, conv: id, run: func() (int, error) {
			_, err := w.d.Send(w.ctx(by), id, "a reply", nil)
			return id, err
		}}
	case x < 49:
		return conv("pend", w.someone(id), func(ctx context.Context) (*ent.Conversation, error) { return w.d.Pend(ctx, id) })
	case x < 53:
		return conv("resolve", w.someone(id), func(ctx context.Context) (*ent.Conversation, error) { return w.d.Resolve(ctx, id) })
	case x < 60:
		id = w.inState(id, enum.StateActive)
		return conv("hold", w.someone(id), func(ctx context.Context) (*ent.Conversation, error) { return w.d.Hold(ctx, id) })
	case x < 66:
		id = w.inState(id, enum.StateOnHold)
		by, force := w.someone(id), w.r.IntN(4) == 0
		op := conv("resume", by, func(ctx context.Context) (*ent.Conversation, error) { return w.d.Resume(ctx, id, force) })
		if force {
			op.name = "resume (force)"
		}
		return op
	case x < 73:
		if w.r.IntN(2) == 0 {
			id = w.inState(id, enum.StateOnHold)
		}
		return conv("endCustomerSession", w.connector, func(ctx context.Context) (*ent.Conversation, error) {
			return w.d.EndCustomerSession(ctx, id, nil)
		})
	case x < 76: // a super admin joins (C11), mostly; others are refused
		id = w.notBots(id)
		by := w.admin
		if w.r.IntN(8) == 0 {
			by = w.human()
		}
		return conv("join", by, func(ctx context.Context) (*ent.Conversation, error) { return w.d.Join(ctx, id) })
	case x < 78: // mostly one the super admin joined and does not own; else refused
		id = w.joinedBy(id, w.admin)
		by := w.admin
		if w.r.IntN(8) == 0 {
			by = w.someone(id)
		}
		return conv("leave", by, func(ctx context.Context) (*ent.Conversation, error) { return w.d.Leave(ctx, id) })
	case x < 80:
		by := w.greeter
		if r := w.rows[id]; r.owner == 0 && r.anyOwner != 0 {
			by = r.anyOwner
		}
		if by == 0 || w.r.IntN(4) == 0 {
			by = w.sup
		}
		return conv("requestIntervention", by, func(ctx context.Context) (*ent.Conversation, error) {
			return w.d.RequestIntervention(ctx, id, "a human, please")
		})
	case x < 82:
		return conv("cancelTakeover", w.someone(id), func(ctx context.Context) (*ent.Conversation, error) { return w.d.CancelTakeover(ctx, id) })
	case x < 84:
		return conv("returnToQueue", w.someone(id), func(ctx context.Context) (*ent.Conversation, error) { return w.d.ReturnToQueue(ctx, id) })
	case x < 85:
		return conv("completeTakeover", w.someone(id), func(ctx context.Context) (*ent.Conversation, error) {
			return w.d.CompleteTakeover(ctx, id, desk.Completion{Topic: "billing", Outcome: "solved"})
		})
	case x < 87:
		return conv("delegate", w.someone(id), func(ctx context.Context) (*ent.Conversation, error) { return w.d.Delegate(ctx, id, w.payments) })
	case x < 89:
		for cid, r := range w.rows { // the delegation bot finishing one it owns, if any
			if r.anyOwner == w.payments && r.owner == 0 {
				id = cid
				break
			}
		}
		return conv("handBack", w.payments, func(ctx context.Context) (*ent.Conversation, error) { return w.d.HandBack(ctx, id) })
	default:
		return lcOp{name: "timers run", kind: "timers", conv: 0, run: func() (int, error) {
			for range 10 {
				n, err := w.worker.RunOnce(context.Background())
				if err != nil || n == 0 {
					return 0, err
				}
			}
			return 0, nil
		}}
	}
}

// read reads every conversation of the world.
func (w *lcWorld) read() map[int]lcRow {
	sys := testapi.Sys()
	c := w.db.Client
	convs, err := c.Conversation.Query().Where(conversation.WorkspaceID(w.ws)).All(sys)
	if err != nil {
		w.fail("read conversations: %v", err)
	}
	parts, err := c.Participant.Query().Where(participant.WorkspaceID(w.ws)).All(sys)
	if err != nil {
		w.fail("read participants: %v", err)
	}
	sessions, err := c.ChannelSession.Query().Where(channelsession.WorkspaceID(w.ws)).All(sys)
	if err != nil {
		w.fail("read sessions: %v", err)
	}
	ts, err := c.Timer.Query().Where(timer.WorkspaceID(w.ws), timer.StatusIn(enum.TimerPending, enum.TimerPaused)).All(sys)
	if err != nil {
		w.fail("read timers: %v", err)
	}
	out := make(map[int]lcRow, len(convs))
	for _, cv := range convs {
		r := lcRow{version: cv.Version, state: cv.State, status: cv.Status, open: cv.IsOpen, present: cv.CustomerPresent,
			timers: map[enum.TimerKind]string{}}
		if cv.OwnerID != nil {
			r.anyOwner = *cv.OwnerID
			if cv.HumanOwned {
				r.owner = *cv.OwnerID
			}
		}
		if cv.PreviousID != nil {
			r.previous = *cv.PreviousID
		}
		if cv.LockHolderID != nil {
			r.lockHolder = *cv.LockHolderID
		}
		out[cv.ID] = r
	}
	customers := map[int][]*ent.Participant{} // by channel session
	for _, p := range parts {
		r := out[p.ConversationID]
		switch {
		case p.Kind == enum.ParticipantCustomer && p.ChannelSessionID != nil:
			customers[*p.ChannelSessionID] = append(customers[*p.ChannelSessionID], p)
		case p.Kind == enum.ParticipantCustomer:
			r.customers += fmt.Sprintf(" participant %d is a customer without a session;", p.ID)
		case !p.Active:
		case p.AgentID == nil:
			r.customers += fmt.Sprintf(" participant %d (%s) has no agent;", p.ID, p.Kind)
		case p.Kind == enum.ParticipantBot:
			r.bots = append(r.bots, *p.AgentID)
		default:
			r.humans = append(r.humans, *p.AgentID)
		}
		if p.Active != (p.LeftAt == nil) {
			r.customers += fmt.Sprintf(" participant %d active %v left at %v;", p.ID, p.Active, p.LeftAt)
		}
		out[p.ConversationID] = r
	}
	for _, s := range sessions {
		r := out[s.ConversationID]
		if s.Active {
			r.sessions++
		}
		// §6: each channel session is the customer's participation, in it exactly while it lasts.
		switch ps := customers[s.ID]; {
		case len(ps) != 1:
			r.customers += fmt.Sprintf(" session %d has %d customer participants;", s.ID, len(ps))
		case ps[0].ConversationID != s.ConversationID || ps[0].Active != s.Active || !ps[0].JoinedAt.Equal(s.StartedAt) ||
			fmt.Sprint(ps[0].LeftAt) != fmt.Sprint(s.EndedAt):
			r.customers += fmt.Sprintf(" session %d (active %v, %v–%v) but its participant: active %v, %v–%v;", s.ID,
				s.Active, s.StartedAt, s.EndedAt, ps[0].Active, ps[0].JoinedAt, ps[0].LeftAt)
		}
		delete(customers, s.ID)
		out[s.ConversationID] = r
	}
	for id := range customers {
		w.fail("customer participants of channel session %d, which is not the workspace's", id)
	}
	for _, tm := range ts {
		if tm.ConversationID == nil {
			continue
		}
		r := out[*tm.ConversationID]
		r.liveTimerCount++
		if tm.Kind == enum.TimerHousekeeping {
			r.pendingHouse = r.pendingHouse || tm.Status == enum.TimerPending
		} else if _, dup := r.timers[tm.Kind]; dup {
			r.timers[tm.Kind] = "two live timers"
		} else {
			r.timers[tm.Kind] = timerWord(tm)
		}
		out[*tm.ConversationID] = r
	}
	for id, r := range out {
		slices.Sort(r.humans)
		slices.Sort(r.bots)
		out[id] = r
	}
	return out
}

func timerWord(tm *ent.Timer) string {
	if tm.Status == enum.TimerPaused {
		left := int64(-1)
		if tm.RemainingMs != nil {
			left = *tm.RemainingMs
		}
		return fmt.Sprintf("PAUSED with %dms left", left)
	}
	return "PENDING due " + tm.DueAt.UTC().Format("15:04:05.000")
}

func (t lcTimer) word() string {
	switch {
	case !t.live:
		return ""
	case t.paused:
		return fmt.Sprintf("PAUSED with %dms left", t.left.Milliseconds())
	}
	return "PENDING due " + t.due.UTC().Format("15:04:05.000")
}

// newEvents reads the world's events written since the last step, in order.
func (w *lcWorld) newEvents() []*ent.Event {
	evs, err := w.db.Client.Event.Query().Where(event.WorkspaceID(w.ws), event.IDGT(w.lastEvent)).Order(event.ByID()).All(testapi.Sys())
	if err != nil {
		w.fail("events: %v", err)
	}
	if len(evs) > 0 {
		w.lastEvent = evs[len(evs)-1].ID
	}
	return evs
}

// step runs op, and holds what it did to the reference.
func (w *lcWorld) step(op lcOp) {
	w.t.Helper()
	w.steps++
	before := w.read()
	target, err := op.run()
	after := w.read()
	evs := w.newEvents()
	who := w.names[op.by]
	if op.by == 0 {
		who = "the worker"
	}
	line := fmt.Sprintf("%s %s by %s on %d", w.now.Format("15:04:05.000"), op.name, who, op.conv)
	if op.kind == "ingest" && err == nil {
		line = fmt.Sprintf("%s %s → %d", w.now.Format("15:04:05.000"), op.name, target)
	}
	if err != nil {
		f, ok := fault.As(err)
		if !ok || f.Code == fault.Internal || f.Code == fault.Unavailable {
			w.log = append(w.log, line+": "+err.Error())
			w.fail("%s: %v", line, err)
		}
		w.mix[op.kind+" "+string(f.Code)]++
		w.log = append(w.log, line+": "+string(f.Code))
		// A refusal changes nothing: no row, no timer, no event.
		for id, b := range before {
			if a := after[id]; !lcSame(a, b) {
				w.fail("%s was refused (%v) but conversation %d changed:\n  before %+v\n  after  %+v", line, err, id, b, a)
			}
		}
		if len(after) != len(before) {
			w.fail("%s was refused (%v) but a conversation appeared", line, err)
		}
		if len(evs) > 0 {
			w.fail("%s was refused (%v) but wrote %d events, the first %s", line, err, len(evs), evs[0].Type)
		}
		w.rows = after
		return
	}
	w.mix[op.kind+" ok"]++
	w.log = append(w.log, line)
	w.apply(op, target, before, after, evs)
	w.rows = after
	w.check(line, after, evs)
}

func lcSame(a, b lcRow) bool {
	return a.version == b.version && a.state == b.state && a.status == b.status && a.open == b.open && a.present == b.present &&
		a.owner == b.owner && a.anyOwner == b.anyOwner && slices.Equal(a.humans, b.humans) && slices.Equal(a.bots, b.bots) &&
		a.sessions == b.sessions && a.customers == b.customers &&
		fmt.Sprint(a.timers) == fmt.Sprint(b.timers) && a.liveTimerCount == b.liveTimerCount && a.lockHolder == b.lockHolder
}

// lcRule is §6's table read as a rule: the state of a conversation given who is in it now.
// ON_HOLD lasts until resumed (its timers "resume on un-hold"); CLOSED is final.
func lcRule(cur enum.State, present, agents, had, wrapUp bool) enum.State {
	if cur == enum.StateClosed || cur == enum.StateOnHold {
		return cur
	}
	if present {
		switch {
		case agents: // at least one human agent participates
			return enum.StateActive
		case had: // all agents left, the customer still there
			return enum.StateInactive
		}
		return enum.StateCreated // created; only the bot (or nobody yet) with the customer
	}
	switch {
	case agents && wrapUp: // customer left, agents still in it, wrap-up configured
		return enum.StateWrapUp
	case agents: // every customer session closed and no wrap-up
		return enum.StateCustomerLeft
	}
	return enum.StateClosing // customer and agents all gone
}

func (c *lcConv) move(to enum.State) {
	if to != c.state {
		c.moves = append(c.moves, [2]enum.State{c.state, to})
		c.state = to
	}
}

func (c *lcConv) settle(wrap bool) {
	c.move(lcRule(c.state, c.present, len(c.humans) > 0, c.had, wrap))
}

func (w *lcWorld) schedule(t *lcTimer, after time.Duration, onHold bool) {
	if !t.live {
		w.seq++
		t.seq = w.seq
	}
	t.live, t.paused, t.due, t.left = true, onHold, w.now.Add(after), after
}

func (w *lcWorld) pause(t *lcTimer) {
	if t.live && !t.paused {
		t.paused, t.left = true, max(t.due.Sub(w.now), 0)
	}
}

func (w *lcWorld) resume(t *lcTimer) {
	if t.live && t.paused {
		t.paused, t.due = false, w.now.Add(t.left)
	}
}

// apply takes what op did into the reference: what §6 says it does to who is in each
// conversation, to its state and to its timers. Ownership is the business of §3 and §5 (held by
// other tests): the reference reads it from the rows and derives participation from it.
func (w *lcWorld) apply(op lcOp, target int, before, after map[int]lcRow, evs []*ent.Event) {
	for _, c := range w.convs {
		c.moves, c.breaches = nil, 0
	}
	// A customer's message: to its open conversation, on whichever channel (§1, §6: it gains a
	// session on this one), else a new one on this channel linked to the last (closed) one there.
	if op.kind == "ingest" {
		cu := w.customers[-1-op.conv]
		c := w.convs[target]
		if c == nil {
			a := after[target]
			var prev int
			for _, id := range cu.convs {
				if w.convs[id].open {
					w.fail("customer %s wrote while conversation %d was open, but a new one (%d) was started", cu.handle, id, target)
				}
				if cu.on[id] == op.ch {
					prev = id
				}
			}
			if a.previous != prev {
				w.fail("new conversation %d of %s: previous (history) %d, want %d", target, cu.handle, a.previous, prev)
			}
			c = &lcConv{id: target, customer: -1 - op.conv, state: enum.StateCreated, status: enum.StatusNew, open: true, present: true,
				humans: map[int]bool{}, bots: map[int]bool{}}
			if w.greeter != 0 { // I1: the inception bot is in it from the start
				c.bots[w.greeter] = true
			}
			w.convs[target] = c
			cu.convs = append(cu.convs, target)
			cu.on[target] = op.ch
			w.schedule(&c.inactivity, w.inactivity, false)
			w.schedule(&c.sla, w.sla, false)
		} else {
			if len(cu.convs) == 0 || cu.convs[len(cu.convs)-1] != target || !c.open {
				w.fail("customer %s's message went to conversation %d, not its open one (%v)", cu.handle, target, cu.convs)
			}
			waiting := c.status == enum.StatusResolved
			if waiting { // §6: reopened as NEW
				if after[target].status != enum.StatusNew {
					w.fail("§6: a customer writing to RESOLVED conversation %d reopens it as NEW; it is %s", target, after[target].status)
				}
			}
			c.present = true
			onHold := c.state == enum.StateOnHold
			w.schedule(&c.inactivity, w.inactivity, onHold)
			if waiting {
				w.schedule(&c.sla, w.sla, onHold)
			}
		}
	}
	if op.kind == "timers" {
		w.fire()
	}
	for id, a := range after {
		c := w.convs[id]
		if c == nil {
			w.fail("conversation %d appeared after %s", id, op.name)
		}
		b := before[id]
		if !c.open {
			continue
		}
		// Who is in it: the human who stops owning it leaves, the one who starts joins (§6 "all
		// agents left"); a super admin who joins is in it (C11).
		if b.owner != a.owner {
			if b.owner != 0 {
				delete(c.humans, b.owner)
			}
			if a.owner != 0 {
				c.humans[a.owner] = true
			}
		}
		// A bot is in it while it owns it; the inception bot stays until it closes (§6).
		if b.anyOwner != a.anyOwner || (b.owner == 0) != (a.owner == 0) {
			if b.anyOwner != 0 && b.owner == 0 && b.anyOwner != w.greeter {
				delete(c.bots, b.anyOwner)
			}
			if a.anyOwner != 0 && a.owner == 0 {
				c.bots[a.anyOwner] = true
			}
		}
		if id == target && op.kind == "join" {
			c.humans[op.by] = true
		}
		if id == target && op.kind == "leave" { // C11: the joiner is no longer in it
			if !c.humans[op.by] || a.owner == op.by {
				w.fail("%s succeeded on conversation %d, which %s was not in without owning it", op.name, id, w.names[op.by])
			}
			delete(c.humans, op.by)
		}
		if len(c.humans) > 0 {
			c.had = true
		}
		c.status = a.status
		if id != target {
			c.settle(w.wrap)
			continue
		}
		switch op.kind {
		case "endCustomerSession":
			c.present = false
			c.inactivity.live, c.sla.live = false, false
		case "hold":
			if c.state != enum.StateActive {
				w.fail("%s succeeded on conversation %d in state %s: only ACTIVE ones can be put on hold", op.name, id, c.state)
			}
			c.move(enum.StateOnHold)
			w.pause(&c.inactivity)
			w.pause(&c.sla)
		case "resume":
			if c.state != enum.StateOnHold {
				w.fail("%s succeeded on conversation %d in state %s", op.name, id, c.state)
			}
			// Off hold: to what the table says of who is in it now (one move).
			c.move(lcRule(enum.StateActive, c.present, len(c.humans) > 0, c.had, w.wrap))
			w.resume(&c.inactivity)
			w.resume(&c.sla)
		case "send":
			if !w.bots[op.by] { // a human answered: nothing waits for a first response
				c.sla.live = false
			}
		case "resolve":
			if a.status != enum.StatusResolved {
				w.fail("resolve succeeded but conversation %d is %s", id, a.status)
			}
			c.inactivity.live, c.sla.live = false, false // nobody waits any more
		}
		c.settle(w.wrap)
	}
	_ = evs
}

// fire is the timers worker's run at now: every due timer fires, earliest first.
func (w *lcWorld) fire() {
	for {
		var next *lcConv
		var nt *lcTimer
		house := false
		for _, id := range w.sortedConvs() {
			c := w.convs[id]
			if c.state == enum.StateClosing { // housekeeping is due from the moment it is CLOSING
				next, house = c, true
				break
			}
			for _, t := range []*lcTimer{&c.inactivity, &c.sla} {
				if t.live && !t.paused && !t.due.After(w.now) && (nt == nil || t.due.Before(nt.due) || t.due.Equal(nt.due) && t.seq < nt.seq) {
					next, nt = c, t
				}
			}
		}
		switch {
		case next == nil:
			return
		case house:
			next.move(enum.StateClosed)
			next.open = false
			clear(next.bots) // nobody is in a closed conversation
			clear(next.humans)
			next.inactivity.live, next.sla.live = false, false
		case nt == &next.sla:
			nt.live = false
			if next.open && next.status != enum.StatusResolved {
				next.breaches++
			}
		default: // the customer was silent for customerInactivitySeconds: they left
			nt.live = false
			if next.open && next.present && next.state != enum.StateOnHold {
				next.present = false
				next.inactivity.live, next.sla.live = false, false
				next.settle(w.wrap)
			}
		}
	}
}

func (w *lcWorld) sortedConvs() []int {
	ids := make([]int, 0, len(w.convs))
	for id := range w.convs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// check compares every conversation's rows and this step's events with the reference.
func (w *lcWorld) check(line string, rows map[int]lcRow, evs []*ent.Event) {
	w.t.Helper()
	moves := map[int][][2]enum.State{}
	breaches := map[int]int{}
	for _, e := range evs {
		if e.ConversationID == nil {
			continue
		}
		switch e.Type {
		case events.StateChanged:
			moves[*e.ConversationID] = append(moves[*e.ConversationID], [2]enum.State{
				enum.State(fmt.Sprint(e.Before["state"])), enum.State(fmt.Sprint(e.After["state"]))})
		case events.SLABreached:
			breaches[*e.ConversationID]++
		}
		if c := w.convs[*e.ConversationID]; c != nil && !c.open && c.closedAt != 0 && e.Type != events.ViewerJoined && e.Type != events.ViewerLeft {
			w.fail("after %s: CLOSED conversation %d (read-only) got event %s", line, c.id, e.Type)
		}
	}
	for _, id := range w.sortedConvs() {
		c, r := w.convs[id], rows[id]
		where := fmt.Sprintf("after %s: conversation %d", line, id)
		if r.state != c.state {
			w.fail("%s is %s; §6 says %s (customer present %v, human agents %v, ever %v, wrap-up %v)",
				where, r.state, c.state, c.present, keys(c.humans), c.had, w.wrap)
		}
		if got, want := fmt.Sprint(moves[id]), fmt.Sprint(c.moves); got != want {
			w.fail("%s: state_changed events %s; want exactly one per move: %s (E1)", where, got, want)
		}
		if r.open != c.open {
			w.fail("%s: open %v, want %v (closed exactly when CLOSED)", where, r.open, c.open)
		}
		if r.present != c.present || (r.sessions > 0) != c.present {
			w.fail("%s: customer present %v with %d active sessions; want present %v", where, r.present, r.sessions, c.present)
		}
		if got, want := fmt.Sprint(r.humans), fmt.Sprint(keys(c.humans)); got != want {
			w.fail("%s: human agents in it %s; want %s", where, got, want)
		}
		if got, want := fmt.Sprint(r.bots), fmt.Sprint(keys(c.bots)); got != want {
			w.fail("%s: bots in it %s; want %s (a bot while it owns it, the inception bot until it closes)", where, got, want)
		}
		if r.customers != "" {
			w.fail("%s: customer participants do not follow its channel sessions:%s", where, r.customers)
		}
		for kind, t := range map[enum.TimerKind]lcTimer{enum.TimerCustomerInactivity: c.inactivity, enum.TimerSLAFirstResponse: c.sla} {
			if got := r.timers[kind]; got != t.word() {
				w.fail("%s: %s timer %q; want %q", where, kind, got, t.word())
			}
		}
		if c.state == enum.StateClosing && !r.pendingHouse {
			w.fail("%s is CLOSING without a pending housekeeping timer", where)
		}
		if c.breaches != breaches[id] {
			w.fail("%s: %d sla.breached events; want %d (an SLA ran out on an open, unresolved conversation)", where, breaches[id], c.breaches)
		}
		if !c.open {
			if r.liveTimerCount > 0 {
				w.fail("%s is CLOSED with %d live timers", where, r.liveTimerCount)
			}
			if c.closedAt == 0 {
				c.closedAt = r.version
			} else if r.version != c.closedAt {
				w.fail("%s is CLOSED (read-only) but changed: version %d → %d", where, c.closedAt, r.version)
			}
		}
	}
}

func keys(m map[int]bool) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
