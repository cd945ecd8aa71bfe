package main

// Check 1, linearizability: the recorded operations, with the changes the server made itself and
// the effects operations have on other conversations, become one history per conversation, cut
// into segments at the SQL snapshots; porcupine checks every segment against the model.
//
// Cross-conversation effects (L3 click-away): an agent that gains a lock on B releases the lock it
// held on A in the same transaction. A's history gets a click-away operation spanning the B
// operation's call and return, "if the agent holds A's lock, release it (version+1)": certain when
// the B operation succeeded with the agent holding B (L2 then leaves it no other lock), either way
// when its outcome is unknown. It is added only while the agent may hold A's lock: from the call
// of an operation that could have given it (or routing giving it) until an answer called after
// that operation returned showed another holder.
//
// Server-made changes (routing C9, lease expiry L6, timers §6) come from the event log: the
// events without an actor of one conversation and version are one operation spanning
// [created_at, the first follower's receipt], which the model checks like any other (the version
// one more than before, the holder it released the one who held it, …).
//
// Segments: a snapshot read gives every conversation's exact state at one instant, so the
// operations that produced versions up to the snapshot's lie before it and the others after;
// operations without a version (errors, click-aways, unknown outcomes) lie where their interval
// does, and one that overlaps a snapshot is weakened to "may or may not" on both sides. A sweep
// over versions and real time covers what the cut could hide: an operation that returned before
// another was called never shows a newer version.

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/anishathalye/porcupine"
)

// Grace after the observed end of an operation whose outcome is unknown, within which the
// server may still have committed it (a transaction whose COMMIT was on its way; a hot-path
// batch runs up to 10 s after its request gave up).
const (
	graceAnswered = 5 * time.Second
	graceTimeout  = 15 * time.Second
)

type linInput struct {
	world     *World
	ops       []Op
	events    []Event
	snaps     []*Snapshot
	recv      *recvTimes
	end       int64
	msgByText map[string]int64
	msgIDs    map[int64]bool
}

type segment struct {
	conv int64
	idx  int
	init State
	end  *MOp
	ops  []*MOp
}

type violation struct {
	Conv    int64
	Segment int
	Ops     int
	File    string
	Lines   []string
}

type linResult struct {
	Conversations, Segments, Ops, ClickAways, System, MaxSegment int
	OK, Illegal, Unknown                                         int
	Violations                                                   []violation
	Sweep                                                        []string
	Resolved, Unresolved                                         int // unknown outcomes the log decided, or not
	Unmodeled                                                    map[string]int
	AckedMissing                                                 []string // check 3: acknowledged writes the log does not have
	Notes                                                        []string
}

type convKey struct{ agent, conv int64 }

type span struct{ call, ret int64 }

// builder turns the run into segments.
type builder struct {
	in        *linInput
	res       *linResult
	byConv    map[int64][]*MOp
	created   map[int64]State
	sysGroups map[[2]int64][]*Event
	gains     map[convKey][]span
	observed  map[int64][]obsPoint
	windows   map[convKey][]span
	held      map[int64][]int64 // agent → conversations it may have held
}

type obsPoint struct {
	call, ret int64
	holder    int64
}

func unknownRet(op *Op) int64 {
	if op.Timeout {
		return op.Ret + int64(graceTimeout)
	}
	return op.Ret + int64(graceAnswered)
}

func (b *builder) add(conv int64, m *MOp) {
	b.byConv[conv] = append(b.byConv[conv], m)
}

func checkLinearizability(in *linInput, outDir string, timeout time.Duration, workers int) *linResult {
	b := &builder{in: in, res: &linResult{Unmodeled: map[string]int{}}, byConv: map[int64][]*MOp{}, created: map[int64]State{},
		sysGroups: map[[2]int64][]*Event{}, gains: map[convKey][]span{}, observed: map[int64][]obsPoint{},
		windows: map[convKey][]span{}, held: map[int64][]int64{}}
	b.indexEvents()
	b.operations()
	b.system()
	b.snapshots()
	b.clickAways()
	segs := b.segments()
	b.sweep()
	b.run(segs, outDir, timeout, workers)
	return b.res
}

