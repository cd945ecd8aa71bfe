// Unread (issue 20): Conversation.unread is true when the customer wrote since the viewer last
// read it (markConversationRead). A row's copy can be older than the viewer's own reading: the
// marks remember, per conversation, the version it was read at, so that the row turns read at once
// and turns unread again only with a newer version from the server (a new customer message).

/** Conversation id → the version at which the viewer marked it read here. */
export type ReadMarks = ReadonlyMap<string, number>;

export interface Readable {
  id: string;
  version: number;
  unread: boolean;
}

export function isUnread(c: Readable, marks: ReadMarks): boolean {
  if (!c.unread) return false;
  const read = marks.get(c.id);
  return read === undefined || c.version > read;
}

export function unreadCount(items: readonly Readable[], marks: ReadMarks): number {
  return items.reduce((n, c) => n + (isUnread(c, marks) ? 1 : 0), 0);
}

/** The marks with id read at version (never going back to an older version). */
export function markRead(marks: ReadMarks, id: string, version: number): ReadMarks {
  const prior = marks.get(id);
  if (prior !== undefined && prior >= version) return marks;
  const next = new Map(marks);
  next.set(id, version);
  return next;
}
