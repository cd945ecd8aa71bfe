import { useEffect, useMemo } from 'react';
import { useQuery } from 'urql';
import { AgentLoadQuery } from '../../api/operations';
import type { ChannelLoadLike } from '../../transfer';

/** How often an open hand-over dialog reads presence and load again. */
export const HANDOVER_REFRESH_MS = 15_000;

/** Calls refresh every HANDOVER_REFRESH_MS while the dialog is open (presence and load move). */
export function useEvery(refresh: () => void) {
  useEffect(() => {
    const timer = window.setInterval(refresh, HANDOVER_REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [refresh]);
}

/**
 * Every agent's load now (agentPerformance), by agent id, when the viewer may read it
 * (supervisors and above); null otherwise: the schema gives agents no Agent.load.
 */
export function useAgentLoads(allowed: boolean): ReadonlyMap<string, readonly ChannelLoadLike[]> | null {
  const [result, reexecute] = useQuery({ query: AgentLoadQuery, pause: !allowed, requestPolicy: 'network-only' });
  useEffect(() => {
    if (!allowed) return;
    const timer = window.setInterval(() => reexecute({ requestPolicy: 'network-only' }), HANDOVER_REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [allowed, reexecute]);
  const data = result.data;
  return useMemo(() => (allowed && data ? new Map(data.agentPerformance.map((p) => [p.agent.id, p.load])) : null), [allowed, data]);
}
