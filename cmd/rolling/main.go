// Command rolling proves a rolling upgrade loses nothing: it starts the production-shaped cluster
// of scripts/cluster.sh (Postgres, PgBouncer, 3 instances, HAProxy), drives claims and releases
// through HAProxy while live subscribers follow the workspace's events, and restarts every
// instance in turn (SIGTERM, drain, start). It then checks that no request failed beyond one
// retry (the documented client rule: retry once on a connection error, 502, 503 or 504) and
// that every subscriber, resuming from its last cursor after each 1012 close, received the event
// log exactly: nothing lost, nothing twice, in order. It prints the figures; exit 1 on a failure.
//
//	go run ./cmd/rolling [-bin bin/switchboard] [-agents 8] [-subscribers 4]
package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	_ "github.com/jackc/pgx/v5/stdlib"
)

const (
	adminEmail = "admin@cluster.test"
	adminPass  = "cluster-password"
)

func main() {
	bin := flag.String("bin", "bin/switchboard", "the server binary (make build)")
	agents := flag.Int("agents", 8, "agents claiming and releasing their conversation in a loop")
	subscribers := flag.Int("subscribers", 4, "live subscribers following the workspace's events")
	instances := flag.Int("instances", 3, "instances behind HAProxy")
	flag.Parse()
	if err := run(*bin, *agents, *subscribers, *instances); err != nil {
		fmt.Fprintln(os.Stderr, "rolling:", err)
		os.Exit(1)
	}
}

