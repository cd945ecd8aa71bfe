import { describe, expect, it } from 'vitest';
import { follow, type FollowSteps } from './follow';

/** Steps that record the order they ran in; each promise is settled by the test. */
function recorder(cursor: () => Promise<string | null>) {
  const calls: string[] = [];
  let finishLoad: () => void = () => {};
  const steps: FollowSteps = {
    cursor: () => {
      calls.push('cursor');
      return cursor();
    },
    load: () => {
      calls.push('load');
      return new Promise<void>((resolve) => {
        finishLoad = () => {
          calls.push('loaded');
          resolve();
        };
      });
    },
    subscribe: (after) => {
      calls.push(`subscribe(${after})`);
      return () => calls.push('unsubscribe');
    },
  };
  return { steps, calls, finishLoad: () => finishLoad() };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('follow (E3: cursor, query, subscription)', () => {
  it('subscribes after the cursor only once the query has answered', async () => {
    const r = recorder(async () => '41');
    const stop = follow(r.steps);
    await tick();
    expect(r.calls).toEqual(['cursor', 'load']);
    r.finishLoad();
    await tick();
    expect(r.calls).toEqual(['cursor', 'load', 'loaded', 'subscribe(41)']);
    stop();
    expect(r.calls.at(-1)).toBe('unsubscribe');
  });

  it('never subscribes when stopped before the query answered', async () => {
    const r = recorder(async () => '41');
    const stop = follow(r.steps);
    await tick();
    stop();
    r.finishLoad();
    await tick();
    expect(r.calls).toEqual(['cursor', 'load', 'loaded']);
  });

  it('never loads when stopped before the cursor came', async () => {
    let give: (c: string) => void = () => {};
    const r = recorder(() => new Promise((resolve) => (give = resolve)));
    const stop = follow(r.steps);
    stop();
    give('41');
    await tick();
    expect(r.calls).toEqual(['cursor']);
  });

  it('without a cursor, goes live first and then loads', async () => {
    for (const cursor of [async () => null, () => Promise.reject(new Error('offline'))]) {
      const r = recorder(cursor);
      follow(r.steps);
      await tick();
      expect(r.calls).toEqual(['cursor', 'subscribe(null)', 'load']);
    }
  });
});
