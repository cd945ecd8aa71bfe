import { describe, expect, it } from 'vitest';
import { describeActivity, latestVersion } from './activity';
import {
  NOTIFICATION_LIMIT,
  describeNotification,
  emptyNotifications,
  notificationsReducer,
  type NotificationLike,
} from './notifications';

const note = (cursor: string, kind: NotificationLike['kind'] = 'LOCK_STOLEN'): NotificationLike => ({
  kind,
  cursor,
  at: '2025-06-15T10:00:00Z',
  actor: { id: '2', name: 'Ben Brooks' },
  conversation: { id: '9', customer: { name: 'John Smith' } },
  note: kind === 'REASSIGNED_TO_YOU' ? 'Refund approved, send the label' : null,
});

describe('notificationsReducer', () => {
  it('adds newest first, once per cursor, and counts unread', () => {
    let state = emptyNotifications<NotificationLike>();
    state = notificationsReducer(state, { type: 'received', notification: note('1') });
    state = notificationsReducer(state, { type: 'received', notification: note('2') });
    state = notificationsReducer(state, { type: 'received', notification: note('1') }); // replayed
    expect(state.items.map((n) => n.cursor)).toEqual(['2', '1']);
    expect(state.unread).toBe(2);
    state = notificationsReducer(state, { type: 'read' });
    expect(state.unread).toBe(0);
  });

  it('dismisses one, clears all, and keeps at most the limit', () => {
    let state = emptyNotifications<NotificationLike>();
    for (let i = 0; i < NOTIFICATION_LIMIT + 5; i++) {
      state = notificationsReducer(state, { type: 'received', notification: note(String(i)) });
    }
    expect(state.items).toHaveLength(NOTIFICATION_LIMIT);
    state = notificationsReducer(state, { type: 'dismissed', cursor: String(NOTIFICATION_LIMIT + 4) });
    expect(state.items[0].cursor).toBe(String(NOTIFICATION_LIMIT + 3));
    expect(notificationsReducer(state, { type: 'cleared' }).items).toEqual([]);
  });

  it('describes each kind', () => {
    // L5: a steal moves the lock, not ownership.
    expect(describeNotification(note('1'))).toBe(
      'Ben Brooks took the reply lock on your conversation with John Smith; you still own it.',
    );
    expect(describeNotification(note('1'))).not.toMatch(/took over/);
    expect(describeNotification(note('2', 'REASSIGNED_TO_YOU'))).toBe(
      'Ben Brooks assigned you the conversation with John Smith.',
    );
    expect(describeNotification({ ...note('3', 'CUSTOMER_REPLIED'), actor: null })).toBe('John Smith replied.');
    expect(describeNotification({ ...note('4', 'ASSIGNED_TO_YOU'), actor: null })).toBe(
      'Routing gave you the conversation with John Smith.',
    );
    expect(describeNotification(note('5', 'TRANSFERRED_TO_YOU'))).toBe(
      'Ben Brooks transferred the conversation with John Smith to you.',
    );
  });
});

describe('activity', () => {
  it('describes the events of a conversation', () => {
    expect(describeActivity({ type: 'lock.stolen', actor: { id: '1', name: 'Ben Brooks' } })).toBe(
      'Ben Brooks took the reply lock',
    );
    expect(describeActivity({ type: 'message.received', actor: null })).toBe('The customer wrote');
    expect(describeActivity({ type: 'something.new' })).toBe('Something new');
  });

  it('keeps the newest version', () => {
    expect(latestVersion(undefined, 3)).toBe(3);
    expect(latestVersion(5, 3)).toBe(5);
    expect(latestVersion(5, 8)).toBe(8);
  });
});
