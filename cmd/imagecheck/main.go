// Command imagecheck drives a Switchboard instance running from the container image
// (scripts/image-test.sh): it waits for readiness, checks the build it serves, and does what an
// agent's day starts with, then finds it again after a restart.
//
//	imagecheck ready -url U -since NANOS    wait for /readyz 200; print the seconds since NANOS (Unix ns)
//	imagecheck write -url U -state FILE     sign in as the bootstrapped admin, create an agent, ingest a
//	                                        customer message, claim its conversation as the agent
//	                                        (GraphQL claimConversation); write what to find to FILE
//	imagecheck read -url U -state FILE      sign in as that agent and find the conversation, claimed
//	                                        by it, with the message
//
// Flags common to all: -admin-email, -admin-password (SWITCHBOARD_ADMIN_EMAIL/PASSWORD the
// container was started with), -version (the switchboard_build_info version /metrics must serve;
// empty: not checked).
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: imagecheck ready|write|read [flags]")
		os.Exit(2)
	}
	cmd := os.Args[1]
	fs := flag.NewFlagSet("imagecheck "+cmd, flag.ExitOnError)
	url := fs.String("url", "http://127.0.0.1:8080", "the instance's base URL")
	since := fs.Int64("since", 0, "ready: the start, in Unix nanoseconds (date +%s%N); 0: now")
	timeout := fs.Duration("timeout", 60*time.Second, "ready: how long to wait")
	state := fs.String("state", "", "write, read: the file that carries what write did to read")
	adminEmail := fs.String("admin-email", "admin@image.test", "the bootstrapped admin's email")
	adminPass := fs.String("admin-password", "image-test-password", "the bootstrapped admin's password")
	version := fs.String("version", "", "the version switchboard_build_info must carry (empty: any)")
	_ = fs.Parse(os.Args[2:])

	c := &client{url: strings.TrimSuffix(*url, "/"), http: &http.Client{Timeout: 15 * time.Second}}
	var err error
	switch cmd {
	case "ready":
		err = ready(c, *since, *timeout)
	case "write":
		err = write(c, *state, *adminEmail, *adminPass, *version)
	case "read":
		err = read(c, *state, *version)
	default:
		err = fmt.Errorf("unknown command %q: ready, write or read", cmd)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "imagecheck %s: %v\n", cmd, err)
		os.Exit(1)
	}
}

// ready polls /readyz every 10 ms until it answers 200 and prints the seconds since the start.
func ready(c *client, since int64, timeout time.Duration) error {
	start := time.Now()
	if since > 0 {
		start = time.Unix(0, since)
	}
	deadline := time.Now().Add(timeout)
	short := &http.Client{Timeout: time.Second}
	last := "no answer"
	for time.Now().Before(deadline) {
		resp, err := short.Get(c.url + "/readyz")
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				fmt.Printf("%.2f\n", time.Since(start).Seconds())
				return nil
			}
			last = resp.Status
		} else {
			last = err.Error()
		}
		time.Sleep(10 * time.Millisecond)
	}
	return fmt.Errorf("/readyz not 200 after %s (last: %s)", timeout, last)
}

// saved is what write leaves for read.
type saved struct {
	Conversation string `json:"conversation"`
	Email        string `json:"email"`
	Password     string `json:"password"`
	Text         string `json:"text"`
}

