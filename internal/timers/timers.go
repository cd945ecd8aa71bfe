// Package timers owns durable timers (SPEC §6 customer inactivity and SLA; C8, L6, E6): they are
// written in the caller's transaction, stop while a conversation is on hold, and fire at most once.
//
// A timer is a row of the timers table, so it survives restarts. Schedule, Cancel, Pause and
// Resume change it inside the caller's transaction (the one that changes the conversation), so a
// rolled-back change leaves the timers as they were. A Worker on any number of instances fires
// the due ones (see Worker). A timer fires at most once and is never lost: the handler runs in the
// same transaction that marks the timer FIRED, so either both commit or neither does.
//
// Lock order: a conversation's row, then its timers. The desk's transactions lock the
// conversation and then call Pause, Resume, Schedule or Cancel; the Worker claims a timer only
// together with its conversation's row (and skips both when either is locked), so the two never
// wait on each other in opposite order.
//
// Every change to a timer is a conditional UPDATE on its status, so a hold racing the timer's
// firing has one outcome: either the timer fires first (and the pause finds nothing to pause) or
// the pause does (and the timer does not fire). Handlers therefore still re-check the
// conversation's state under its row lock, as any writer does.
package timers

import (
	"context"
	"errors"
	"fmt"
	"time"

	"switchboard/ent"
	"switchboard/ent/predicate"
	"switchboard/ent/schema/enum"
	"switchboard/ent/timer"
)

// ErrNoConversation is returned by Cancel, Pause and Resume given no conversation.
var ErrNoConversation = errors.New("timers: a conversation id is required")

// Schedule sets the conversation's timer of kind to fire at due with payload, in tx. There is one
// live (PENDING or PAUSED) timer per conversation and kind: an existing one is replaced (updated
// in place, so resetting the customer-inactivity timer on every message adds no rows) and becomes
// PENDING with its attempts reset. conversationID 0 schedules a workspace timer (E6 purge), one
// per workspace and kind.
//
// One per conversation holds under concurrency because callers hold the conversation's row lock
// (the desk's transactions do): two transactions scheduling the same kind for one conversation
// then run one after the other.
func Schedule(ctx context.Context, tx *ent.Tx, workspaceID, conversationID int, kind enum.TimerKind, due time.Time, payload map[string]any) error {
	if err := timer.KindValidator(kind); err != nil {
		return fmt.Errorf("timers: schedule: %w", err)
	}
	// SQLite compares times as text: one zone keeps that order the time order.
	due = due.UTC()
	ids, err := tx.Timer.Query().Where(owner(workspaceID, conversationID), timer.KindEQ(kind),
		timer.StatusIn(enum.TimerPending, enum.TimerPaused)).Order(timer.ByID()).IDs(ctx)
	if err != nil {
		return fmt.Errorf("timers: schedule %s: %w", kind, err)
	}
	if len(ids) > 1 {
		// Left by writers that did not hold the conversation's lock: keep the oldest.
		if err := tx.Timer.Update().Where(timer.IDIn(ids[1:]...), timer.StatusIn(enum.TimerPending, enum.TimerPaused)).
			SetStatus(enum.TimerCancelled).Exec(ctx); err != nil {
			return fmt.Errorf("timers: schedule %s: %w", kind, err)
		}
	}
	if len(ids) > 0 {
		u := tx.Timer.UpdateOneID(ids[0]).Where(timer.StatusIn(enum.TimerPending, enum.TimerPaused)).
			SetStatus(enum.TimerPending).SetDueAt(due).ClearRemainingMs().SetAttempts(0).
			ClearLockedBy().ClearLockedUntil().ClearFiredAt()
		if payload != nil {
			u.SetPayload(payload)
		} else {
			u.ClearPayload()
		}
		err := u.Exec(ctx)
		if err == nil {
			return nil
		}
		if !ent.IsNotFound(err) {
			return fmt.Errorf("timers: schedule %s: %w", kind, err)
		}
		// It fired (or was cancelled) since we read it: a new one takes its place.
	}
	c := tx.Timer.Create().SetWorkspaceID(workspaceID).SetKind(kind).SetDueAt(due)
	if conversationID != 0 {
		c.SetConversationID(conversationID)
	}
	if payload != nil {
		c.SetPayload(payload)
	}
	if err := c.Exec(ctx); err != nil {
		return fmt.Errorf("timers: schedule %s: %w", kind, err)
	}
	return nil
}

