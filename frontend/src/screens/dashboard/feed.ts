// The dashboard's live feed (workspaceEvents) as a short list people read: newest first, each
// event once, in sentences that say who did what.

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

/** How many events the list keeps. */
export const RECENT_LIMIT = 12;

/** Adds an event to the list (newest first), once, keeping at most RECENT_LIMIT. */
export function addRecent<E extends WorkspaceEventLike>(list: readonly E[], event: E): readonly E[] {
  if (list.some((e) => e.cursor === event.cursor)) return list;
  return [event, ...list].slice(0, RECENT_LIMIT);
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
