// Package webhooks owns outbound webhooks (SPEC §12): admins register endpoints, and a worker on
// every instance delivers the workspace's events to them, signed, retried, at least once and in
// order per conversation, with the event log as the outbox.
package webhooks

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"entgo.io/ent/dialect/sql"

	"switchboard/ent"
	"switchboard/ent/event"
	"switchboard/ent/schema/enum"
	"switchboard/ent/webhook"
	"switchboard/ent/webhookdelivery"
	"switchboard/internal/auth"
	"switchboard/internal/events"
	"switchboard/internal/fault"
	"switchboard/internal/storage"
	"switchboard/internal/tenant"
)

// Event types of the webhooks themselves (the rest are internal/events').
const (
	Created       = "webhook.created"
	Updated       = "webhook.updated"
	Deleted       = "webhook.deleted"
	SecretRotated = "webhook.secret_rotated"
	// Test is sendTestWebhookEvent's event: delivered to the webhook it names only.
	Test = "webhook.test"
	// Disabled: an endpoint failing continuously was switched off (see Options.DisableAfter).
	Disabled = "webhook.disabled"
)

// Limits of a webhook's registration.
const (
	MaxURL         = 2000
	MaxDescription = 500
	MaxEventTypes  = 100
)

// Service is the admins' side: registration, secrets, the delivery log, replays.
type Service struct {
	db     *storage.DB
	client *ent.Client
	bus    *events.Bus
	// allowPrivate lets webhooks reach loopback and private addresses (WEBHOOKS_ALLOW_PRIVATE).
	allowPrivate bool
}

// New returns the service; allowPrivate accepts loopback, private and link-local targets (tests,
// on-premises receivers). The worker must be given the same setting.
func New(db *storage.DB, bus *events.Bus, allowPrivate bool) *Service {
	return &Service{db: db, client: db.Client, bus: bus, allowPrivate: allowPrivate}
}

// Input registers or changes a webhook; nil fields stay as they are on update.
type Input struct {
	URL         *string
	EventTypes  []string // nil: unchanged (update) or all (create); empty: all
	Description *string
	Active      *bool
}

func admin(ctx context.Context) (*auth.Viewer, error) {
	return auth.Require(ctx, enum.RoleAdmin, "manage webhooks")
}

// Create registers an endpoint and returns it with its signing secret, shown this once. It gets
// the events committed from now on.
func (s *Service) Create(ctx context.Context, in Input) (*ent.Webhook, string, error) {
	v, err := admin(ctx)
	if err != nil {
		return nil, "", err
	}
	if in.URL == nil {
		return nil, "", fault.Invalid("url", "give the endpoint's https:// URL")
	}
	u, err := s.validURL(*in.URL)
	if err != nil {
		return nil, "", err
	}
	types, err := validTypes(in.EventTypes)
	if err != nil {
		return nil, "", err
	}
	desc := ""
	if in.Description != nil {
		if desc, err = validDescription(*in.Description); err != nil {
			return nil, "", err
		}
	}
	head, err := s.head(ctx, v.WorkspaceID)
	if err != nil {
		return nil, "", err
	}
	secret := newSecret()
	var out *ent.Webhook
	err = storage.InTx(ctx, s.client, func(tx *ent.Tx) error {
		w, err := tx.Webhook.Create().SetWorkspaceID(v.WorkspaceID).SetURL(u).SetDescription(desc).SetEventTypes(types).
			SetSecret(secret).SetScannedUntil(head).Save(ctx)
		if err != nil {
			return fmt.Errorf("create webhook: %w", err)
		}
		out = w
		return s.bus.Append(ctx, tx, events.Entry{WorkspaceID: v.WorkspaceID, Type: Created, ActorID: v.AgentID,
			After: map[string]any{"webhookId": w.ID, "url": u, "eventTypes": types}})
	})
	if err != nil {
		return nil, "", err
	}
	return out.Unwrap(), secret, nil
}

