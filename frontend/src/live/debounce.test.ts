import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { debounce } from './debounce';

describe('debounce', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs once, waitMs after a burst', () => {
    const run = vi.fn();
    const d = debounce(run, { waitMs: 300, maxWaitMs: 1000 });
    d.poke();
    vi.advanceTimersByTime(100);
    d.poke();
    d.poke();
    vi.advanceTimersByTime(299);
    expect(run).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(run).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(5000);
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('runs at least every maxWaitMs while events keep coming', () => {
    const run = vi.fn();
    const d = debounce(run, { waitMs: 300, maxWaitMs: 1000 });
    for (let t = 0; t < 2000; t += 100) {
      d.poke();
      vi.advanceTimersByTime(100);
    }
    expect(run).toHaveBeenCalledTimes(2); // at 1000 ms and 2000 ms, not starved by the stream
  });

  it('forgets a pending run when cancelled', () => {
    const run = vi.fn();
    const d = debounce(run, { waitMs: 300, maxWaitMs: 1000 });
    d.poke();
    d.cancel();
    vi.advanceTimersByTime(2000);
    expect(run).not.toHaveBeenCalled();
  });
});
