import { useEffect, useRef, useState } from 'react';
import type { PresenceControl } from './components/PresenceSwitch';
import { watchIdle } from './idle';

/** Activity in another tab of the workspace counts too: each tab writes the time here now and then. */
const ACTIVITY_KEY = 'switchboard.activity';
const SHARE_EVERY_MS = 5_000;
const EVENTS = ['keydown', 'mousedown', 'mousemove', 'wheel', 'touchstart', 'focus', 'scroll'] as const;

/**
 * Sets an ONLINE agent AWAY after seconds without keyboard, mouse or focus activity (the
 * workspace's awayAfterIdleSeconds; 0 or null: never), and returns the notice to show: the idle
 * time, until they go online again.
 */
export function useAwayAfterIdle(presence: PresenceControl, seconds: number | null): { idleSeconds: number | null; dismiss: () => void } {
  const [idleSeconds, setIdleSeconds] = useState<number | null>(null);
  const online = presence.presence === 'ONLINE';
  const change = presence.change;
  const current = useRef(presence.presence);
  current.current = presence.presence;

  // Back online (the notice's button, the header's switch): the notice has done its job.
  useEffect(() => {
    if (online) setIdleSeconds(null);
  }, [online]);

  useEffect(() => {
    if (!online || !seconds || seconds <= 0) return;
    const watcher = watchIdle(seconds * 1000, () => {
      if (current.current !== 'ONLINE') return;
      // The notice first: if the change fails, presence goes back to ONLINE and that clears it.
      setIdleSeconds(seconds);
      void change('AWAY');
    });
    let shared = 0;
    const onActivity = () => {
      watcher.activity();
      const now = Date.now();
      if (now - shared > SHARE_EVERY_MS) {
        shared = now;
        try {
          localStorage.setItem(ACTIVITY_KEY, String(now));
        } catch {
          // this tab alone, then
        }
      }
    };
    const onStorage = (e: StorageEvent) => {
      if (e.key === ACTIVITY_KEY) watcher.activity();
    };
    for (const name of EVENTS) window.addEventListener(name, onActivity, { capture: true, passive: true });
    window.addEventListener('storage', onStorage);
    return () => {
      watcher.stop();
      for (const name of EVENTS) window.removeEventListener(name, onActivity, { capture: true });
      window.removeEventListener('storage', onStorage);
    };
  }, [online, seconds, change]);

  return { idleSeconds, dismiss: () => setIdleSeconds(null) };
}
