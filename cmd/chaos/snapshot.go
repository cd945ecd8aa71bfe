package main

import (
	"context"
	"database/sql"
	"time"
)

// Snapshot is every conversation as one SQL statement read it, straight from Postgres: a read of
// each conversation at one instant between Call and Ret. The checker cuts each conversation's
// history at snapshots (versions say which side an operation is on) and the last one, taken after
// the run, is the final state every acknowledged write must be in (check 3).
type Snapshot struct {
	Call, Ret int64
	States    map[int64]State
}

const snapshotSQL = `SELECT c.id, c.status, c.is_open, coalesce(c.owner_id, 0), coalesce(c.lock_holder_id, 0), c.version,
	coalesce(i.status, ''), coalesce(i.bot_id, 0)
FROM conversations c
LEFT JOIN LATERAL (SELECT status, bot_id FROM interventions
	WHERE conversation_id = c.id AND status IN ('REQUESTED', 'RETURNED', 'TAKEN_OVER') ORDER BY id DESC LIMIT 1) i ON true`

func takeSnapshot(ctx context.Context, db *sql.DB, c clock) (*Snapshot, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	s := &Snapshot{States: map[int64]State{}}
	s.Call = c.now()
	rows, err := db.QueryContext(ctx, snapshotSQL)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, owner, holder, version, bot int64
		var status, iv string
		var open bool
		if err := rows.Scan(&id, &status, &open, &owner, &holder, &version, &iv, &bot); err != nil {
			return nil, err
		}
		st := State{Open: open, Status: statusCode(status), Owner: int64(owner), Holder: int64(holder), Version: int64(version)}
		switch iv {
		case "REQUESTED":
			st.IV = ivRequested
		case "TAKEN_OVER":
			st.IV = ivTakenOver
		case "RETURNED":
			st.IV = ivReturned
		}
		if st.IV != ivNone {
			st.IVBot = int64(bot)
		}
		s.States[int64(id)] = st
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	s.Ret = c.now()
	return s, nil
}

func statusCode(s string) uint8 {
	switch s {
	case "NEW":
		return stNew
	case "PENDING":
		return stPending
	case "RESOLVED":
		return stResolved
	}
	return 0
}

// snapshotter reads snapshots every `every` until ctx ends (failures, while Postgres restarts,
// are skipped).
func snapshotter(ctx context.Context, db *sql.DB, c clock, every time.Duration, out *[]*Snapshot) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if s, err := takeSnapshot(ctx, db, c); err == nil {
			*out = append(*out, s)
		}
	}
}
