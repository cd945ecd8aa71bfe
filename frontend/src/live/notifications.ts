// The viewer's notifications (SPEC §7 E2): lock stolen, reassigned to you (with the note), a
// customer replied. Newest first, each once (by cursor), at most `limit` kept.

import type { NotificationKind } from '../gql/graphql';

export interface NotificationLike {
  kind: NotificationKind;
  cursor: string;
  at: string;
  note?: string | null;
  actor?: { id: string; name: string } | null;
  conversation: { id: string; customer: { name: string } };
}

export interface NotificationState<N extends NotificationLike> {
  items: readonly N[];
  /** How many arrived since the list was last looked at. */
  unread: number;
}

export type NotificationAction<N extends NotificationLike> =
  | { type: 'received'; notification: N }
  | { type: 'dismissed'; cursor: string }
  | { type: 'read' }
  | { type: 'cleared' };

export const NOTIFICATION_LIMIT = 20;

export function emptyNotifications<N extends NotificationLike>(): NotificationState<N> {
  return { items: [], unread: 0 };
}

export function notificationsReducer<N extends NotificationLike>(
  state: NotificationState<N>,
  action: NotificationAction<N>,
): NotificationState<N> {
  switch (action.type) {
    case 'received':
      if (state.items.some((n) => n.cursor === action.notification.cursor)) return state;
      return { items: [action.notification, ...state.items].slice(0, NOTIFICATION_LIMIT), unread: state.unread + 1 };
    case 'dismissed':
      return { ...state, items: state.items.filter((n) => n.cursor !== action.cursor) };
    case 'read':
      return state.unread === 0 ? state : { ...state, unread: 0 };
    case 'cleared':
      return { items: [], unread: 0 };
  }
}

/**
 * The notification as a sentence. A steal moves the lock, not ownership (L5): the robbed agent
 * still owns the conversation, and the sentence says so.
 */
export function describeNotification(n: NotificationLike): string {
  const who = n.actor?.name ?? 'Someone';
  const customer = n.conversation.customer.name;
  switch (n.kind) {
    case 'LOCK_STOLEN':
      return `${who} took the reply lock on your conversation with ${customer}; you still own it.`;
    case 'REASSIGNED_TO_YOU':
      return `${who} assigned you the conversation with ${customer}.`;
    case 'ASSIGNED_TO_YOU':
      return `Routing gave you the conversation with ${customer}.`;
    case 'TRANSFERRED_TO_YOU':
      return `${who} transferred the conversation with ${customer} to you.`;
    case 'CUSTOMER_REPLIED':
      return `${customer} replied.`;
  }
}
