package analytics_test

import (
	"fmt"
	"testing"
	"time"

	"switchboard/ent/agent"
	"switchboard/ent/schema/enum"
	"switchboard/internal/testapi"
)

// §8 queueStats: depth and longest wait per channel now, SLA breaches in the period; supervisors
// and above only, confined to the workspace.
func TestQueueStats(t *testing.T) {
	s := testapi.New(t)
	ws := s.NewWorkspace("acme")
	s.DB.Client.Agent.Update().Where(agent.WorkspaceID(ws.Workspace.ID), agent.VaRoleEQ(enum.VARoleInception)).SetActive(false).ExecX(testapi.Sys())
	conn := ws.NewKey(ws.NewBot("Connector", "DELEGATION"))
	for i := range 3 {
		conn.Do(`mutation($h:String!){ingestCustomerMessage(input:{channel:SMS,customerHandle:$h,text:"hi"}){id}}`, testapi.Vars{"h": fmt.Sprint("c", i)}).OK(t)
	}
	conn.Do(`mutation{ingestCustomerMessage(input:{channel:EMAIL,customerHandle:"e1",text:"hi"}){id}}`, nil).OK(t)
	other := s.NewWorkspace("other")
	oconn := other.NewKey(other.NewBot("Connector", "DELEGATION"))
	s.DB.Client.Agent.Update().Where(agent.WorkspaceID(other.Workspace.ID), agent.VaRoleEQ(enum.VARoleInception)).SetActive(false).ExecX(testapi.Sys())
	oconn.Do(`mutation{ingestCustomerMessage(input:{channel:SMS,customerHandle:"x",text:"hi"}){id}}`, nil).OK(t)
	time.Sleep(1100 * time.Millisecond) // the oldest has waited at least a second

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
		if st.Channel == "SMS" && (st.LongestWaitSeconds == nil || *st.LongestWaitSeconds < 1) {
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
