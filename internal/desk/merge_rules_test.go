package desk_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"switchboard/ent/conversation"
	"switchboard/ent/schema/enum"
	"switchboard/internal/testapi"
)

// TestCustomersFollowTheirHandles plays random histories of customers writing from handles on
// every channel, supervisors merging customers, and housekeeping closing conversations, against a
// reference written from §1, §6, I7 and docs/api.md:
//
//   - a handle is one customer per channel; a phone number on SMS and WhatsApp, an address on email
//     and live chat, is the customer it first named on the other (Facebook's and Instagram's ids
//     never are);
//   - a message goes to its customer's open conversation on its channel, else to its newest open
//     one (on another channel: it gains a session there), else starts one on its channel;
//   - a merge moves every handle and conversation of from to into and removes from; it is refused
//     (INVALID_STATE, nothing changed) when both have a conversation open on one channel, and
//     NOT_FOUND for a customer merged before;
//   - history is every other conversation of the customer, whoever's it was before a merge.
//
// MERGE_CASES=<n> plays n worlds (default 8); MERGE_SEED=<seed> MERGE_CASES=1 replays one.
func TestCustomersFollowTheirHandles(t *testing.T) {
	cases, seed := 8, uint64(time.Now().UnixNano()%1_000_000_000)
	if v, err := strconv.Atoi(os.Getenv("MERGE_CASES")); err == nil {
		cases = v
	}
	if v, err := strconv.ParseUint(os.Getenv("MERGE_SEED"), 10, 64); err == nil {
		seed = v
	}
	s := testapi.New(t)
	for i := range cases {
		playMerges(t, s, seed+uint64(i), i)
	}
}

// mHandle is a handle the world's customers write from.
type mHandle struct {
	value    string
	siblings []enum.Channel // the channels on which it names one customer (nil: only its own)
}

// mWorld is the reference: who each identity is, and each conversation's customer and channel.
type mWorld struct {
	identity map[string]int // channel + " " + handle → customer id
	convs    map[int]*mConv
	gone     map[int]bool // customers merged away
}

type mConv struct {
	customer int
	ch       enum.Channel
	open     bool
}

