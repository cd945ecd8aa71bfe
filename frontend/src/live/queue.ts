// A live queue (the shared inbox, My Queue): a snapshot from the conversations query merged with
// the QueueEvents of its subscription. The two race: the subscription starts before the query
// answers, and events can arrive before, during or after it. Every conversation carries its
// version (SPEC §9: every change increments it), so the merge keeps, for each conversation, the
// newest thing known, and remembers removals (tombstones) so that an older snapshot cannot bring
// back a conversation that has already left. The server decides membership; this only orders
// what it said.

import type { QueueEventKind } from '../gql/graphql';

/** What a queue holds: anything with an id and the conversation's version. */
export interface Versioned {
  id: string;
  version: number;
}

interface Entry<T> {
  value: T;
  /** The action number that last put it here (see QueueState.seq). */
  touched: number;
}

export interface QueueState<T extends Versioned> {
  items: Readonly<Record<string, Entry<T>>>;
  /** Conversations that left the queue: the version they left at, and when (action number). */
  tombstones: Readonly<Record<string, { version: number; at: number }>>;
  /** Counts actions, so that a snapshot knows what happened after its query started. */
  seq: number;
  /** A snapshot has arrived. */
  loaded: boolean;
}

export type QueueAction<T extends Versioned> =
  /** A QueueEvent from the subscription. */
  | { type: 'event'; kind: QueueEventKind; item: T }
  /** The query's answer; startedAt is the state's seq when the query was sent. */
  | { type: 'snapshot'; items: readonly T[]; startedAt: number }
  /** A fresher copy from elsewhere (a mutation's answer): replaces a member, never adds one. */
  | { type: 'patch'; item: T };

export function emptyQueue<T extends Versioned>(): QueueState<T> {
  return { items: {}, tombstones: {}, seq: 0, loaded: false };
}

function newer<T extends Versioned>(incoming: T, existing: Entry<T> | undefined): boolean {
  return !existing || incoming.version >= existing.value.version;
}

export function queueReducer<T extends Versioned>(state: QueueState<T>, action: QueueAction<T>): QueueState<T> {
  const seq = state.seq + 1;
  switch (action.type) {
    case 'event': {
      const { item } = action;
      const existing = state.items[item.id];
      if (action.kind === 'REMOVED') {
        const items = { ...state.items };
        if (!existing || item.version >= existing.value.version) delete items[item.id];
        const prior = state.tombstones[item.id];
        const version = Math.max(item.version, prior?.version ?? 0);
        return { ...state, seq, items, tombstones: { ...state.tombstones, [item.id]: { version, at: seq } } };
      }
      const tomb = state.tombstones[item.id];
      if (tomb && tomb.version > item.version) return { ...state, seq }; // an echo from before it left
      if (!newer(item, existing)) return { ...state, seq };
      const tombstones = { ...state.tombstones };
      delete tombstones[item.id];
      return { ...state, seq, items: { ...state.items, [item.id]: { value: item, touched: seq } }, tombstones };
    }
    case 'patch': {
      const existing = state.items[action.item.id];
      if (!existing || !newer(action.item, existing)) return { ...state, seq };
      return { ...state, seq, items: { ...state.items, [action.item.id]: { value: action.item, touched: existing.touched } } };
    }
    case 'snapshot': {
      const items: Record<string, Entry<T>> = {};
      for (const item of action.items) {
        const tomb = state.tombstones[item.id];
        if (tomb && tomb.at > action.startedAt && tomb.version >= item.version) continue; // left meanwhile
        const existing = state.items[item.id];
        items[item.id] = existing && existing.value.version > item.version ? existing : { value: item, touched: seq };
      }
      // What the events brought in after the query started stays: the query may not have seen it.
      for (const [id, entry] of Object.entries(state.items)) {
        if (!items[id] && entry.touched > action.startedAt) items[id] = entry;
      }
      // Removals older than the query are in its answer; newer ones still guard later snapshots.
      const tombstones: Record<string, { version: number; at: number }> = {};
      for (const [id, tomb] of Object.entries(state.tombstones)) {
        if (tomb.at > action.startedAt) tombstones[id] = tomb;
      }
      return { items, tombstones, seq, loaded: true };
    }
  }
}

/** The queue's conversations, ordered by compare. */
export function queueItems<T extends Versioned>(state: QueueState<T>, compare: (a: T, b: T) => number): T[] {
  return Object.values(state.items)
    .map((entry) => entry.value)
    .sort(compare);
}
