package main

// Checks 2–5: the live followers against the event log, acknowledged writes, timers, and
// INTERNAL_SERVER_ERROR answers.

import (
	"fmt"
	"sort"
	"time"
)

// followResult is check 2.
type followResult struct {
	Logged, Unnumbered int
	Followers          []followerReport
	VersionsBack       []string // in the log (= what every follower must get), per conversation
	Failures           int
}

type followerReport struct {
	Name                                string
	Received, Lost, Doubled, OutOfOrder int
	Mismatched, Phantom                 int
	Behind                              int64
	Sessions, Completes, Slowed         int
	CloseCodes, Errors                  map[string]int
	Anomalies, Ends                     []string
}

func (r *followerReport) failed() bool {
	return r.Lost > 0 || r.Doubled > 0 || r.OutOfOrder > 0 || r.Mismatched > 0 || r.Phantom > 0 || r.Behind > 0 || r.Completes > 0 || len(r.Anomalies) > 0
}

func checkFollowers(events []Event, fs []*follower) *followResult {
	res := &followResult{}
	bySeq := map[int64]*Event{}
	var maxSeq int64
	for i := range events {
		e := &events[i]
		if e.Seq == 0 {
			res.Unnumbered++
			continue
		}
		res.Logged++
		bySeq[e.Seq] = e
		maxSeq = max(maxSeq, e.Seq)
	}
	// Versions per conversation never go back in the log's order, which every follower gets.
	last := map[int64]*Event{}
	for i := range events {
		e := &events[i]
		if e.Seq == 0 || e.Conv == 0 {
			continue
		}
		if p := last[e.Conv]; p != nil && e.Version < p.Version {
			if len(res.VersionsBack) < 20 {
				res.VersionsBack = append(res.VersionsBack, fmt.Sprintf("conversation %d: seq %d %s (actor %d, subject %d, %s) has version %d after seq %d %s with %d",
					e.Conv, e.Seq, e.Type, e.Actor, e.Subject, e.Reason, e.Version, p.Seq, p.Type, p.Version))
			}
			res.Failures++
			continue
		}
		last[e.Conv] = e
	}
	for _, f := range fs {
		r := followerReport{Name: f.name, Sessions: f.sessions, Completes: f.completes, Slowed: f.slowed, CloseCodes: f.closeCodes,
			Errors: f.errors, Anomalies: f.anomalies, Ends: f.ends}
		if f.lock {
			want := map[int64]bool{}
			for _, c := range f.convs {
				want[atoi(c)] = true
			}
			r.Received = len(f.lockEvs)
			got := map[int64]int{}
			var prev int64
			for _, le := range f.lockEvs {
				got[le.seq]++
				if le.seq < prev {
					r.OutOfOrder++
				}
				prev = max(prev, le.seq)
				e := bySeq[le.seq]
				switch {
				case e == nil:
					r.Phantom++
				case e.Conv != le.conv || e.Version != le.version:
					r.Mismatched++
				}
			}
			for seq, n := range got {
				if n > 1 {
					r.Doubled += n - 1
				}
				_ = seq
			}
			for i := range events {
				e := &events[i]
				if e.Seq == 0 || e.Seq > f.last || !want[e.Conv] {
					continue
				}
				if e.Type == "lock.acquired" || e.Type == "lock.released" || e.Type == "lock.stolen" {
					if got[e.Seq] == 0 {
						r.Lost++
					}
				}
			}
		} else {
			r.Received = len(f.seqs)
			seen := make(map[int64]bool, len(f.seqs))
			var prev int64
			for i, seq := range f.seqs {
				if seen[seq] {
					r.Doubled++
					continue
				}
				seen[seq] = true
				if seq < prev {
					r.OutOfOrder++
				}
				prev = max(prev, seq)
				e := bySeq[seq]
				switch {
				case e == nil:
					r.Phantom++
				case eventHash(e.ID, e.Version) != f.hashes[i]:
					r.Mismatched++
				}
			}
			for seq := int64(1); seq <= f.last; seq++ {
				if bySeq[seq] != nil && !seen[seq] {
					r.Lost++
				}
			}
		}
		if f.last < f.target {
			r.Behind = f.target - f.last
		}
		if r.failed() {
			res.Failures++
		}
		res.Followers = append(res.Followers, r)
	}
	return res
}

// timerResult is check 4.
type timerResult struct {
	Total, Fired, Due                 int
	NotFired, Doubled, Orphan, GaveUp []string
	FiredNoEffect                     map[string]int
	ByKind                            map[string]int
}

func (t *timerResult) failures() int {
	return len(t.NotFired) + len(t.Doubled) + len(t.Orphan) + len(t.GaveUp)
}

