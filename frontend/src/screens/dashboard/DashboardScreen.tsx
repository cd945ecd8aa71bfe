import { useCallback, useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useQuery } from 'urql';
import { useApi } from '../../api/context';
import { EventCursorQuery } from '../../api/operations';
import { describeError } from '../../api/errors';
import type { ViewerFieldsFragment } from '../../gql/graphql';
import { debounce } from '../../live/debounce';
import { useLive } from '../../live/useLive';
import { canAdminister } from '../../roles';
import type { DashboardTab } from '../../route';
import { ActivitySection } from './ActivitySection';
import { AdminPanel } from './admin/AdminPanel';
import { AgentDetailDialog } from './AgentDetailDialog';
import { DASHBOARD_EVENTS, eventTouches, performanceRows } from './figures';
import { RECENT_LIMIT, addAllRecent, agentEvents, replayFrom } from './feed';
import { LoadSection } from './LoadSection';
import { PerformanceSection } from './PerformanceSection';
import { PeriodPicker } from './PeriodPicker';
import { LAST_7_DAYS, describePeriod, type Period } from './period';
import { QueuesSection } from './QueuesSection';
import { StaleClaimsSection } from './StaleClaimsSection';
import { useDashboardFigures, useWorkspaceEvents, type WorkspaceEvent } from './useDashboard';
import './dashboard.css';

/** Live events come in bursts: the figures are read again 300 ms after one, and at least every second. */
const REFETCH = { waitMs: 300, maxWaitMs: 1000 };

/** A function that calls run soon (debounced), never after the component is gone. */
function useSoon(run: () => void): () => void {
  const latest = useRef(run);
  latest.current = run;
  const debounced = useMemo(() => debounce(() => latest.current(), REFETCH), []);
  useEffect(() => () => debounced.cancel(), [debounced]);
  return debounced.poke;
}

/** Re-renders every 30 s so that "5 min ago" stays right. */
function useNow(intervalMs = 30_000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(new Date()), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs]);
  return now;
}

const TABS: ReadonlyArray<{ tab: DashboardTab; label: string }> = [
  { tab: 'monitor', label: 'Monitoring' },
  { tab: 'admin', label: 'Administration' },
];

interface DashboardScreenProps {
  viewer: ViewerFieldsFragment;
  tab: DashboardTab;
  onTab: (tab: DashboardTab) => void;
  onOpenConversation: (id: string) => void;
  /** Watch a conversation without taking its lock (monitorConversation). */
  onMonitorConversation: (id: string) => void;
}

const clockFormat = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });

/**
 * The supervisor dashboard (SPEC §8, C8): live load, stale claims, queues and agent performance,
 * kept current by the workspace's live events (workspaceEvents: each relevant event reads the
 * figures again, debounced), and, for admins, the administration of agents, teams, pools and
 * settings. Supervisors and above only; the server checks every query and mutation too.
 */
