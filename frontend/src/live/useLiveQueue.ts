import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import type { CombinedError } from 'urql';
import { useApi } from '../api/context';
import { InboxFeedSubscription, MyQueueFeedSubscription, QueueQuery } from '../api/operations';
import type { ConversationWhereInput, QueueConversationFragment } from '../gql/graphql';
import { emptyQueue, queueItems, queueReducer, type QueueEventKind } from './queue';

/** The queues the workspace shows live. The intervention queue joins when the API has it. */
export type QueueKind = 'unclaimed' | 'mine';

/** How many conversations a queue loads (its feed then keeps them current). */
export const QUEUE_LIMIT = 100;

const open: ConversationWhereInput = { statusIn: ['NEW', 'PENDING'], stateNEQ: 'CLOSED' };

/** The query filter that matches the subscription's membership (graph/live.go). */
export function queueWhere(kind: QueueKind, viewerId: string): ConversationWhereInput {
  switch (kind) {
    case 'unclaimed': // owned by no human: nobody, or a bot (C1)
      return { ...open, or: [{ hasOwner: false }, { hasOwnerWith: [{ kind: 'VIRTUAL' }] }] };
    case 'mine':
      return { ...open, hasOwnerWith: [{ id: viewerId }] };
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
 * A queue kept current from its subscription (inbox or myQueue): the subscription starts first,
 * then the query; queueReducer merges the two by version. After the WebSocket reconnects the
 * query runs again, as events sent while it was down are not replayed without a cursor.
 */
export function useLiveQueue(
  kind: QueueKind,
  viewerId: string,
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

  const load = useCallback(() => {
    const mine = ++generation.current;
    const startedAt = seq.current;
    void api.client
      .query(QueueQuery, { first: QUEUE_LIMIT, where: queueWhere(kind, viewerId) }, { requestPolicy: 'network-only' })
      .toPromise()
      .then((result) => {
        if (mine !== generation.current) return; // a newer load is under way
        setError(result.error);
        if (!result.data) return;
        const items = (result.data.conversations.edges ?? []).flatMap((e) => (e?.node ? [e.node] : []));
        setTotal(result.data.conversations.totalCount);
        dispatch({ type: 'snapshot', items, startedAt });
      });
  }, [api, kind, viewerId]);

  useEffect(() => {
    type Event = { kind: QueueEventKind; conversation: QueueConversationFragment } | undefined;
    const handle = (error: CombinedError | undefined, event: Event) => {
      if (error) setError(error);
      else if (event) dispatch({ type: 'event', kind: event.kind, item: event.conversation });
    };
    const { unsubscribe } =
      kind === 'unclaimed'
        ? api.client.subscription(InboxFeedSubscription, {}).subscribe((r) => handle(r.error, r.data?.inbox))
        : api.client.subscription(MyQueueFeedSubscription, {}).subscribe((r) => handle(r.error, r.data?.myQueue));
    load();
    const stop = api.onReconnected(load);
    return () => {
      stop();
      unsubscribe();
    };
  }, [api, kind, load]);

  const items = useMemo(() => queueItems(state, compare), [state, compare]);
  const patch = useCallback((conversation: QueueConversationFragment) => dispatch({ type: 'patch', item: conversation }), []);
  return { items, loaded: state.loaded, truncated: total > QUEUE_LIMIT, error, refetch: load, patch };
}
