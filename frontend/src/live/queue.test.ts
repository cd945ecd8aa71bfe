import { describe, expect, it } from 'vitest';
import { emptyQueue, queueItems, queueReducer, type QueueAction, type QueueState } from './queue';

interface Row {
  id: string;
  version: number;
  name?: string;
}

const byId = (a: Row, b: Row) => a.id.localeCompare(b.id);
const run = (actions: QueueAction<Row>[], state: QueueState<Row> = emptyQueue<Row>()) => actions.reduce(queueReducer, state);
const ids = (state: QueueState<Row>) => queueItems(state, byId).map((r) => `${r.id}@${r.version}`);

describe('queueReducer', () => {
  it('loads a snapshot', () => {
    const state = run([{ type: 'snapshot', items: [{ id: 'a', version: 1 }, { id: 'b', version: 3 }], startedAt: 0 }]);
    expect(state.loaded).toBe(true);
    expect(ids(state)).toEqual(['a@1', 'b@3']);
  });

  it('applies ADDED, UPDATED and REMOVED after the snapshot', () => {
    const state = run([
      { type: 'snapshot', items: [{ id: 'a', version: 1 }], startedAt: 0 },
      { type: 'event', kind: 'ADDED', item: { id: 'b', version: 5 } },
      { type: 'event', kind: 'UPDATED', item: { id: 'a', version: 2, name: 'locked' } },
      { type: 'event', kind: 'REMOVED', item: { id: 'b', version: 6 } },
    ]);
    expect(ids(state)).toEqual(['a@2']);
    expect(queueItems(state, byId)[0].name).toBe('locked');
  });

  it('ignores an update older than what it has', () => {
    const state = run([
      { type: 'event', kind: 'ADDED', item: { id: 'a', version: 4, name: 'new' } },
      { type: 'event', kind: 'UPDATED', item: { id: 'a', version: 3, name: 'old' } },
    ]);
    expect(queueItems(state, byId)[0].name).toBe('new');
  });

  it('keeps what events added while the query was running', () => {
    let state = emptyQueue<Row>();
    const startedAt = state.seq;
    state = run([
      { type: 'event', kind: 'ADDED', item: { id: 'late', version: 2 } },
      { type: 'snapshot', items: [{ id: 'a', version: 1 }], startedAt },
    ], state);
    expect(ids(state)).toEqual(['a@1', 'late@2']);
  });

  it('does not bring back what left while the query was running', () => {
    const state = run([
      { type: 'event', kind: 'REMOVED', item: { id: 'a', version: 2 } },
      { type: 'snapshot', items: [{ id: 'a', version: 1 }, { id: 'b', version: 1 }], startedAt: 0 },
    ]);
    expect(ids(state)).toEqual(['b@1']);
  });

  it('takes back what came back after it left (the snapshot is newer than the removal)', () => {
    const state = run([
      { type: 'event', kind: 'REMOVED', item: { id: 'a', version: 2 } },
      { type: 'snapshot', items: [{ id: 'a', version: 4 }], startedAt: 0 },
    ]);
    expect(ids(state)).toEqual(['a@4']);
  });

  it('keeps the newer copy when the snapshot is older than an event', () => {
    const state = run([
      { type: 'event', kind: 'UPDATED', item: { id: 'a', version: 7, name: 'event' } },
      { type: 'snapshot', items: [{ id: 'a', version: 6, name: 'query' }], startedAt: 0 },
    ]);
    expect(queueItems(state, byId)[0]).toEqual({ id: 'a', version: 7, name: 'event' });
  });

  it('drops on a refetch what the new snapshot no longer has and no event touched since', () => {
    let state = run([{ type: 'snapshot', items: [{ id: 'a', version: 1 }, { id: 'b', version: 1 }], startedAt: 0 }]);
    state = queueReducer(state, { type: 'snapshot', items: [{ id: 'b', version: 2 }], startedAt: state.seq });
    expect(ids(state)).toEqual(['b@2']);
  });

  it('ignores an echo of a conversation after it left, and re-adds it when it comes back', () => {
    let state = run([
      { type: 'snapshot', items: [{ id: 'a', version: 1 }], startedAt: 0 },
      { type: 'event', kind: 'REMOVED', item: { id: 'a', version: 5 } },
      { type: 'event', kind: 'UPDATED', item: { id: 'a', version: 4 } },
    ]);
    expect(ids(state)).toEqual([]);
    state = queueReducer(state, { type: 'event', kind: 'ADDED', item: { id: 'a', version: 9 } });
    expect(ids(state)).toEqual(['a@9']);
  });

  it('patches members only, never adds', () => {
    const state = run([
      { type: 'snapshot', items: [{ id: 'a', version: 1 }], startedAt: 0 },
      { type: 'patch', item: { id: 'a', version: 2, name: 'claimed' } },
      { type: 'patch', item: { id: 'z', version: 2 } },
    ]);
    expect(ids(state)).toEqual(['a@2']);
  });
});