func run(bin string, nAgents, nSubs, nInst int) error {
	abs, err := filepath.Abs(bin)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "switchboard-cluster")
	if err != nil {
		return err
	}
	script := func(args ...string) (string, error) {
		cmd := exec.Command("scripts/cluster.sh", args...)
		cmd.Env = append(os.Environ(), "SWITCHBOARD_BIN="+abs, "SWITCHBOARD_ADMIN_EMAIL="+adminEmail, "SWITCHBOARD_ADMIN_PASSWORD="+adminPass)
		cmd.Stderr = os.Stderr
		out, err := cmd.Output()
		return strings.TrimSpace(string(out)), err
	}
	url, err := script("start", dir, strconv.Itoa(nInst))
	if err != nil {
		return fmt.Errorf("start the cluster: %w", err)
	}
	defer script("stop", dir) //nolint:errcheck
	fmt.Printf("cluster: Postgres, PgBouncer (transaction pooling), %d instances, HAProxy at %s\n", nInst, url)

	c := &client{url: url, http: &http.Client{Timeout: 15 * time.Second}}
	admin, err := c.login(adminEmail, adminPass)
	if err != nil {
		return err
	}
	var me struct {
		Me struct{ Workspace struct{ ID string } }
	}
	if err := c.do(admin, `{me{workspace{id}}}`, nil, &me); err != nil {
		return err
	}
	var bot struct{ CreateAgent struct{ ID string } }
	if err := c.do(admin, `mutation{createAgent(input:{name:"Connector",kind:VIRTUAL,vaRole:DELEGATION}){id}}`, nil, &bot); err != nil {
		return err
	}
	var key struct{ CreateApiKey struct{ Key string } }
	if err := c.do(admin, `mutation($a:ID!){createApiKey(agentId:$a,name:"rolling"){key}}`, map[string]any{"a": bot.CreateAgent.ID}, &key); err != nil {
		return err
	}
	type worker struct{ token, conv string }
	workers := make([]worker, nAgents)
	for i := range workers {
		email := fmt.Sprintf("agent%d@cluster.test", i)
		if err := c.do(admin, `mutation($in:CreateAgentInput!){createAgent(input:$in){id}}`, map[string]any{"in": map[string]any{
			"email": email, "password": adminPass, "name": email, "role": "AGENT", "channels": []map[string]any{{"channel": "SMS", "capacity": 5}}}}, nil); err != nil {
			return err
		}
		tok, err := c.login(email, adminPass)
		if err != nil {
			return err
		}
		var in struct{ IngestCustomerMessage struct{ ID string } }
		if err := c.do(key.CreateApiKey.Key, `mutation($in:IngestMessageInput!){ingestCustomerMessage(input:$in){id}}`, map[string]any{"in": map[string]any{
			"channel": "SMS", "customerHandle": fmt.Sprintf("+1555010%04d", i), "text": "Hello"}}, &in); err != nil {
			return err
		}
		workers[i] = worker{tok, in.IngestCustomerMessage.ID}
	}

	ctx, stop := context.WithCancel(context.Background())
	followers := make([]*follower, nSubs)
	var fwg sync.WaitGroup
	for i := range followers {
		followers[i] = &follower{url: url, token: admin}
		fwg.Go(followers[i].run)
	}
	var wwg sync.WaitGroup
	for _, w := range workers {
		wwg.Go(func() {
			for ctx.Err() == nil {
				c.op(ctx, w.token, `mutation($id:ID!){claimConversation(id:$id){id}}`, w.conv)
				c.op(ctx, w.token, `mutation($id:ID!){releaseConversation(id:$id){id}}`, w.conv)
			}
		})
	}
	start := time.Now()
	time.Sleep(3 * time.Second)
	for i := 1; i <= nInst; i++ {
		t0 := time.Now()
		if _, err := script("restart", dir, strconv.Itoa(i)); err != nil {
			stop()
			return fmt.Errorf("restart instance %d: %w", i, err)
		}
		fmt.Printf("  instance %d restarted (SIGTERM, drained, started, ready) in %.1f s\n", i, time.Since(t0).Seconds())
		time.Sleep(2 * time.Second)
	}
	time.Sleep(3 * time.Second)
	stop()
	wwg.Wait()
	elapsed := time.Since(start)

	// The log, once every event is numbered, against what each subscriber received.
	direct, err := os.ReadFile(filepath.Join(dir, "direct.url"))
	if err != nil {
		return err
	}
	db, err := sql.Open("pgx", strings.TrimSpace(string(direct)))
	if err != nil {
		return err
	}
	defer db.Close()
	ws, _ := strconv.Atoi(me.Me.Workspace.ID)
	var log []int64
	for range 100 {
		var pending int
		if err := db.QueryRow(`SELECT count(*) FROM events WHERE workspace_id = $1 AND seq IS NULL`, ws).Scan(&pending); err != nil {
			return err
		}
		if pending == 0 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	rows, err := db.Query(`SELECT seq FROM events WHERE workspace_id = $1 ORDER BY seq`, ws)
	if err != nil {
		return err
	}
	for rows.Next() {
		var s int64
		if err := rows.Scan(&s); err != nil {
			return err
		}
		log = append(log, s)
	}
	rows.Close()
	deadline := time.Now().Add(15 * time.Second)
	for _, f := range followers {
		for time.Now().Before(deadline) && f.lastSeq() < log[len(log)-1] {
			time.Sleep(50 * time.Millisecond)
		}
	}
	close(doneFollowing)
	fwg.Wait()

	ok := true
	fmt.Printf("\n%.0f s of load through HAProxy, %d agents claiming and releasing, %d instances restarted in turn:\n", elapsed.Seconds(), nAgents, nInst)
	fmt.Printf("  requests          %d (%.0f/s)\n", c.requests.Load(), float64(c.requests.Load())/elapsed.Seconds())
	fmt.Printf("  retried once      %d (a connection error or 502/503/504, then the retry succeeded)\n", c.retried.Load())
	fmt.Printf("  failed            %d\n", c.failed.Load())
	for code, n := range c.errorCodes() {
		fmt.Printf("    answered %s: %d\n", code, n)
	}
	if c.failed.Load() > 0 {
		ok = false
	}
	fmt.Printf("  events in the log %d\n", len(log))
	for i, f := range followers {
		lost, twice := compare(log, f.seqs)
		fmt.Printf("  subscriber %d      received %d, lost %d, twice or out of order %d, reconnected %d times\n", i+1, len(f.seqs), lost, twice, f.reconnects)
		if lost > 0 || twice > 0 {
			ok = false
		}
	}
	if !ok {
		return errors.New("a request failed beyond one retry, or a subscriber lost or repeated an event")
	}
	fmt.Println("no request failed beyond one retry; no subscriber lost an event")
	return nil
}

// compare counts the log's events a subscriber never received and the ones it received out of
// the log's order (a duplicate included).
func compare(log, got []int64) (lost, twice int) {
	seen := map[int64]bool{}
	var last int64
	for _, s := range got {
		if s <= last {
			twice++
		}
		last = max(last, s)
		seen[s] = true
	}
	for _, s := range log {
		if !seen[s] {
			lost++
		}
	}
	return lost, twice
}

// doneFollowing ends the followers once the checks have what they need.
var doneFollowing = make(chan struct{})

// client sends GraphQL over HTTP through HAProxy with the documented retry rule.
type client struct {
	url                       string
	http                      *http.Client
	requests, retried, failed atomic.Int64
	mu                        sync.Mutex
	codes                     map[string]int
}

func (c *client) errorCodes() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.codes
}

type gqlError struct {
	Message    string
	Extensions struct{ Code string }
}

// post sends one request: its status (0 when the connection failed) and body.
func (c *client) post(token, query string, vars map[string]any) (int, []byte) {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, c.url+"/query", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(resp.Body)
	return resp.StatusCode, buf.Bytes()
}

