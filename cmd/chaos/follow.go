package main

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/coder/websocket"
)

// follower is a live subscriber (E2, E3): it subscribes over graphql-transport-ws from the first
// event, reconnects whenever its connection ends (an instance killed or stopped, a slow consumer
// dropped) and resumes after the last cursor it saw. It must end up with exactly the event log.
type follower struct {
	name  string
	lock  bool     // lockChanged for convs; otherwise workspaceEvents
	convs []string // lockChanged's conversations
	p     Person
	home  int
	cl    *Cluster
	clock clock
	recv  *recvTimes
	slow  chan time.Duration

	// What it received, in order.
	seqs     []int64
	hashes   []uint64 // of (event id, version)
	lockEvs  []lockRecv
	last     int64
	progress atomic.Int64 // last, for the end of the run to wait on
	target   int64        // the last event it must have received at the end

	sessions   int
	closeCodes map[string]int
	completes  int // a server-sent complete: the subscription ended instead of the connection
	errors     map[string]int
	anomalies  []string
	lockVers   map[int64]int64
	slowed     int
	ends       []string // when and why sessions ended
}

type lockRecv struct {
	seq     int64
	conv    int64
	version int64
	holder  int64
}

// smallBuffers dials with a small receive buffer, so that a follower that stops reading fills
// the server's buffers soon and the bus drops it (the slow fault).
var smallBuffers = &http.Client{Transport: &http.Transport{DialContext: (&net.Dialer{
	Timeout: 5 * time.Second,
	Control: func(_, _ string, c syscall.RawConn) error {
		var err error
		_ = c.Control(func(fd uintptr) { err = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 8<<10) })
		return err
	},
}).DialContext}}

func eventHash(id int64, version int64) uint64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%d/%d", id, version)
	return h.Sum64()
}

func (f *follower) anomaly(format string, args ...any) {
	if len(f.anomalies) < 50 {
		f.anomalies = append(f.anomalies, fmt.Sprintf(format, args...))
	}
}

const (
	workspaceSub = `subscription($a:String){workspaceEvents(after:$a){id type version cursor}}`
	heavySub     = `subscription($a:String){workspaceEvents(after:$a){id type version cursor before after createdAt}}`
	lockSub      = `subscription($c:[ID!]!,$a:String){lockChanged(conversationIds:$c,after:$a){conversationId version cursor holder{id}}}`
)

