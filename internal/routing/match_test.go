package routing

import (
	"slices"
	"testing"
	"time"

	"switchboard/ent/schema/enum"
)

func ptr[T any](v T) *T { return &v }

// R3, R4: the choice for a table of cases.
func TestMatch(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	sms := enum.ChannelSMS
	agent := func(id, load int, idle time.Duration, mods ...func(*Candidate)) *Candidate {
		c := &Candidate{ID: id, Capacity: map[enum.Channel]int{sms: 3}, OnChannel: map[enum.Channel]int{sms: load},
			Open: load, IdleSince: t0.Add(-idle)}
		for _, m := range mods {
			m(c)
		}
		return c
	}
	conv := func(id int, mods ...func(*Waiting)) Waiting {
		w := Waiting{ID: id, Channel: sms}
		for _, m := range mods {
			m(&w)
		}
		return w
	}
	cases := []struct {
		name  string
		queue []Waiting
		cands []*Candidate
		max   int
		want  map[int]int // conversation → agent (absent: stays queued)
	}{
		{"R4 least loaded on the channel wins", []Waiting{conv(1)},
			[]*Candidate{agent(1, 2, time.Hour), agent(2, 1, time.Minute)}, 20, map[int]int{1: 2}},
		{"R4 equal load: idle longest wins", []Waiting{conv(1)},
			[]*Candidate{agent(1, 1, time.Minute), agent(2, 1, time.Hour)}, 20, map[int]int{1: 2}},
		{"R4 all equal: the lower id (deterministic)", []Waiting{conv(1)},
			[]*Candidate{agent(2, 1, time.Minute), agent(1, 1, time.Minute)}, 20, map[int]int{1: 1}},
		{"R4 loads update as it goes: spread over agents", []Waiting{conv(1), conv(2), conv(3)},
			[]*Candidate{agent(1, 0, time.Minute), agent(2, 0, 2*time.Minute)}, 20, map[int]int{1: 2, 2: 1, 3: 1}},
		{"R2 at channel capacity: nobody", []Waiting{conv(1)},
			[]*Candidate{agent(1, 3, time.Hour)}, 20, map[int]int{}},
		{"C6 at maxClaimsPerAgent: nobody", []Waiting{conv(1)},
			[]*Candidate{agent(1, 1, time.Hour, func(c *Candidate) { c.Open = 5 })}, 5, map[int]int{}},
		{"R1 not permitted on the channel", []Waiting{conv(1, func(w *Waiting) { w.Channel = enum.ChannelEmail })},
			[]*Candidate{agent(1, 0, time.Hour)}, 20, map[int]int{}},
		{"R3 skills: every one required", []Waiting{conv(1, func(w *Waiting) { w.Skills = []string{"billing", "vip"} })},
			[]*Candidate{agent(1, 0, time.Hour, func(c *Candidate) { c.Skills = []string{"billing"} }),
				agent(2, 2, 0, func(c *Candidate) { c.Skills = []string{"vip", "billing", "x"} })}, 20, map[int]int{1: 2}},
		{"R3 language", []Waiting{conv(1, func(w *Waiting) { w.Language = ptr("es") })},
			[]*Candidate{agent(1, 0, time.Hour, func(c *Candidate) { c.Languages = []string{"en"} }),
				agent(2, 2, 0, func(c *Candidate) { c.Languages = []string{"en", "es"} })}, 20, map[int]int{1: 2}},
		{"R3 team", []Waiting{conv(1, func(w *Waiting) { w.Team = ptr(7) })},
			[]*Candidate{agent(1, 0, time.Hour), agent(2, 2, 0, func(c *Candidate) { c.Teams = []int{7} })}, 20, map[int]int{1: 2}},
		{"C7 pools", []Waiting{conv(1, func(w *Waiting) { w.Pools = []string{"senior"} })},
			[]*Candidate{agent(1, 0, time.Hour), agent(2, 2, 0, func(c *Candidate) { c.Pools = []string{"senior"} })}, 20, map[int]int{1: 2}},
		{"R5 a conversation nobody may take does not hold up the next", []Waiting{conv(1, func(w *Waiting) { w.Skills = []string{"x"} }), conv(2)},
			[]*Candidate{agent(1, 0, time.Hour)}, 20, map[int]int{2: 1}},
		{"R5 queue order decides who gets the last slot", []Waiting{conv(9), conv(3)},
			[]*Candidate{agent(1, 2, time.Hour)}, 20, map[int]int{9: 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := map[int]int{}
			for _, p := range Match(tc.queue, tc.cands, tc.max, t0) {
				got[p.Conversation.ID] = p.Agent
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for c, a := range tc.want {
				if got[c] != a {
					t.Fatalf("got %v, want %v", got, tc.want)
				}
			}
		})
	}
}

// C9, L2, L4: an agent that holds no lock gets the lock of its first routed conversation that no
// human holds, the rest owned only; one that holds a lock gets ownership only.
func TestLockOfFirstConversationNoHumanHolds(t *testing.T) {
	const free, busy, looking = 1, 2, 3
	pairs := []Pair{
		{Agent: free, Conversation: Waiting{ID: 1, Holder: looking, HumanLock: true}}, // someone looks at it: it keeps the lock
		{Agent: busy, Conversation: Waiting{ID: 2}},
		{Agent: free, Conversation: Waiting{ID: 3, Holder: 9}}, // a bot's lock: it goes with the bot's ownership
		{Agent: free, Conversation: Waiting{ID: 4}},
	}
	giveLocks(pairs, map[int]bool{busy: true})
	var got []bool
	for _, p := range pairs {
		got = append(got, p.Lock)
	}
	if want := []bool{false, false, true, false}; !slices.Equal(got, want) {
		t.Fatalf("locks %v, want %v", got, want)
	}
}
