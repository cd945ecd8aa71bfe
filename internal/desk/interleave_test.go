package desk_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"switchboard/ent/event"
	"switchboard/internal/events"
	"switchboard/internal/testapi"
	"switchboard/internal/testdb"
)

// Interleavings that concurrency produced outside, made deterministic: the test holds a row lock
// in a transaction of its own (a concurrent operation caught in the middle), lets the server's
// operation run into it, and waits until Postgres reports that operation waiting for a lock.

// holdTx begins a transaction of the test's own on db.
func holdTx(t *testing.T, db *sql.DB) *sql.Tx {
	t.Helper()
	tx, err := db.BeginTx(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tx.Rollback() })
	return tx
}

// waitForLockWait returns once another session of db's database waits for a row lock.
func waitForLockWait(t *testing.T, db *sql.DB) {
	t.Helper()
	testapi.Eventually(t, 10*time.Second, "the operation waits for the row lock", func() bool {
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
			AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n > 0
	})
}

// L3, L5: Xavier holds A's lock; Yara's steal of A is in flight (A's row is hers, uncommitted)
// when Xavier opens B. Xavier's click-away must not release A: once the steal commits, A's lock
// is Yara's, and only a lock Xavier still holds may go. (It used to be released by id, from a read
// taken before the steal, with the pre-steal version: Yara lost the lock silently and the
// stream's versions went back.)
func TestL3ClickAwayLeavesALockStolenMeanwhile(t *testing.T) {
	testdb.RequirePostgres(t)
	f := newFixture(t)
	xavier, yara := f.agent("Xavier", "AGENT", 5), f.agent("Yara", "AGENT", 5)
	a, b := f.queued("SMS"), f.queued("SMS")
	xavier.Do(open, id(a)).OK(t)
	if h := f.Conv(a).LockHolderID; h == nil || *h != atoi(t, xavier.AgentID) {
		t.Fatalf("Xavier does not hold A: %v", h)
	}

	steal := holdTx(t, f.S.DB.SQL)
	var stolenAt int
	if err := steal.QueryRow(`UPDATE conversations SET lock_holder_id = $1, version = version + 1 WHERE id = $2 RETURNING version`,
		atoi(t, yara.AgentID), atoi(t, a)).Scan(&stolenAt); err != nil {
		t.Fatal(err)
	}
	done := make(chan *testapi.Response, 1)
	go func() { done <- xavier.Do(open, id(b)) }()
	waitForLockWait(t, f.S.DB.SQL)
	if err := steal.Commit(); err != nil {
		t.Fatal(err)
	}
	r := <-done
	r.OK(t)
	if r.Path(t, "openConversation.viewerCanReply") != true {
		t.Fatalf("Xavier did not gain B's lock: %v", r.Data)
	}
	c := f.Conv(a)
	if c.LockHolderID == nil || *c.LockHolderID != atoi(t, yara.AgentID) || c.Version != stolenAt {
		t.Fatalf("A after Xavier clicked away: holder %v version %d; want Yara's lock at version %d", c.LockHolderID, c.Version, stolenAt)
	}
	// Leaving A's view is told at A's current version (it changes nothing); nothing else is written.
	late := f.S.DB.Client.Event.Query().Where(event.ConversationID(atoi(t, a)), event.VersionGTE(stolenAt)).AllX(testapi.Sys())
	for _, e := range late {
		if e.Type != events.ViewerLeft || e.Version != stolenAt {
			t.Fatalf("%s was written on A at version %d, at or after the steal's version %d", e.Type, e.Version, stolenAt)
		}
	}
}

// L3, C2: an operation that Postgres picks as a deadlock's victim runs again inside the server;
// the client gets its answer, never the deadlock. The test's transaction takes A's row, the
// server's open of A (which has locked its agent) waits for it, and then the test's transaction
// asks for that agent's row: a deadlock, whose victim is the server's transaction, the one that
// waited first.
func TestL3DeadlockVictimRunsAgain(t *testing.T) {
	testdb.RequirePostgres(t)
	f := newFixture(t)
	xavier := f.agent("Xavier", "AGENT", 5)
	a := f.queued("SMS")

	other := holdTx(t, f.S.DB.SQL)
	// The server's transaction, waiting first, must be the one that finds the deadlock (each
	// waiter checks after its deadlock_timeout): on a loaded machine the test's could check first.
	if _, err := other.Exec(`SET LOCAL deadlock_timeout = '30s'`); err != nil {
		t.Fatal(err)
	}
	if _, err := other.Exec(`SELECT 1 FROM conversations WHERE id = $1 FOR UPDATE`, atoi(t, a)); err != nil {
		t.Fatal(err)
	}
	done := make(chan *testapi.Response, 1)
	go func() { done <- xavier.Do(open, id(a)) }()
	waitForLockWait(t, f.S.DB.SQL)
	if _, err := other.Exec(`SELECT 1 FROM agents WHERE id = $1 FOR UPDATE`, atoi(t, xavier.AgentID)); err != nil {
		t.Fatalf("the test's transaction was the deadlock's victim: %v", err)
	}
	if err := other.Commit(); err != nil {
		t.Fatal(err)
	}
	r := <-done
	r.OK(t)
	if r.Path(t, "openConversation.viewerCanReply") != true {
		t.Fatalf("Xavier did not gain A's lock after the retry: %v", r.Data)
	}
}
