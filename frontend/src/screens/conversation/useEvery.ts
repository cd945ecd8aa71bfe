import { useEffect } from 'react';

/** How often an open hand-over dialog reads presence and load again. */
export const HANDOVER_REFRESH_MS = 15_000;

/** Calls refresh every HANDOVER_REFRESH_MS while the dialog is open (presence and load move). */
export function useEvery(refresh: () => void) {
  useEffect(() => {
    const timer = window.setInterval(refresh, HANDOVER_REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [refresh]);
}
