package events

import "switchboard/ent"

// ownershipTypes are the event types whose before and after say how a conversation's ownership
// moved (an owner, and whether it is a human's): the live queues (the inbox, myQueue) decide a
// conversation's membership from them. A reopening is one (§6): to its last owner, or into the
// queue, which takes it from that owner (who is no longer told what its customer writes, E2).
var ownershipTypes = map[string]bool{
	ConversationClaimed: true, ConversationReassigned: true, ConversationReleased: true,
	ConversationForceReleased: true, ConversationAutoReleased: true, ConversationAssigned: true,
	ConversationTransferred: true, InterventionRequested: true, InterventionTakenOver: true,
	InterventionCancelled: true, InterventionReturned: true, InterventionCompleted: true,
	ConversationDelegated: true, ConversationHandedBack: true, ConversationReopened: true,
}

// lockTypes are the event types that change a conversation's lock holder (L1).
var lockTypes = map[string]bool{LockAcquired: true, LockReleased: true, LockStolen: true}

// knownTypes are every event type this package declares (TestEveryTypeIsKnown holds the list to
// the constants).
var knownTypes = map[string]bool{
	ConversationCreated:       true,
	ConversationReopened:      true,
	MessageReceived:           true,
	MessageSent:               true,
	NoteAdded:                 true,
	LockAcquired:              true,
	LockReleased:              true,
	LockStolen:                true,
	ConversationClaimed:       true,
	ConversationReleased:      true,
	ConversationReassigned:    true,
	ConversationForceReleased: true,
	ConversationAutoReleased:  true,
	ConversationAssigned:      true,
	ConversationTransferred:   true,
	ConversationJoined:        true,
	ConversationLeft:          true,
	ConversationPended:        true,
	ConversationResolved:      true,
	ClaimStale:                true,
	CapOverridden:             true,
	AgentCreated:              true,
	AgentUpdated:              true,
	PresenceChanged:           true,
	WorkspaceUpdated:          true,
	APIKeyCreated:             true,
	APIKeyRevoked:             true,
	TeamCreated:               true,
	PoolCreated:               true,
	ViewerJoined:              true,
	ViewerLeft:                true,
	CustomerLeft:              true,
	CustomerReturned:          true,
	CustomerJoinedChannel:     true,
	CustomerLeftChannel:       true,
	CustomersMerged:           true,
	Archived:                  true,
	InterventionRequested:     true,
	InterventionTakenOver:     true,
	InterventionCancelled:     true,
	InterventionReturned:      true,
	InterventionCompleted:     true,
	ConversationDelegated:     true,
	ConversationHandedBack:    true,
	StateChanged:              true,
	FirstResponse:             true,
	SLABreached:               true,
}

// OwnershipType reports whether events of type typ say how ownership moved.
func OwnershipType(typ string) bool { return ownershipTypes[typ] }

// MovesOwnership reports whether e moved its conversation's ownership. A type this package does
// not know (one added without being classified here) counts as a move when its before or after
// names an owner: the safe side, since a move taken for none would leave the conversation in, or
// out of, an agent's live queue until a reload, while a move read from an event that changed
// nothing only re-reads the queue's membership.
func MovesOwnership(e *ent.Event) bool {
	if ownershipTypes[e.Type] {
		return true
	}
	if knownTypes[e.Type] {
		return false
	}
	_, before := e.Before["owner"]
	_, after := e.After["owner"]
	return before || after
}

// MovesLock reports whether e changed its conversation's lock holder.
func MovesLock(e *ent.Event) bool { return lockTypes[e.Type] }

// KnownTypes lists the event types this package declares.
func KnownTypes() []string {
	out := make([]string, 0, len(knownTypes))
	for t := range knownTypes {
		out = append(out, t)
	}
	return out
}