// indexEvents finds the conversations' creations and the server's own changes.
func (b *builder) indexEvents() {
	ev := b.in.events
	lockAt := map[[2]int64]int64{}
	for i := range ev {
		e := &ev[i]
		if e.Type == "lock.acquired" {
			lockAt[[2]int64{e.Conv, e.Version}] = e.AfterHolder
		}
	}
	for i := range ev {
		e := &ev[i]
		if e.Conv == 0 {
			continue
		}
		if e.Type == "conversation.created" {
			b.created[e.Conv] = State{Open: true, Status: stNew, Owner: e.AfterOwner, Holder: lockAt[[2]int64{e.Conv, e.Version}],
				Version: e.Version}
			continue
		}
		// The server's own changes; not a breach (no change of state) nor a viewer gone with its
		// connection (desk.ExpireViewers: who is looking is no part of the conversation's state,
		// and the event keeps its version).
		if e.Actor == 0 && e.Type != "sla.breached" && !viewerEvents[e.Type] {
			k := [2]int64{e.Conv, e.Version}
			b.sysGroups[k] = append(b.sysGroups[k], e)
		}
	}
}

// byToken finds the event of a message the run sent (its text is unique).
func tokenEvents(ev []Event) map[string]*Event {
	out := map[string]*Event{}
	for i := range ev {
		e := &ev[i]
		if (e.Type == "message.sent" || e.Type == "message.received") && e.Text != "" {
			out[e.Text] = e
		}
	}
	return out
}

// operations turns the recorded operations into model operations.
func (b *builder) operations() {
	tokens := tokenEvents(b.in.events)
	reopened := map[[2]int64]*Event{}
	for i := range b.in.events {
		e := &b.in.events[i]
		if e.Type == "conversation.reopened" {
			reopened[[2]int64{e.Conv, e.Version}] = e
		}
	}
	res := newResolver(b.in.events, b.in.ops)
	for i := range b.in.ops {
		op := &b.in.ops[i]
		if op.Refused || op.Kind == OpPresence || op.Kind == OpBulkClaim {
			continue
		}
		m := &MOp{Kind: op.Kind, Agent: op.Agent, Sup: op.Sup, Target: op.Target, Expect: op.Expect, Res: op.Res, Code: op.Code,
			Obs: op.Obs, Call: op.Call, Ret: op.Ret, Ref: op}
		if op.Res == resUnknown {
			m.Ret = unknownRet(op)
			if signature[op.Kind] != nil && op.Conv != 0 {
				happened, v, known := res.resolve(op)
				switch {
				case known && happened:
					m.Res, m.Version, m.Note = resOK, v, "happened: the log has it"
					b.res.Resolved++
				case known && op.Kind == OpOpen:
					m.CAOnly, m.Note = true, "changed nothing here; may have clicked away"
					b.res.Resolved++
				case known:
					b.res.Resolved++
					continue // the log has nothing of it: it changed nothing
				default:
					b.res.Unresolved++
				}
			}
		}
		conv := op.Conv
		switch op.Kind {
		case OpSend:
			e := tokens[op.Token]
			switch {
			case e != nil:
				// The event log says it happened, and at which version: an unknown outcome is
				// known now; the conversation must be the one it was sent to.
				if e.Conv != conv {
					b.res.Notes = append(b.res.Notes, fmt.Sprintf("sendMessage %q to %d landed in %d", op.Token, conv, e.Conv))
				}
				m.Res, m.Version, m.Code = resOK, e.Version, ""
				if op.Res == resOK && !b.in.msgIDs[op.MsgID] {
					b.res.AckedMissing = append(b.res.AckedMissing, fmt.Sprintf("sendMessage %q: message %d acknowledged, not in the messages table", op.Token, op.MsgID))
				}
			case op.Res == resOK:
				b.res.AckedMissing = append(b.res.AckedMissing, fmt.Sprintf("sendMessage %q (message %d) acknowledged, no message.sent event", op.Token, op.MsgID))
				m.Res = resUnknown
			case op.Res == resUnknown:
				continue // no event in the log: it did not happen (E1)
			}
		case OpIngest:
			e := tokens[op.Token]
			if e == nil {
				if op.Res == resOK {
					b.res.AckedMissing = append(b.res.AckedMissing, fmt.Sprintf("ingestCustomerMessage %q acknowledged, no message.received event", op.Token))
				}
				continue
			}
			if _, ok := b.in.msgByText[op.Token]; !ok && op.Res == resOK {
				b.res.AckedMissing = append(b.res.AckedMissing, fmt.Sprintf("ingestCustomerMessage %q acknowledged, not in the messages table", op.Token))
			}
			conv = e.Conv
			if c, ok := b.created[conv]; !ok || c.Version != e.Version {
				// Not placed by the event's version: ingest reads the conversation without its row
				// lock, so its events' versions may be stale (the log check reports them).
				w := &MOp{Kind: OpIngest, Agent: op.Agent, Res: resOK, Call: op.Call, Ret: m.Ret, Ref: op}
				if r := reopened[[2]int64{conv, e.Version}]; r != nil && r.HasAfterOwner {
					w.Keep = 2
					if r.AfterOwner != 0 {
						w.Keep = 1
					}
				}
				b.add(conv, w)
			}
			if op.Res == resOK && op.Obs != nil && op.Conv != 0 {
				b.add(op.Conv, &MOp{Kind: OpIngestRead, Agent: op.Agent, Res: resOK, Obs: op.Obs, Call: op.Call, Ret: op.Ret, Ref: op})
			}
			continue
		}
		if conv == 0 {
			continue
		}
		b.add(conv, m)
		if m.CAOnly {
			continue
		}
		if m.Obs != nil {
			b.observed[conv] = append(b.observed[conv], obsPoint{m.Call, m.Ret, m.Obs.Holder})
		}
		// What may have given its agent this conversation's lock (for the click-away windows).
		switch op.Kind {
		case OpOpen, OpSteal, OpClaim, OpTakeOver, OpSend:
			if m.Res == resUnknown || (m.Res == resOK && (op.Kind == OpSend || m.Obs == nil || m.Obs.Holder == op.Agent)) {
				k := convKey{op.Agent, conv}
				b.gains[k] = append(b.gains[k], span{m.Call, m.Ret})
			}
		}
	}
}

