import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import type { CombinedError } from 'urql';
import { useApi } from '../api/context';
import { EventCursorQuery, InboxFeedSubscription, MyQueueFeedSubscription, MyQueueQuery, QueuePlacesQuery, QueueQuery } from '../api/operations';
import type { ConversationWhereInput, QueueConversationFragment, QueueEventKind } from '../gql/graphql';
import { withPlace, type PlaceReading } from '../queuePlace';
import { feedAction } from './cursor';
import { follow } from './follow';
import { emptyQueue, queueItems, queueReducer } from './queue';

/**
 * The queues the workspace reads live. The intervention queue (I2) is the part of the shared
 * inbox with a waiting intervention: the inbox feed carries it (reasons intervention.*), and the
 * conversations filter has no intervention predicate, so it is derived from 'unclaimed'.
 */
export type QueueKind = 'unclaimed' | 'mine';

/**
 * After the queue changes, places are read again this much later (changes come in bursts); and
 * every PLACES_EVERY_MS anyway, as expected waits move with time and with other channels' work.
 */
const PLACES_DEBOUNCE_MS = 1_000;
const PLACES_EVERY_MS = 30_000;

/**
 * How many conversations a queue loads (its feed then keeps them current): the largest page the
 * server gives (SPEC §10; graph/complexity_test.go checks it fits the complexity limit).
 */
export const QUEUE_LIMIT = 100;

const open: ConversationWhereInput = { statusIn: ['NEW', 'PENDING'], stateNEQ: 'CLOSED' };

/**
 * The query filter that matches the inbox subscription's membership (graph/live.go). My Queue
 * needs none: Query.myQueue is the server's own answer for the set its subscription follows.
 */
export function queueWhere(kind: 'unclaimed'): ConversationWhereInput {
  switch (kind) {
    case 'unclaimed': // owned by no human: nobody, or a bot (C1)
      return { ...open, or: [{ hasOwner: false }, { hasOwnerWith: [{ kind: 'VIRTUAL' }] }] };
  }
}

export interface LiveQueue {
  items: QueueConversationFragment[];
  loaded: boolean;
  /** More conversations matched than were loaded. */
  truncated: boolean;
  error: CombinedError | undefined;
  refetch: () => void;
  /** A fresher copy of a member (from a mutation's answer). */
  patch: (conversation: QueueConversationFragment) => void;
}

/**
 * A queue kept current from its subscription (inbox or myQueue), started without a gap (E3,
 * live/follow.ts): the event cursor first, then the query (Query.myQueue for My Queue, the
 * conversations filter for the inbox), then the subscription with `after:` that cursor; queueReducer
 * merges the two by version. After the WebSocket reconnects the feed resumes from its last cursor
 * (the one it started from if it had delivered nothing yet; api/client.ts) and the query runs again
 * as well, as a safety net: the reducer drops whatever it already knows. A cursor too old to resume
 * from (CURSOR_EXPIRED) reads the queue again too.
 */
