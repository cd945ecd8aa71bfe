// Resuming subscriptions from their cursors (SPEC §7 E3). Every event a subscription delivers
// carries a cursor: the workspace event log's sequence number. A subscription keeps the last one
// it delivered. When the WebSocket drops, graphql-ws reconnects and subscribes again, and then the
// subscription asks for `after: <that cursor>`: the server replays what was missed, in order, and
// goes live. Anything at or before the cursor (an event both replayed and sent live) is dropped
// here, so nothing is shown twice and nothing is lost. No I/O here: the transport (api/client.ts)
// applies it to every subscription whose operation declares `$after`.

import type { DocumentNode } from 'graphql';

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
}

/** Wraps a subscription's payload with its cursor bookkeeping. */
export function resumable<P extends { query: string; variables?: Readonly<Record<string, unknown>> | null }>(request: P): Resumable<P> {
  const base = request.variables ?? undefined;
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
  };
}
