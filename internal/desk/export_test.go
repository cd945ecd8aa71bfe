package desk

// HoldHotPaths makes the desk's hot-path queues gather operations without running them, so a test
// can submit many and have them decided as one batch per kind; the returned function reports how
// many operations wait, and release runs them.
func HoldHotPaths(d *Desk) (waiting func() int, release func()) {
	d.claims.hold(d, true)
	d.releases.hold(d, true)
	waiting = func() int {
		n := 0
		for _, q := range []*hotQueue{d.claims, d.releases} {
			q.mu.Lock()
			n += len(q.waiting)
			q.mu.Unlock()
		}
		return n
	}
	release = func() {
		d.claims.hold(d, false)
		d.releases.hold(d, false)
	}
	return waiting, release
}