// Update changes a webhook. New event types apply to the events committed from now on, and
// switching it off keeps what it took while it was on: both first queue what it takes of the
// events committed so far. Turning it active again clears its health and starts it at the events
// committed from now on (what happened while it was off is not queued; redeliver replays one).
func (s *Service) Update(ctx context.Context, id int, in Input) (*ent.Webhook, error) {
	v, err := admin(ctx)
	if err != nil {
		return nil, err
	}
	var u, desc string
	if in.URL != nil {
		if u, err = s.validURL(*in.URL); err != nil {
			return nil, err
		}
	}
	var types []string
	if in.EventTypes != nil {
		if types, err = validTypes(in.EventTypes); err != nil {
			return nil, err
		}
	}
	if in.Description != nil {
		if desc, err = validDescription(*in.Description); err != nil {
			return nil, err
		}
	}
	head, err := s.head(ctx, v.WorkspaceID)
	if err != nil {
		return nil, err
	}
	var out *ent.Webhook
	err = storage.InTx(ctx, s.client, func(tx *ent.Tx) error {
		w, err := s.locked(ctx, tx, id)
		if err != nil {
			return err
		}
		up := tx.Webhook.UpdateOne(w)
		if w.Active && (in.EventTypes != nil || (in.Active != nil && !*in.Active)) {
			until, err := catchUp(ctx, tx, w, head)
			if err != nil {
				return err
			}
			up.SetScannedUntil(until)
		}
		after := map[string]any{"webhookId": w.ID}
		if in.URL != nil {
			up.SetURL(u)
			after["url"] = u
		}
		if in.EventTypes != nil {
			up.SetEventTypes(types)
			after["eventTypes"] = types
		}
		if in.Description != nil {
			up.SetDescription(desc)
		}
		if in.Active != nil {
			after["active"] = *in.Active
			switch {
			case *in.Active && !w.Active:
				up.SetActive(true).ClearDisabledReason().ClearFailingSince().SetConsecutiveFailures(0).SetScannedUntil(max(head, w.ScannedUntil))
			case !*in.Active:
				up.SetActive(false)
			}
		}
		if out, err = up.Save(ctx); err != nil {
			return fmt.Errorf("update webhook: %w", err)
		}
		return s.bus.Append(ctx, tx, events.Entry{WorkspaceID: v.WorkspaceID, Type: Updated, ActorID: v.AgentID, After: after})
	})
	if err != nil {
		return nil, err
	}
	return out.Unwrap(), nil
}

