// Who else has a conversation open (SPEC §12 Conversation.viewers): the sentence the conversation
// view shows ("Sam Supervisor is monitoring"), and the viewer.joined / viewer.left events of its
// feed applied to the list. The server decides who is a viewer; this only words it and keeps the
// newest reading.

export interface ConversationViewer {
  agent: { id: string; name: string };
  openedAt: string;
  monitoring: boolean;
}

/** The part of a conversationEvents event read here. */
export interface ViewerEventLike {
  type: string;
  createdAt: string;
  /** The viewer who joined or left (the actor may be someone else, or nobody on a lost connection). */
  subject?: { id: string; name: string } | null;
  actor?: { id: string; name: string } | null;
  after?: Record<string, unknown> | null;
}

export const VIEWER_JOINED = 'viewer.joined';
export const VIEWER_LEFT = 'viewer.left';

/** Whether an event of the conversation's feed is about who is looking (and nothing else changed). */
export function isViewerEvent(type: string): boolean {
  return type === VIEWER_JOINED || type === VIEWER_LEFT;
}

/** "Ana", "Ana and Ben", "Ana, Ben and Cleo", "Ana, Ben and 3 others". */
export function nameList(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  if (names.length <= 3) return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  const rest = names.length - 2;
  return `${names[0]}, ${names[1]} and ${rest} others`;
}

/** The other viewers (never the viewer themself), each person once, in the order given. */
export function otherViewers<V extends ConversationViewer>(viewers: readonly V[], viewerId: string): V[] {
  const seen = new Set<string>([viewerId]);
  return viewers.filter((v) => {
    if (seen.has(v.agent.id)) return false;
    seen.add(v.agent.id);
    return true;
  });
}

/**
 * Who else is looking, in words: "Sam Supervisor is also looking", "Ana Alvarez and Ben Brooks are
 * also looking", "Sam Supervisor is monitoring", "Ben Brooks is also looking, and Sam Supervisor
 * is monitoring". '' when nobody else has it open.
 */
export function viewersSentence(viewers: readonly ConversationViewer[], viewerId: string): string {
  const others = otherViewers(viewers, viewerId);
  const looking = others.filter((v) => !v.monitoring).map((v) => v.agent.name);
  const monitoring = others.filter((v) => v.monitoring).map((v) => v.agent.name);
  const parts: string[] = [];
  if (looking.length > 0) parts.push(`${nameList(looking)} ${looking.length === 1 ? 'is' : 'are'} also looking`);
  if (monitoring.length > 0) parts.push(`${nameList(monitoring)} ${monitoring.length === 1 ? 'is' : 'are'} monitoring`);
  return parts.join(', and ');
}

/** Whether the viewer's own entry says they are monitoring (the server's word, not the route's). */
export function isMonitoring(viewers: readonly ConversationViewer[], viewerId: string): boolean {
  return viewers.some((v) => v.agent.id === viewerId && v.monitoring);
}

/**
 * The list after a viewer.joined or viewer.left event, at once (the view then reads the list
 * again, which is the server's word): joining puts the person last (the list is ordered by when
 * they opened it; a change of mode opens it again), leaving takes them out. Any other event, or
 * one without a subject, changes nothing.
 */
export function applyViewerEvent<V extends ConversationViewer>(viewers: readonly V[], event: ViewerEventLike): ConversationViewer[] {
  const who = event.subject;
  if (!who || !isViewerEvent(event.type)) return [...viewers];
  const rest = viewers.filter((v) => v.agent.id !== who.id);
  if (event.type === VIEWER_LEFT) return rest;
  const monitoring = event.after?.monitoring === true;
  return [...rest, { agent: { id: who.id, name: who.name }, openedAt: event.createdAt, monitoring }];
}

/**
 * Orders readings of one value that arrive out of order: each read takes a ticket when it is
 * sent; an answer is kept only if nothing sent later has been kept already. An event applied on
 * arrival takes (and keeps) a ticket too, so that an answer to a read sent before it cannot undo it.
 */
export class Readings {
  private issued = 0;
  private kept = 0;

  /** A ticket for a read about to be sent (or an event being applied now). */
  ticket(): number {
    return ++this.issued;
  }

  /** Whether the answer of ticket is the newest kept so far (and then it is kept). */
  keep(ticket: number): boolean {
    if (ticket < this.kept) return false;
    this.kept = ticket;
    return true;
  }
}
