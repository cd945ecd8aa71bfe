package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// The changes the driver makes, in the order one conversation goes through them: a cycle of
// seven changes by two working agents X and Y (who swap roles every cycle).
const (
	opClaim   = iota // X claims it from the queue: owner and lock (C2, C3)
	opReplyX         // X replies
	opSteal          // Y steals the lock (L5): X is notified
	opReplyY         // Y replies
	opArrive         // the customer writes (X, the owner, is notified)
	opResolve        // Y resolves: the lock is released, it leaves X's queue
	opReopen         // the customer writes again: RESOLVED reopens as NEW, in the queue (§6)
	nOps
)

var opNames = [nOps]string{"claim", "reply", "steal", "reply", "arrival", "resolve", "arrival"}

// scaleConv is one conversation the driver works on.
type scaleConv struct {
	id     int
	handle string
	pair   [2]string // the two working agents' tokens
	step   int
	cycle  int
	busy   atomic.Bool
}

// driver makes changes at a steady rate over HTTP, spread over the instances.
type driver struct {
	bases  []string
	admin  string // the admin's token: ingestion (channel connectors use an API key; same path)
	convs  []*scaleConv
	client *http.Client
	rate   int

	mu       sync.Mutex
	outcomes map[string]int // "claim OK", "steal CONFLICT" …
	latency  []time.Duration
	skipped  int // ticks with every conversation busy
	sent     atomic.Int64
	msgs     atomic.Int64
}

func newDriver(bases []string, admin string, convs []*scaleConv, rate int) *driver {
	return &driver{bases: bases, admin: admin, convs: convs, rate: rate, outcomes: map[string]int{},
		client: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 512, MaxIdleConns: 2048}}}
}

// run makes changes until stop closes, at d.rate per second, then waits for those in flight.
func (d *driver) run(stop <-chan struct{}) {
	var wg sync.WaitGroup
	start := time.Now()
	next := 0
	for n := 0; ; n++ {
		due := start.Add(time.Duration(n) * time.Second / time.Duration(d.rate))
		select {
		case <-stop:
			wg.Wait()
			return
		case <-time.After(time.Until(due)):
		}
		var c *scaleConv
		for k := 0; k < len(d.convs); k++ {
			cand := d.convs[(next+k)%len(d.convs)]
			if cand.busy.CompareAndSwap(false, true) {
				c, next = cand, (next+k+1)%len(d.convs)
				break
			}
		}
		if c == nil {
			d.mu.Lock()
			d.skipped++
			d.mu.Unlock()
			continue
		}
		base := d.bases[n%len(d.bases)]
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer c.busy.Store(false)
			d.step(base, c)
		}()
	}
}

func (d *driver) step(base string, c *scaleConv) {
	x, y := c.pair[c.cycle%2], c.pair[1-c.cycle%2]
	id := fmt.Sprint(c.id)
	var token, query string
	var vars map[string]any
	switch c.step {
	case opClaim:
		token, query, vars = x, `mutation($id:ID!){r:claimConversation(id:$id){version}}`, map[string]any{"id": id}
	case opReplyX, opReplyY:
		token = x
		if c.step == opReplyY {
			token = y
		}
		query = `mutation($id:ID!,$t:String!){r:sendMessage(conversationId:$id,text:$t){id}}`
		vars = map[string]any{"id": id, "t": fmt.Sprintf("Reply %d", d.msgs.Add(1))}
	case opSteal:
		token, query, vars = y, `mutation($id:ID!){r:stealLock(id:$id){version}}`, map[string]any{"id": id}
	case opResolve:
		token, query, vars = y, `mutation($id:ID!){r:resolveConversation(id:$id){version}}`, map[string]any{"id": id}
	case opArrive, opReopen:
		token = d.admin
		query = `mutation($in:IngestMessageInput!){r:ingestCustomerMessage(input:$in){id}}`
		vars = map[string]any{"in": map[string]any{"channel": "SMS", "customerHandle": c.handle, "text": fmt.Sprintf("Hello %d", d.msgs.Add(1))}}
	}
	start := time.Now()
	code := d.do(base, token, query, vars)
	took := time.Since(start)
	d.sent.Add(1)
	d.mu.Lock()
	d.outcomes[opNames[c.step]+" "+code]++
	d.latency = append(d.latency, took)
	d.mu.Unlock()
	c.step++
	if c.step == nOps {
		c.step, c.cycle = 0, c.cycle+1
	}
}

// do sends one mutation and returns "OK", the error's extensions.code, or the transport failure.
func (d *driver) do(base, token, query string, vars map[string]any) string {
	req, err := http.NewRequest(http.MethodPost, base+"/query", bytes.NewReader(requestBody(query, vars)))
	if err != nil {
		return "HTTP-ERROR"
	}
	req.Header = http.Header{"Content-Type": {"application/json"}, "Authorization": {"Bearer " + token}}
	resp, err := d.client.Do(req)
	if err != nil {
		return "HTTP-ERROR"
	}
	raw, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return "HTTP-ERROR"
	}
	var r struct {
		Errors []struct {
			Extensions struct{ Code string }
		}
	}
	if json.Unmarshal(raw, &r) != nil {
		return fmt.Sprintf("HTTP-%d", resp.StatusCode)
	}
	if len(r.Errors) > 0 {
		if r.Errors[0].Extensions.Code == "" {
			return "ERROR"
		}
		return r.Errors[0].Extensions.Code
	}
	return "OK"
}

// summary lists the outcomes by change and code, and the mutations' p50/p99 in ms.
func (d *driver) summary() (lines []string, p50, p99 float64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for k, n := range d.outcomes {
		lines = append(lines, fmt.Sprintf("%s %d", k, n))
	}
	slices.Sort(lines)
	if len(d.latency) > 0 {
		slices.Sort(d.latency)
		p50 = float64(d.latency[len(d.latency)/2].Microseconds()) / 1000
		p99 = float64(d.latency[int(0.99*float64(len(d.latency)-1))].Microseconds()) / 1000
	}
	return lines, p50, p99
}
