import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { advance, compareCursors, cursorOf, declaresAfter, resumable, resumeVariables, startAt } from './cursor';

const result = (cursor: string, field = 'myQueue') => ({ data: { [field]: { kind: 'ADDED', cursor } } });

describe('compareCursors', () => {
  it('orders decimal sequence numbers as numbers, at any length', () => {
    expect(compareCursors('9', '10')).toBeLessThan(0);
    expect(compareCursors('10', '9')).toBeGreaterThan(0);
    expect(compareCursors('42', '42')).toBe(0);
    expect(compareCursors('007', '7')).toBe(0);
    expect(compareCursors('90071992547409930', '90071992547409931')).toBeLessThan(0); // past 2^53
  });

  it('falls back to a consistent text order for other cursors', () => {
    expect(compareCursors('a', 'b')).toBeLessThan(0);
    expect(compareCursors('b', 'a')).toBeGreaterThan(0);
  });
});

describe('advance (E3: nothing lost, nothing repeated)', () => {
  it('moves the cursor only forward', () => {
    let position = startAt();
    for (const cursor of ['3', '5', '12']) {
      const next = advance(position, cursor);
      expect(next.deliver).toBe(true);
      position = next.position;
    }
    expect(position.last).toBe('12');
  });

  it('drops duplicates at or before the cursor, without moving it back', () => {
    const position = { last: '12' };
    expect(advance(position, '12')).toEqual({ position, deliver: false });
    expect(advance(position, '5')).toEqual({ position, deliver: false });
    expect(advance(position, '13')).toEqual({ position: { last: '13' }, deliver: true });
  });

  it('delivers an item without a cursor (an error) and keeps the position', () => {
    const position = { last: '4' };
    expect(advance(position, undefined)).toEqual({ position, deliver: true });
    expect(advance(position, '')).toEqual({ position, deliver: true });
  });
});

describe('startAt and resumeVariables', () => {
  it("starts from the subscription's own after, if any", () => {
    expect(startAt('17').last).toBe('17');
    expect(startAt(undefined).last).toBeNull();
    expect(startAt('').last).toBeNull();
    expect(startAt(17).last).toBeNull();
  });

  it('subscribes live (no after) before the first event, then after the last cursor', () => {
    expect(resumeVariables({ conversationId: '9' }, { last: null })).toEqual({ conversationId: '9' });
    expect(resumeVariables(undefined, { last: null })).toEqual({});
    expect(resumeVariables({ conversationId: '9' }, { last: '31' })).toEqual({ conversationId: '9', after: '31' });
  });
});

describe('cursorOf', () => {
  it("reads the root field's cursor", () => {
    expect(cursorOf(result('8', 'inbox'))).toBe('8');
    expect(cursorOf({ data: { workspaceEvents: { type: 'conversation.claimed', cursor: '77' } } })).toBe('77');
  });

  it('is undefined for results without one', () => {
    expect(cursorOf({ errors: [{ message: 'no' }] })).toBeUndefined();
    expect(cursorOf({ data: null })).toBeUndefined();
    expect(cursorOf({ data: { inbox: null } })).toBeUndefined();
    expect(cursorOf(null)).toBeUndefined();
  });
});

describe('declaresAfter', () => {
  it('finds the $after variable of an operation', () => {
    expect(declaresAfter(parse('subscription Feed($after: String) { inbox(after: $after) { cursor } }'))).toBe(true);
    expect(declaresAfter(parse('subscription Feed($id: ID!) { conversationEvents(conversationId: $id) { cursor } }'))).toBe(false);
    expect(declaresAfter(parse('query Q { me { id } }'))).toBe(false);
  });
});

describe('resumable', () => {
  // graphql-ws serialises the payload each time it (re)subscribes: JSON.stringify is what it sends.
  const sent = (payload: unknown) => JSON.parse(JSON.stringify(payload)) as { query: string; variables: Record<string, unknown> };

  it('resubscribes after a reconnection with the last cursor it delivered', () => {
    const feed = resumable({ query: 'subscription { inbox { cursor } }', variables: { conversationId: '9' } });
    expect(sent(feed.payload).variables).toEqual({ conversationId: '9' }); // first subscription: live only
    expect(feed.accept(result('20'))).toBe(true);
    expect(feed.accept(result('21'))).toBe(true);
    expect(feed.last()).toBe('21');
    expect(sent(feed.payload)).toEqual({ query: 'subscription { inbox { cursor } }', variables: { conversationId: '9', after: '21' } });
  });

  it('drops what the replay repeats, and goes on with what is new', () => {
    const feed = resumable({ query: 'q', variables: {} });
    const delivered = ['5', '6', '7'].filter((c) => feed.accept(result(c)));
    // After a reconnection the server replays from 7; a live copy of 6 or 7 arriving late is dropped.
    const again = ['6', '7', '8', '9', '9'].filter((c) => feed.accept(result(c)));
    expect(delivered).toEqual(['5', '6', '7']);
    expect(again).toEqual(['8', '9']);
    expect(sent(feed.payload).variables.after).toBe('9');
  });

  it("starts after the subscription's own cursor", () => {
    const feed = resumable({ query: 'q', variables: { after: '40' } });
    expect(feed.accept(result('40'))).toBe(false);
    expect(feed.accept(result('41'))).toBe(true);
    expect(sent(feed.payload).variables).toEqual({ after: '41' });
  });

  it('passes errors through and keeps the cursor', () => {
    const feed = resumable({ query: 'q' });
    feed.accept(result('3'));
    expect(feed.accept({ errors: [{ message: 'slow' }] })).toBe(true);
    expect(feed.last()).toBe('3');
  });
});