// viewerEvents record who is looking at a conversation: they change neither its state nor its
// version.
var viewerEvents = map[string]bool{"viewer.joined": true, "viewer.left": true}

// system adds the server's own changes.
func (b *builder) system() {
	for k, group := range b.sysGroups {
		d := &SysDelta{Version: k[1], Released: -1}
		call, ret := int64(1)<<62, int64(1)<<62
		for _, e := range group {
			d.Types = append(d.Types, e.Type)
			switch e.Type {
			case "conversation.assigned":
				d.Assign = e.Subject
			case "intervention.taken_over":
				d.TakenOver = true
			case "lock.acquired":
				d.LockTo = e.AfterHolder
			case "lock.released":
				d.Released = e.BeforeHolder
			case "conversation.archived":
				d.Closed = true
			case "conversation.state_changed":
				if e.State == "CLOSED" {
					d.Closed = true
				}
			case "conversation.auto_released":
				d.AutoRel = true
			case "customer.left", "claim.stale":
			default:
				d.Unknown = append(d.Unknown, e.Type)
				b.res.Unmodeled[e.Type]++
			}
			call = min(call, e.At)
			if t := b.in.recv.get(e.Seq); t != 0 {
				ret = min(ret, t)
			}
		}
		if ret == int64(1)<<62 {
			ret = b.in.end + int64(time.Hour)
		}
		ret = max(ret, call)
		m := &MOp{Kind: OpSystem, Res: resOK, Sys: d, Version: d.Version, Call: call, Ret: ret}
		b.add(k[0], m)
		b.res.System++
		if d.LockTo != 0 {
			b.observed[k[0]] = append(b.observed[k[0]], obsPoint{call, ret, d.LockTo})
			kk := convKey{d.LockTo, k[0]}
			b.gains[kk] = append(b.gains[kk], span{call, ret})
		}
	}
}

