package routing

import "time"

// SetClock makes r read the time from now: what it remembers (the roster, the loads) then ages
// only as now says, whatever the machine's speed.
func SetClock(r *Router, now func() time.Time) { r.now = now }