export default function DashboardScreen({ viewer, tab, onTab, onOpenConversation, onMonitorConversation }: DashboardScreenProps) {
  const api = useApi();
  const id = useId();
  const administer = canAdminister(viewer.role);
  const current: DashboardTab = administer ? tab : 'monitor';
  const [period, setPeriod] = useState<Period>(LAST_7_DAYS);
  const figures = useDashboardFigures(period);
  const [recent, setRecent] = useState<readonly WorkspaceEvent[]>([]);
  const [rosterVersion, setRosterVersion] = useState(0);
  // The agent whose drill-down is open (their open conversations and recent activity).
  const [drillAgent, setDrillAgent] = useState<string | null>(null);
  // Recent activity is filled on load: the feed starts with a replay of the workspace's latest
  // events (from the head, eventCursor, less REPLAY_EVENTS), then goes on live.
  const [head] = useQuery({ query: EventCursorQuery, requestPolicy: 'network-only' });
  const headCursor = head.data?.eventCursor;
  const start = useMemo(
    () => (headCursor !== undefined ? { after: replayFrom(headCursor) } : head.error ? { after: null } : null),
    [headCursor, head.error],
  );
  const now = useNow();
  const live = useLive();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const tabRefs = useRef<Record<DashboardTab, HTMLButtonElement | null>>({ monitor: null, admin: null });

  const figuresSoon = useSoon(figures.refetch);
  const rosterSoon = useSoon(useCallback(() => setRosterVersion((v) => v + 1), []));

  const staleIds = useMemo(
    () => new Set((figures.data?.staleClaims.edges ?? []).flatMap((e) => (e?.node ? [e.node.id] : []))),
    [figures.data],
  );
  // After a reconnection the feed resumes from its cursor; the figures are read again as well, in
  // case the feed had delivered nothing (no cursor) before the connection dropped, and when the
  // cursor was too old to resume from (CURSOR_EXPIRED).
  const refetch = figures.refetch;
  const reload = useCallback(() => {
    refetch();
    setRosterVersion((v) => v + 1);
  }, [refetch]);
  useEffect(() => api.onReconnected(reload), [api, reload]);

  const feedError = useWorkspaceEvents(
    DASHBOARD_EVENTS,
    start,
    (events) => {
      const touched = events.map((event) => ({
        event,
        touches: eventTouches(event.type, Boolean(event.conversation && staleIds.has(event.conversation.id))),
      }));
      // The activity list shows what changed something; an ordinary reply or opening is noise there.
      const shown = touched.filter((t) => t.touches.figures || t.touches.roster).map((t) => t.event);
      if (shown.length) setRecent((list) => addAllRecent(list, shown));
      if (touched.some((t) => t.touches.figures)) figuresSoon();
      if (touched.some((t) => t.touches.roster)) rosterSoon();
    },
    reload,
  );

  // Arriving on the dashboard: focus its heading, so that keyboard and screen reader users start here.
  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  const onTabKey = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
    const next = current === 'monitor' ? 'admin' : 'monitor';
    onTab(next);
    tabRefs.current[next]?.focus();
    event.preventDefault();
  };

  const periodWords = describePeriod(period);
  const rows = figures.data?.agentPerformance ?? null;
  const drillRow = drillAgent ? rows?.find((r) => r.agent.id === drillAgent) : undefined;
  const panelId = `${id}-panel`;

  return (
    <div className="dashboard">
      <div className="dash-head">
        <div>
          <h1 ref={headingRef} tabIndex={-1}>
            Dashboard
          </h1>
          <p className="muted dash-status">
            {live === false ? (
              <span className="live-pill offline">Reconnecting: figures may be behind</span>
            ) : (
              <span className="live-pill">
                <span aria-hidden="true" className="live-dot" />
                Live
              </span>
            )}{' '}
            {figures.updatedAt ? (
              <>
                Figures updated at{' '}
                <time dateTime={figures.updatedAt.toISOString()} data-testid="updated-at">
                  {clockFormat.format(figures.updatedAt)}
                </time>
              </>
            ) : (
              'Loading the figures…'
            )}
          </p>
        </div>
        {current === 'monitor' ? <PeriodPicker period={period} onChange={setPeriod} /> : null}
      </div>

      {administer ? (
        <div role="tablist" aria-label="Dashboard" className="tabs dash-tabs" onKeyDown={onTabKey}>
          {TABS.map((t) => (
            <button
              key={t.tab}
              ref={(el) => {
                tabRefs.current[t.tab] = el;
              }}
              type="button"
              role="tab"
              id={`${id}-tab-${t.tab}`}
              aria-selected={current === t.tab}
              aria-controls={panelId}
              tabIndex={current === t.tab ? 0 : -1}
              className="tab"
              onClick={() => onTab(t.tab)}
            >
              {t.label}
            </button>
          ))}
        </div>
      ) : null}

      <div
        id={panelId}
        role={administer ? 'tabpanel' : undefined}
        aria-labelledby={administer ? `${id}-tab-${current}` : undefined}
        className="dash-body"
      >
        {figures.error ? (
          <p role="alert" className="error">
            {describeError(figures.error)}{' '}
            <button type="button" className="link" onClick={figures.refetch}>
              Try again
            </button>
          </p>
        ) : null}
        {feedError ? (
          <p role="alert" className="error">
            Live updates stopped: {describeError(feedError)} The figures are as of the time above.
          </p>
        ) : null}

        {current === 'monitor' ? (
          <div className="dash-grid">
            <LoadSection rows={rows ?? []} loaded={rows !== null} onAgent={setDrillAgent} />
            <StaleClaimsSection
              figures={figures.data}
              now={now}
              onChanged={figures.refetch}
              onOpen={onOpenConversation}
              onMonitor={onMonitorConversation}
            />
            <QueuesSection figures={figures.data} period={periodWords} />
            <ActivitySection events={recent.slice(0, RECENT_LIMIT)} now={now} onOpen={onOpenConversation} onMonitor={onMonitorConversation} />
            <PerformanceSection
              rows={rows ? performanceRows(rows) : null}
              period={periodWords}
              stale={figures.dataPeriod !== null && figures.dataPeriod !== period}
            />
          </div>
        ) : (
          <AdminPanel viewer={viewer} version={rosterVersion} />
        )}
        {drillRow ? (
          <AgentDetailDialog
            row={drillRow}
            events={agentEvents(recent, drillRow.agent.id)}
            now={now}
            version={figures.updatedAt?.getTime() ?? 0}
            onClose={() => setDrillAgent(null)}
            onOpen={onOpenConversation}
            onMonitor={onMonitorConversation}
          />
        ) : null}
      </div>
    </div>
  );
}
