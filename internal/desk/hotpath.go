package desk

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"entgo.io/ent/dialect/sql"

	"switchboard/ent"
	"switchboard/ent/conversation"
	"switchboard/ent/schema/enum"
	"switchboard/internal/auth"
	"switchboard/internal/events"
)

// On Postgres, an ordinary claim or release runs as one statement: the functions of
// storage/hotpaths.sql decide and write exactly what Claim and Release do (same rows, same
// events, same locks in the same order), in one round trip instead of a dozen. A function returns
// no row, having written nothing, whenever the case is not the ordinary one (a conflict, a lock
// held by another, a cap, a pool, a bot, an intervention, a timer); the operation then runs its
// ordinary way (run), which decides it from scratch and says why not. TestHotPathsMatch holds the
// two ways to the same result.

// hotClaim is Claim's hot path; ok is false when the ordinary way must decide.
func (d *Desk) hotClaim(ctx context.Context, id int) (c *ent.Conversation, ok bool, err error) {
	v, err := auth.Member(ctx)
	if err != nil || !d.hotPaths || v.Kind != enum.KindHuman || v.Role == enum.RoleClientUser {
		return nil, false, nil
	}
	return d.hot(ctx, v, events.ConversationClaimed, "switchboard_claim",
		id, v.WorkspaceID, v.AgentID, v.Role.AtLeast(enum.RoleSupervisor), d.now(), time.Now())
}

// hotRelease is Release's hot path; ok is false when the ordinary way must decide.
func (d *Desk) hotRelease(ctx context.Context, id int) (c *ent.Conversation, ok bool, err error) {
	v, err := auth.Member(ctx)
	if err != nil || !d.hotPaths {
		return nil, false, nil
	}
	return d.hot(ctx, v, events.ConversationReleased, "switchboard_release", id, v.WorkspaceID, v.AgentID, d.now(), time.Now())
}

// hot calls fn(args) and reads the conversation it returns through ent (the function's result
// stands in for the table), then announces the commit with the operation's main event.
func (d *Desk) hot(ctx context.Context, v *auth.Viewer, typ, fn string, args ...any) (*ent.Conversation, bool, error) {
	rows, err := d.client.Conversation.Query().Modify(func(s *sql.Selector) {
		s.Prefix(sql.ExprFunc(func(b *sql.Builder) {
			b.WriteString("WITH ").Ident(conversation.Table).WriteString(" AS (SELECT * FROM " + fn + "(").Args(args...).WriteString("))")
		}))
	}).All(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("%s: %w", fn, err)
	}
	if len(rows) == 0 {
		return nil, false, nil
	}
	c := rows[0]
	hotDecided.Add(1)
	d.bus.Announce([]events.Entry{{WorkspaceID: v.WorkspaceID, Type: typ, ConversationID: c.ID, ActorID: v.AgentID, SubjectID: v.AgentID}})
	return c, true, nil
}

// hotDecided counts the operations the hot paths decided.
var hotDecided atomic.Int64

// HotDecided is how many claims and releases the hot paths decided since the process started.
func HotDecided() int64 { return hotDecided.Load() }