export function useLiveQueue(
  kind: QueueKind,
  compare: (a: QueueConversationFragment, b: QueueConversationFragment) => number,
): LiveQueue {
  const api = useApi();
  const [state, dispatch] = useReducer(
    queueReducer<QueueConversationFragment>,
    undefined,
    emptyQueue<QueueConversationFragment>,
  );
  const seq = useRef(0);
  seq.current = state.seq;
  const [error, setError] = useState<CombinedError | undefined>();
  const [total, setTotal] = useState(0);
  const generation = useRef(0);
  const [places, setPlaces] = useState<ReadonlyMap<string, PlaceReading>>(() => new Map());
  const placesTimer = useRef<number | undefined>(undefined);

  // Queue places (SPEC §12) of one conversation change when others ahead of it leave: read them
  // again, cheaply, after membership changes (only the shared inbox has queued conversations).
  const readPlaces = useCallback(() => {
    if (kind !== 'unclaimed') return;
    void api.client
      .query(QueuePlacesQuery, { first: QUEUE_LIMIT, where: queueWhere(kind) }, { requestPolicy: 'network-only' })
      .toPromise()
      .then((result) => {
        if (!result.data) return;
        const next = new Map<string, PlaceReading>();
        for (const e of result.data.conversations.edges ?? []) {
          if (e?.node) next.set(e.node.id, { version: e.node.version, queuePosition: e.node.queuePosition });
        }
        setPlaces(next);
      });
  }, [api, kind]);
  const placesSoon = useCallback(() => {
    window.clearTimeout(placesTimer.current);
    placesTimer.current = window.setTimeout(readPlaces, PLACES_DEBOUNCE_MS);
  }, [readPlaces]);
  useEffect(() => {
    if (kind !== 'unclaimed') return;
    const timer = window.setInterval(readPlaces, PLACES_EVERY_MS);
    return () => {
      window.clearInterval(timer);
      window.clearTimeout(placesTimer.current);
    };
  }, [kind, readPlaces]);

  const load = useCallback((): Promise<void> => {
    const mine = ++generation.current;
    const startedAt = seq.current;
    const answer = (error: CombinedError | undefined, connection: { totalCount: number; edges?: ReadonlyArray<{ node?: QueueConversationFragment | null } | null> | null } | undefined) => {
      if (mine !== generation.current) return; // a newer load is under way
      setError(error);
      if (!connection) return;
      const items = (connection.edges ?? []).flatMap((e) => (e?.node ? [e.node] : []));
      setTotal(connection.totalCount);
      dispatch({ type: 'snapshot', items, startedAt });
    };
    if (kind === 'mine') {
      return api.client
        .query(MyQueueQuery, { first: QUEUE_LIMIT }, { requestPolicy: 'network-only' })
        .toPromise()
        .then((result) => answer(result.error, result.data?.myQueue));
    }
    return api.client
      .query(QueueQuery, { first: QUEUE_LIMIT, where: queueWhere(kind) }, { requestPolicy: 'network-only' })
      .toPromise()
      .then((result) => answer(result.error, result.data?.conversations));
  }, [api, kind]);
  const reload = useCallback(() => void load(), [load]);

  useEffect(() => {
    type Event = { kind: QueueEventKind; conversation: QueueConversationFragment } | undefined;
    const handle = (error: CombinedError | undefined, event: Event) => {
      switch (feedAction(error)) {
        case 'reload': // the feed lost its place (CURSOR_EXPIRED) and goes on live: read the queue again
          reload();
          placesSoon();
          return;
        case 'error':
          setError(error);
          return;
        case 'event':
          if (!event) return;
          dispatch({ type: 'event', kind: event.kind, item: event.conversation });
          if (event.kind !== 'UPDATED') placesSoon();
      }
    };
    const stopFeed = follow({
      cursor: () =>
        api.client
          .query(EventCursorQuery, {}, { requestPolicy: 'network-only' })
          .toPromise()
          .then((result) => result.data?.eventCursor ?? null),
      load,
      subscribe: (after) => {
        const variables = after === null ? {} : { after };
        const { unsubscribe } =
          kind === 'unclaimed'
            ? api.client.subscription(InboxFeedSubscription, variables).subscribe((r) => handle(r.error, r.data?.inbox))
            : api.client.subscription(MyQueueFeedSubscription, variables).subscribe((r) => handle(r.error, r.data?.myQueue));
        return unsubscribe;
      },
    });
    const stop = api.onReconnected(reload);
    return () => {
      stop();
      stopFeed();
    };
  }, [api, kind, load, reload, placesSoon]);

  const items = useMemo(() => queueItems(state, compare).map((c) => withPlace(c, places)), [state, compare, places]);
  const patch = useCallback((conversation: QueueConversationFragment) => dispatch({ type: 'patch', item: conversation }), []);
  return { items, loaded: state.loaded, truncated: total > QUEUE_LIMIT, error, refetch: reload, patch };
}
