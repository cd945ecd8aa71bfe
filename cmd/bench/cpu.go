package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// cpuClock is the processor time used so far by this process and by the machine's Postgres
// processes (read from /proc; zero where there is none). Throughput on a shared 2-core machine
// varies by ±15% from run to run, processor time per operation much less, so the benchmarks print
// both.
type cpuClock struct {
	self, postgres time.Duration
	backends       map[int]time.Duration // each Postgres process's part of postgres, by pid
}

func readCPU() cpuClock {
	c := cpuClock{backends: map[int]time.Duration{}}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		c.self = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, p := range stats {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		s := string(b)
		open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if open < 0 || end < open || s[open+1:end] != "postgres" {
			continue
		}
		f := strings.Fields(s[end+1:]) // state is f[0]; utime and stime are fields 14 and 15 of stat
		if len(f) < 13 {
			continue
		}
		ut, _ := strconv.ParseInt(f[11], 10, 64)
		st, _ := strconv.ParseInt(f[12], 10, 64)
		t := time.Duration(ut+st) * (time.Second / clockTicks)
		c.postgres += t
		if pid, err := strconv.Atoi(filepath.Base(filepath.Dir(p))); err == nil {
			c.backends[pid] = t
		}
	}
	return c
}

// clockTicks is USER_HZ, 100 on Linux.
const clockTicks = 100

// cpuUse is the processor time used between two readings.
type cpuUse struct {
	self, postgres time.Duration
	// busiest is the time of the Postgres process that used the most: near the elapsed time,
	// that one backend (the batches' connection) is the bottleneck.
	busiest time.Duration
}

func (c cpuClock) since(start cpuClock) cpuUse {
	u := cpuUse{self: c.self - start.self, postgres: c.postgres - start.postgres}
	for pid, t := range c.backends {
		u.busiest = max(u.busiest, t-start.backends[pid])
	}
	return u
}

func (u cpuUse) add(o cpuUse) cpuUse {
	return cpuUse{u.self + o.self, u.postgres + o.postgres, u.busiest + o.busiest}
}

// perOp is the processor time per operation, in milliseconds.
func (u cpuUse) perOp(ops int) (self, postgres float64) {
	if ops == 0 {
		return 0, 0
	}
	return float64(u.self) / 1e6 / float64(ops), float64(u.postgres) / 1e6 / float64(ops)
}
