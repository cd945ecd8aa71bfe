import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { advance, compareCursors, cursorExpired, cursorOf, feedAction, declaresAfter, resumable, resumeVariables, startAt, subscribeResumable, type FeedSink } from './cursor';

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

describe('resumable.reset', () => {
  const sent = (payload: unknown) => JSON.parse(JSON.stringify(payload)) as { variables: Record<string, unknown> };

  it("forgets the position and the subscription's own after", () => {
    const feed = resumable({ query: 'q', variables: { conversationId: '9', after: '40' } });
    feed.accept(result('41'));
    feed.reset();
    expect(feed.last()).toBeNull();
    expect(sent(feed.payload).variables).toEqual({ conversationId: '9' });
    expect(feed.accept(result('3'))).toBe(true); // live from now: the numbering is not judged against the old cursor
  });
});

/** A fake graphql-ws: records each subscription's payload as sent, and lets the test answer it. */
function fakeTransport() {
  const attempts: Array<{ payload: unknown; variables: Record<string, unknown>; sink: FeedSink<unknown>; ended: boolean }> = [];
  const subscribe = (payload: { variables?: unknown }, sink: FeedSink<unknown>) => {
    const attempt = { payload, variables: JSON.parse(JSON.stringify(payload)).variables ?? {}, sink, ended: false };
    attempts.push(attempt);
    return () => {
      attempt.ended = true;
    };
  };
  return { attempts, subscribe };
}

function recorder() {
  const got: unknown[] = [];
  let errored: unknown;
  let completed = false;
  const sink: FeedSink<unknown> = {
    next: (value) => got.push(value),
    error: (error) => (errored = error),
    complete: () => (completed = true),
  };
  return { sink, got, errored: () => errored, completed: () => completed };
}

const expiredErrors = [{ message: 'cursor 5 is older than the audit log keeps', extensions: { code: 'CURSOR_EXPIRED' } }];

describe('subscribeResumable and CURSOR_EXPIRED (E3, E6)', () => {
  const request = { query: 'subscription Feed($after: String) { myQueue(after: $after) { cursor } }', variables: {} };

  it('drops the cursor, subscribes again without after, and hands the expiry on so that the view reloads', () => {
    const transport = fakeTransport();
    const view = recorder();
    subscribeResumable(transport.subscribe, request, view.sink);
    transport.attempts[0].sink.next(result('5'));
    // graphql-ws resubscribes with the same payload after a reconnection: it now asks for after 5 …
    expect(JSON.parse(JSON.stringify(transport.attempts[0].payload)).variables).toEqual({ after: '5' });
    // … and the server answers that the cursor is too old (a next with errors, then complete).
    transport.attempts[0].sink.next({ errors: expiredErrors, data: null });
    transport.attempts[0].sink.complete();

    expect(transport.attempts).toHaveLength(2);
    expect(transport.attempts[0].ended).toBe(true);
    expect(transport.attempts[1].variables).toEqual({}); // live from now: no after
    expect(view.got).toEqual([result('5'), { errors: expiredErrors, data: null }]);
    expect(cursorExpired({ graphQLErrors: expiredErrors })).toBe(true);
    expect(view.completed()).toBe(false); // the old subscription's complete is not the feed's

    transport.attempts[1].sink.next(result('900'));
    expect(view.got.at(-1)).toEqual(result('900'));
    transport.attempts[1].sink.next(result('900')); // duplicates are still dropped
    expect(view.got).toHaveLength(3);
  });

  it('does the same for an expiry sent as an error message', () => {
    const transport = fakeTransport();
    const view = recorder();
    subscribeResumable(transport.subscribe, { ...request, variables: { after: '7' } }, view.sink);
    expect(transport.attempts[0].variables).toEqual({ after: '7' });
    transport.attempts[0].sink.error(expiredErrors);
    expect(view.errored()).toBeUndefined();
    expect(transport.attempts[1].variables).toEqual({});
    expect(view.got).toEqual([{ errors: expiredErrors, data: null }]);
  });

  it('starts over from a cursor beyond the log\'s head (BAD_USER_INPUT on after)', () => {
    const transport = fakeTransport();
    const view = recorder();
    subscribeResumable(transport.subscribe, { ...request, variables: { after: '90' } }, view.sink);
    const beyond = [{ message: 'after: cursor 90 is beyond the log', extensions: { code: 'BAD_USER_INPUT', field: 'after' } }];
    transport.attempts[0].sink.next({ errors: beyond, data: null });
    expect(transport.attempts[1].variables).toEqual({});
    expect(view.got).toEqual([{ errors: beyond, data: null }]);
  });

  it('passes an expiry on without resubscribing when no cursor was sent (no loop)', () => {
    const transport = fakeTransport();
    const view = recorder();
    subscribeResumable(transport.subscribe, request, view.sink);
    transport.attempts[0].sink.next({ errors: expiredErrors, data: null });
    transport.attempts[0].sink.complete();
    expect(transport.attempts).toHaveLength(1);
    expect(view.got).toEqual([{ errors: expiredErrors, data: null }]);
    expect(view.completed()).toBe(true);
  });

  it('ends on other errors and on complete, keeping the cursor for graphql-ws to resume with', () => {
    const transport = fakeTransport();
    const view = recorder();
    subscribeResumable(transport.subscribe, request, view.sink);
    transport.attempts[0].sink.next(result('5'));
    const forbidden = [{ message: 'no', extensions: { code: 'FORBIDDEN' } }];
    transport.attempts[0].sink.error(forbidden);
    expect(view.errored()).toBe(forbidden);
    expect(transport.attempts).toHaveLength(1);
  });

  it('stops the current subscription when the caller unsubscribes, after an expiry too', () => {
    const transport = fakeTransport();
    const view = recorder();
    const stop = subscribeResumable(transport.subscribe, request, view.sink);
    transport.attempts[0].sink.next(result('5'));
    transport.attempts[0].sink.next({ errors: expiredErrors, data: null });
    stop();
    expect(transport.attempts.map((a) => a.ended)).toEqual([true, true]);
    transport.attempts[1].sink.next(result('6'));
    expect(view.got).toHaveLength(2); // nothing after the caller left
  });
});

describe('feedAction', () => {
  const error = (code: string) => ({ graphQLErrors: [{ message: 'x', extensions: { code } }] });

  it('reads the data again after CURSOR_EXPIRED, shows other errors, applies events', () => {
    expect(feedAction(error('CURSOR_EXPIRED'))).toBe('reload');
    expect(feedAction(error('FORBIDDEN'))).toBe('error');
    expect(feedAction({ networkError: new Error('closed'), graphQLErrors: [] })).toBe('error');
    expect(feedAction(undefined)).toBe('event');
  });

  it("starts over from a cursor beyond the log's head too (BAD_USER_INPUT on after: a restored database)", () => {
    const beyond = { graphQLErrors: [{ message: 'after: cursor 90 is beyond the log', extensions: { code: 'BAD_USER_INPUT', field: 'after' } }] };
    expect(cursorExpired(beyond)).toBe(true);
    expect(feedAction(beyond)).toBe('reload');
    const other = { graphQLErrors: [{ message: 'types: unknown', extensions: { code: 'BAD_USER_INPUT', field: 'types' } }] };
    expect(feedAction(other)).toBe('error');
  });
});
