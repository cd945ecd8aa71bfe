package desk

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"switchboard/ent"
	"switchboard/ent/conversation"
	"switchboard/ent/predicate"
	"switchboard/ent/schema/enum"
	"switchboard/internal/events"
	"switchboard/internal/storage"
	"switchboard/internal/tenant"
)

// SweepStale flags claims whose owner has been inactive for the workspace's staleClaimAfter
// (C8), and, where the workspace enables it, releases those inactive for autoReleaseAfter. Every
// change is a conditional UPDATE, so several instances may sweep at once and each claim is flagged
// or released once. It returns how many claims it flagged and released.
func (d *Desk) SweepStale(ctx context.Context) (flagged, released int, err error) {
	sys := tenant.System(ctx)
	now := d.now()
	wss, err := d.client.Workspace.Query().All(sys)
	if err != nil {
		return 0, 0, fmt.Errorf("sweep: workspaces: %w", err)
	}
	for _, ws := range wss {
		claimed := []predicate.Conversation{
			conversation.WorkspaceID(ws.ID), conversation.HumanOwned(true), conversation.IsOpen(true),
			conversation.StatusIn(enum.StatusNew, enum.StatusPending),
		}
		if ws.AutoReleaseEnabled {
			cutoff := now.Add(-time.Duration(ws.AutoReleaseAfterSeconds) * time.Second)
			n, err := d.sweep(sys, ws, append(claimed, conversation.OwnerActiveAtLT(cutoff)), func(tx *ent.Tx, c *ent.Conversation, where []predicate.Conversation) (bool, error) {
				u := tx.Conversation.Update().Where(where...).ClearOwnerID().SetHumanOwned(false).ClearClaimedAt().
					ClearOwnerActiveAt().SetStale(false).SetQueuedSince(now).AddVersion(1)
				var evs []events.Entry
				if c.LockHolderID != nil && *c.LockHolderID == *c.OwnerID {
					u.ClearLockHolderID().SetHumanLock(false).ClearLockAcquiredAt().ClearLockExpiresAt()
					evs = append(evs, events.Entry{WorkspaceID: ws.ID, Type: events.LockReleased, ConversationID: c.ID,
						SubjectID: *c.OwnerID, Version: c.Version + 1, Before: map[string]any{"holder": *c.OwnerID},
						After: map[string]any{"holder": nil, "reason": "ownership dropped"}})
				}
				n, err := u.Save(ctx)
				if n == 0 || err != nil {
					return false, err
				}
				evs = append(evs, events.Entry{WorkspaceID: ws.ID, Type: events.ConversationAutoReleased,
					ConversationID: c.ID, SubjectID: *c.OwnerID, Version: c.Version + 1,
					Before: map[string]any{"owner": *c.OwnerID}, After: map[string]any{"owner": nil}})
				moved, err := ownerLeft(sys, tx, ws, c, c.CustomerPresent, now)
				if err != nil {
					return false, err
				}
				if moved != "" {
					evs = append(evs, events.Entry{WorkspaceID: ws.ID, Type: events.StateChanged, ConversationID: c.ID,
						Version: c.Version + 1, Before: map[string]any{"state": c.State}, After: map[string]any{"state": moved}})
				}
				return true, d.bus.Append(ctx, tx, evs...)
			})
			released += n
			if err != nil {
				return flagged, released, err
			}
		}
		cutoff := now.Add(-time.Duration(ws.StaleClaimAfterSeconds) * time.Second)
		n, err := d.sweep(sys, ws, append(claimed, conversation.Stale(false), conversation.OwnerActiveAtLT(cutoff)), func(tx *ent.Tx, c *ent.Conversation, where []predicate.Conversation) (bool, error) {
			n, err := tx.Conversation.Update().Where(where...).SetStale(true).AddVersion(1).Save(ctx)
			if n == 0 || err != nil {
				return false, err
			}
			return true, d.bus.Append(ctx, tx, events.Entry{WorkspaceID: ws.ID, Type: events.ClaimStale,
				ConversationID: c.ID, SubjectID: *c.OwnerID, Version: c.Version + 1,
				Before: map[string]any{"stale": false}, After: map[string]any{"stale": true, "ownerActiveAt": c.OwnerActiveAt}})
		})
		flagged += n
		if err != nil {
			return flagged, released, err
		}
	}
	return flagged, released, nil
}

// sweep applies change to each conversation matching where, one transaction each; change gets
// the predicates again (with the id) so that it only writes rows still matching.
func (d *Desk) sweep(ctx context.Context, ws *ent.Workspace, where []predicate.Conversation,
	change func(tx *ent.Tx, c *ent.Conversation, where []predicate.Conversation) (bool, error)) (int, error) {
	cs, err := d.client.Conversation.Query().Where(where...).Limit(1000).All(ctx)
	if err != nil {
		return 0, fmt.Errorf("sweep: %w", err)
	}
	done := 0
	for _, c := range cs {
		var ok bool
		err := storage.InTx(ctx, d.client, func(tx *ent.Tx) (err error) {
			ok, err = change(tx, c, append(where, conversation.ID(c.ID), conversation.Version(c.Version)))
			return err
		})
		if err != nil {
			return done, err
		}
		if ok {
			done++
		}
	}
	return done, nil
}

// RunSweeper sweeps stale claims every interval until ctx ends.
func (d *Desk) RunSweeper(ctx context.Context, every time.Duration) {
	repeat(ctx, every, func() {
		if f, r, err := d.SweepStale(ctx); err != nil {
			slog.ErrorContext(ctx, "stale-claim sweep", "err", err)
		} else if f+r > 0 {
			slog.InfoContext(ctx, "stale-claim sweep", "flagged", f, "released", r)
		}
	})
}

// repeat runs fn every interval until ctx ends.
func repeat(ctx context.Context, every time.Duration, fn func()) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			fn()
		}
	}
}
