package desk_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"switchboard/ent/conversation"
	"switchboard/internal/desk"
	"switchboard/internal/testapi"
)

// L6: a human's lock is a lease: released lockGracePeriod after the holder's connection is gone,
// kept while a connection (or a heartbeat) renews it.
func TestLockLeases(t *testing.T) {
	f := newFixture(t)
	ana := f.agent("Ana", "AGENT", 5)
	a := f.queued("SMS")
	ana.Do(open, id(a)).OK(t)
	base := time.Now()
	at := func(d time.Duration) *desk.Desk {
		return desk.New(f.S.DB, f.S.Bus).WithClock(func() time.Time { return base.Add(d) })
	}
	ctx := context.Background()

	// While connected, this instance renews the lease.
	sub := connect(t, f, ana)
	f.S.DB.Client.Conversation.UpdateOneID(atoi(t, a)).SetLockExpiresAt(base.Add(-time.Second)).ExecX(testapi.Sys())
	if err := f.S.Leases.Renew(ctx); err != nil { // what the instance's ticker does
		t.Fatal(err)
	}
	if n, err := at(time.Second).ExpireLeases(ctx); err != nil || n != 0 {
		t.Fatalf("a lease renewed for a connected agent expired: %d %v", n, err)
	}
	sub.Close()
	testapi.Eventually(t, 2*time.Second, "the condition", func() bool { return !f.S.Leases.IsConnected(f.WS.Workspace.ID, atoi(t, ana.AgentID)) })

	// Gone for longer than the grace period: released, with an event saying why.
	if n, err := at(111 * time.Second).ExpireLeases(ctx); err != nil || n != 1 {
		t.Fatalf("L6: expired lease not released: %d %v", n, err)
	}
	if f.Conv(a).LockHolderID != nil {
		t.Fatal("L6: the lock is still held")
	}
	if ts := f.eventTypes(a); ts[len(ts)-1] != "lock.released" {
		t.Fatalf("E1: %v", ts)
	}
	if n, _ := at(200 * time.Second).ExpireLeases(ctx); n != 0 {
		t.Fatal("a lease was released twice")
	}

	// A heartbeat renews it for clients without a WebSocket.
	ana.Do(open, id(a)).OK(t)
	before := f.Conv(a).LockExpiresAt.Add(-time.Minute) // as if the lease were a minute older (written, not waited for)
	f.S.DB.Client.Conversation.UpdateOneID(atoi(t, a)).SetLockExpiresAt(before).ExecX(testapi.Sys())
	updated := f.Conv(a).UpdatedAt
	if !ana.Do(`mutation{heartbeat}`, nil).OK(t).Path(t, "heartbeat").(bool) || !f.Conv(a).LockExpiresAt.After(before) {
		t.Fatal("heartbeat did not renew the lease")
	}
	// A renewal is the lock's bookkeeping, not a change of the conversation: updatedAt stays.
	if got := f.Conv(a).UpdatedAt; !got.Equal(updated) {
		t.Fatalf("a lease renewal moved updatedAt from %v to %v", updated, got)
	}
	f.WS.Admin.Do(`mutation{updateWorkspaceSettings(input:{lockGracePeriodSeconds:5}){id}}`, nil).WantCode(t, "BAD_USER_INPUT")
}

// A renewal never waits on a conversation being changed while holding the other leases it
// renews (which would queue every operation on those behind it): with one lease's row locked by an
// operation, the others are renewed at once, and that one as soon as the operation ends.
func TestLeaseRenewalWaitsForNoOperation(t *testing.T) {
	f := newFixture(t)
	if !f.S.DB.RowLocks() {
		t.Skip("row locks: Postgres only (TEST_DATABASE_URL)")
	}
	a, b := f.queued("SMS"), f.queued("SMS")
	for i, c := range []string{a, b} { // an agent holds one lock at a time (L2)
		who := f.agent(fmt.Sprint("Agent", i), "AGENT", 5)
		who.Do(open, id(c)).OK(t)
		defer connect(t, f, who).Close()
	}
	old := time.Now().Add(-time.Second)
	for _, c := range []string{a, b} {
		f.S.DB.Client.Conversation.UpdateOneID(atoi(t, c)).SetLockExpiresAt(old).ExecX(testapi.Sys())
	}

	// An operation holds a's row.
	ctx := testapi.Sys()
	tx, err := f.S.DB.Client.Tx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.Conversation.Query().Where(conversation.ID(atoi(t, a))).ForUpdate().Only(ctx); err != nil {
		t.Fatal(err)
	}
	renewed := make(chan error, 1)
	go func() { renewed <- f.S.Leases.Renew(context.Background()) }()
	testapi.Eventually(t, 5*time.Second, "b's lease renewed while a's row is locked", func() bool { return f.Conv(b).LockExpiresAt.After(old) })
	select {
	case err := <-renewed:
		t.Fatalf("the renewal ended before a's operation did: %v", err)
	default:
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-renewed; err != nil {
		t.Fatal(err)
	}
	if !f.Conv(a).LockExpiresAt.After(old) {
		t.Fatal("L6: the lease skipped while its row was locked was not renewed")
	}
}

// A human lock stored without a lease (as the demo's are) gets one at the first renewal while its
// holder is connected, and so can expire once the holder is gone (L6).
func TestLeaseRenewalGivesALeaseToALockWithout(t *testing.T) {
	f := newFixture(t)
	ana := f.agent("Ana", "AGENT", 5)
	a := f.queued("SMS")
	ana.Do(open, id(a)).OK(t)
	defer connect(t, f, ana).Close()
	f.S.DB.Client.Conversation.UpdateOneID(atoi(t, a)).ClearLockExpiresAt().ExecX(testapi.Sys())
	if err := f.S.Leases.Renew(context.Background()); err != nil {
		t.Fatal(err)
	}
	if f.Conv(a).LockExpiresAt == nil {
		t.Fatal("L6: a lock without a lease got none from the renewal")
	}
}

// connect opens a WebSocket for who and waits until this instance counts it (its leases are
// then renewed here).
func connect(t *testing.T, f *fixture, who *testapi.Client) *testapi.Sub {
	t.Helper()
	sub := who.Subscribe(`subscription{notifications{kind}}`, nil)
	testapi.Eventually(t, 2*time.Second, "connected", func() bool { return f.S.Leases.IsConnected(f.WS.Workspace.ID, atoi(t, who.AgentID)) })
	return sub
}
