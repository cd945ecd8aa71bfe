import { describe, expect, it } from 'vitest';
import { isUnread, markRead, unreadCount } from './unread';

const row = (id: string, version: number, unread: boolean) => ({ id, version, unread });

describe('unread', () => {
  it("follows the server's flag when the viewer has not read it here", () => {
    const none = new Map<string, number>();
    expect(isUnread(row('a', 3, true), none)).toBe(true);
    expect(isUnread(row('a', 3, false), none)).toBe(false);
  });

  it('is read once marked at its version, and unread again with a newer one (a customer message)', () => {
    const marks = markRead(new Map(), 'a', 3);
    expect(isUnread(row('a', 3, true), marks)).toBe(false);
    expect(isUnread(row('a', 2, true), marks)).toBe(false);
    expect(isUnread(row('a', 4, true), marks)).toBe(true);
    expect(isUnread(row('a', 4, false), marks)).toBe(false);
  });

  it('never moves a mark back to an older version', () => {
    const marks = markRead(new Map(), 'a', 5);
    expect(markRead(marks, 'a', 4)).toBe(marks);
    expect(markRead(marks, 'a', 6).get('a')).toBe(6);
  });

  it('counts the unread rows of a tab', () => {
    const marks = markRead(new Map(), 'b', 2);
    expect(unreadCount([row('a', 1, true), row('b', 2, true), row('c', 1, false), row('d', 9, true)], marks)).toBe(2);
    expect(unreadCount([], marks)).toBe(0);
  });
});