func (b *builder) snapshots() {
	for _, s := range b.in.snaps {
		for conv, st := range s.States {
			st := st
			b.add(conv, &MOp{Kind: OpSnapshot, Res: resOK, Snap: &st, Version: st.Version, Call: s.Call, Ret: s.Ret})
			b.observed[conv] = append(b.observed[conv], obsPoint{s.Call, s.Ret, st.Holder})
		}
	}
}

// clickAways adds L3's releases to the conversations the agent may have held.
func (b *builder) clickAways() {
	// Windows: from each gain's call until an answer called after the gain returned shows
	// another holder.
	for conv, obs := range b.observed {
		sort.Slice(obs, func(i, j int) bool { return obs[i].call < obs[j].call })
		b.observed[conv] = obs
	}
	for k, gains := range b.gains {
		obs := b.observed[k.conv]
		var ws []span
		for _, g := range gains {
			end := int64(1) << 62
			i := sort.Search(len(obs), func(i int) bool { return obs[i].call > g.ret })
			for ; i < len(obs); i++ {
				if obs[i].holder != k.agent {
					end = obs[i].ret
					break
				}
			}
			ws = append(ws, span{g.call, end})
		}
		sort.Slice(ws, func(i, j int) bool { return ws[i].call < ws[j].call })
		merged := ws[:0]
		for _, w := range ws {
			if n := len(merged); n > 0 && w.call <= merged[n-1].ret {
				merged[n-1].ret = max(merged[n-1].ret, w.ret)
				continue
			}
			merged = append(merged, w)
		}
		b.windows[k] = merged
		b.held[k.agent] = append(b.held[k.agent], k.conv)
	}
	// Sources: operations that give their agent a lock elsewhere.
	type source struct {
		agent, conv int64
		call, ret   int64
		certain     bool
		what        string
	}
	var sources []source
	for conv, ms := range b.byConv {
		for _, m := range ms {
			switch m.Kind {
			case OpOpen, OpSteal, OpClaim, OpTakeOver, OpSend, OpPend, OpResolve:
				if !b.in.world.human(m.Agent) {
					continue
				}
				switch {
				case m.Res == resUnknown || m.CAOnly:
					sources = append(sources, source{m.Agent, conv, m.Call, m.Ret, false, m.Kind.String()})
				case m.Res == resOK:
					certain := true
					if (m.Kind == OpClaim || m.Kind == OpTakeOver || m.Kind == OpSteal) && m.Obs != nil && m.Obs.Holder != m.Agent {
						continue // kept ownership without the lock: no lock gained, none released
					}
					sources = append(sources, source{m.Agent, conv, m.Call, m.Ret, certain, m.Kind.String()})
				}
			case OpSystem:
				if m.Sys.LockTo != 0 && b.in.world.human(m.Sys.LockTo) {
					sources = append(sources, source{m.Sys.LockTo, conv, m.Call, m.Ret, true, "routing"})
				}
			}
		}
	}
	for _, s := range sources {
		for _, a := range b.held[s.agent] {
			if a == s.conv || !overlaps(b.windows[convKey{s.agent, a}], s.call, s.ret) {
				continue
			}
			res := resOK
			if !s.certain {
				res = resUnknown
			}
			b.add(a, &MOp{Kind: OpClickAway, Agent: s.agent, Res: res, Call: s.call, Ret: s.ret,
				Note: fmt.Sprintf("%s on %d", s.what, s.conv)})
			b.res.ClickAways++
		}
	}
}

func overlaps(ws []span, call, ret int64) bool {
	i := sort.Search(len(ws), func(i int) bool { return ws[i].ret >= call })
	return i < len(ws) && ws[i].call <= ret
}

// version is what an operation's outcome says the version became (0: it does not say).
func (m *MOp) version() int64 {
	if m.Res != resOK {
		return 0
	}
	if m.Obs != nil {
		return m.Obs.Version
	}
	return m.Version
}

