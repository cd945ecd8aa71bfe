package main

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"switchboard/internal/events"
	"switchboard/internal/storage"
)

// The subscription kinds the scale benchmark follows.
const (
	kindLock = iota
	kindQueue
	kindNotif
	kindWorkspace
	nKinds
)

var kindNames = [nKinds]string{"lockChanged", "myQueue", "notifications", "workspaceEvents"}

// histogram counts latencies in buckets 1% wide (from 10 µs to over an hour), lock-free.
type histogram struct {
	buckets [2000]atomic.Uint64
	n       atomic.Uint64
	maxUS   atomic.Int64
}

const histBase = 1.01

func (h *histogram) add(d time.Duration) {
	us := d.Microseconds()
	i := 0
	if us > 10 {
		i = int(math.Log(float64(us)/10) / math.Log(histBase))
	}
	i = min(i, len(h.buckets)-1)
	h.buckets[i].Add(1)
	h.n.Add(1)
	for {
		m := h.maxUS.Load()
		if us <= m || h.maxUS.CompareAndSwap(m, us) {
			break
		}
	}
}

// q is the q-quantile in ms (the bucket's upper edge).
func (h *histogram) q(q float64) float64 {
	n := h.n.Load()
	if n == 0 {
		return math.NaN()
	}
	want := uint64(math.Ceil(q * float64(n)))
	var seen uint64
	for i := range h.buckets {
		seen += h.buckets[i].Load()
		if seen >= max(want, 1) {
			return 10 * math.Pow(histBase, float64(i+1)) / 1000
		}
	}
	return float64(h.maxUS.Load()) / 1000
}

// delivery is one event an agent's subscription received: its cursor and when.
type delivery struct {
	seq  int64
	recv int64 // unix ns
}

// scaleConn is one client connection and what it received, by subscription.
type scaleConn struct {
	base, token string
	sup         bool
	agent       int
	conv        int // the conversation an agent's lockChanged follows
	after       [nKinds]atomic.Int64
	// agents keep every delivery (their latency is taken from the log's created_at);
	// supervisors only count, the latency comes from the event's createdAt.
	got        [nKinds][]delivery
	dups, gaps [nKinds]int64
	errors     []string
	reconnects int
}

func (c *scaleConn) queries() ([]string, []int) {
	if c.sup {
		return []string{fmt.Sprintf(`subscription{workspaceEvents(after:"%d"){cursor createdAt}}`, c.after[kindWorkspace].Load())}, []int{kindWorkspace}
	}
	return []string{
		fmt.Sprintf(`subscription{lockChanged(conversationIds:["%d"],after:"%d"){cursor at}}`, c.conv, c.after[kindLock].Load()),
		fmt.Sprintf(`subscription{myQueue(after:"%d"){cursor kind}}`, c.after[kindQueue].Load()),
		fmt.Sprintf(`subscription{notifications(after:"%d"){cursor at}}`, c.after[kindNotif].Load()),
	}, []int{kindLock, kindQueue, kindNotif}
}

// scaleClients is every connection and the shared latency histogram of the supervisors.
type scaleClients struct {
	conns  []*scaleConn
	supLat histogram
	// measureFrom (unix ns): events created before it belong to the warm-up.
	measureFrom atomic.Int64
	warmLat     histogram    // the warm-up's deliveries: the supervisors' as they come, the agents' at check
	total       atomic.Int64 // deliveries, every kind
	closes      sync.Map     // close code → *atomic.Int64
	connWG      sync.WaitGroup
	// window is the length of the windows lockChanged's p99 is printed by.
	window time.Duration
}

func (s *scaleClients) countClose(code string) {
	v, _ := s.closes.LoadOrStore(code, new(atomic.Int64))
	v.(*atomic.Int64).Add(1)
}

var (
	cursorKey    = []byte(`"cursor":"`)
	createdAtKey = []byte(`"createdAt":"`)
	idKey        = []byte(`"id":"`)
)

// field is the string value after key in msg ("" when absent).
func field(msg, key []byte) []byte {
	i := bytes.Index(msg, key)
	if i < 0 {
		return nil
	}
	rest := msg[i+len(key):]
	j := bytes.IndexByte(rest, '"')
	if j < 0 {
		return nil
	}
	return rest[:j]
}

// open dials c and subscribes (resuming after the cursors it last saw).
func (s *scaleClients) open(ctx context.Context, c *scaleConn) (*websocket.Conn, []int, error) {
	dctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	qs, kinds := c.queries()
	ws, err := connect(dctx, c.base, c.token, qs...)
	if err != nil {
		return nil, nil, err
	}
	ws.SetReadLimit(1 << 20)
	return ws, kinds, nil
}

