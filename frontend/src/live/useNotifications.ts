import { useCallback, useEffect, useReducer, useRef } from 'react';
import { useApi } from '../api/context';
import { NotificationsSubscription } from '../api/operations';
import type { NotificationsSubscription as NotificationsData } from '../gql/graphql';
import { emptyNotifications, notificationsReducer } from './notifications';

export type Notification = NotificationsData['notifications'];

/**
 * The viewer's notifications. The subscription runs for as long as the viewer is signed in, which
 * also keeps the WebSocket open: the open connection is what renews the viewer's lock lease (L6).
 */
export function useNotifications(onNotification?: (n: Notification) => void) {
  const api = useApi();
  const [state, dispatch] = useReducer(notificationsReducer<Notification>, undefined, emptyNotifications<Notification>);
  // Read when a notification arrives, so that a new function does not resubscribe.
  const handler = useRef(onNotification);
  handler.current = onNotification;

  useEffect(() => {
    const { unsubscribe } = api.client.subscription(NotificationsSubscription, {}).subscribe((result) => {
      // An expired cursor (CURSOR_EXPIRED) has nothing to read again: notifications are of the moment.
      if (result.error) return;
      const n = result.data?.notifications;
      if (!n) return;
      dispatch({ type: 'received', notification: n });
      handler.current?.(n);
    });
    return unsubscribe;
  }, [api]);

  const dismiss = useCallback((cursor: string) => dispatch({ type: 'dismissed', cursor }), []);
  const markRead = useCallback(() => dispatch({ type: 'read' }), []);
  const clear = useCallback(() => dispatch({ type: 'cleared' }), []);
  return { ...state, dismiss, markRead, clear };
}
