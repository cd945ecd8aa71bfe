package main

import (
	"fmt"
	"sort"
)

// rulesResult is the invariants of §2 checked on every state an answer or a snapshot shows:
// L1 (only an open NEW or PENDING conversation is locked) and L7 (a bot holds the lock exactly
// while it owns a lockable conversation), and on every snapshot L2 (a human holds at most one
// lock). Each broken state is reported once, with the first
// answer that showed it.
type rulesResult struct {
	Broken   int
	ByCause  map[string]int // the operation whose answer first showed the state
	Examples []string
}

func checkRules(w *World, ops []Op, snaps []*Snapshot) *rulesResult {
	res := &rulesResult{ByCause: map[string]int{}}
	type seen struct {
		call  int64
		cause string
		line  string
	}
	first := map[[2]int64]seen{}
	note := func(conv int64, version int64, call int64, cause, line string) {
		k := [2]int64{conv, version}
		if s, ok := first[k]; !ok || call < s.call {
			first[k] = seen{call, cause, line}
		}
	}
	for i := range ops {
		op := &ops[i]
		o := op.Obs
		if o == nil || op.Kind == OpIngest {
			continue
		}
		var rule string
		switch {
		case (!o.Open || o.Status == stResolved) && o.Holder != 0:
			rule = "L1"
		case o.Holder != 0 && !w.human(o.Holder) && o.Own != ownUnclaimed:
			rule = "L7"
		default:
			continue
		}
		note(op.Conv, o.Version, op.Call, rule+" after "+op.Kind.String(),
			fmt.Sprintf("%s: %s by %d on %d at %s answered %s", rule, op.Kind, op.Agent, op.Conv, fmtT(op.Call), o))
	}
	for _, s := range snaps {
		// L2: a human holds at most one lock; a snapshot reads every conversation at one instant.
		held := map[int64]int64{}
		for conv, st := range s.States {
			if !w.human(st.Holder) {
				continue
			}
			if other, ok := held[st.Holder]; ok {
				note(min(conv, other), st.Version, s.Call, "L2 (snapshot)",
					fmt.Sprintf("L2: agent %d holds the locks of conversations %d and %d, read at %s", st.Holder, other, conv, fmtT(s.Call)))
			}
			held[st.Holder] = conv
		}
		for conv, st := range s.States {
			if w.legal(st) {
				continue
			}
			rule := "L7"
			if !w.lockable(st) {
				rule = "L1"
			}
			note(conv, st.Version, s.Call, rule+" (snapshot)", fmt.Sprintf("%s: conversation %d read at %s as %s", rule, conv, fmtT(s.Call), st))
		}
	}
	var lines []seen
	for _, s := range first {
		res.Broken++
		res.ByCause[s.cause]++
		lines = append(lines, s)
	}
	sort.Slice(lines, func(i, j int) bool { return lines[i].call < lines[j].call })
	for _, s := range lines[:min(len(lines), 10)] {
		res.Examples = append(res.Examples, s.line)
	}
	return res
}
