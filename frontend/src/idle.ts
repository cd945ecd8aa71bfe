// Away after idle (issue 20): an ONLINE agent with no keyboard, mouse or focus activity for the
// workspace's awayAfterIdleSeconds is set AWAY, so that routing stops giving them conversations
// (R3: only ONLINE agents are eligible). The clock is injected, so tests never sleep.

export interface IdleClock {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realClock: IdleClock = {
  now: () => Date.now(),
  setTimeout: (run, ms) => window.setTimeout(run, ms),
  clearTimeout: (handle) => window.clearTimeout(handle as number),
};

export interface IdleWatcher {
  /** The person did something: the idle time starts again. Cheap enough for every mouse move. */
  activity(): void;
  stop(): void;
}

/**
 * Calls onIdle once after timeoutMs without activity (and again only after new activity and
 * another timeoutMs). Activity only records the time: one timer runs, and when it fires early
 * (there was activity meanwhile) it waits for the rest.
 */
export function watchIdle(timeoutMs: number, onIdle: () => void, clock: IdleClock = realClock): IdleWatcher {
  let last = clock.now();
  let fired = false;
  let stopped = false;
  let handle: unknown = null;
  const schedule = (ms: number) => {
    handle = clock.setTimeout(check, ms);
  };
  function check() {
    handle = null;
    if (stopped) return;
    const quiet = clock.now() - last;
    if (quiet >= timeoutMs) {
      fired = true;
      onIdle();
      return;
    }
    schedule(timeoutMs - quiet);
  }
  schedule(timeoutMs);
  return {
    activity() {
      if (stopped) return;
      last = clock.now();
      if (fired) {
        fired = false;
        schedule(timeoutMs);
      }
    },
    stop() {
      stopped = true;
      if (handle !== null) clock.clearTimeout(handle);
      handle = null;
    },
  };
}

/** "10 min", "1 h", "90 s": how long the agent was idle, for the notice. */
export function idleWords(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600 || seconds % 3600 !== 0) {
    const minutes = Math.round(seconds / 60);
    return minutes % 60 === 0 ? `${minutes / 60} h` : `${minutes} min`;
  }
  return `${seconds / 3600} h`;
}
