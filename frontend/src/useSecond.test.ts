import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { clockIntervals, subscribeSecond } from './useSecond';

describe('the shared one-second clock (countdowns)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.stubGlobal('window', globalThis);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it('runs one interval for every subscriber, and none without', () => {
    const ticks = [0, 0, 0];
    const stops = ticks.map((_, i) => subscribeSecond(() => ticks[i]++));
    expect(clockIntervals()).toBe(1);
    vi.advanceTimersByTime(3000);
    expect(ticks).toEqual([3, 3, 3]);
    stops[0]();
    stops[1]();
    expect(clockIntervals()).toBe(1);
    stops[2]();
    expect(clockIntervals()).toBe(0);
    vi.advanceTimersByTime(5000);
    expect(ticks).toEqual([3, 3, 3]);
  });
});
