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
type cpuClock struct{ self, postgres time.Duration }

func readCPU() cpuClock {
	var c cpuClock
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
		c.postgres += time.Duration(ut+st) * (time.Second / clockTicks)
	}
	return c
}

// clockTicks is USER_HZ, 100 on Linux.
const clockTicks = 100

// perOp is the processor time per operation between two readings, in milliseconds.
func (c cpuClock) perOp(since cpuClock, ops int) (self, postgres float64) {
	if ops == 0 {
		return 0, 0
	}
	return float64(c.self-since.self) / 1e6 / float64(ops), float64(c.postgres-since.postgres) / 1e6 / float64(ops)
}
