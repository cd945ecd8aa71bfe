// Conversation search in the inbox (issue 20): searchConversations(text, where) over customers,
// messages and notes. The server refuses a text without a letter or digit, or longer than
// limits.searchMaxLength (BAD_USER_INPUT); the box says so before asking.

import type { InboxFilter } from './screens/inbox/filters';

/** How long typing must pause before the search runs. */
export const SEARCH_DEBOUNCE_MS = 250;

/** The server's limit until limits.searchMaxLength is known. */
export const DEFAULT_SEARCH_MAX = 200;

/** The server counts a search's matches up to this many; more come back as this figure. */
export const SEARCH_COUNT_CAP = 1000;

/** The number of matches in words: "1,000+" from the server's cap on. */
export function matchCount(total: number): string {
  return total >= SEARCH_COUNT_CAP ? `${SEARCH_COUNT_CAP.toLocaleString('en-US')}+` : String(total);
}

export type SearchCheck = { ok: true; text: string } | { ok: false; empty: boolean; problem: string };

/** Whether text can be searched: empty (no search), refused (why), or the text to send. */
export function checkSearch(raw: string, max: number = DEFAULT_SEARCH_MAX): SearchCheck {
  const text = raw.trim();
  if (!text) return { ok: false, empty: true, problem: '' };
  if (!/[\p{L}\p{N}]/u.test(text)) return { ok: false, empty: false, problem: 'Type a letter or a number to search.' };
  if ([...text].length > max) return { ok: false, empty: false, problem: `Search for at most ${max} characters.` };
  return { ok: true, text };
}

/** The filter of the inbox's filters that the server applies (channel, status); tags apply on the client. */
export function searchWhere(filter: InboxFilter): { channel?: string; status?: string } {
  const where: { channel?: string; status?: string } = {};
  if (filter.channel) where.channel = filter.channel;
  if (filter.status) where.status = filter.status;
  return where;
}
