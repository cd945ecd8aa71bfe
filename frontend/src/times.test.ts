import { describe, expect, it } from 'vitest';
import { shortTime } from './format';
import { customerSince, listTime, waitingSince, waitingText } from './times';

const now = new Date(2026, 11, 5, 14, 54);
const at = (h: number, m: number) => new Date(2026, 11, 5, h, m).toISOString();

describe('the times a conversation shows', () => {
  // The report: the list said 02:46 PM and "Waiting 8 min", the thread's message 02:53 PM.
  const queued = { lastMessageAt: at(14, 53), queuedSince: at(14, 46), owner: null };

  it('lists a conversation at its last message’s time, the one the thread shows', () => {
    const newestMessage = { createdAt: at(14, 53) };
    expect(listTime(queued)).toBe(newestMessage.createdAt);
    expect(shortTime(listTime(queued), now, 'en-GB')).toBe(shortTime(newestMessage.createdAt, now, 'en-GB'));
  });

  it('counts the wait from queuedSince, not from the last message', () => {
    expect(waitingSince(queued)).toBe(queued.queuedSince);
    expect(waitingText(queued, now)).toBe('Waiting 8 min');
    // A bot's conversation waiting for a human waits too; one a human owns does not.
    expect(waitingText({ ...queued, owner: { kind: 'VIRTUAL' } }, now)).toBe('Waiting 8 min');
    expect(waitingText({ ...queued, owner: { kind: 'HUMAN' } }, now)).toBeNull();
    expect(waitingText({ ...queued, queuedSince: null }, now)).toBeNull();
  });

  it('gives a customer’s first contact as a day, not a time of day', () => {
    expect(customerSince(at(14, 53), now, 'en-GB')).toBe('Today');
    expect(customerSince(new Date(2026, 11, 4, 23, 0).toISOString(), now, 'en-GB')).toBe('Yesterday');
    expect(customerSince(new Date(2025, 0, 9).toISOString(), now, 'en-GB')).toBe('9 Jan 2025');
    expect(customerSince('nope', now)).toBe('');
  });
});
