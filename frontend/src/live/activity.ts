// One conversation's live events (the conversationEvents subscription) as lines people read, for
// the conversation's activity list. Event types are the server's (internal/events).

export interface ActivityEvent {
  type: string;
  actor?: { id: string; name: string } | null;
}

const sentences: Record<string, (who: string) => string> = {
  'conversation.created': () => 'The conversation started',
  'conversation.reopened': () => 'The customer reopened the conversation',
  'message.received': () => 'The customer wrote',
  'message.sent': (who) => `${who} replied`,
  'note.added': (who) => `${who} added a note`,
  'lock.acquired': (who) => `${who} started replying`,
  'lock.released': (who) => `${who} stopped replying`,
  'lock.stolen': (who) => `${who} took over the reply`,
  'conversation.claimed': (who) => `${who} claimed it`,
  'conversation.released': (who) => `${who} released it to the queue`,
  'conversation.reassigned': (who) => `${who} reassigned it`,
  'conversation.force_released': (who) => `${who} force-released it`,
  'conversation.auto_released': () => 'It was released after inactivity',
  'conversation.pended': (who) => `${who} set it to pending`,
  'conversation.resolved': (who) => `${who} resolved it`,
  'claim.stale': () => 'The claim went stale',
  'cap.overridden': (who) => `${who} overrode a capacity limit`,
  'conversation.assigned': () => 'Routing assigned it to an agent',
  'conversation.transferred': (who) => `${who} transferred it`,
  'conversation.joined': (who) => `${who} joined`,
  'conversation.delegated': (who) => `${who} delegated it to a bot`,
  'conversation.handed_back': (who) => `${who} handed it back`,
  'intervention.requested': (who) => `${who} asked for a human`,
  'intervention.taken_over': (who) => `${who} took it over`,
  'intervention.cancelled': (who) => `${who} cancelled the takeover: back to the bot`,
  'intervention.returned': (who) => `${who} returned it to the intervention queue`,
  'intervention.completed': () => 'The takeover was completed: back to the bot',
};

/** A sentence for an event; unknown types read as the type itself. */
export function describeActivity(event: ActivityEvent): string {
  const who = event.actor?.name ?? 'Someone';
  const sentence = sentences[event.type];
  return sentence ? sentence(who) : event.type;
}

/** The newest version known: events and answers can arrive out of order. */
export function latestVersion(known: number | undefined, incoming: number): number {
  return known === undefined ? incoming : Math.max(known, incoming);
}
