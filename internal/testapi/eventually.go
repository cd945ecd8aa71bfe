package testapi

import (
	"testing"
	"time"
)

// Eventually waits until cond holds, checking it every few milliseconds, and fails t when it
// does not within the given time: the one way the tests wait for what happens in the background.
func Eventually(t testing.TB, within time.Duration, what string, cond func() bool) {
	t.Helper()
	if !until(within, cond) {
		t.Fatalf("%s: not within %v", what, within)
	}
}

// until reports whether cond came to hold within the given time.
func until(within time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(within)
	for wait := time.Millisecond; !cond(); wait = min(2*wait, 20*time.Millisecond) {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(wait)
	}
	return true
}
