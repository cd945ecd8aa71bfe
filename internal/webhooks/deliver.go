package webhooks

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"

	"switchboard/ent"
)

// Headers of a delivery.
const (
	HeaderSignature = "Switchboard-Signature"
	HeaderEvent     = "Switchboard-Event"
	HeaderDelivery  = "Switchboard-Delivery"
)

// Agent is an actor or subject as a payload carries it.
type Agent struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Kind string `json:"kind"`
}

// Payload is the JSON body of a delivery: the event as the subscriptions carry it (the Event
// type of the GraphQL API) plus the webhook and delivery ids. Receivers dedupe by DeliveryID.
type Payload struct {
	DeliveryID     string         `json:"deliveryId"`
	WebhookID      string         `json:"webhookId"`
	EventID        string         `json:"eventId"`
	Type           string         `json:"type"`
	Cursor         string         `json:"cursor"`
	ConversationID *string        `json:"conversationId"`
	Version        int            `json:"version"`
	Before         map[string]any `json:"before"`
	After          map[string]any `json:"after"`
	Actor          *Agent         `json:"actor"`
	Subject        *Agent         `json:"subject"`
	CreatedAt      time.Time      `json:"createdAt"`
}

// Sign is the Switchboard-Signature header of body sent at t: HMAC-SHA256 with the secret over
// "<unix seconds>.<body>", in hex.
func Sign(secret string, t time.Time, body []byte) string {
	return fmt.Sprintf("t=%d,v1=%s", t.Unix(), mac(secret, t.Unix(), body))
}

func mac(secret string, ts int64, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(strconv.FormatInt(ts, 10)))
	m.Write([]byte{'.'})
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// Verify checks a Switchboard-Signature header against body and secret, refusing a timestamp
// further than tolerance from now (replays). Receivers written in Go may use it as is.
func Verify(secret, header string, body []byte, tolerance time.Duration, now time.Time) error {
	var ts int64 = -1
	var sigs []string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return errors.New("webhooks: bad signature timestamp")
			}
			ts = n
		case "v1":
			sigs = append(sigs, v)
		}
	}
	if ts < 0 || len(sigs) == 0 {
		return errors.New("webhooks: signature header without t= and v1=")
	}
	if d := now.Sub(time.Unix(ts, 0)); d > tolerance || d < -tolerance {
		return errors.New("webhooks: signature timestamp outside the tolerance")
	}
	want := mac(secret, ts, body)
	for _, s := range sigs {
		if hmac.Equal([]byte(s), []byte(want)) {
			return nil
		}
	}
	return errors.New("webhooks: signature does not match")
}

// errForbiddenTarget refuses a connection to an address webhooks may not reach.
var errForbiddenTarget = errors.New("refused: the endpoint resolves to a loopback, private, link-local or unspecified address")

// forbidden reports whether ip is one webhooks may not reach unless private targets are allowed
// (server-side request forgery: the server's own network, cloud metadata at 169.254.169.254).
func forbidden(ip net.IP) bool {
	return ip == nil || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsUnspecified() || ip.IsMulticast() || sharedAddressSpace.Contains(ip)
}

// sharedAddressSpace is carrier-grade NAT (RFC 6598): not public either.
var sharedAddressSpace = &net.IPNet{IP: net.IPv4(100, 64, 0, 0), Mask: net.CIDRMask(10, 32)}

// newClient is the HTTP client of deliveries: a timeout, no redirects (a 3xx is a failure), no
// proxy from the environment, and unless allowPrivate a check of every address it connects to,
// after DNS resolution, so a name that resolves (or re-resolves) to an internal address is refused.
func newClient(timeout time.Duration, allowPrivate bool) *http.Client {
	d := &net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}
	if !allowPrivate {
		d.Control = func(network, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return errForbiddenTarget
			}
			if forbidden(net.ParseIP(host)) {
				return errForbiddenTarget
			}
			return nil
		}
	}
	tr := &http.Transport{
		DialContext:           d.DialContext,
		TLSHandshakeTimeout:   timeout,
		ResponseHeaderTimeout: timeout,
		MaxIdleConnsPerHost:   8,
		IdleConnTimeout:       90 * time.Second,
	}
	return &http.Client{Transport: tr, Timeout: timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// agentOf renders agent id for a payload (nil when none or gone).
func agentOf(ctx context.Context, c *ent.Client, id *int) *Agent {
	if id == nil {
		return nil
	}
	a, err := c.Agent.Get(ctx, *id)
	if err != nil {
		return &Agent{ID: strconv.Itoa(*id)}
	}
	return &Agent{ID: strconv.Itoa(a.ID), Name: a.Name, Kind: string(a.Kind)}
}

// payload builds the body of delivery d of event e.
func payload(ctx context.Context, c *ent.Client, d *ent.WebhookDelivery, e *ent.Event) Payload {
	p := Payload{DeliveryID: strconv.Itoa(d.ID), WebhookID: strconv.Itoa(d.WebhookID), EventID: strconv.Itoa(e.ID), Type: e.Type,
		Version: e.Version, Before: e.Before, After: e.After, CreatedAt: e.CreatedAt.UTC(),
		Actor: agentOf(ctx, c, e.ActorID), Subject: agentOf(ctx, c, e.SubjectID)}
	if e.Seq != nil {
		p.Cursor = strconv.FormatInt(*e.Seq, 10)
	}
	if e.ConversationID != nil {
		id := strconv.Itoa(*e.ConversationID)
		p.ConversationID = &id
	}
	return p
}
