package routing

import (
	"testing"

	"switchboard/internal/events"
)

// movesLoads: routing's remembered loads survive only changes that cannot move a load.
func TestMovesLoads(t *testing.T) {
	entries := func(types ...string) []events.Entry {
		var es []events.Entry
		for _, t := range types {
			es = append(es, events.Entry{Type: t})
		}
		return es
	}
	hold := events.Entry{Type: events.StateChanged, Before: map[string]any{"state": "ACTIVE"}, After: map[string]any{"state": "ON_HOLD"}}
	active := events.Entry{Type: events.StateChanged, Before: map[string]any{"state": "CREATED"}, After: map[string]any{"state": "ACTIVE"}}
	for _, c := range []struct {
		name string
		es   []events.Entry
		want bool
	}{
		{"a customer message", entries(events.ConversationCreated, events.MessageReceived), false},
		{"routing's own assignment", append(entries(events.ConversationAssigned, events.LockAcquired), active), false},
		{"a claim", entries(events.ConversationClaimed, events.LockAcquired), true},
		{"a resolution", entries(events.ConversationResolved), true},
		{"a pend", entries(events.ConversationPended), true},
		{"a hold", []events.Entry{hold}, true},
		{"a state change that is not a hold", []events.Entry{active}, false},
		{"presence (the online set is compared)", entries(events.PresenceChanged), false},
	} {
		if got := movesLoads(c.es); got != c.want {
			t.Errorf("%s: movesLoads %v, want %v", c.name, got, c.want)
		}
	}
}
