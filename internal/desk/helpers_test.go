package desk_test

import (
	"strconv"
	"testing"

	"switchboard/ent/agent"
	"switchboard/ent/predicate"
	"switchboard/ent/schema/enum"
)

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("id %q: %v", s, err)
	}
	return n
}

func agentIsBot() predicate.Agent { return agent.KindEQ(enum.KindVirtual) }