// Delete removes a webhook and its delivery log.
func (s *Service) Delete(ctx context.Context, id int) error {
	v, err := admin(ctx)
	if err != nil {
		return err
	}
	return storage.InTx(ctx, s.client, func(tx *ent.Tx) error {
		w, err := s.locked(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.WebhookDelivery.Delete().Where(webhookdelivery.WebhookID(w.ID)).Exec(ctx); err != nil {
			return fmt.Errorf("delete webhook deliveries: %w", err)
		}
		if err := tx.Webhook.DeleteOne(w).Exec(ctx); err != nil {
			return fmt.Errorf("delete webhook: %w", err)
		}
		return s.bus.Append(ctx, tx, events.Entry{WorkspaceID: v.WorkspaceID, Type: Deleted, ActorID: v.AgentID,
			Before: map[string]any{"webhookId": w.ID, "url": w.URL}})
	})
}

// RotateSecret gives the webhook a new signing secret, shown this once; every attempt from now on
// is signed with it.
func (s *Service) RotateSecret(ctx context.Context, id int) (*ent.Webhook, string, error) {
	v, err := admin(ctx)
	if err != nil {
		return nil, "", err
	}
	secret := newSecret()
	var out *ent.Webhook
	err = storage.InTx(ctx, s.client, func(tx *ent.Tx) error {
		w, err := s.locked(ctx, tx, id)
		if err != nil {
			return err
		}
		if out, err = tx.Webhook.UpdateOne(w).SetSecret(secret).Save(ctx); err != nil {
			return fmt.Errorf("rotate webhook secret: %w", err)
		}
		return s.bus.Append(ctx, tx, events.Entry{WorkspaceID: v.WorkspaceID, Type: SecretRotated, ActorID: v.AgentID,
			After: map[string]any{"webhookId": w.ID}})
	})
	if err != nil {
		return nil, "", err
	}
	return out.Unwrap(), secret, nil
}

// SendTest appends a webhook.test event, which the worker delivers to this webhook only (whatever
// its event types). A switched-off webhook receives nothing, a test neither: INVALID_STATE rather
// than an event nobody will ever send.
func (s *Service) SendTest(ctx context.Context, id int) (*ent.Webhook, error) {
	v, err := admin(ctx)
	if err != nil {
		return nil, err
	}
	var out *ent.Webhook
	err = storage.InTx(ctx, s.client, func(tx *ent.Tx) error {
		w, err := s.locked(ctx, tx, id)
		if err != nil {
			return err
		}
		if !w.Active {
			return fault.New(fault.InvalidState, "this webhook is switched off and receives nothing: switch it on (active: true), then send the test event").
				With("field", "id")
		}
		out = w
		return s.bus.Append(ctx, tx, events.Entry{WorkspaceID: v.WorkspaceID, Type: Test, ActorID: v.AgentID,
			After: map[string]any{"webhookId": w.ID}})
	})
	if err != nil {
		return nil, err
	}
	return out.Unwrap(), nil
}

// Redeliver queues one event of the workspace's log again for the webhook, as a new delivery
// (a new delivery id, so receivers that dedupe by it take it), after the lane's pending ones.
func (s *Service) Redeliver(ctx context.Context, webhookID, eventID int) (*ent.WebhookDelivery, error) {
	v, err := admin(ctx)
	if err != nil {
		return nil, err
	}
	head, err := s.head(ctx, v.WorkspaceID) // the event gets its cursor
	if err != nil {
		return nil, err
	}
	var out *ent.WebhookDelivery
	err = storage.InTx(ctx, s.client, func(tx *ent.Tx) error {
		w, err := s.locked(ctx, tx, webhookID)
		if err != nil {
			return err
		}
		if w.Active {
			// The events committed so far are queued first, so the replay comes after those
			// of its conversation (the scanner may not have looked at them yet).
			until, err := catchUp(ctx, tx, w, head)
			if err != nil {
				return err
			}
			if err := tx.Webhook.UpdateOne(w).SetScannedUntil(until).Exec(ctx); err != nil {
				return err
			}
		}
		e, err := tx.Event.Query().Where(event.ID(eventID), event.SeqNotNil()).Only(ctx)
		if ent.IsNotFound(err) {
			return fault.Missing("event").With("field", "eventId")
		} else if err != nil {
			return err
		}
		out, err = newDelivery(tx, w, e).SetOriginal(false).Save(ctx)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out.Unwrap(), nil
}

// List is the workspace's webhooks, oldest first.
func (s *Service) List(ctx context.Context) ([]*ent.Webhook, error) {
	if _, err := admin(ctx); err != nil {
		return nil, err
	}
	return s.client.Webhook.Query().Order(webhook.ByID()).All(ctx)
}

// Get is webhook id of the viewer's workspace; nil when there is none (another workspace's is none).
func (s *Service) Get(ctx context.Context, id int) (*ent.Webhook, error) {
	if _, err := admin(ctx); err != nil {
		return nil, err
	}
	w, err := s.client.Webhook.Query().Where(webhook.ID(id)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, nil
	}
	return w, err
}

// Page is a page of a webhook's delivery log, newest first.
type Page struct {
	Deliveries []*ent.WebhookDelivery
	// EndCursor is the last delivery's cursor (pass it as after); HasNextPage: older ones follow.
	EndCursor   *string
	HasNextPage bool
}

// Deliveries is a page of the delivery log of webhook w (newest first), first at most 100 (20 by
// default), after the cursor of a previous page.
func (s *Service) Deliveries(ctx context.Context, w *ent.Webhook, first *int, after *string) (*Page, error) {
	if _, err := admin(ctx); err != nil {
		return nil, err
	}
	n := 20
	if first != nil {
		if *first < 0 || *first > 100 {
			return nil, fault.Invalid("first", "give 0 to 100")
		}
		n = *first
	}
	q := s.client.WebhookDelivery.Query().Where(webhookdelivery.WebhookID(w.ID)).Order(webhookdelivery.ByID(sql.OrderDesc())).Limit(n + 1)
	if after != nil && *after != "" {
		id, err := strconv.Atoi(*after)
		if err != nil || id <= 0 {
			return nil, fault.Invalid("after", "%q is not a cursor of this log: pass endCursor of the previous page", *after)
		}
		q.Where(webhookdelivery.IDLT(id))
	}
	ds, err := q.All(ctx)
	if err != nil {
		return nil, err
	}
	p := &Page{Deliveries: ds}
	if len(ds) > n {
		p.Deliveries, p.HasNextPage = ds[:n], true
	}
	if len(p.Deliveries) > 0 {
		c := strconv.Itoa(p.Deliveries[len(p.Deliveries)-1].ID)
		p.EndCursor = &c
	}
	return p, nil
}

// locked reads webhook id of the viewer's workspace in tx, row-locked on Postgres (NOT_FOUND for
// another workspace's).
func (s *Service) locked(ctx context.Context, tx *ent.Tx, id int) (*ent.Webhook, error) {
	w, err := storage.ForUpdate(s.rowLocks(), tx.Webhook.Query().Where(webhook.ID(id))).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, fault.Missing("webhook")
	}
	return w, err
}

func (s *Service) rowLocks() bool { return s.db.RowLocks() }

// head is the workspace's current cursor: a new or re-activated webhook starts after it.
func (s *Service) head(ctx context.Context, ws int) (int64, error) {
	if s.bus == nil {
		return 0, nil
	}
	c, err := s.bus.Head(ctx, ws)
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(c, 10, 64)
}

// newDelivery builds w's delivery of e.
func newDelivery(tx *ent.Tx, w *ent.Webhook, e *ent.Event) *ent.WebhookDeliveryCreate {
	lane := 0
	if e.ConversationID != nil {
		lane = *e.ConversationID
	}
	var seq int64
	if e.Seq != nil {
		seq = *e.Seq
	}
	return tx.WebhookDelivery.Create().SetWorkspaceID(w.WorkspaceID).SetWebhookID(w.ID).SetEventID(e.ID).SetSeq(seq).
		SetEventType(e.Type).SetLane(lane)
}

// newSecret is a 256-bit random signing secret.
func newSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return "whsec_" + hex.EncodeToString(b)
}

// validURL checks an endpoint: http(s), at most MaxURL characters, a host, no user info, and (unless
// private targets are allowed) not a loopback, private, link-local or unspecified address literal
// or localhost. Names are checked again at every connection (see Worker), where DNS answers.
func (s *Service) validURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" || len(raw) > MaxURL || !utf8.ValidString(raw) || strings.ContainsFunc(raw, func(r rune) bool { return r < 0x21 || r == 0x7f }) {
		return "", fault.Invalid("url", "give an http:// or https:// URL of at most %d characters, without spaces or control characters", MaxURL)
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Hostname() == "" || u.Opaque != "" {
		return "", fault.Invalid("url", "give an absolute http:// or https:// URL with a host")
	}
	if u.User != nil {
		return "", fault.Invalid("url", "user info (user:password@) is not allowed in a webhook URL: authenticate the request by its signature")
	}
	if u.Port() != "" {
		if p, err := strconv.Atoi(u.Port()); err != nil || p < 1 || p > 65535 {
			return "", fault.Invalid("url", "the port must be 1 to 65535")
		}
	}
	if !s.allowPrivate {
		host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
		if host == "localhost" || strings.HasSuffix(host, ".localhost") {
			return "", fault.Invalid("url", "webhooks may not target this server's own network (localhost)")
		}
		if ip, err := netip.ParseAddr(host); err == nil && forbidden(net.IP(ip.AsSlice())) {
			return "", fault.Invalid("url", "webhooks may not target loopback, private, link-local or unspecified addresses")
		}
	}
	u.Fragment, u.RawFragment = "", ""
	return u.String(), nil
}

