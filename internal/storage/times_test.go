package storage_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"switchboard/internal/storage"
)

// SQLite compares times as the text the driver wrote. Written as storage.sqliteTimes says, a time
// equals itself read back and times sort as they happened, whatever zone they were made in; a
// time straight from time.Now (monotonic reading) included.
func TestSQLiteTimesCompareAsTimes(t *testing.T) {
	db, err := storage.Open(context.Background(), "sqlite://"+filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.SQL.Exec("CREATE TABLE tt (id integer PRIMARY KEY, at datetime)"); err != nil {
		t.Fatal(err)
	}
	now := time.Now() // with its monotonic reading
	paris := time.FixedZone("CET", 3600)
	times := []time.Time{now, now.Add(500 * time.Millisecond).In(paris), now.Add(-time.Second).In(time.FixedZone("x", -7*3600)), now.Truncate(time.Second).Add(2 * time.Second)}
	for i, at := range times {
		if _, err := db.SQL.Exec("INSERT INTO tt (id, at) VALUES (?, ?)", i, at); err != nil {
			t.Fatal(err)
		}
	}
	var back time.Time
	if err := db.SQL.QueryRow("SELECT at FROM tt WHERE id = 0").Scan(&back); err != nil {
		t.Fatal(err)
	}
	var same, later int
	db.SQL.QueryRow("SELECT count(*) FROM tt WHERE at = ?", back).Scan(&same)
	db.SQL.QueryRow("SELECT count(*) FROM tt WHERE id = 0 AND at > ?", back).Scan(&later)
	if same != 1 || later != 0 {
		t.Fatalf("a time read back: %d equal (want 1), %d later than itself (want 0)", same, later)
	}
	rows, err := db.SQL.Query("SELECT id FROM tt ORDER BY at")
	if err != nil {
		t.Fatal(err)
	}
	var order []int
	for rows.Next() {
		var id int
		rows.Scan(&id)
		order = append(order, id)
	}
	if want := []int{2, 0, 1, 3}; len(order) != 4 || order[0] != want[0] || order[1] != want[1] || order[2] != want[2] || order[3] != want[3] {
		t.Fatalf("sorted %v, want %v (by time, across zones)", order, want)
	}
}

// The times stored before (Go's Time.String: local zone, monotonic reading) are rewritten by
// migration …_sqlite_times.sql into the driver's form: the same instant, comparable again.
func TestSQLiteTimesOfBeforeAreRewritten(t *testing.T) {
	db, err := storage.Open(context.Background(), "sqlite://"+filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if err := db.MigrateTo(ctx, "20261206224337"); err != nil { // the release before
		t.Fatal(err)
	}
	if _, err := db.SQL.Exec("INSERT INTO workspaces (id, name, slug, created_at) VALUES (1, 'w', 'w', '2026-12-07 19:52:28 +0000 UTC')"); err != nil {
		t.Fatal(err)
	}
	old := map[int]string{ // as the driver wrote them before, and the instant each is
		1: "2026-12-07 19:52:28.298655156 +0000 UTC m=+0.205599509",
		2: "2026-03-29 01:30:00.5 +0100 CET",
		3: "2026-07-01 23:59:59.000001 -0700 PDT m=+12.5",
		4: "2026-12-07 19:52:28 +0000 UTC",
	}
	for id, s := range old {
		if _, err := db.SQL.Exec("INSERT INTO customers (id, workspace_id, name, created_at) VALUES (?, 1, 'c', ?)", id, s); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.SQL.Exec("INSERT INTO customers (id, workspace_id, name, created_at) VALUES (5, 1, 'c', ?)", time.Date(2026, 12, 7, 19, 52, 28, 298655156, time.UTC)); err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	want := map[int]string{
		1: "2026-12-07 19:52:28.298655156+00:00",
		2: "2026-03-29 00:30:00.5+00:00",
		3: "2026-07-02 06:59:59.000001+00:00",
		4: "2026-12-07 19:52:28+00:00",
		5: "2026-12-07 19:52:28.298655156+00:00", // written as the driver writes now: untouched
	}
	for id, w := range want {
		var got string
		if err := db.SQL.QueryRow("SELECT CAST(created_at AS TEXT) FROM customers WHERE id = ?", id).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != w {
			t.Errorf("customer %d: %q, want %q", id, got, w)
		}
	}
}

// An SQLite URL of the operator's gets the time parameters it lacks, and one that sets them
// otherwise is refused: times compare as their text.
func TestSQLiteURLTimes(t *testing.T) {
	dir := t.TempDir()
	db, err := storage.Open(context.Background(), "file:"+filepath.Join(dir, "a.db")+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Now()
	db.SQL.Exec("CREATE TABLE tt (at datetime)")
	db.SQL.Exec("INSERT INTO tt VALUES (?)", now)
	var text string
	if err := db.SQL.QueryRow("SELECT CAST(at AS TEXT) FROM tt").Scan(&text); err != nil {
		t.Fatal(err)
	}
	if want := now.UTC().Format("2006-01-02 15:04:05.999999999-07:00"); text != want {
		t.Fatalf("stored %q, want %q", text, want)
	}
	for _, q := range []string{"?_time_format=datetime", "?_timezone=Europe/Paris", "?_time_format=sqlite&_timezone=Local"} {
		if _, err := storage.Open(context.Background(), "file:"+filepath.Join(dir, "b.db")+q); err == nil {
			t.Errorf("%s accepted", q)
		}
	}
}
