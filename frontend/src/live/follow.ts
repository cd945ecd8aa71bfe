// Starting a live screen without a gap (SPEC §7 E3, docs/api.md): read the workspace's event
// cursor first, then load what the screen shows, then subscribe to its feed with `after:` that
// cursor. Whatever happens between the cursor and the subscription is replayed by the server, so
// nothing falls between the query's answer and the first live event; the screen merges the two
// by version (live/queue.ts). No I/O here: the hook that uses it passes the three steps.

export interface FollowSteps {
  /** Reads the event cursor; null (or a rejection) when it cannot be read. */
  cursor(): Promise<string | null>;
  /** Loads what the screen shows (its query). */
  load(): Promise<void>;
  /** Subscribes to the feed after the cursor (null: live from now); returns what ends it. */
  subscribe(after: string | null): () => void;
}

/**
 * Runs the steps in order (cursor, query, subscription after the cursor) and returns a function
 * that stops: a stop before the subscription started means it never starts. Without a cursor the
 * feed starts live first and the query follows, so that what changes while the query runs still
 * arrives as an event.
 */
export function follow(steps: FollowSteps): () => void {
  let stopped = false;
  let unsubscribe: (() => void) | undefined;
  const start = (after: string | null) => {
    if (!stopped) unsubscribe = steps.subscribe(after);
  };
  void (async () => {
    const after = await steps.cursor().catch(() => null);
    if (stopped) return;
    if (after === null) {
      start(null);
      await steps.load().catch(() => undefined);
      return;
    }
    await steps.load().catch(() => undefined);
    start(after);
  })();
  return () => {
    stopped = true;
    unsubscribe?.();
  };
}