var typePattern = regexp.MustCompile(`^[a-z][a-z_]*(\.[a-z][a-z_]*)+$`)

// validTypes checks event type names (dotted lower case, as conversation.claimed), removing repeats.
func validTypes(types []string) ([]string, error) {
	if len(types) > MaxEventTypes {
		return nil, fault.Invalid("eventTypes", "give at most %d event types, or none for all", MaxEventTypes)
	}
	out := make([]string, 0, len(types))
	for _, t := range types {
		if len(t) > 100 || !typePattern.MatchString(t) {
			return nil, fault.Invalid("eventTypes", "%q is not an event type: dotted lower-case names such as conversation.claimed", truncate(t))
		}
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out, nil
}

func validDescription(d string) (string, error) {
	d = strings.TrimSpace(d)
	if len(d) > MaxDescription || !utf8.ValidString(d) || strings.ContainsFunc(d, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return "", fault.Invalid("description", "at most %d characters of text, without control characters", MaxDescription)
	}
	return d, nil
}

func truncate(s string) string {
	if len(s) > 40 || !utf8.ValidString(s) {
		return strings.ToValidUTF8(s[:min(len(s), 40)], "?") + "…"
	}
	return s
}

// sys is ctx for the worker's own reads and writes of every workspace.
func sys(ctx context.Context) context.Context { return tenant.System(ctx) }
