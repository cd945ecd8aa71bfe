package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"syscall"
	"time"
)

// api speaks GraphQL over HTTP with keep-alive connections.
type api struct {
	http    *http.Client
	timeout time.Duration
}

func newAPI(timeout time.Duration) *api {
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 2 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        2000,
		MaxIdleConnsPerHost: 500,
		IdleConnTimeout:     60 * time.Second,
		DisableCompression:  true,
	}
	return &api{http: &http.Client{Transport: tr}, timeout: timeout}
}

type gqlError struct {
	Message    string `json:"message"`
	Extensions struct {
		Code string `json:"code"`
	} `json:"extensions"`
}

// answer is one request's outcome.
type answer struct {
	status  int             // HTTP status (0: no answer)
	data    json.RawMessage // the data field
	code    string          // the first error's extensions.code ("" when none)
	message string
	refused bool // the connection was refused: the request never reached a server
	timeout bool
	err     error // transport error
}

// unknown reports an answer that does not say whether the operation happened.
func (a *answer) unknown() bool {
	if a.err != nil || a.status >= 500 || a.status == 0 {
		return true
	}
	switch a.code {
	case "", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "BAD_USER_INPUT", "CONFLICT", "LOCKED", "CAPACITY_EXCEEDED",
		"INVALID_STATE", "RATE_LIMITED":
		return false
	}
	return true // UNAVAILABLE, INTERNAL_SERVER_ERROR, anything else
}

// codeOrStatus names an answer for the report.
func (a *answer) codeOrStatus() string {
	switch {
	case a.refused:
		return "REFUSED"
	case a.timeout:
		return "TIMEOUT"
	case a.err != nil:
		return "CONNECTION_ERROR"
	case a.code != "":
		return a.code
	case a.status != http.StatusOK:
		return "HTTP_" + strconv.Itoa(a.status)
	}
	return "OK"
}

type gqlRequest struct {
	Query     string         `json:"query"`
	Variables map[string]any `json:"variables,omitempty"`
}

// do posts query to base/query as token.
func (c *api) do(ctx context.Context, base, token, query string, vars map[string]any) answer {
	body, err := json.Marshal(gqlRequest{Query: query, Variables: vars})
	if err != nil {
		return answer{err: err}
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/query", bytes.NewReader(body))
	if err != nil {
		return answer{err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		a := answer{err: err}
		a.refused = errors.Is(err, syscall.ECONNREFUSED)
		a.timeout = errors.Is(err, context.DeadlineExceeded)
		return a
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return answer{status: resp.StatusCode, err: err, timeout: errors.Is(err, context.DeadlineExceeded)}
	}
	a := answer{status: resp.StatusCode}
	var out struct {
		Data   json.RawMessage `json:"data"`
		Errors []gqlError      `json:"errors"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		if resp.StatusCode == http.StatusOK {
			a.err = fmt.Errorf("decode answer: %w", err)
		}
		return a
	}
	a.data = out.Data
	if len(out.Errors) > 0 {
		a.code, a.message = out.Errors[0].Extensions.Code, out.Errors[0].Message
		if a.code == "" {
			a.code = "NO_CODE"
		}
	}
	return a
}

// call is do for setup: any error is an error.
func (c *api) call(ctx context.Context, base, token, query string, vars map[string]any, out any) error {
	for attempt := 0; ; attempt++ {
		a := c.do(ctx, base, token, query, vars)
		if a.err == nil && a.code == "" && a.status == http.StatusOK {
			if out == nil {
				return nil
			}
			return json.Unmarshal(a.data, out)
		}
		if attempt < 5 && (a.unknown() || a.code == "UNAVAILABLE") {
			time.Sleep(200 * time.Millisecond)
			continue
		}
		return fmt.Errorf("%s: %s %v", a.codeOrStatus(), a.message, a.err)
	}
}

// convJSON is a conversation as the operations ask for it.
type convJSON struct {
	ID        string `json:"id"`
	Version   int64  `json:"version"`
	Status    string `json:"status"`
	State     string `json:"state"`
	Ownership string `json:"ownership"`
	Lock      *struct {
		Holder struct {
			ID string `json:"id"`
		} `json:"holder"`
	} `json:"lock"`
	Customer *struct {
		ID string `json:"id"`
	} `json:"customer"`
}

const convFields = `id version status state ownership lock { holder { id } }`

func (c *convJSON) obs() (*Obs, int64) {
	o := &Obs{Version: c.Version, Open: c.State != "CLOSED"}
	switch c.Status {
	case "NEW":
		o.Status = stNew
	case "PENDING":
		o.Status = stPending
	case "RESOLVED":
		o.Status = stResolved
	}
	switch c.Ownership {
	case "UNCLAIMED":
		o.Own = ownUnclaimed
	case "CLAIMED_BY_ME":
		o.Own = ownMe
	case "CLAIMED_BY_OTHER":
		o.Own = ownOther
	}
	if c.Lock != nil {
		o.Holder = atoi(c.Lock.Holder.ID)
	}
	return o, atoi(c.ID)
}

func atoi(s string) int64 {
	n, _ := strconv.Atoi(s)
	return int64(n)
}
