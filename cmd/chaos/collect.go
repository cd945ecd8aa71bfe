package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"
)

// Event is one row of the event log, with what the checks read from its before/after.
type Event struct {
	ID, Seq                     int64
	Type                        string
	Conv, Actor, Subject        int64
	Version                     int64
	At                          int64 // created_at on the run's clock
	BeforeHolder, AfterHolder   int64
	AfterOwner                  int64
	HasAfterOwner               bool
	Text, Reason, State, Status string
	DueAt                       string // sla.breached: the timer's due time
}

// needsPayload are the event types whose before/after the checks read.
var needsPayload = map[string]bool{
	"lock.acquired": true, "lock.released": true, "lock.stolen": true, "conversation.assigned": true,
	"conversation.reopened": true, "conversation.created": true, "message.sent": true, "message.received": true,
	"conversation.state_changed": true, "customer.left": true, "sla.breached": true, "conversation.auto_released": true,
	// For the evidence beside a violation: how ownership and status moved.
	"conversation.claimed": true, "conversation.released": true, "conversation.reassigned": true, "conversation.transferred": true,
	"conversation.force_released": true, "conversation.pended": true, "conversation.resolved": true,
	"intervention.requested": true, "intervention.taken_over": true, "intervention.cancelled": true,
	"intervention.returned": true, "intervention.completed": true,
}

func readEvents(ctx context.Context, db *sql.DB, c clock) ([]Event, error) {
	rows, err := db.QueryContext(ctx, `SELECT id, coalesce(seq, 0), type, coalesce(conversation_id, 0), coalesce(actor_id, 0),
		coalesce(subject_id, 0), version, before, after, created_at FROM events ORDER BY seq NULLS LAST, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	intern := map[string]string{}
	var out []Event
	for rows.Next() {
		var e Event
		var conv, actor, subject, version int64
		var before, after []byte
		var at time.Time
		if err := rows.Scan(&e.ID, &e.Seq, &e.Type, &conv, &actor, &subject, &version, &before, &after, &at); err != nil {
			return nil, err
		}
		if s, ok := intern[e.Type]; ok {
			e.Type = s
		} else {
			intern[e.Type] = e.Type
		}
		e.Conv, e.Actor, e.Subject, e.Version, e.At = int64(conv), int64(actor), int64(subject), int64(version), c.at(at)
		if needsPayload[e.Type] {
			var b, a map[string]any
			_ = json.Unmarshal(before, &b)
			_ = json.Unmarshal(after, &a)
			e.BeforeHolder, e.AfterHolder = num(b, "holder"), num(a, "holder")
			_, e.HasAfterOwner = a["owner"]
			e.AfterOwner = num(a, "owner")
			e.Text, e.Reason, e.State, e.Status = str(a, "text"), str(a, "reason"), str(a, "state"), str(a, "status")
			e.DueAt = str(a, "dueAt")
			for _, p := range []*string{&e.Reason, &e.State, &e.Status} {
				if s, ok := intern[*p]; ok {
					*p = s
				} else {
					intern[*p] = *p
				}
			}
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func num(m map[string]any, k string) int64 {
	switch v := m[k].(type) {
	case float64:
		return int64(v)
	case string:
		return atoi(v)
	}
	return 0
}

func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

// Timer is one row of the timers table.
type Timer struct {
	ID, Conv  int64
	Kind      string
	Status    string
	DueAt     time.Time
	FiredAt   *time.Time
	Attempts  int
	CreatedAt time.Time
}

func readTimers(ctx context.Context, db *sql.DB) ([]Timer, error) {
	rows, err := db.QueryContext(ctx, `SELECT id, coalesce(conversation_id, 0), kind, status, due_at, fired_at, attempts, created_at FROM timers ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Timer
	for rows.Next() {
		var t Timer
		if err := rows.Scan(&t.ID, &t.Conv, &t.Kind, &t.Status, &t.DueAt, &t.FiredAt, &t.Attempts, &t.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// readMessages maps the run's message texts to their conversations.
func readMessages(ctx context.Context, db *sql.DB, tag string) (map[string]int64, map[int64]bool, error) {
	rows, err := db.QueryContext(ctx, `SELECT id, conversation_id, text FROM messages WHERE text LIKE $1`, tag+" %")
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	byText, ids := map[string]int64{}, map[int64]bool{}
	for rows.Next() {
		var id, conv int64
		var text string
		if err := rows.Scan(&id, &conv, &text); err != nil {
			return nil, nil, err
		}
		byText[text] = int64(conv)
		ids[int64(id)] = true
	}
	return byText, ids, rows.Err()
}
