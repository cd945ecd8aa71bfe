package main

import (
	"sync"
	"time"
)

// OpKind names an operation of the history.
type OpKind uint8

// Operations: the API's (what the simulated agents and the connector call) and the checker's own
// (click-away, server-made changes, snapshot reads, the read after an ingest).
const (
	OpOpen OpKind = iota + 1
	OpClose
	OpSteal
	OpClaim
	OpRelease
	OpReassign
	OpBulkClaim // the call; each conversation in it is an OpBulkItem
	OpBulkItem
	OpTransferAgent
	OpTransferTeam
	OpRequestIntervention
	OpTakeOver
	OpCancelTakeover
	OpReturnToQueue
	OpCompleteTakeover
	OpPend
	OpResolve
	OpSend
	OpIngest
	OpPresence
	OpClickAway  // L3: the agent gained a lock elsewhere
	OpSystem     // a change the server made itself (event log)
	OpSnapshot   // a SQL read of the conversations
	OpIngestRead // what ingestCustomerMessage answered (read after its commit)
	opKinds
)

var opNames = [...]string{
	OpOpen: "openConversation", OpClose: "closeConversation", OpSteal: "stealLock", OpClaim: "claimConversation",
	OpRelease: "releaseConversation", OpReassign: "reassignConversation", OpBulkClaim: "bulkClaimConversations",
	OpBulkItem: "bulkClaim(item)", OpTransferAgent: "transferConversation(agent)", OpTransferTeam: "transferConversation(team)",
	OpRequestIntervention: "requestIntervention", OpTakeOver: "takeOverConversation", OpCancelTakeover: "cancelTakeover",
	OpReturnToQueue: "returnToQueue", OpCompleteTakeover: "completeTakeover", OpPend: "pendConversation",
	OpResolve: "resolveConversation", OpSend: "sendMessage", OpIngest: "ingestCustomerMessage", OpPresence: "setPresence",
	OpClickAway: "click-away", OpSystem: "server", OpSnapshot: "snapshot", OpIngestRead: "ingest(read)",
}

func (k OpKind) String() string {
	if int(k) < len(opNames) && opNames[k] != "" {
		return opNames[k]
	}
	return "op?"
}

// Op is one recorded invocation and its answer. Times are nanoseconds since the run started, on
// the monotonic clock; the servers' event times (wall clock, the same machine's) are put on the
// same scale by the wall time at the start.
type Op struct {
	Kind     OpKind
	Res      Result
	Sup      bool
	Inst     int8
	HTTP     int16
	Agent    int64
	Conv     int64
	Target   int64
	Expect   int64
	MsgID    int64
	Customer int64
	Call     int64
	Ret      int64
	Code     string
	Token    string // the unique text of a message
	Obs      *Obs
	Refused  bool // never reached a server (connection refused): dropped from the history
	Timeout  bool // no answer in time
}

// clock gives the run's timestamps.
type clock struct{ start time.Time }

func newClock() clock { return clock{start: time.Now()} }

// now is the time since the start, on the monotonic clock.
func (c clock) now() int64 { return int64(time.Since(c.start)) }

// at puts a wall-clock time (a server's created_at) on the same scale.
func (c clock) at(t time.Time) int64 { return int64(t.Sub(c.start.Round(0))) }

// recvTimes remembers when a follower first received each event (by seq): a change the server
// made itself was committed before then.
type recvTimes struct {
	mu sync.Mutex
	at []int64
}

func (r *recvTimes) saw(seq int64, t int64) {
	if seq <= 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for int64(len(r.at)) <= seq {
		r.at = append(r.at, make([]int64, max(1024, len(r.at)))...)
	}
	if r.at[seq] == 0 || t < r.at[seq] {
		r.at[seq] = t
	}
}

func (r *recvTimes) get(seq int64) int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	if seq <= 0 || seq >= int64(len(r.at)) {
		return 0
	}
	return r.at[seq]
}
