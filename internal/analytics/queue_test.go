package analytics_test

import (
	"testing"
	"time"

	"switchboard/ent/schema/enum"
	"switchboard/internal/testapi"
)

// §8 queueStats: depth and longest wait per channel now, SLA breaches in the period; supervisors
// and above only, confined to the workspace.
func TestQueueStats(t *testing.T) {
	s := testapi.New(t)
	f := testapi.NewFixture(t, s, "acme").WithoutInception()
	ws := f.WS
	oldest := f.Arrive("SMS")
	f.Arrive("SMS")
	f.Arrive("SMS")
	f.Arrive("EMAIL")
	testapi.NewFixture(t, s, "other").WithoutInception().Arrive("SMS")
	// The oldest has waited a minute and a half (written, not waited for).
	s.DB.Client.Conversation.UpdateOneID(atoi(oldest)).SetQueuedSince(time.Now().Add(-90 * time.Second)).ExecX(testapi.Sys())

	q := `{queueStats{channel depth longestWaitSeconds slaBreaches}}`
	ws.NewAgent("ana@acme.test", "AGENT").Do(q, nil).WantCode(t, "FORBIDDEN")
	var out struct {
		QueueStats []struct {
			Channel            string
			Depth              int
			LongestWaitSeconds *int
			SLABreaches        int
		}
	}
	ws.NewAgent("sue@acme.test", "SUPERVISOR").Do(q, nil).OK(t).Decode(t, &out)
	got := map[string]int{}
	for _, st := range out.QueueStats {
		got[st.Channel] = st.Depth
		if st.Channel == "SMS" && (st.LongestWaitSeconds == nil || *st.LongestWaitSeconds < 90 || *st.LongestWaitSeconds > 95) {
			t.Fatalf("longest wait: %+v", st)
		}
		if st.Channel == "FACEBOOK" && st.LongestWaitSeconds != nil {
			t.Fatal("nobody waits on FACEBOOK")
		}
	}
	if got["SMS"] != 3 || got["EMAIL"] != 1 || got["FACEBOOK"] != 0 || len(out.QueueStats) != len(enum.ChannelSMS.Values()) {
		t.Fatalf("depths (the other workspace's must not count): %v", got)
	}
	ws.Admin.Do(`{queueStats(from:"2026-01-02T00:00:00Z",to:"2026-01-01T00:00:00Z"){depth}}`, nil).WantCode(t, "BAD_USER_INPUT")
}