// run reads c until ctx ends, reconnecting (resuming after its cursors) when the server drops it.
func (s *scaleClients) run(ctx context.Context, c *scaleConn, ws *websocket.Conn, kinds []int) {
	for {
		err := s.read(ctx, c, ws, kinds)
		ws.CloseNow()
		if ctx.Err() != nil {
			return
		}
		code := websocket.CloseStatus(err)
		s.countClose(strconv.Itoa(int(code)))
		c.errors = append(c.errors, err.Error())
		for ctx.Err() == nil {
			time.Sleep(200 * time.Millisecond)
			c.reconnects++
			if ws, kinds, err = s.open(ctx, c); err == nil {
				break
			}
			s.countClose("redial failed")
		}
		if ctx.Err() != nil {
			return
		}
	}
}

func (s *scaleClients) read(ctx context.Context, c *scaleConn, ws *websocket.Conn, kinds []int) error {
	for {
		_, msg, err := ws.Read(ctx)
		if err != nil {
			return err
		}
		now := time.Now()
		switch string(field(msg, []byte(`"type":"`))) {
		case "next":
		case "ping":
			if err := wsjson.Write(ctx, ws, map[string]string{"type": "pong"}); err != nil {
				return err
			}
			continue
		case "error", "complete":
			c.errors = append(c.errors, string(msg))
			continue
		default:
			continue
		}
		id, _ := strconv.Atoi(string(field(msg, idKey)))
		if id < 1 || id > len(kinds) {
			continue
		}
		k := kinds[id-1]
		seq, err := strconv.ParseInt(string(field(msg, cursorKey)), 10, 64)
		if err != nil {
			c.errors = append(c.errors, "no cursor: "+string(msg))
			continue
		}
		s.total.Add(1)
		last := c.after[k].Load()
		switch {
		case seq <= last:
			c.dups[k]++
			continue
		case k == kindWorkspace && seq != last+1:
			c.gaps[k] += seq - last - 1 // dense cursors: every number is an event
		}
		c.after[k].Store(seq)
		if k == kindWorkspace {
			if at, err := time.Parse(time.RFC3339Nano, string(field(msg, createdAtKey))); err == nil {
				if at.UnixNano() < s.measureFrom.Load() {
					s.warmLat.add(now.Sub(at))
				} else {
					s.supLat.add(now.Sub(at))
				}
			}
			continue
		}
		c.got[k] = append(c.got[k], delivery{seq, now.UnixNano()})
	}
}

// lockHeads is the last lock event of each conversation up to seq end.
func lockHeads(ctx context.Context, db *storage.DB, ws int, start, end int64) (map[int]int64, error) {
	rows, err := db.SQL.QueryContext(ctx, `SELECT conversation_id, max(seq) FROM events
		WHERE workspace_id = $1 AND seq > $2 AND seq <= $3 AND type = ANY($4) AND conversation_id IS NOT NULL GROUP BY conversation_id`,
		ws, start, end, lockTypeList)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int]int64{}
	for rows.Next() {
		var conv int
		var seq int64
		if err := rows.Scan(&conv, &seq); err != nil {
			return nil, err
		}
		out[conv] = seq
	}
	return out, rows.Err()
}

var lockTypeList = []string{events.LockAcquired, events.LockReleased, events.LockStolen}

// caughtUp reports whether every supervisor has seen the log up to end, and every agent the
// last lock change of its conversation.
func (s *scaleClients) caughtUp(ctx context.Context, db *storage.DB, ws int, start, end int64) bool {
	heads, err := lockHeads(ctx, db, ws, start, end)
	if err != nil {
		return false
	}
	for _, c := range s.conns {
		if c.sup && c.after[kindWorkspace].Load() < end {
			return false
		}
		if !c.sup && c.after[kindLock].Load() < heads[c.conv] {
			return false
		}
	}
	return true
}

type kindReport struct {
	n             int64
	p50, p99, max float64
	checked       string
	lost          int
	dups          int64
}

func (r kindReport) lostText() string {
	if r.checked == "no" {
		return "-"
	}
	return strconv.Itoa(r.lost)
}

type scaleReport struct {
	kinds [nKinds]kindReport
	// windows is lockChanged's p99 by window of the log, from its first event: when the tail
	// happened.
	windows     []float64
	windowsFrom time.Time
	// warm is the latency of the warm-up's events, every kind.
	warm         *histogram
	streamErrors int
	firstError   string
}