func write(c *client, state, adminEmail, adminPass, version string) error {
	if err := c.checkBuild(version); err != nil {
		return err
	}
	admin, err := c.login(adminEmail, adminPass)
	if err != nil {
		return fmt.Errorf("admin sign-in: %w", err)
	}
	s := saved{
		Email:    fmt.Sprintf("agent-%d@image.test", time.Now().UnixNano()),
		Password: "image-test-agent",
		Text:     fmt.Sprintf("Hello from the image test %d", time.Now().UnixNano()),
	}
	if err := c.do(admin, `mutation($in:CreateAgentInput!){createAgent(input:$in){id}}`, map[string]any{"in": map[string]any{
		"email": s.Email, "password": s.Password, "name": "Image Test Agent", "role": "AGENT",
		"channels": []map[string]any{{"channel": "SMS", "capacity": 5}}}}, nil); err != nil {
		return fmt.Errorf("create the agent: %w", err)
	}
	var in struct{ IngestCustomerMessage struct{ ID string } }
	if err := c.do(admin, `mutation($in:IngestMessageInput!){ingestCustomerMessage(input:$in){id}}`, map[string]any{"in": map[string]any{
		"channel": "SMS", "customerHandle": "+15550" + strconv.FormatInt(time.Now().UnixNano()%1000000, 10), "text": s.Text}}, &in); err != nil {
		return fmt.Errorf("ingest a message: %w", err)
	}
	s.Conversation = in.IngestCustomerMessage.ID
	agent, err := c.login(s.Email, s.Password)
	if err != nil {
		return fmt.Errorf("agent sign-in: %w", err)
	}
	var claim struct {
		ClaimConversation struct {
			ID        string
			Ownership string
		}
	}
	if err := c.do(agent, `mutation($id:ID!){claimConversation(id:$id){id ownership}}`, map[string]any{"id": s.Conversation}, &claim); err != nil {
		return fmt.Errorf("claim: %w", err)
	}
	if claim.ClaimConversation.Ownership != "CLAIMED_BY_ME" {
		return fmt.Errorf("claim: ownership %q, want CLAIMED_BY_ME", claim.ClaimConversation.Ownership)
	}
	raw, _ := json.Marshal(s)
	if err := os.WriteFile(state, raw, 0o644); err != nil {
		return err
	}
	fmt.Printf("signed in, ingested a message, claimed conversation %s as %s\n", s.Conversation, s.Email)
	return nil
}

func read(c *client, state, version string) error {
	if err := c.checkBuild(version); err != nil {
		return err
	}
	raw, err := os.ReadFile(state)
	if err != nil {
		return err
	}
	var s saved
	if err := json.Unmarshal(raw, &s); err != nil {
		return err
	}
	agent, err := c.login(s.Email, s.Password)
	if err != nil {
		return fmt.Errorf("agent sign-in (is the agent still there?): %w", err)
	}
	var out struct {
		Node *struct {
			ID        string
			Ownership string
			Preview   string
			Owner     *struct{ Name string }
		}
	}
	if err := c.do(agent, `query($id:ID!){node(id:$id){id ... on Conversation{ownership preview owner{name}}}}`, map[string]any{"id": s.Conversation}, &out); err != nil {
		return err
	}
	switch {
	case out.Node == nil:
		return fmt.Errorf("conversation %s is gone", s.Conversation)
	case out.Node.Ownership != "CLAIMED_BY_ME" || out.Node.Owner == nil:
		return fmt.Errorf("conversation %s: ownership %q, want CLAIMED_BY_ME", s.Conversation, out.Node.Ownership)
	case !strings.Contains(out.Node.Preview, s.Text):
		return fmt.Errorf("conversation %s: preview %q, want the message %q", s.Conversation, out.Node.Preview, s.Text)
	}
	fmt.Printf("found conversation %s again, claimed by %s, with its message\n", s.Conversation, out.Node.Owner.Name)
	return nil
}

type client struct {
	url  string
	http *http.Client
}

// buildInfo matches the build_info series and captures its version label.
var buildInfo = regexp.MustCompile(`(?m)^switchboard_build_info\{[^}]*version="([^"]*)"[^}]*\} 1$`)

// checkBuild checks /healthz, and /metrics's switchboard_build_info (its version when given).
func (c *client) checkBuild(version string) error {
	for _, path := range []string{"/healthz", "/metrics"} {
		resp, err := c.http.Get(c.url + path)
		if err != nil {
			return err
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("%s: %s", path, resp.Status)
		}
		if path != "/metrics" {
			continue
		}
		m := buildInfo.FindSubmatch(body)
		if m == nil {
			return errors.New("/metrics serves no switchboard_build_info 1")
		}
		if version != "" && string(m[1]) != version {
			return fmt.Errorf("/metrics: switchboard_build_info version %q, want %q", m[1], version)
		}
	}
	return nil
}

type gqlError struct {
	Message    string
	Extensions struct{ Code string }
}

// do posts one GraphQL operation and decodes its data into out.
func (c *client) do(token, query string, vars map[string]any, out any) error {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, c.url+"/query", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var r struct {
		Data   json.RawMessage
		Errors []gqlError
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return fmt.Errorf("HTTP %d: %s", resp.StatusCode, raw)
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
