import { useCallback, useEffect, useRef, useState } from 'react';
import type { CombinedError } from 'urql';
import { useApi } from '../../api/context';
import { DashboardFiguresQuery, WorkspaceEventsSubscription } from '../../api/operations';
import type { DashboardFiguresQuery as FiguresData, WorkspaceEventsSubscription as EventsData } from '../../gql/graphql';
import { feedAction } from '../../live/cursor';
import { periodVariables, type Period } from './period';

export type Figures = FiguresData;
export type WorkspaceEvent = EventsData['workspaceEvents'];

export interface DashboardFigures {
  data: Figures | null;
  /** The period data is for (the picker may have moved on while the new figures load). */
  dataPeriod: Period | null;
  error: CombinedError | undefined;
  loading: boolean;
  updatedAt: Date | null;
  /** Reads every figure again from the server (network-only). */
  refetch: () => void;
}

/**
 * The dashboard's figures for a period: analytics, queues, live load and stale claims, in one
 * query. A newer load wins over an older one still under way (the answers can cross), and the
 * previous figures stay on screen while the next ones load.
 */
export function useDashboardFigures(period: Period): DashboardFigures {
  const api = useApi();
  const [state, setState] = useState<{ data: Figures | null; period: Period | null; updatedAt: Date | null }>({
    data: null,
    period: null,
    updatedAt: null,
  });
  const [error, setError] = useState<CombinedError | undefined>();
  const [loading, setLoading] = useState(false);
  const generation = useRef(0);
  const current = useRef(period);
  current.current = period;

  const refetch = useCallback(() => {
    const mine = ++generation.current;
    const asked = current.current;
    setLoading(true);
    void api.client
      .query(DashboardFiguresQuery, periodVariables(asked, new Date()), { requestPolicy: 'network-only' })
      .toPromise()
      .then((result) => {
        if (mine !== generation.current) return; // a newer load is under way
        setLoading(false);
        setError(result.error);
        if (result.data) setState({ data: result.data, period: asked, updatedAt: new Date() });
      });
  }, [api]);

  useEffect(() => {
    refetch();
  }, [refetch, period]);

  return { data: state.data, dataPeriod: state.period, error, loading, updatedAt: state.updatedAt, refetch };
}

/**
 * Follows the workspace's events of the given types (workspaceEvents, supervisors and above) for
 * as long as the screen is shown, from start.after when given (a replay first, then live), once
 * start is known (null: not yet). The subscription resumes from its last cursor after a
 * reconnection (the transport does it, SPEC §7 E3), so no event is handled twice. When its cursor
 * is too old to resume from (CURSOR_EXPIRED) it goes on live and onReload reads the screen's data
 * again. Events are handed on in batches (a replay brings hundreds at once), in order.
 */
export function useWorkspaceEvents(
  types: readonly string[],
  start: { after: string | null } | null,
  onEvents: (events: readonly WorkspaceEvent[]) => void,
  onReload?: () => void,
): CombinedError | undefined {
  const api = useApi();
  const [error, setError] = useState<CombinedError | undefined>();
  const handler = useRef(onEvents);
  handler.current = onEvents;
  const reload = useRef(onReload);
  reload.current = onReload;
  const key = types.join(',');
  const ready = start !== null;
  const after = start?.after ?? null;

  useEffect(() => {
    if (!ready) return;
    let pending: WorkspaceEvent[] = [];
    let timer: number | undefined;
    const flush = () => {
      timer = undefined;
      const batch = pending;
      pending = [];
      if (batch.length) handler.current(batch);
    };
    const { unsubscribe } = api.client
      .subscription(WorkspaceEventsSubscription, { types: key ? key.split(',') : null, after })
      .subscribe((result) => {
        switch (feedAction(result.error)) {
          case 'reload':
            setError(undefined);
            reload.current?.();
            return;
          case 'error':
            setError(result.error);
            return;
        }
        const event = result.data?.workspaceEvents;
        if (!event) return;
        setError(undefined);
        pending.push(event);
        timer ??= window.setTimeout(flush, 30);
      });
    return () => {
      unsubscribe();
      window.clearTimeout(timer);
    };
  }, [api, key, ready, after]);

  return error;
}