// check holds every stream against the event log between the cursors start and end: the
// supervisors' workspaceEvents must hold every event; an agent's lockChanged every lock change of
// its conversation; its myQueue every claim it made, its notifications every lock stolen from it.
// The agents' latency is taken from the log's created_at of each event received.
func (s *scaleClients) check(ctx context.Context, db *storage.DB, ws int, start, end int64) (*scaleReport, error) {
	rows, err := db.SQL.QueryContext(ctx, `SELECT seq, created_at, coalesce(conversation_id, 0), type, coalesce(subject_id, 0),
		coalesce(("after"->>'owner')::bigint, 0) FROM events WHERE workspace_id = $1 AND seq > $2 AND seq <= $3`, ws, start, end)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	created := map[int64]time.Time{}
	lockByConv := map[int][]int64{}
	claimsBy := map[int][]int64{}
	stolenFrom := map[int][]int64{}
	for rows.Next() {
		var seq int64
		var at time.Time
		var conv, subject, owner int
		var typ string
		if err := rows.Scan(&seq, &at, &conv, &typ, &subject, &owner); err != nil {
			return nil, err
		}
		created[seq] = at
		switch typ {
		case events.LockAcquired, events.LockReleased, events.LockStolen:
			lockByConv[conv] = append(lockByConv[conv], seq)
		case events.ConversationClaimed:
			claimsBy[owner] = append(claimsBy[owner], seq)
		}
		if typ == events.LockStolen {
			stolenFrom[subject] = append(stolenFrom[subject], seq)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rep := &scaleReport{warm: &s.warmLat}
	from := time.Unix(0, s.measureFrom.Load())
	if int64(len(created)) != end-start {
		rep.streamErrors++
		rep.firstError = fmt.Sprintf("the log holds %d events between cursors %d and %d, not %d", len(created), start, end, end-start)
	}
	var hists [nKinds]histogram
	var first time.Time
	for _, at := range created {
		if first.IsZero() || at.Before(first) {
			first = at
		}
	}
	var windows []*histogram
	rep.windowsFrom = first
	lost := [nKinds]int{}
	checked := [nKinds]bool{kindLock: true, kindQueue: true, kindNotif: true, kindWorkspace: true}
	for _, c := range s.conns {
		for _, e := range c.errors {
			rep.streamErrors++
			if rep.firstError == "" {
				rep.firstError = e
			}
		}
		for k := range nKinds {
			rep.kinds[k].dups += c.dups[k]
		}
		if c.sup {
			// Ordered and dense: what is missing is a hole or a tail not reached.
			lost[kindWorkspace] += int(c.gaps[kindWorkspace] + max(0, end-c.after[kindWorkspace].Load()))
			continue
		}
		got := [nKinds]map[int64]bool{}
		for k := range kindWorkspace {
			got[k] = make(map[int64]bool, len(c.got[k]))
			for _, d := range c.got[k] {
				got[k][d.seq] = true
				if at, ok := created[d.seq]; ok {
					if at.Before(from) {
						rep.warm.add(time.Duration(d.recv - at.UnixNano()))
					} else {
						hists[k].add(time.Duration(d.recv - at.UnixNano()))
					}
					if k == kindLock {
						w := int(at.Sub(first) / s.window)
						for len(windows) <= w {
							windows = append(windows, new(histogram))
						}
						windows[w].add(time.Duration(d.recv - at.UnixNano()))
					}
				}
			}
		}
		for _, want := range []struct {
			k    int
			seqs []int64
		}{{kindLock, lockByConv[c.conv]}, {kindQueue, claimsBy[c.agent]}, {kindNotif, stolenFrom[c.agent]}} {
			for _, seq := range want.seqs {
				if !got[want.k][seq] {
					lost[want.k]++
				}
			}
		}
	}
	for k := range nKinds {
		r := &rep.kinds[k]
		h := &hists[k]
		if k == kindWorkspace {
			h = &s.supLat
		}
		r.n = int64(h.n.Load()) // the measured deliveries: the warm-up's are counted apart
		r.p50, r.p99, r.max = h.q(0.5), h.q(0.99), float64(h.maxUS.Load())/1000
		r.lost = lost[k]
		r.checked = map[bool]string{true: "yes", false: "no"}[checked[k]]
	}
	for i := range windows {
		rep.windows = append(rep.windows, windows[i].q(0.99))
	}
	rep.kinds[kindQueue].checked = "claims"
	rep.kinds[kindNotif].checked = "steals"
	return rep, nil
}
