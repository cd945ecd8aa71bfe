// The dashboard's live feed (workspaceEvents) as a short list people read: newest first, each
// event once, in sentences that say who did what.

import { describeActivity } from '../../live/activity';

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

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A sentence for a workspace event: its actor and, where it matters, whom it was about. */
export function describeWorkspaceEvent(e: WorkspaceEventLike): string {
  const who = e.actor?.name ?? 'Someone';
  const whom = e.subject?.name ?? 'an agent';
  switch (e.type) {
    case 'agent.presence_changed': {
      const presence = text(e.after?.presence)?.toLowerCase();
      return presence ? `${e.actor?.name ?? whom} is now ${presence}` : `${e.actor?.name ?? whom} changed presence`;
    }
    case 'agent.created':
      return `${who} added ${whom}`;
    case 'agent.updated':
      return `${who} changed ${whom}`;
    case 'team.created':
      return `${who} created the team ${text(e.after?.name) ?? ''}`.trim();
    case 'pool.created':
      return `${who} created the pool ${text(e.after?.name) ?? ''}`.trim();
    case 'workspace.updated':
      return `${who} changed the workspace settings`;
    case 'claim.stale':
      return e.subject ? `${e.subject.name}'s claim went stale` : 'A claim went stale';
    case 'conversation.force_released':
      return e.subject ? `${who} force-released it from ${e.subject.name}` : `${who} force-released it`;
    case 'conversation.assigned':
      return e.subject ? `Routing assigned it to ${e.subject.name}` : 'Routing assigned it';
    case 'conversation.first_response':
      return `${who} answered for the first time`;
    case 'sla.breached':
      return 'The first-response SLA ran out';
    default:
      return describeActivity(e);
  }
}
