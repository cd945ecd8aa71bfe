package httpapi

import (
	"os"
	"runtime/debug"
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
