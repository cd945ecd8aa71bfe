// The dashboard's live feed (workspaceEvents) as a short list people read: newest first, each
// event once, in sentences that say who did what.

import { shortTime } from '../../format';
import { describeActivity, eventWords } from '../../live/activity';

export interface WorkspaceEventLike {
  type: string;
  cursor: string;
  createdAt: string;
  after?: Readonly<Record<string, unknown>> | null;
  actor?: { id: string; name: string } | null;
  subject?: { id: string; name: string } | null;
  conversation?: { id: string; customer: { name: string } } | null;
}

/** How many events Recent activity shows. */
export const RECENT_LIMIT = 12;

/** How many the dashboard keeps, for an agent's own recent activity in its drill-down. */
export const RECENT_BUFFER = 300;

/** How many of the workspace's latest events the dashboard replays on load, so that Recent activity is filled at once. */
export const REPLAY_EVENTS = 300;

/** Adds an event to the list (newest first), once, keeping at most limit. */
export function addRecent<E extends WorkspaceEventLike>(list: readonly E[], event: E, limit = RECENT_BUFFER): readonly E[] {
  if (list.some((e) => e.cursor === event.cursor)) return list;
  return [event, ...list].slice(0, limit);
}

/** Adds events in the order they arrived (oldest first): the newest ends first in the list. */
export function addAllRecent<E extends WorkspaceEventLike>(list: readonly E[], events: readonly E[], limit = RECENT_BUFFER): readonly E[] {
  return events.reduce<readonly E[]>((l, e) => addRecent(l, e, limit), list);
}

/**
 * The cursor to replay the latest count events from: the head (eventCursor) less count. Cursors
 * are the workspace event log's dense sequence numbers (live/cursor.ts); anything else replays
 * nothing (null: live only). A cursor the server refuses (expired, beyond the head) only makes the
 * feed start over live (subscribeResumable), so a wrong guess costs the replay, nothing else.
 */
export function replayFrom(head: string | null | undefined, count = REPLAY_EVENTS): string | null {
  if (!head || !/^\d+$/.test(head)) return null;
  const from = BigInt(head) - BigInt(count);
  return (from < 0n ? 0n : from).toString();
}

/** The events an agent did or was the subject of (their recent activity), newest first. */
export function agentEvents<E extends WorkspaceEventLike>(list: readonly E[], agentId: string): E[] {
  return list.filter((e) => e.actor?.id === agentId || e.subject?.id === agentId);
}

/** When an event happened: the time for today's, the day and the time before. */
export function eventTime(iso: string, now: Date = new Date(), locale?: string): string {
  const when = new Date(iso);
  if (Number.isNaN(when.getTime())) return '';
  const time = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' }).format(when);
  const day = shortTime(iso, now, locale);
  return day === time ? new Intl.DateTimeFormat(locale, { timeStyle: 'medium' }).format(when) : `${day}, ${time}`;
}

/**
 * A sentence for a workspace event: its actor and, where it matters, whom it was about (the
 * conversation's own sentences say "it"; here the customer's name follows them on screen).
 */
export function describeWorkspaceEvent(e: WorkspaceEventLike): string {
  const { who } = eventWords(e);
  switch (e.type) {
    case 'agent.presence_changed':
      return describeActivity({ ...e, actor: e.actor ?? e.subject });
    case 'claim.stale':
      return e.subject ? `${e.subject.name}'s claim went stale` : 'A claim went stale';
    case 'conversation.force_released':
      return e.subject ? `${who} force-released it from ${e.subject.name}` : `${who} force-released it`;
    case 'conversation.assigned':
      return e.subject ? `Routing assigned it to ${e.subject.name}` : 'Routing assigned it';
    case 'conversation.reassigned':
      return e.subject ? `${who} reassigned it to ${e.subject.name}` : `${who} reassigned it`;
    case 'conversation.transferred':
      return e.subject ? `${who} transferred it to ${e.subject.name}` : `${who} transferred it`;
    case 'lock.stolen':
      return e.subject ? `${who} took the reply lock from ${e.subject.name}` : `${who} took the reply lock`;
    case 'cap.overridden':
      return e.subject ? `${who} went past ${e.subject.name}'s capacity limit` : `${who} went past a capacity limit`;
    default:
      return describeActivity(e);
  }
}
