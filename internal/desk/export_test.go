package desk

// HoldHotPaths makes the desk's hot-path queue gather operations without running them, so a test
// can submit many and have them decided as one batch; the returned function reports how many
// operations wait, and release runs them.
func HoldHotPaths(d *Desk) (waiting func() int, release func()) {
	d.hot.hold(d, true)
	waiting = func() int {
		d.hot.mu.Lock()
		defer d.hot.mu.Unlock()
		return len(d.hot.waiting)
	}
	return waiting, func() { d.hot.hold(d, false) }
}
