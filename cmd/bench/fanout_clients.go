package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket/wsjson"
)

// The fan-out benchmark's subscribers run in a process of their own (`bench fanout-clients`,
// started by the benchmark), so that reading 2,000 sockets is not counted as the server's work
// nor takes the server's processor. The child reads one token per connection on its standard
// input, opens the connections and subscribes each to -queries, prints "ready", and then, for
// each lock change, one line "L <version> <unix nanoseconds>" once every connection received it,
// with the last receipt's time. Both processes read the same wall clock.

// runFanoutClients is the child.
func runFanoutClients(args []string) error {
	fs := flag.NewFlagSet("fanout-clients", flag.ContinueOnError)
	base := fs.String("url", "", "the server's base URL")
	queries := fs.String("queries", "[]", "subscriptions per connection, a JSON array of documents")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var qs []string
	if err := json.Unmarshal([]byte(*queries), &qs); err != nil {
		return fmt.Errorf("-queries: %w", err)
	}
	in, err := io.ReadAll(os.Stdin)
	if err != nil {
		return err
	}
	ctx := context.Background()
	out := bufio.NewWriter(os.Stdout)
	var mu sync.Mutex
	report := func(line string) {
		out.WriteString(line)
		out.Flush()
	}
	tokens := strings.Fields(string(in))
	// A lock change is reported once every connection has it, with the last receipt's time: one
	// line per round, so that reporting costs the benchmark's server process nothing per receipt.
	type got struct {
		n    int
		last time.Time
	}
	rounds := map[int]*got{}
	for _, token := range tokens {
		c, err := connect(ctx, *base, token, qs...)
		if err != nil {
			return err
		}
		c.SetReadLimit(1 << 20)
		go func() {
			for {
				var m struct {
					Type    string
					Payload struct {
						Data struct {
							LockChanged *struct{ Version int }
						}
					}
				}
				if err := wsjson.Read(ctx, c, &m); err != nil {
					return
				}
				if m.Type == "next" && m.Payload.Data.LockChanged != nil {
					at, v := time.Now(), m.Payload.Data.LockChanged.Version
					mu.Lock()
					g := rounds[v]
					if g == nil {
						g = &got{}
						rounds[v] = g
					}
					g.n++
					g.last = at
					if g.n == len(tokens) {
						report(fmt.Sprintf("L %d %d\n", v, at.UnixNano()))
						delete(rounds, v)
					}
					mu.Unlock()
				}
			}
		}()
	}
	mu.Lock()
	report("ready\n")
	mu.Unlock()
	select {} // until the benchmark ends this process
}

// arrival is one subscriber's receipt of a lock change.
type arrival struct {
	version int
	at      time.Time
}

// clients is a running fanout-clients process.
type clients struct {
	cmd      *exec.Cmd
	arrivals chan arrival
	procs    int
}

// startClients starts a fanout-clients process with one connection per token to base, each
// subscribed to queries, and returns once every subscription is sent.
func startClients(base string, tokens, queries []string) (*clients, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	qs, _ := json.Marshal(queries)
	cmd := exec.Command(exe, "fanout-clients", "-url", base, "-queries", string(qs))
	cmd.Stdin = strings.NewReader(strings.Join(tokens, "\n"))
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	c := &clients{cmd: cmd, arrivals: make(chan arrival, len(tokens)*4), procs: runtime.NumCPU()}
	ready := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			switch {
			case len(f) == 1 && f[0] == "ready":
				ready <- nil
			case len(f) == 3 && f[0] == "L":
				v, _ := strconv.Atoi(f[1])
				ns, _ := strconv.ParseInt(f[2], 10, 64)
				c.arrivals <- arrival{v, time.Unix(0, ns)}
			}
		}
		ready <- fmt.Errorf("fanout-clients ended: %v", cmd.Wait())
	}()
	if err := <-ready; err != nil {
		return nil, err
	}
	return c, nil
}

// stop ends the process and with it every connection.
func (c *clients) stop() {
	_ = c.cmd.Process.Kill()
}
