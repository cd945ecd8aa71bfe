package routing

import "time"

// SetClock makes r read the time from now: what it remembers (the roster, the loads) then ages
// only as now says, whatever the machine's speed.
func SetClock(r *Router, now func() time.Time) { r.now = now }

// Following reports whether r follows workspace ws's events from every instance.
func Following(r *Router, ws int) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.live[ws] // subscribed, not only started
}

// Remembers reports whether r holds loads of workspace ws that are still good for a dispatch.
func Remembers(r *Router, ws int) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := r.loads[ws]
	return k != nil && k.gen == r.loadGen[ws]
}