func retryable(status int) bool {
	return status == 0 || status == 502 || status == 503 || status == 504
}

// op is one claim or release of the load: retried once when it did not get through; an answer
// with an error code is counted by code (a retried claim or release may find its first try done).
func (c *client) op(ctx context.Context, token, query, id string) {
	c.requests.Add(1)
	status, body := c.post(token, query, map[string]any{"id": id})
	if retryable(status) {
		if ctx.Err() != nil {
			return
		}
		c.retried.Add(1)
		time.Sleep(200 * time.Millisecond)
		c.requests.Add(1)
		if status, body = c.post(token, query, map[string]any{"id": id}); retryable(status) {
			c.failed.Add(1)
			c.count(fmt.Sprintf("HTTP %d after a retry", status))
			return
		}
	}
	var r struct{ Errors []gqlError }
	if err := json.Unmarshal(body, &r); err != nil {
		c.failed.Add(1)
		c.count(fmt.Sprintf("HTTP %d, not JSON", status))
		return
	}
	if len(r.Errors) > 0 {
		code := r.Errors[0].Extensions.Code
		c.count(code)
		if code == "INTERNAL_SERVER_ERROR" || code == "UNAVAILABLE" || code == "" {
			c.failed.Add(1)
		}
	}
}

func (c *client) count(code string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.codes == nil {
		c.codes = map[string]int{}
	}
	c.codes[code]++
}

// do sends a setup request, retried as op does, and decodes its data into out.
func (c *client) do(token, query string, vars map[string]any, out any) error {
	status, body := c.post(token, query, vars)
	if retryable(status) {
		time.Sleep(200 * time.Millisecond)
		status, body = c.post(token, query, vars)
	}
	var r struct {
		Data   json.RawMessage
		Errors []gqlError
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return fmt.Errorf("HTTP %d: %s", status, body)
	}
	if len(r.Errors) > 0 {
		return fmt.Errorf("%s: %s", r.Errors[0].Extensions.Code, r.Errors[0].Message)
	}
	if out != nil {
		return json.Unmarshal(r.Data, out)
	}
	return nil
}

func (c *client) login(email, password string) (string, error) {
	var out struct{ Login struct{ Token string } }
	err := c.do("", `mutation($e:String!,$p:String!){login(email:$e,password:$p){token}}`, map[string]any{"e": email, "p": password}, &out)
	return out.Login.Token, err
}

// follower follows the workspace's events over graphql-transport-ws through HAProxy, resuming
// after its last cursor whenever the connection ends (1012 from a draining instance).
type follower struct {
	url, token string
	mu         sync.Mutex
	seqs       []int64
	reconnects int
}

func (f *follower) lastSeq() int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.seqs) == 0 {
		return 0
	}
	return f.seqs[len(f.seqs)-1]
}

func (f *follower) run() {
	for first := true; ; first = false {
		select {
		case <-doneFollowing:
			return
		default:
		}
		if !first {
			f.reconnects++
			time.Sleep(100 * time.Millisecond)
		}
		f.session()
	}
}

func (f *follower) session() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-doneFollowing:
			cancel()
		case <-ctx.Done():
		}
	}()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(f.url, "http")+"/query", &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		return
	}
	defer conn.CloseNow()
	conn.SetReadLimit(1 << 22)
	write := func(v any) error {
		b, _ := json.Marshal(v)
		return conn.Write(ctx, websocket.MessageText, b)
	}
	if write(map[string]any{"type": "connection_init", "payload": map[string]any{"authorization": "Bearer " + f.token}}) != nil {
		return
	}
	after := strconv.FormatInt(f.lastSeq(), 10)
	subscribed := false
	for {
		_, b, err := conn.Read(ctx)
		if err != nil {
			return
		}
		var m struct {
			Type    string
			Payload struct {
				Data struct{ WorkspaceEvents struct{ Cursor string } }
			}
		}
		if json.Unmarshal(b, &m) != nil {
			continue
		}
		switch m.Type {
		case "connection_ack":
			if !subscribed {
				subscribed = true
				if write(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{
					"query": `subscription($a:String){workspaceEvents(after:$a){cursor}}`, "variables": map[string]any{"a": after}}}) != nil {
					return
				}
			}
		case "ping":
			_ = write(map[string]any{"type": "pong"})
		case "next":
			s, _ := strconv.ParseInt(m.Payload.Data.WorkspaceEvents.Cursor, 10, 64)
			f.mu.Lock()
			f.seqs = append(f.seqs, s)
			f.mu.Unlock()
		case "complete", "error":
			return
		}
	}
}
