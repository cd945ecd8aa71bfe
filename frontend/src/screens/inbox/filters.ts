// The inbox's filters (channel, status, tag). They narrow what a live queue holds, so they apply
// on the client to the snapshot and to every live event alike (the generated ConversationWhereInput
// has no tag predicate either).

export interface InboxFilter {
  channel: string;
  status: string;
  tag: string;
}

export const NO_FILTER: InboxFilter = { channel: '', status: '', tag: '' };

export interface Filterable {
  channel: string;
  status: string;
  tags: readonly string[];
}

export function matchesFilter(c: Filterable, f: InboxFilter): boolean {
  return (!f.channel || c.channel === f.channel) && (!f.status || c.status === f.status) && (!f.tag || c.tags.includes(f.tag));
}

export function isFiltered(f: InboxFilter): boolean {
  return Boolean(f.channel || f.status || f.tag);
}

/** How many filters are set, for the collapsed filters' button ("Filters (2)"). */
export function filterCount(f: InboxFilter): number {
  return [f.channel, f.status, f.tag].filter(Boolean).length;
}

/** The tags in use, sorted, plus the selected one (so that it stays choosable when its last conversation leaves). */
export function tagOptions(conversations: readonly Filterable[], selected = ''): string[] {
  const tags = new Set<string>(conversations.flatMap((c) => c.tags));
  if (selected) tags.add(selected);
  return [...tags].sort((a, b) => a.localeCompare(b));
}

/** Queues show the highest priority first, then the most recent message. */
export function compareQueue(
  a: { priority: number; lastMessageAt: string; id: string },
  b: { priority: number; lastMessageAt: string; id: string },
): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  if (a.lastMessageAt !== b.lastMessageAt) return a.lastMessageAt < b.lastMessageAt ? 1 : -1;
  return a.id.localeCompare(b.id);
}