// checkTimers: every due timer fired, and once: its effect event at most once per firing, and no
// effect without a firing.
func checkTimers(timers []Timer, events []Event, c clock, readAt time.Time) *timerResult {
	res := &timerResult{Total: len(timers), FiredNoEffect: map[string]int{}, ByKind: map[string]int{}}
	effect := map[string]func(e *Event) bool{
		"SLA_FIRST_RESPONSE":  func(e *Event) bool { return e.Type == "sla.breached" },
		"CUSTOMER_INACTIVITY": func(e *Event) bool { return e.Type == "customer.left" && e.Actor == 0 && e.Reason == "inactive" },
		"HOUSEKEEPING":        func(e *Event) bool { return e.Type == "conversation.archived" },
	}
	type key struct {
		conv int64
		kind string
	}
	fired := map[key][]*Timer{}
	for i := range timers {
		t := &timers[i]
		res.ByKind[t.Kind+" "+t.Status]++
		switch t.Status {
		case "FIRED":
			res.Fired++
			res.Due++
			fired[key{t.Conv, t.Kind}] = append(fired[key{t.Conv, t.Kind}], t)
		case "PENDING":
			if t.DueAt.Before(readAt.Add(-15 * time.Second)) {
				res.Due++
				if len(res.NotFired) < 20 {
					res.NotFired = append(res.NotFired, fmt.Sprintf("timer %d (%s, conversation %d) due %s, still PENDING (attempts %d)",
						t.ID, t.Kind, t.Conv, t.DueAt.Format(time.RFC3339Nano), t.Attempts))
				}
			}
		case "CANCELLED":
			if t.Attempts > 0 {
				res.GaveUp = append(res.GaveUp, fmt.Sprintf("timer %d (%s, conversation %d) cancelled after %d failed attempts", t.ID, t.Kind, t.Conv, t.Attempts))
			}
		}
	}
	for k := range fired {
		sort.Slice(fired[k], func(i, j int) bool { return fired[k][i].FiredAt.Before(*fired[k][j].FiredAt) })
	}
	effects := map[key][]*Event{}
	for i := range events {
		e := &events[i]
		for kind, is := range effect {
			if is(e) {
				effects[key{int64(e.Conv), kind}] = append(effects[key{int64(e.Conv), kind}], e)
			}
		}
	}
	// Match each effect to the firing it came from: the same conversation and kind, written in
	// the firing's transaction (at or just after fired_at).
	for k, evs := range effects {
		ts := fired[k]
		used := map[int64]int{}
		for _, e := range evs {
			var match *Timer
			for _, t := range ts {
				at := c.at(*t.FiredAt)
				if e.At >= at-int64(time.Second) && e.At <= at+int64(10*time.Second) {
					if k.kind == "SLA_FIRST_RESPONSE" && e.DueAt != "" {
						if due, err := time.Parse(time.RFC3339Nano, e.DueAt); err == nil && due.Sub(t.DueAt).Abs() > time.Millisecond {
							continue
						}
					}
					if match == nil || used[match.ID] > 0 {
						match = t
					}
				}
			}
			if match == nil {
				if len(res.Orphan) < 20 {
					res.Orphan = append(res.Orphan, fmt.Sprintf("%s event seq %d on conversation %d with no timer fired then", e.Type, e.Seq, e.Conv))
				}
				continue
			}
			used[match.ID]++
			if used[match.ID] == 2 && len(res.Doubled) < 20 {
				res.Doubled = append(res.Doubled, fmt.Sprintf("timer %d (%s, conversation %d) has its effect twice (seq %d)", match.ID, k.kind, k.conv, e.Seq))
			}
		}
		for _, t := range ts {
			if used[t.ID] == 0 {
				res.FiredNoEffect[k.kind]++
			}
		}
	}
	for k, ts := range fired {
		if _, ok := effects[k]; !ok {
			res.FiredNoEffect[k.kind] += len(ts)
		}
	}
	return res
}

// internalResult is check 5.
type internalResult struct {
	ByOp  map[string]int
	HTTP5 map[string]int
	Total int
	First []string
}

func checkInternal(ops []Op) *internalResult {
	res := &internalResult{ByOp: map[string]int{}, HTTP5: map[string]int{}}
	for i := range ops {
		op := &ops[i]
		if op.Kind == OpBulkItem && op.Code != "INTERNAL_SERVER_ERROR" {
			continue
		}
		internal := op.Code == "INTERNAL_SERVER_ERROR"
		if op.HTTP >= 500 && op.HTTP != 503 && op.Kind != OpBulkItem {
			res.HTTP5[fmt.Sprintf("%s %d", op.Kind, op.HTTP)]++
			internal = true
		}
		if internal {
			res.ByOp[op.Kind.String()]++
			res.Total++
			if len(res.First) < 10 {
				res.First = append(res.First, fmt.Sprintf("%s by %d on %d at %s @i%d: %s (HTTP %d)", op.Kind, op.Agent, op.Conv, fmtT(op.Call), op.Inst, op.Code, op.HTTP))
			}
		}
	}
	return res
}
