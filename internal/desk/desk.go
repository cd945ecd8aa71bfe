// Package desk owns what happens to a conversation: arrival, locking, claim, reassignment,
// takeover and lifecycle. Each operation is one transaction that checks, writes and appends its
// events (STYLE 4).
package desk

import (
	"time"

	"switchboard/ent"
)

// Desk runs conversation operations.
type Desk struct {
	client *ent.Client
	now    func() time.Time
}

// New returns the desk over client.
func New(client *ent.Client) *Desk { return &Desk{client: client, now: time.Now} }