// run follows until ctx ends.
func (f *follower) run(ctx context.Context) {
	f.closeCodes, f.errors, f.lockVers = map[string]int{}, map[string]int{}, map[int64]int64{}
	inst := f.home
	for ctx.Err() == nil {
		if !f.cl.insts[inst].up.Load() {
			for k := 1; k <= len(f.cl.insts); k++ {
				if j := (f.home + k - 1) % len(f.cl.insts); f.cl.insts[j].up.Load() {
					inst = j
					break
				}
			}
		}
		slowed := f.slowed
		reason := f.session(ctx, inst)
		if ctx.Err() != nil {
			return
		}
		if f.slowed > slowed {
			// Dropped as a slow consumer: with its buffers full the close frame may not get
			// through, and the connection just ends.
			reason = "slow: " + reason
		}
		f.closeCodes[reason]++
		if len(f.ends) < 30 {
			f.ends = append(f.ends, fmt.Sprintf("%s i%d %s after seq %d", fmtT(f.clock.now()), inst, reason, f.last))
		}
		if f.cl.insts[f.home].up.Load() {
			inst = f.home
		} else {
			inst = (inst + 1) % len(f.cl.insts)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// session is one connection; it returns why it ended.
func (f *follower) session(ctx context.Context, inst int) string {
	dctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	url := "ws" + strings.TrimPrefix(f.cl.insts[inst].url, "http") + "/query"
	conn, _, err := websocket.Dial(dctx, url, &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}, HTTPClient: smallBuffers})
	if err != nil {
		return "dial failed"
	}
	defer conn.CloseNow()
	conn.SetReadLimit(1 << 24)
	f.sessions++
	write := func(ctx context.Context, v any) error {
		b, _ := json.Marshal(v)
		return conn.Write(ctx, websocket.MessageText, b)
	}
	if err := write(dctx, map[string]any{"type": "connection_init", "payload": map[string]any{"authorization": "Bearer " + f.p.Token}}); err != nil {
		return "init failed"
	}
	for {
		_, b, err := conn.Read(dctx)
		if err != nil {
			return "no connection_ack"
		}
		var m struct{ Type string }
		_ = json.Unmarshal(b, &m)
		if m.Type == "connection_ack" {
			break
		}
	}
	query, vars := workspaceSub, map[string]any{"a": strconv.FormatInt(f.last, 10)}
	if f.lock {
		query, vars = lockSub, map[string]any{"c": f.convs, "a": strconv.FormatInt(f.last, 10)}
	}
	if err := write(ctx, map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": query, "variables": vars}}); err != nil {
		return "subscribe failed"
	}
	for {
		select {
		case d := <-f.slow:
			// A slow consumer: forty more subscriptions with the events' before and after on this
			// connection, from where it is, so that the server's buffers fill within seconds, and
			// no reading for d. The bus should drop the connection (close 4010); then it resumes
			// from the last cursor of subscription "1", the one followed.
			f.slowed++
			heavy := map[string]any{"a": strconv.FormatInt(f.last, 10)}
			for i := 1; i <= 40; i++ {
				_ = write(ctx, map[string]any{"id": fmt.Sprintf("x%d", i), "type": "subscribe", "payload": map[string]any{"query": heavySub, "variables": heavy}})
			}
			select {
			case <-time.After(d):
			case <-ctx.Done():
			}
		default:
		}
		_, b, err := conn.Read(ctx)
		if err != nil {
			if ctx.Err() != nil {
				_ = conn.Close(websocket.StatusNormalClosure, "")
				return "done"
			}
			if code := websocket.CloseStatus(err); code != -1 {
				return fmt.Sprintf("close %d", int(code))
			}
			return "connection lost"
		}
		var m struct {
			ID      string
			Type    string
			Payload json.RawMessage
		}
		if json.Unmarshal(b, &m) != nil {
			f.errors["bad message"]++
			continue
		}
		if m.ID != "" && m.ID != "1" && m.Type == "next" {
			continue
		}
		switch m.Type {
		case "next":
			f.next(m.Payload)
		case "error":
			f.errors[errorCode(m.Payload)]++
			return "subscription error"
		case "complete":
			// The server ended a subscription: a graphql-transport-ws client takes it as done and
			// does not subscribe again. (An extra subscription of the slow fault counts too.)
			f.completes++
			return "complete of " + m.ID
		case "ping":
			_ = write(ctx, map[string]any{"type": "pong"})
		}
	}
}

func errorCode(payload json.RawMessage) string {
	var errs []gqlError
	if json.Unmarshal(payload, &errs) == nil && len(errs) > 0 {
		return errs[0].Extensions.Code + ": " + errs[0].Message
	}
	return string(payload)
}

func (f *follower) next(payload json.RawMessage) {
	t := f.clock.now()
	var p struct {
		Data struct {
			WorkspaceEvents *struct {
				ID      string
				Type    string
				Version int64
				Cursor  string
			}
			LockChanged *struct {
				ConversationID string
				Version        int64
				Cursor         string
				Holder         *struct{ ID string }
			}
		}
		Errors []gqlError
	}
	if err := json.Unmarshal(payload, &p); err != nil {
		f.errors["bad payload"]++
		return
	}
	if len(p.Errors) > 0 {
		f.errors["next with errors: "+p.Errors[0].Extensions.Code]++
		return
	}
	switch {
	case p.Data.WorkspaceEvents != nil:
		e := p.Data.WorkspaceEvents
		seq, _ := strconv.ParseInt(e.Cursor, 10, 64)
		f.recv.saw(seq, t)
		if seq <= f.last {
			f.anomaly("seq %d after %d (duplicate or out of order)", seq, f.last)
		}
		id, _ := strconv.ParseInt(e.ID, 10, 64)
		f.seqs = append(f.seqs, seq)
		f.hashes = append(f.hashes, eventHash(id, e.Version))
		f.last = max(f.last, seq)
		f.progress.Store(f.last)
	case p.Data.LockChanged != nil:
		e := p.Data.LockChanged
		seq, _ := strconv.ParseInt(e.Cursor, 10, 64)
		f.recv.saw(seq, t)
		if seq <= f.last {
			f.anomaly("seq %d after %d (duplicate or out of order)", seq, f.last)
		}
		r := lockRecv{seq: seq, conv: atoi(e.ConversationID), version: e.Version}
		if e.Holder != nil {
			r.holder = atoi(e.Holder.ID)
		}
		if prev, ok := f.lockVers[r.conv]; ok && r.version < prev {
			f.anomaly("conversation %d: version %d after %d in the stream (seq %d)", r.conv, r.version, prev, seq)
		}
		f.lockVers[r.conv] = max(f.lockVers[r.conv], r.version)
		f.lockEvs = append(f.lockEvs, r)
		f.last = max(f.last, seq)
		f.progress.Store(f.last)
	}
}
