import { useSyncExternalStore } from 'react';

// One clock for every countdown on screen (issue 20): a single interval ticks once a second while
// anything shows a countdown, and stops when nothing does (not one interval per row).

const listeners = new Set<() => void>();
let timer: number | undefined;
let now = Date.now();

/** Listens to the shared clock's ticks (what useSecond does); returns the way to stop. */
export function subscribeSecond(listener: () => void): () => void {
  listeners.add(listener);
  if (timer === undefined) {
    now = Date.now();
    timer = window.setInterval(() => {
      now = Date.now();
      for (const l of listeners) l();
    }, 1000);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== undefined) {
      window.clearInterval(timer);
      timer = undefined;
    }
  };
}

/** The time now (ms), re-rendering the caller once a second from the one shared timer. */
export function useSecond(): number {
  return useSyncExternalStore(subscribeSecond, () => now);
}

/** How many intervals the shared clock runs (0 or 1). */
export function clockIntervals(): number {
  return timer === undefined ? 0 : 1;
}
