// Resuming subscriptions from their cursors (SPEC §7 E3). Every event a subscription delivers
// carries a cursor: the workspace event log's sequence number. A subscription keeps the last one
// it delivered. When the WebSocket drops, graphql-ws reconnects and subscribes again, and then the
// subscription asks for `after: <that cursor>`: the server replays what was missed, in order, and
// goes live. Anything at or before the cursor (an event both replayed and sent live) is dropped
// here, so nothing is shown twice and nothing is lost. A cursor older than the audit log keeps
// (E6) cannot be resumed: the server answers CURSOR_EXPIRED (or BAD_USER_INPUT on `after` for one
// beyond the log's head), and the feed drops its cursor, subscribes again live from now, and
// tells its view to read its data again. No I/O here: the
// transport (api/client.ts) applies it to every subscription whose operation declares `$after`.

import type { DocumentNode } from 'graphql';
import { errorCode, type ApiError } from '../api/errors';

const DIGITS = /^\d+$/;

/**
 * Orders two cursors: negative when a comes first, 0 when equal, positive when a comes later.
 * Cursors are decimal sequence numbers of any length (compared exactly, without Number's
 * 2^53 limit); anything else is compared as text, which is still a consistent order.
 */
export function compareCursors(a: string, b: string): number {
  if (DIGITS.test(a) && DIGITS.test(b)) {
    const x = a.replace(/^0+(?=\d)/, '');
    const y = b.replace(/^0+(?=\d)/, '');
    if (x.length !== y.length) return x.length - y.length;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Where a subscription is in the event log: the last cursor it delivered, null before the first. */
export interface CursorPosition {
  readonly last: string | null;
}

/** The position a subscription starts from: its own `after` variable, if it had one. */
export function startAt(after?: unknown): CursorPosition {
  return { last: typeof after === 'string' && after !== '' ? after : null };
}

/**
 * Decides whether an item with cursor should be delivered, and the position after it. The cursor
 * only moves forward: an item at or before the position is a duplicate (a replay overlapping the
 * live stream) and is dropped. An item without a cursor cannot be judged and is delivered as is.
 */
export function advance(position: CursorPosition, cursor: string | null | undefined): { position: CursorPosition; deliver: boolean } {
  if (typeof cursor !== 'string' || cursor === '') return { position, deliver: true };
  if (position.last !== null && compareCursors(cursor, position.last) <= 0) return { position, deliver: false };
  return { position: { last: cursor }, deliver: true };
}

/** The variables to (re)subscribe with: `after` is the last cursor delivered, once there is one. */
export function resumeVariables(variables: Readonly<Record<string, unknown>> | undefined, position: CursorPosition): Record<string, unknown> {
  if (position.last === null) return { ...variables };
  return { ...variables, after: position.last };
}

/**
 * The cursor of one subscription result: `{ data: { <field>: { cursor } } }` (every subscription
 * has one root field). undefined when there is none (an error result).
 */
export function cursorOf(result: unknown): string | undefined {
  if (typeof result !== 'object' || result === null) return undefined;
  const data = (result as { data?: unknown }).data;
  if (typeof data !== 'object' || data === null) return undefined;
  for (const value of Object.values(data)) {
    if (typeof value === 'object' && value !== null) {
      const cursor = (value as { cursor?: unknown }).cursor;
      if (typeof cursor === 'string') return cursor;
    }
  }
  return undefined;
}

/** Whether the document's operation takes an `$after` variable, and so can be resumed. */
export function declaresAfter(document: DocumentNode): boolean {
  return document.definitions.some(
    (def) => def.kind === 'OperationDefinition' && (def.variableDefinitions ?? []).some((v) => v.variable.name.value === 'after'),
  );
}

/** What the transport needs to resume one subscription. */
export interface Resumable<P> {
  /**
   * The payload to subscribe with. Its `variables` are read each time it is sent (graphql-ws
   * serialises the payload again when it resubscribes after a reconnection), so a resubscription
   * carries `after: <the last cursor delivered>`.
   */
  payload: P;
  /** Records a result; false when it is a duplicate to drop. */
  accept(result: unknown): boolean;
  /** The last cursor delivered. */
  last(): string | null;
  /** Forgets the position, the subscription's own `after` too: the payload then asks for live events only. */
  reset(): void;
}

/** Wraps a subscription's payload with its cursor bookkeeping. */
export function resumable<P extends { query: string; variables?: Readonly<Record<string, unknown>> | null }>(request: P): Resumable<P> {
  let base = request.variables ?? undefined;
  let position = startAt(base?.after);
  const payload = { ...request };
  Object.defineProperty(payload, 'variables', {
    enumerable: true,
    configurable: true,
    get: () => resumeVariables(base, position),
  });
  return {
    payload,
    accept(result) {
      const next = advance(position, cursorOf(result));
      position = next.position;
      return next.deliver;
    },
    last: () => position.last,
    reset() {
      position = startAt();
      if (base && 'after' in base) {
        const { after: _dropped, ...rest } = base;
        base = rest;
      }
    },
  };
}

/** The GraphQL errors a subscription can end with: a `next` carrying errors, or an `error` message. */
type FeedErrors = ReadonlyArray<{ message: string; extensions?: Readonly<Record<string, unknown>> }>;

function errorsOf(value: unknown): FeedErrors {
  if (Array.isArray(value)) return value as FeedErrors; // graphql-ws's `error` message
  if (typeof value === 'object' && value !== null && Array.isArray((value as { errors?: unknown }).errors)) {
    return (value as { errors: FeedErrors }).errors;
  }
  return [];
}

/**
 * Whether a feed's error says its cursor cannot be resumed from: CURSOR_EXPIRED (older than the
 * audit log keeps, E6), or BAD_USER_INPUT on `after` (beyond the log's head, as after the server's
 * database was restored from an older copy). Either way the feed starts over, live, and its view
 * reads its data again.
 */
export function cursorExpired(error: ApiError | null | undefined): boolean {
  switch (errorCode(error)) {
    case 'CURSOR_EXPIRED':
      return true;
    case 'BAD_USER_INPUT':
      return (error?.graphQLErrors ?? []).some((e) => e.extensions?.code === 'BAD_USER_INPUT' && e.extensions.field === 'after');
    default:
      return false;
  }
}

/**
 * What a view does with one result of its feed: read its data again (the cursor had expired: the
 * transport has already subscribed again, live from now, and what happened meanwhile is only in
 * a fresh query), show the error, or apply the event.
 */
export function feedAction(error: ApiError | null | undefined): 'reload' | 'error' | 'event' {
  if (!error) return 'event';
  return cursorExpired(error) ? 'reload' : 'error';
}

/** graphql-ws's sink (the part used here). */
export interface FeedSink<R> {
  next(value: R): void;
  error(error: unknown): void;
  complete(): void;
}

/** graphql-ws's Client.subscribe: subscribes with payload and returns a function that ends it. */
export type Subscribe<P, R> = (payload: P, sink: FeedSink<R>) => () => void;

/**
 * Subscribes to a feed that declares `$after` and keeps it going for as long as the caller wants:
 * it resumes from its last cursor after a reconnection (subscribe, that is graphql-ws, resends the
 * payload), drops duplicates, and, when the server answers CURSOR_EXPIRED to a cursor it sent,
 * drops the cursor, subscribes again without `after` (live from now), and hands the error on as a
 * result: the view then reads its data again (what happened meanwhile is only there). An expiry
 * without a cursor sent cannot be helped by resubscribing and ends the feed like any error.
 */
export function subscribeResumable<P extends { query: string; variables?: Readonly<Record<string, unknown>> | null }, R>(
  subscribe: Subscribe<P, R>,
  request: P,
  sink: FeedSink<R>,
): () => void {
  // One position per subscription: it outlives reconnections and expiries, not the subscription.
  const feed = resumable(request);
  let ended = false;
  let attempt: { current: boolean; unsubscribe?: () => void } = { current: false };

  const start = () => {
    const mine: { current: boolean; unsubscribe?: () => void } = { current: true };
    attempt = mine;
    const expired = (value: unknown): boolean => {
      const errors = errorsOf(value);
      if (feed.last() === null || !cursorExpired({ graphQLErrors: errors })) return false;
      mine.current = false;
      feed.reset();
      mine.unsubscribe?.(); // the server completes an expired subscription; this one is done either way
      start();
      sink.next({ errors, data: null } as unknown as R);
      return true;
    };
    const unsubscribe = subscribe(feed.payload, {
      next(value) {
        if (!mine.current || ended || expired(value)) return;
        if (feed.accept(value)) sink.next(value);
      },
      error(error) {
        if (!mine.current || ended || expired(error)) return;
        ended = true;
        sink.error(error);
      },
      complete() {
        if (!mine.current || ended) return;
        ended = true;
        sink.complete();
      },
    });
    mine.unsubscribe = unsubscribe;
    if (!mine.current) unsubscribe(); // it expired while subscribing
  };
  start();
  return () => {
    ended = true;
    attempt.unsubscribe?.();
  };
}