// segments cuts each conversation's history at its snapshots.
func (b *builder) segments() []*segment {
	var all []*segment
	convs := make([]int64, 0, len(b.byConv))
	for c := range b.byConv {
		convs = append(convs, c)
	}
	slices.Sort(convs)
	for _, conv := range convs {
		var snaps, ops []*MOp
		for _, m := range b.byConv[conv] {
			switch {
			case m.Kind == OpSnapshot:
				snaps = append(snaps, m)
			case !m.CAOnly:
				ops = append(ops, m)
			}
		}
		sort.Slice(snaps, func(i, j int) bool { return snaps[i].Call < snaps[j].Call })
		init, ok := b.created[conv]
		if !ok {
			b.res.Notes = append(b.res.Notes, fmt.Sprintf("conversation %d: no conversation.created event; its history is not checked", conv))
			continue
		}
		b.res.Conversations++
		k := len(snaps)
		vers := make([]int64, k+1)
		vers[0] = init.Version
		monotone := true
		for j := 1; j <= k; j++ {
			vers[j] = snaps[j-1].Snap.Version
			if vers[j] < vers[j-1] {
				monotone = false
				b.res.Sweep = append(b.res.Sweep, fmt.Sprintf("conversation %d: snapshot at %s read version %d after %d",
					conv, fmtT(snaps[j-1].Call), vers[j], vers[j-1]))
			}
		}
		segs := make([]*segment, k+1)
		for j := range segs {
			segs[j] = &segment{conv: conv, idx: j, init: init}
			if j > 0 {
				segs[j].init = *snaps[j-1].Snap
			}
			if j < k {
				segs[j].end = snaps[j]
			}
		}
		afterRet := func(t int64) int { // snapshots that returned before t
			return sort.Search(k, func(i int) bool { return snaps[i].Ret >= t })
		}
		calledBy := func(t int64) int { // snapshots called at or before t
			return sort.Search(k, func(i int) bool { return snaps[i].Call > t })
		}
		for _, m := range ops {
			if u := m.version(); u > 0 && monotone {
				lo := sort.Search(k+1, func(j int) bool { return j == k || vers[j+1] >= u })
				hi := sort.Search(k+1, func(j int) bool { return vers[j] > u }) - 1
				if lo <= hi {
					j := min(hi, afterRet(m.Call))
					if j < lo {
						j = lo
					}
					segs[j].ops = append(segs[j].ops, m)
					continue
				}
			}
			from, to := afterRet(m.Call), calledBy(m.Ret)
			if from >= to {
				segs[min(from, k)].ops = append(segs[min(from, k)].ops, m)
				continue
			}
			for j := from; j <= to && j <= k; j++ { // across a snapshot: may or may not, on each side
				w := *m
				switch {
				case w.Res == resErr:
					w.Weak = true
				case w.Kind == OpClickAway || w.Res == resOK:
					w.Res = resUnknown
				}
				w.Note = strings.TrimSpace(w.Note + " across a snapshot")
				segs[j].ops = append(segs[j].ops, &w)
			}
		}
		for _, s := range segs {
			if len(s.ops) > 0 || s.end != nil {
				all = append(all, s)
			}
		}
	}
	return all
}

// sweep checks versions against real time across the cut: what returned before another
// operation was called never shows a newer version than that operation.
func (b *builder) sweep() {
	type pt struct {
		call, ret int64
		v         int64
		m         *MOp
	}
	for conv, ms := range b.byConv {
		var pts []pt
		for _, m := range ms {
			if v := m.version(); v > 0 && m.Kind != OpClickAway {
				pts = append(pts, pt{m.Call, m.Ret, v, m})
			}
		}
		byRet := slices.Clone(pts)
		sort.Slice(pts, func(i, j int) bool { return pts[i].call < pts[j].call })
		sort.Slice(byRet, func(i, j int) bool { return byRet[i].ret < byRet[j].ret })
		var best *pt
		r := 0
		reported := 0
		for i := range pts {
			p := &pts[i]
			for ; r < len(byRet) && byRet[r].ret < p.call; r++ {
				if best == nil || byRet[r].v > best.v {
					best = &byRet[r]
				}
			}
			if best != nil && p.v < best.v && reported < 5 {
				reported++
				b.res.Sweep = append(b.res.Sweep, fmt.Sprintf("conversation %d: %s [%s, %s] shows v%d after %s [%s, %s] returned v%d",
					conv, p.m, fmtT(p.call), fmtT(p.ret), p.v, best.m, fmtT(best.call), fmtT(best.ret), best.v))
			}
		}
	}
}

