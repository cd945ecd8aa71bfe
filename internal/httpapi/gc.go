package httpapi

import (
	"os"
	"runtime"
	"runtime/debug"

	"switchboard/internal/storage"
)

// GCPercent is the garbage collector's target the server runs with when GOGC is not set: the heap
// may grow to five times what is live before a collection. The server's live heap is small (tens
// of MB), and every request allocates, so at Go's default (100) collection took a large share of
// the processor the desk needs under load: the claim benchmark at 16 clients ran 1,130-1,220
// pairs/s at 100 and 1,540-1,580 at 400 (go run ./cmd/bench claim).
const GCPercent = 400

// TuneGC applies GCPercent unless the GOGC environment variable chooses otherwise. The server and
// the benchmarks, which run the server in-process, call it first thing.
func TuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(GCPercent)
	}
}

// TuneProcs leaves half the machine's processors to a Postgres server on the same machine: unless
// the GOMAXPROCS environment variable chooses otherwise, a server whose database is a Postgres on
// this machine runs Go code on half the processors (at least one). Go's scheduler keeps idle
// processors looking for work before they sleep, and on a machine shared with Postgres that time is
// the database's: the claim benchmark at 16 clients on 2 cores ran 1,300-1,726 pairs/s with Go on
// both and 1,482-1,990 with Go on one, in four alternating pairs of runs (go run ./cmd/bench claim
// -clients 16 -duration 5s). SQLite and remote databases leave Go's default.
func TuneProcs(databaseURL string) {
	if os.Getenv("GOMAXPROCS") == "" && storage.LocalPostgres(databaseURL) {
		runtime.GOMAXPROCS(max(1, runtime.NumCPU()/2))
	}
}
