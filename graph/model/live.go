package model

import "time"

// LockEvent is a lock change (schema/live.graphql). Its holder is resolved only when a client
// asks for it, so a change fanned out to thousands of subscribers costs no query each.
type LockEvent struct {
	ConversationID int       `json:"conversationId"`
	HolderID       int       `json:"-"`
	EventID        int       `json:"-"` // the holder is loaded as of this event
	Version        int       `json:"version"`
	At             time.Time `json:"at"`
	Cursor         string    `json:"cursor"`
}