func fmtT(ns int64) string {
	if ns > int64(1)<<61 {
		return "end"
	}
	return fmt.Sprintf("%.3fs", float64(ns)/1e9)
}

// run checks the segments in parallel, each with a timeout.
func (b *builder) run(segs []*segment, outDir string, timeout time.Duration, workers int) {
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	b.res.Segments = len(segs)
	// All segments together get a budget too: past it, the rest are unknown.
	deadline := time.Now().Add(max(60*time.Second, 6*timeout))
	type result struct {
		seg *segment
		res porcupine.CheckResult
	}
	jobs := make(chan *segment)
	results := make(chan result)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for s := range jobs {
				left := time.Until(deadline)
				if left <= 0 {
					results <- result{s, porcupine.Unknown}
					continue
				}
				ops := s.history()
				results <- result{s, porcupine.CheckOperationsTimeout(b.in.world.porcupineModel(s.init), ops, min(timeout, left))}
			}
		}()
	}
	go func() {
		for _, s := range segs {
			jobs <- s
		}
		close(jobs)
		wg.Wait()
		close(results)
	}()
	var illegal []*segment
	for r := range results {
		n := len(r.seg.ops)
		b.res.Ops += n
		b.res.MaxSegment = max(b.res.MaxSegment, n)
		switch r.res {
		case porcupine.Ok:
			b.res.OK++
		case porcupine.Illegal:
			b.res.Illegal++
			illegal = append(illegal, r.seg)
		default:
			b.res.Unknown++
			pending := 0
			for _, m := range r.seg.ops {
				if m.Res == resUnknown {
					pending++
				}
			}
			b.res.Notes = append(b.res.Notes, fmt.Sprintf("conversation %d segment %d: %d operations (%d of unknown outcome) not decided in %s",
				r.seg.conv, r.seg.idx, n, pending, timeout))
		}
	}
	sort.Slice(illegal, func(i, j int) bool {
		if illegal[i].conv != illegal[j].conv {
			return illegal[i].conv < illegal[j].conv
		}
		return illegal[i].idx < illegal[j].idx
	})
	for i, s := range illegal {
		v := violation{Conv: s.conv, Segment: s.idx, Ops: len(s.ops)}
		v.Lines = s.describe()
		if i < 20 { // porcupine's visualization of the first ones
			model := b.in.world.porcupineModel(s.init)
			hist := s.history()
			_, info := porcupine.CheckOperationsVerbose(model, hist, timeout)
			v.Lines = append(v.Lines, b.stuck(s, hist, info)...)
			v.Lines = append(v.Lines, b.logOf(s)...)
			path := filepath.Join(outDir, fmt.Sprintf("violation-conv%d-seg%d.html", s.conv, s.idx))
			if err := porcupine.VisualizePath(model, info, path); err == nil {
				v.File = path
			}
		}
		b.res.Violations = append(b.res.Violations, v)
	}
}

// history is the segment as porcupine operations: ClientId groups agents for the visualization.
func (s *segment) history() []porcupine.Operation {
	ops := slices.Clone(s.ops)
	if s.end != nil {
		ops = append(ops, s.end)
	}
	sort.SliceStable(ops, func(i, j int) bool { return ops[i].Call < ops[j].Call })
	clients := map[string]int{}
	out := make([]porcupine.Operation, len(ops))
	for i, m := range ops {
		key := fmt.Sprint(m.Agent)
		switch m.Kind {
		case OpSystem:
			key = "server"
		case OpSnapshot:
			key = "snapshot"
		case OpClickAway:
			key = fmt.Sprintf("click-away %d", m.Agent)
		}
		if _, ok := clients[key]; !ok {
			clients[key] = len(clients)
		}
		out[i] = porcupine.Operation{ClientId: clients[key], Input: m, Call: m.Call, Return: max(m.Ret, m.Call)}
	}
	return out
}