// Cancel cancels the conversation's live (PENDING or PAUSED) timers of the given kinds, or of
// every kind when none is given. A timer that is firing at that moment is not cancelled: it fired.
func Cancel(ctx context.Context, tx *ent.Tx, conversationID int, kinds ...enum.TimerKind) error {
	if conversationID == 0 {
		return ErrNoConversation
	}
	err := tx.Timer.Update().
		Where(ofConversation(conversationID, kinds), timer.StatusIn(enum.TimerPending, enum.TimerPaused)).
		SetStatus(enum.TimerCancelled).Exec(ctx)
	if err != nil {
		return fmt.Errorf("timers: cancel: %w", err)
	}
	return nil
}

// Pause stops the clock of the conversation's PENDING timers of the given kinds (every kind when
// none is given): they become PAUSED and keep the time that was left at now (SPEC §6 ON_HOLD:
// SLA and customer-inactivity timers stop). An overdue timer keeps no time and fires on Resume.
func Pause(ctx context.Context, tx *ent.Tx, conversationID int, now time.Time, kinds ...enum.TimerKind) error {
	if conversationID == 0 {
		return ErrNoConversation
	}
	ts, err := tx.Timer.Query().Where(ofConversation(conversationID, kinds), timer.StatusEQ(enum.TimerPending)).All(ctx)
	if err != nil {
		return fmt.Errorf("timers: pause: %w", err)
	}
	for _, t := range ts {
		left := max(t.DueAt.Sub(now).Milliseconds(), 0)
		err := tx.Timer.UpdateOneID(t.ID).Where(timer.StatusEQ(enum.TimerPending)).
			SetStatus(enum.TimerPaused).SetRemainingMs(left).Exec(ctx)
		if err != nil && !ent.IsNotFound(err) { // not found: it fired meanwhile
			return fmt.Errorf("timers: pause %s: %w", t.Kind, err)
		}
	}
	return nil
}

// Resume restarts the clock of the conversation's PAUSED timers of the given kinds (every kind
// when none is given): they become PENDING, due at now plus the time that was left when paused.
func Resume(ctx context.Context, tx *ent.Tx, conversationID int, now time.Time, kinds ...enum.TimerKind) error {
	if conversationID == 0 {
		return ErrNoConversation
	}
	ts, err := tx.Timer.Query().Where(ofConversation(conversationID, kinds), timer.StatusEQ(enum.TimerPaused)).All(ctx)
	if err != nil {
		return fmt.Errorf("timers: resume: %w", err)
	}
	for _, t := range ts {
		var left time.Duration
		if t.RemainingMs != nil {
			left = time.Duration(*t.RemainingMs) * time.Millisecond
		}
		err := tx.Timer.UpdateOneID(t.ID).Where(timer.StatusEQ(enum.TimerPaused)).
			SetStatus(enum.TimerPending).SetDueAt(now.Add(left).UTC()).ClearRemainingMs().Exec(ctx)
		if err != nil && !ent.IsNotFound(err) {
			return fmt.Errorf("timers: resume %s: %w", t.Kind, err)
		}
	}
	return nil
}

// owner selects the timers of a conversation, or a workspace's own timers when conversationID is 0.
func owner(workspaceID, conversationID int) predicate.Timer {
	if conversationID == 0 {
		return timer.And(timer.WorkspaceID(workspaceID), timer.ConversationIDIsNil())
	}
	return timer.And(timer.WorkspaceID(workspaceID), timer.ConversationID(conversationID))
}

// ofConversation selects the conversation's timers of the given kinds, or of all kinds.
func ofConversation(conversationID int, kinds []enum.TimerKind) predicate.Timer {
	if len(kinds) == 0 {
		return timer.ConversationID(conversationID)
	}
	return timer.And(timer.ConversationID(conversationID), timer.KindIn(kinds...))
}