func playMerges(t *testing.T, s *testapi.Server, seed uint64, n int) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, seed^0x3e76e))
	ws := s.NewWorkspace(fmt.Sprintf("merge-%d-%d", seed, n))
	conn := ws.NewKey(ws.NewBot("Connector", "DELEGATION"))
	sup := ws.NewAgent(fmt.Sprintf("sue%d@merge.test", n), "SUPERVISOR")
	var handles []mHandle
	for i := range 3 {
		handles = append(handles,
			mHandle{fmt.Sprintf("+1555030%04d", i), []enum.Channel{enum.ChannelSMS, enum.ChannelWhatsApp}},
			mHandle{fmt.Sprintf("c%d@merge.test", i), []enum.Channel{enum.ChannelEmail, enum.ChannelLiveChat}},
			mHandle{fmt.Sprintf("page-%d", i), nil})
	}
	w := &mWorld{identity: map[string]int{}, convs: map[int]*mConv{}, gone: map[int]bool{}}
	var played []string
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("%s\nreplay: MERGE_SEED=%d MERGE_CASES=1 go test -count=1 -run TestCustomersFollowTheirHandles ./internal/desk/\nplayed:\n  %s",
			fmt.Sprintf(format, args...), seed, strings.Join(played, "\n  "))
	}
	channelsOf := func(h mHandle) []enum.Channel {
		if h.siblings != nil {
			return h.siblings
		}
		return []enum.Channel{enum.ChannelFacebook, enum.ChannelInstagram}
	}
	customers := func() []int {
		var out []int
		for _, c := range w.identity {
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
		slices.Sort(out)
		return out
	}
	for range 40 {
		switch k := rng.IntN(10); {
		case k < 6: // a customer writes
			h := handles[rng.IntN(len(handles))]
			chs := channelsOf(h)
			ch := chs[rng.IntN(len(chs))]
			played = append(played, fmt.Sprintf("%s writes on %s", h.value, ch))
			// Who it is: this identity's customer, else the one it first named on a sibling channel.
			cust, known := w.identity[string(ch)+" "+h.value]
			if !known && h.siblings != nil {
				for _, sib := range h.siblings {
					if c, ok := w.identity[string(sib)+" "+h.value]; ok {
						cust, known = c, true // one sibling channel besides ch: the first is the only
					}
				}
			}
			// Where it goes: the open conversation on ch, else the newest open one, else a new one.
			want, onCh := 0, 0 // a customer has at most one open conversation per channel
			for id, c := range w.convs {
				if known && c.customer == cust && c.open {
					want = max(want, id)
					if c.ch == ch {
						onCh = id
					}
				}
			}
			if onCh != 0 {
				want = onCh
			}
			r := conn.Do(ingest, testapi.Vars{"in": map[string]any{"channel": string(ch), "customerHandle": h.value, "text": "hello"}}).OK(t)
			got, gotCust := atoi(t, r.Str(t, "ingestCustomerMessage.id")), atoi(t, r.Str(t, "ingestCustomerMessage.customer.id"))
			switch {
			case known && gotCust != cust:
				fail("%s on %s is customer %d, want %d", h.value, ch, gotCust, cust)
			case want != 0 && got != want:
				fail("%s on %s went to conversation %d, want its open one %d", h.value, ch, got, want)
			case want == 0 && w.convs[got] != nil:
				fail("%s on %s went to conversation %d, want a new one (none of its customer is open)", h.value, ch, got)
			}
			w.identity[string(ch)+" "+h.value] = gotCust
			if want == 0 {
				w.convs[got] = &mConv{customer: gotCust, ch: ch, open: true}
			}
		case k < 8: // a supervisor merges two customers (sometimes one merged away before)
			cs := customers()
			if len(cs) < 2 {
				continue
			}
			into, from := cs[rng.IntN(len(cs))], cs[rng.IntN(len(cs))]
			if into == from {
				continue
			}
			if rng.IntN(6) == 0 && len(w.gone) > 0 {
				for g := range w.gone {
					from = g
					break
				}
			}
			played = append(played, fmt.Sprintf("merge %d into %d", from, into))
			r := sup.Do(merge, testapi.Vars{"into": strconv.Itoa(into), "from": strconv.Itoa(from)})
			clash := false
			for _, a := range w.convs {
				for _, b := range w.convs {
					clash = clash || a.open && b.open && a.ch == b.ch && a.customer == into && b.customer == from
				}
			}
			switch {
			case w.gone[from]:
				r.WantCode(t, "NOT_FOUND")
			case clash:
				r.WantCode(t, "INVALID_STATE")
			default:
				r.OK(t)
				for k, c := range w.identity {
					if c == from {
						w.identity[k] = into
					}
				}
				for _, c := range w.convs {
					if c.customer == from {
						c.customer = into
					}
				}
				w.gone[from] = true
			}
		default: // housekeeping closes an open conversation
			var open []int
			for id, c := range w.convs {
				if c.open {
					open = append(open, id)
				}
			}
			if len(open) == 0 {
				continue
			}
			slices.Sort(open)
			id := open[rng.IntN(len(open))]
			played = append(played, fmt.Sprintf("conversation %d closes", id))
			s.DB.Client.Conversation.UpdateOneID(id).SetState(enum.StateClosed).SetStatus(enum.StatusResolved).SetIsOpen(false).
				ExecX(testapi.Sys())
			w.convs[id].open = false
		}
		// Every conversation's customer, and its history: the customer's other conversations.
		rows := s.DB.Client.Conversation.Query().Where(conversation.WorkspaceID(ws.Workspace.ID)).AllX(testapi.Sys())
		if len(rows) != len(w.convs) {
			fail("%d conversations, want %d", len(rows), len(w.convs))
		}
		for _, c := range rows {
			if m := w.convs[c.ID]; m == nil || m.customer != c.CustomerID || m.open != c.IsOpen {
				fail("conversation %d: customer %d open %v, want %+v", c.ID, c.CustomerID, c.IsOpen, m)
			}
		}
		if len(rows) > 0 {
			pick := rows[rng.IntN(len(rows))]
			var want []string
			for id, c := range w.convs {
				if c.customer == pick.CustomerID && id != pick.ID {
					want = append(want, strconv.Itoa(id))
				}
			}
			var got []string
			for _, h := range sup.Do(`query($id:ID!){node(id:$id){... on Conversation{history(first:100){id}}}}`,
				testapi.Vars{"id": strconv.Itoa(pick.ID)}).OK(t).Path(t, "node.history").([]any) {
				got = append(got, h.(map[string]any)["id"].(string))
			}
			slices.Sort(want)
			slices.Sort(got)
			if !slices.Equal(got, want) {
				fail("I7: history of conversation %d is %v, want %v", pick.ID, got, want)
			}
		}
	}
}
