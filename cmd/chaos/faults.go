package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"syscall"
	"time"
)

// Fault kinds.
const (
	faultKill      = "kill"      // kill -9 of an instance, then its restart
	faultPGRestart = "pgrestart" // pg_ctl restart -m immediate
	faultCut       = "cut"       // the proxy closes an instance's database connections
	faultSlow      = "slow"      // a subscriber stops reading: the bus drops it, it resumes by cursor
	faultSIGTERM   = "sigterm"   // graceful stop of an instance, then its restart
)

var allFaults = []string{faultKill, faultPGRestart, faultCut, faultSlow, faultSIGTERM}

type plannedFault struct {
	at   time.Duration
	kind string
}

// planFaults spreads the faults over the run, as many as its length calls for: a 15-minute run
// gets 12 kills, 3 Postgres restarts, 12 cuts, 5 SIGTERMs and 8 slow subscribers.
func planFaults(kinds map[string]bool, d time.Duration, rng *rand.Rand) []plannedFault {
	per := map[string]time.Duration{faultKill: 75 * time.Second, faultPGRestart: 300 * time.Second, faultCut: 75 * time.Second,
		faultSlow: 110 * time.Second, faultSIGTERM: 180 * time.Second}
	var plan []plannedFault
	for _, k := range allFaults {
		if !kinds[k] {
			continue
		}
		n := max(1, int((d+per[k]/2)/per[k]))
		for i := 0; i < n; i++ {
			// Spread evenly with jitter, within 10%..85% of the run, so the end sees everything settle.
			slot := (float64(i) + 0.2 + 0.6*rng.Float64()) / float64(n)
			plan = append(plan, plannedFault{at: time.Duration((0.1 + 0.75*slot) * float64(d)), kind: k})
		}
	}
	sort.Slice(plan, func(i, j int) bool { return plan[i].at < plan[j].at })
	return plan
}

type faultRecord struct {
	At, End int64
	Kind    string
	Detail  string
}

// injector carries out the plan.
type injector struct {
	cl        *Cluster
	pg        *Postgres
	followers []*follower
	clock     clock
	rng       *rand.Rand
	records   []faultRecord
	counts    map[string]int
	errors    []string
}

func (in *injector) run(ctx context.Context, start time.Time, plan []plannedFault) {
	in.counts = map[string]int{}
	for _, p := range plan {
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Until(start.Add(p.at))):
		}
		at := in.clock.now()
		detail, err := in.inject(ctx, p.kind)
		if err != nil {
			in.errors = append(in.errors, fmt.Sprintf("%s: %v", p.kind, err))
		}
		in.records = append(in.records, faultRecord{At: at, End: in.clock.now(), Kind: p.kind, Detail: detail})
		in.counts[p.kind]++
	}
}

// victim picks an instance that is up, leaving another one up when it can.
func (in *injector) victim() int {
	up := in.cl.upInstances()
	if len(up) == 0 {
		return in.rng.IntN(len(in.cl.insts))
	}
	return up[in.rng.IntN(len(up))]
}

func (in *injector) inject(ctx context.Context, kind string) (string, error) {
	switch kind {
	case faultKill, faultSIGTERM:
		i := in.victim()
		sig, wait := syscall.SIGKILL, 5*time.Second
		if kind == faultSIGTERM {
			sig, wait = syscall.SIGTERM, 40*time.Second
		}
		if err := in.cl.signal(i, sig, wait); err != nil {
			return fmt.Sprintf("instance %d", i), err
		}
		time.Sleep(time.Duration(500+in.rng.IntN(2500)) * time.Millisecond)
		return fmt.Sprintf("instance %d", i), in.restart(i)
	case faultCut:
		i := in.victim()
		n := in.cl.insts[i].proxy.Cut()
		return fmt.Sprintf("instance %d: %d connections", i, n), nil
	case faultPGRestart:
		err := in.pg.restart()
		return "", err
	case faultSlow:
		var ws []*follower
		for _, f := range in.followers {
			if !f.lock {
				ws = append(ws, f)
			}
		}
		if len(ws) == 0 {
			return "", nil
		}
		f := ws[in.rng.IntN(len(ws))]
		select {
		case f.slow <- time.Duration(15+in.rng.IntN(6)) * time.Second:
		default:
		}
		return f.name, nil
	}
	return "", fmt.Errorf("unknown fault %q", kind)
}

// restart starts instance i again, retrying while the database is away.
func (in *injector) restart(i int) error {
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		if err = in.cl.start(i, 30*time.Second); err == nil {
			return nil
		}
		time.Sleep(time.Second)
	}
	return err
}

// ensureUp restarts whatever is down (the end of the run needs every instance).
func (in *injector) ensureUp() {
	for i, inst := range in.cl.insts {
		if !inst.up.Load() {
			if err := in.restart(i); err != nil {
				in.errors = append(in.errors, fmt.Sprintf("restart %d at the end: %v", i, err))
			}
		}
	}
}

func parseFaults(s string) (map[string]bool, error) {
	out := map[string]bool{}
	if s == "" || s == "none" {
		return out, nil
	}
	for _, k := range splitList(s) {
		if k == "all" {
			for _, a := range allFaults {
				out[a] = true
			}
			continue
		}
		if !slices.Contains(allFaults, k) {
			return nil, fmt.Errorf("unknown fault %q (have %v)", k, allFaults)
		}
		out[k] = true
	}
	return out, nil
}
