// Sound and desktop notifications (issue 20), off by default: once the agent turns them on (which
// asks the browser's permission for desktop ones), a conversation assigned to them, their lock
// stolen and a customer's reply in a conversation they own ring and, while the workspace is not
// in view, show a desktop notification. The choice is remembered in localStorage.

import type { NotificationKind } from './gql/graphql';

export const ALERTS_KEY = 'switchboard.alerts';

/** The kinds that ring: every notification the server sends the viewer (E2). */
const ringing: ReadonlySet<NotificationKind> = new Set([
  'ASSIGNED_TO_YOU',
  'REASSIGNED_TO_YOU',
  'TRANSFERRED_TO_YOU',
  'LOCK_STOLEN',
  'CUSTOMER_REPLIED',
]);

export interface AlertContext {
  /** The agent turned alerts on. */
  enabled: boolean;
  /** The browser lets the page show desktop notifications. */
  permission: 'granted' | 'denied' | 'default' | 'unsupported';
  /** The workspace is in view and focused (then the toast is enough to see). */
  visible: boolean;
}

/** What a notification of kind does: ring, and show a desktop notification. */
export function alertFor(kind: string, ctx: AlertContext): { sound: boolean; desktop: boolean } {
  if (!ctx.enabled || !ringing.has(kind as NotificationKind)) return { sound: false, desktop: false };
  return { sound: true, desktop: ctx.permission === 'granted' && !ctx.visible };
}

/** The remembered choice ('on' only when the agent turned it on). */
export function alertsEnabled(stored: string | null): boolean {
  return stored === 'on';
}