// describe lists the segment for the report.
func (s *segment) describe() []string {
	ops := slices.Clone(s.ops)
	if s.end != nil {
		ops = append(ops, s.end)
	}
	sort.SliceStable(ops, func(i, j int) bool { return ops[i].Call < ops[j].Call })
	lines := []string{fmt.Sprintf("starts at %s", s.init)}
	for _, m := range ops {
		inst := ""
		if m.Ref != nil {
			inst = fmt.Sprintf(" @i%d", m.Ref.Inst)
		}
		lines = append(lines, fmt.Sprintf("[%s, %s]%s %s", fmtT(m.Call), fmtT(m.Ret), inst, m))
	}
	return lines
}

// writeViolations writes the violating segments in full.
func writeViolations(path string, vs []violation) error {
	var b strings.Builder
	for _, v := range vs {
		fmt.Fprintf(&b, "== conversation %d, segment %d (%d operations) %s\n", v.Conv, v.Segment, v.Ops, v.File)
		for _, l := range v.Lines {
			fmt.Fprintf(&b, "  %s\n", l)
		}
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// stuck says where the longest linearization porcupine found ends: the states it reached and the
// operations that could not follow.
func (b *builder) stuck(s *segment, hist []porcupine.Operation, info porcupine.LinearizationInfo) []string {
	parts := info.PartialLinearizations()
	if len(parts) == 0 {
		return nil
	}
	var longest []int
	for _, seq := range parts[0] {
		if len(seq) > len(longest) {
			longest = seq
		}
	}
	states := []State{s.init}
	in := map[int]bool{}
	for _, i := range longest {
		in[i] = true
		var next []State
		for _, st := range states {
			for _, n := range b.in.world.step(st, hist[i].Input.(*MOp)) {
				if !slices.Contains(next, n) {
					next = append(next, n)
				}
			}
		}
		states = next
	}
	out := []string{fmt.Sprintf("longest linearization: %d of %d operations, ending in %v; then none of:", len(longest), len(hist), states)}
	var rest []int
	for i := range hist {
		if !in[i] {
			rest = append(rest, i)
		}
	}
	sort.Slice(rest, func(i, j int) bool { return hist[rest[i]].Call < hist[rest[j]].Call })
	for _, i := range rest[:min(len(rest), 4)] {
		m := hist[i].Input.(*MOp)
		why := ""
		for _, st := range states {
			for _, o := range b.in.world.outcomes(st, m) {
				if o.code == "" && !b.in.world.legal(o.next) && (m.Obs == nil || m.Obs.matches(b.in.world, o.next, m.Agent)) {
					why = fmt.Sprintf(" (breaks L1/L7: %s)", o.next)
				}
			}
		}
		out = append(out, fmt.Sprintf("   [%s, %s] %s%s", fmtT(hist[i].Call), fmtT(hist[i].Return), m, why))
	}
	return out
}

// logOf is the event log of the segment's conversation over the segment's versions: the
// server's own account of what happened (the evidence beside the answers).
func (b *builder) logOf(s *segment) []string {
	hi := int64(1) << 62
	if s.end != nil {
		hi = s.end.Snap.Version + 1
	}
	lines := []string{"event log:"}
	for i := range b.in.events {
		e := &b.in.events[i]
		if e.Conv != s.conv || e.Version < s.init.Version || e.Version > hi {
			continue
		}
		detail := ""
		switch {
		case strings.HasPrefix(e.Type, "lock."):
			detail = fmt.Sprintf(" holder %d -> %d %s", e.BeforeHolder, e.AfterHolder, e.Reason)
		case e.HasAfterOwner:
			detail = fmt.Sprintf(" owner -> %d", e.AfterOwner)
		case e.Status != "":
			detail = " status -> " + e.Status
		}
		lines = append(lines, fmt.Sprintf("   seq %d %s v%d %s actor %d subject %d%s", e.Seq, fmtT(e.At), e.Version, e.Type, e.Actor, e.Subject, detail))
		if len(lines) > 60 {
			lines = append(lines, "   …")
			break
		}
	}
	return lines
}
