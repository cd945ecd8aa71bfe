// Which time each place shows, so that they agree. A conversation's time, in every list, is its
// last message's (lastMessageAt: the server sets it with each message, so it is the time the
// thread's newest message shows); "Waiting" counts from when it entered the queue (queuedSince)
// while no human owns it, in the list and in the conversation's header alike; a customer's
// "since" is a day, never a time of day that reads like a message's.

import { elapsed } from './format';

export interface TimedConversation {
  lastMessageAt: string;
  queuedSince?: string | null;
  owner?: { kind: string } | null;
}

/** The time a conversation shows in lists: its last message's. */
export function listTime(c: TimedConversation): string {
  return c.lastMessageAt;
}

/** When the wait began: queuedSince, while no human owns it (a bot's or nobody's); null otherwise. */
export function waitingSince(c: TimedConversation): string | null {
  if (!c.queuedSince || c.owner?.kind === 'HUMAN') return null;
  return c.queuedSince;
}

/** "Waiting 8 min" for a queued conversation, null for one a human owns. */
export function waitingText(c: TimedConversation, now: Date = new Date()): string | null {
  const since = waitingSince(c);
  if (!since) return null;
  const words = elapsed(since, now);
  return words ? `Waiting ${words}` : null;
}

/** A customer's first contact as a day: "Today", "Yesterday" or the date. */
export function customerSince(iso: string, now: Date = new Date(), locale?: string): string {
  const when = new Date(iso);
  if (Number.isNaN(when.getTime())) return '';
  const day = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const days = Math.round((day(now) - day(when)) / 86_400_000);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(when);
}
