package enum_test

import (
	"testing"

	"switchboard/ent/schema/enum"
	"switchboard/internal/fault"
)

// SPEC §9: a value outside an enum is BAD_USER_INPUT, never an internal error, including a member's
// name in another case ("agent"), which gqlparser's validation lets through to UnmarshalGQL (found
// by internal/attack's bad-input matrix).
func TestUnmarshalOutsideTheSet(t *testing.T) {
	for _, v := range []any{"agent", "Agent", "NOT_A_ROLE", "", 1, nil, map[string]any{}} {
		var r enum.Role
		err := r.UnmarshalGQL(v)
		if f, ok := fault.As(err); !ok || f.Code != fault.BadUserInput {
			t.Errorf("UnmarshalGQL(%#v) = %v, want BAD_USER_INPUT", v, err)
		}
	}
	var ch enum.Channel
	if err := ch.UnmarshalGQL("live_chat"); err == nil {
		t.Error("a channel in lower case was accepted")
	}
	var r enum.Role
	if err := r.UnmarshalGQL("AGENT"); err != nil || r != enum.RoleAgent {
		t.Errorf("UnmarshalGQL(AGENT) = %v, %v", r, err)
	}
}
