package main

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
)

// report is everything the run found.
type report struct {
	cfg        config
	seed       uint64
	wall       time.Duration
	workload   time.Duration
	ops        []Op
	faults     *injector
	starts     []int
	lin        *linResult
	rules      *rulesResult
	follow     *followResult
	timers     *timerResult
	internal   *internalResult
	snapshots  int
	causes     []string // the instances' logged causes of internal errors
	e1         []string // conversations whose version is not their last event's
	infraNotes []string
}

func (r *report) failed() bool {
	return r.lin.Illegal > 0 || r.rules.Broken > 0 || len(r.lin.Sweep) > 0 || len(r.lin.AckedMissing) > 0 || r.follow.Failures > 0 ||
		r.timers.failures() > 0 || r.internal.Total > 0 || len(r.e1) > 0
}

func verdict(fail bool) string {
	if fail {
		return "FAIL"
	}
	return "ok"
}

func (r *report) write(w io.Writer) {
	p := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }
	answered := 0
	mix := map[string]int{}
	codes := map[string]map[string]int{}
	for i := range r.ops {
		op := &r.ops[i]
		if op.Kind == OpBulkItem {
			continue
		}
		name := op.Kind.String()
		mix[name]++
		if !op.Refused {
			answered++
		}
		if codes[name] == nil {
			codes[name] = map[string]int{}
		}
		codes[name][op.Code]++
	}
	p("chaos: seed %d (replay with -seed %d)", r.seed, r.seed)
	p("instances %d, agents %d, conversations %d, duration %s (workload %s, wall %s)", r.cfg.instances, r.cfg.agents,
		r.cfg.conversations, r.cfg.duration, r.workload.Round(time.Millisecond), r.wall.Round(time.Millisecond))
	p("operations: %d answered, %.0f ops/s; instance starts %v; %d snapshots", answered, float64(answered)/r.workload.Seconds(), r.starts, r.snapshots)
	var fk []string
	for _, k := range allFaults {
		if n := r.faults.counts[k]; n > 0 {
			fk = append(fk, fmt.Sprintf("%s %d", k, n))
		}
	}
	p("faults: %s", strings.Join(fk, ", "))
	for _, f := range r.faults.records {
		p("  %s-%s %s %s", fmtT(f.At), fmtT(f.End), f.Kind, f.Detail)
	}
	for _, e := range r.faults.errors {
		p("  fault error: %s", e)
	}
	var lat []int64
	for i := range r.ops {
		if op := &r.ops[i]; op.Kind != OpBulkItem && !op.Refused {
			lat = append(lat, op.Ret-op.Call)
		}
	}
	slices.Sort(lat)
	if len(lat) > 0 {
		q := func(f float64) time.Duration {
			return time.Duration(lat[int(f*float64(len(lat)-1))]).Round(time.Millisecond / 10)
		}
		p("latency: p50 %s, p90 %s, p99 %s, max %s", q(0.5), q(0.9), q(0.99), q(1))
	}
	p("operation mix (answers):")
	names := slices.Sorted(maps.Keys(mix))
	sort.SliceStable(names, func(i, j int) bool { return mix[names[i]] > mix[names[j]] })
	for _, n := range names {
		var cs []string
		for _, c := range slices.Sorted(maps.Keys(codes[n])) {
			cs = append(cs, fmt.Sprintf("%s %d", c, codes[n][c]))
		}
		p("  %-28s %8d  %s", n, mix[n], strings.Join(cs, ", "))
	}
	l := r.lin
	p("")
	p("1. linearizability [%s]: %d conversations, %d segments (%d operations, %d click-aways, %d server changes, largest %d): %d ok, %d violations, %d unknown (timed out)",
		verdict(l.Illegal > 0 || len(l.Sweep) > 0), l.Conversations, l.Segments, l.Ops, l.ClickAways, l.System, l.MaxSegment, l.OK, l.Illegal, l.Unknown)
	for _, v := range l.Violations[:min(len(l.Violations), 5)] {
		p("   violation: conversation %d, segment %d (%d operations) %s", v.Conv, v.Segment, v.Ops, v.File)
		lines := v.Lines
		if len(lines) > 40 {
			lines = append(append(slices.Clone(lines[:10]), "…"), lines[len(lines)-29:]...)
		}
		for _, line := range lines {
			p("      %s", line)
		}
	}
	p("   unknown outcomes: %d decided from the event log, %d left open", l.Resolved, l.Unresolved)
	for _, s := range l.Sweep[:min(len(l.Sweep), 10)] {
		p("   versions against real time: %s", s)
	}
	if len(l.Unmodeled) > 0 {
		p("   server events not modelled (version bump only): %v", l.Unmodeled)
	}
	for _, n := range l.Notes[:min(len(l.Notes), 5)] {
		p("   note: %s", n)
	}
	p("1b. invariants L1, L7 on every answer and snapshot, L2 on every snapshot [%s]: %d states broke them %v", verdict(r.rules.Broken > 0), r.rules.Broken, r.rules.ByCause)
	for _, e := range r.rules.Examples[:min(len(r.rules.Examples), 5)] {
		p("   %s", e)
	}
	f := r.follow
	p("2. live followers [%s]: %d events logged (%d not numbered), %d versions going back in the log",
		verdict(f.Failures > 0), f.Logged, f.Unnumbered, len(f.VersionsBack))
	for _, s := range f.VersionsBack[:min(len(f.VersionsBack), 10)] {
		p("   version back: %s", s)
	}
	for _, fr := range f.Followers {
		p("   %-22s %s received %d, lost %d, doubled %d, out of order %d, mismatched %d, phantom %d, behind %d; sessions %d, server complete %d, slowed %d; ends %v; errors %v",
			fr.Name, verdict(fr.failed()), fr.Received, fr.Lost, fr.Doubled, fr.OutOfOrder, fr.Mismatched, fr.Phantom, fr.Behind,
			fr.Sessions, fr.Completes, fr.Slowed, fr.CloseCodes, fr.Errors)
		for _, a := range fr.Anomalies[:min(len(fr.Anomalies), 5)] {
			p("      %s", a)
		}
		if fr.failed() || fr.Completes > 0 {
			p("      sessions ended: %s", strings.Join(fr.Ends, "; "))
		}
	}
	p("3. acknowledged writes [%s]: %d missing; final state in the last snapshot (checked in 1); %d conversations whose version is not their last event's",
		verdict(len(l.AckedMissing) > 0 || len(r.e1) > 0), len(l.AckedMissing), len(r.e1))
	for _, s := range l.AckedMissing[:min(len(l.AckedMissing), 10)] {
		p("   missing: %s", s)
	}
	for _, s := range r.e1[:min(len(r.e1), 10)] {
		p("   E1: %s", s)
	}
	t := r.timers
	p("4. timers [%s]: %d timers, %d due, %d fired; not fired %d, effect twice %d, effect without firing %d, gave up %d; fired without effect %v",
		verdict(t.failures() > 0), t.Total, t.Due, t.Fired, len(t.NotFired), len(t.Doubled), len(t.Orphan), len(t.GaveUp), t.FiredNoEffect)
	for _, s := range slices.Concat(t.NotFired, t.Doubled, t.Orphan, t.GaveUp)[:min(10, len(t.NotFired)+len(t.Doubled)+len(t.Orphan)+len(t.GaveUp))] {
		p("   %s", s)
	}
	in := r.internal
	p("5. INTERNAL_SERVER_ERROR / HTTP 500 [%s]: %d (%v; HTTP %v)", verdict(in.Total > 0), in.Total, in.ByOp, in.HTTP5)
	for _, s := range in.First {
		p("   %s", s)
	}
	for _, c := range r.causes {
		p("   logged cause: %s", c)
	}
	for _, s := range r.infraNotes {
		p("note: %s", s)
	}
	p("")
	p("result: %s (seed %d)", map[bool]string{true: "FAIL", false: "PASS"}[r.failed()], r.seed)
}

// internalCauses reads the instances' logs for the errors behind INTERNAL_SERVER_ERROR answers,
// counted by cause (numbers blanked).
func internalCauses(dir string) []string {
	files, _ := filepath.Glob(filepath.Join(dir, "instance-*.log"))
	counts := map[string]int{}
	digits := regexp.MustCompile(`[0-9]+`)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n") {
			if !strings.Contains(line, `"level":"ERROR"`) || !strings.Contains(line, "internal error") {
				continue
			}
			var l struct{ Err string }
			if json.Unmarshal([]byte(line), &l) == nil && l.Err != "" {
				counts[digits.ReplaceAllString(l.Err, "N")]++
			}
		}
	}
	keys := slices.Collect(maps.Keys(counts))
	sort.Slice(keys, func(i, j int) bool { return counts[keys[i]] > counts[keys[j]] })
	var out []string
	for _, k := range keys[:min(len(keys), 6)] {
		out = append(out, fmt.Sprintf("%d× %s", counts[k], k))
	}
	return out
}
