// Events (the conversationEvents and workspaceEvents subscriptions) as lines people read, for the
// conversation's activity list and the dashboard's. Event types are the server's (internal/events,
// internal/webhooks); activity.test.ts reads them from the Go source, so that a type added there
// without a sentence here fails a test instead of showing its raw name.

import { channelName, humanize } from '../format';

export interface ActivityEvent {
  type: string;
  actor?: { id: string; name: string } | null;
  /** The agent it is about when that is not the actor: the new owner, the robbed lock holder … */
  subject?: { id: string; name: string } | null;
  /** What the change changed, as it is after (for example { state: 'ON_HOLD' }). */
  after?: Readonly<Record<string, unknown>> | null;
}

interface Words {
  /** The actor's name, or "Someone" for the system. */
  who: string;
  /** The subject's name, or "an agent". */
  whom: string;
  after: Readonly<Record<string, unknown>>;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** One sentence per event type the server writes. */
const sentences: Record<string, (w: Words) => string> = {
  'conversation.created': () => 'The conversation started',
  'conversation.reopened': () => 'The customer reopened the conversation',
  'conversation.state_changed': ({ after }) => {
    const state = text(after.state);
    return state ? `State changed to ${humanize(state)}` : 'The conversation changed state';
  },
  'conversation.first_response': ({ who }) => `${who} answered for the first time`,
  'conversation.archived': () => 'The conversation was archived and closed',
  'message.received': () => 'The customer wrote',
  'message.sent': ({ who }) => `${who} replied`,
  'note.added': ({ who }) => `${who} added a note`,
  'lock.acquired': ({ who }) => `${who} started replying`,
  'lock.released': ({ who }) => `${who} stopped replying`,
  // L5: a steal moves the lock, not ownership.
  'lock.stolen': ({ who }) => `${who} took the reply lock`,
  'conversation.claimed': ({ who }) => `${who} claimed it`,
  'conversation.released': ({ who }) => `${who} released it to the queue`,
  'conversation.reassigned': ({ who }) => `${who} reassigned it`,
  'conversation.force_released': ({ who }) => `${who} force-released it`,
  'conversation.auto_released': () => 'It was released after inactivity',
  'conversation.assigned': () => 'Routing assigned it to an agent',
  'conversation.transferred': ({ who }) => `${who} transferred it`,
  'conversation.joined': ({ who }) => `${who} joined`,
  'conversation.left': ({ who }) => `${who} left`,
  'conversation.pended': ({ who }) => `${who} set it to pending`,
  'conversation.resolved': ({ who }) => `${who} resolved it`,
  'conversation.delegated': ({ who }) => `${who} delegated it to a bot`,
  'conversation.handed_back': ({ who }) => `${who} handed it back`,
  'claim.stale': () => 'The claim went stale',
  'cap.overridden': ({ who }) => `${who} went past a capacity limit`,
  'sla.breached': () => 'The first-response SLA ran out',
  'customer.left': () => 'The customer left',
  'customer.returned': () => 'The customer came back',
  'customer.joined_channel': ({ after }) => `The customer also wrote on ${channelName(text(after.channel) ?? 'another channel')}`,
  'customer.left_channel': ({ after }) => `The customer left ${channelName(text(after.channel) ?? 'a channel')}`,
  'customer.merged': ({ who }) => `${who} merged two customers into one`,
  'intervention.requested': ({ who }) => `${who} asked for a human`,
  'intervention.taken_over': ({ who }) => `${who} took it over from the bot`,
  'intervention.cancelled': ({ who }) => `${who} cancelled the takeover: back to the bot`,
  'intervention.returned': ({ who }) => `${who} returned it to the intervention queue`,
  'intervention.completed': () => 'The takeover was completed: back to the bot',
  'viewer.joined': ({ whom }) => `${whom} opened it`,
  'viewer.left': ({ whom }) => `${whom} closed it`,
  'agent.created': ({ who, whom }) => `${who} added ${whom}`,
  'agent.updated': ({ who, whom }) => `${who} changed ${whom}`,
  'agent.presence_changed': ({ who, after }) => {
    const presence = text(after.presence)?.toLowerCase();
    return presence ? `${who} is now ${presence}` : `${who} changed presence`;
  },
  'workspace.updated': ({ who }) => `${who} changed the workspace settings`,
  'apikey.created': ({ who }) => `${who} created an API key`,
  'apikey.revoked': ({ who }) => `${who} revoked an API key`,
  'team.created': ({ who, after }) => `${who} created the team ${text(after.name) ?? ''}`.trim(),
  'pool.created': ({ who, after }) => `${who} created the pool ${text(after.name) ?? ''}`.trim(),
  'webhook.created': ({ who }) => `${who} added a webhook`,
  'webhook.updated': ({ who }) => `${who} changed a webhook`,
  'webhook.deleted': ({ who }) => `${who} deleted a webhook`,
  'webhook.secret_rotated': ({ who }) => `${who} rotated a webhook's secret`,
  'webhook.test': ({ who }) => `${who} sent a webhook a test event`,
  'webhook.disabled': () => 'A failing webhook was switched off',
  'demo.placed': () => 'Set up by the demo data',
};

/** Whether the type has a sentence of its own (not the fallback). */
export function hasSentence(type: string): boolean {
  return Object.hasOwn(sentences, type);
}

/** The words of an event, for sentences built elsewhere (the dashboard's). */
export function eventWords(event: ActivityEvent): Words {
  return { who: event.actor?.name ?? 'Someone', whom: event.subject?.name ?? 'an agent', after: event.after ?? {} };
}

/**
 * A sentence for an event. A type this list does not know yet reads as words ("Canned response
 * created"), never as its dotted name.
 */
export function describeActivity(event: ActivityEvent): string {
  const sentence = sentences[event.type];
  if (sentence) return sentence(eventWords(event));
  return humanize(event.type.replace(/[^a-z0-9]+/gi, '_'));
}

/** The newest version known: events and answers can arrive out of order. */
export function latestVersion(known: number | undefined, incoming: number): number {
  return known === undefined ? incoming : Math.max(known, incoming);
}
