// Coalesces bursts of live events into one refetch: run waitMs after the last poke, but no later
// than maxWaitMs after the first one, so that a steady stream of events still refreshes the screen
// within maxWaitMs (the dashboard promises figures within about a second of a change).

export interface Debounced {
  /** Something changed: run soon. */
  poke(): void;
  /** Forget a pending run (the screen is going away). */
  cancel(): void;
}

export interface DebounceOptions {
  waitMs: number;
  maxWaitMs: number;
}

export function debounce(run: () => void, { waitMs, maxWaitMs }: DebounceOptions): Debounced {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let first: number | null = null;
  const fire = () => {
    timer = undefined;
    first = null;
    run();
  };
  return {
    poke() {
      const now = Date.now();
      first ??= now;
      if (timer !== undefined) clearTimeout(timer);
      const due = Math.min(now + waitMs, first + maxWaitMs);
      timer = setTimeout(fire, Math.max(0, due - now));
    },
    cancel() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      first = null;
    },
  };
}
