import { Suspense, lazy, useCallback, useEffect, useMemo, useRef, useState, type MouseEvent } from 'react';
import { useClient, useMutation, useQuery } from 'urql';
import { CloseConversationMutation, DeskSettingsQuery, LogoutMutation, MarkConversationReadMutation, MeQuery } from './api/operations';
import { describeError } from './api/errors';
import { AppHeader } from './components/AppHeader';
import { usePresence } from './components/PresenceSwitch';
import { AlertsSwitch, NotificationsMenu, Toasts } from './components/Notifications';
import { ShortcutHelp } from './components/ShortcutHelp';
import { useLive } from './live/useLive';
import { useNotifications, type Notification } from './live/useNotifications';
import { ConversationScreen } from './screens/conversation/ConversationScreen';
import { InboxScreen } from './screens/inbox/InboxScreen';
import { promptKey, showPresencePrompt } from './presence';
import { canAdminister, canSupervise } from './roles';
import { DESK, allowedRoute, formatRoute, parseRoute, refusedRoute, type DashboardTab, type Route } from './route';
import { ShortcutContext, useShortcutListener, type ShortcutRegistry } from './useShortcuts';
import { draftStore } from './composer/drafts';
import { DeskContext, type Desk } from './desk';
import { idleWords } from './idle';
import { markRead, type ReadMarks } from './unread';
import { useAlerts } from './useAlerts';
import { useAwayAfterIdle } from './useAwayAfterIdle';

// The dashboard is for supervisors and above: it loads (as its own chunk) only when they open it.
const DashboardScreen = lazy(() => import('./screens/dashboard/DashboardScreen'));

interface WorkspaceProps {
  /** Called once the session is over (logout answered, or failed: the token is dropped anyway). */
  onSignedOut: () => void;
}

/** How long a notification stays in the corner (it stays in the Notifications menu). */
const TOAST_MS = 15_000;

/** The address without its hash. */
const bareAddress = () => `${window.location.pathname}${window.location.search}`;

/** The signed-in shell: header, the inbox, the open conversation, notifications. */
export function Workspace({ onSignedOut }: WorkspaceProps) {
  const client = useClient();
  const [me, refetchMe] = useQuery({ query: MeQuery });
  const [, logout] = useMutation(LogoutMutation);
  const [signingOut, setSigningOut] = useState(false);
  const [wanted, setRoute] = useState<Route>(() => parseRoute(window.location.hash) ?? DESK);
  const [help, setHelp] = useState(false);
  const [toasts, setToasts] = useState<readonly Notification[]>([]);
  const live = useLive();
  const presence = usePresence(me.data?.me.presence);
  // "Not now" to the go-online prompt holds for this browser session.
  const meId = me.data?.me.id;
  const [promptDismissed, setPromptDismissed] = useState(false);
  useEffect(() => {
    if (meId) setPromptDismissed(sessionStorage.getItem(promptKey(meId)) === 'dismissed');
  }, [meId]);
  const dismissPrompt = () => {
    if (meId) sessionStorage.setItem(promptKey(meId), 'dismissed');
    setPromptDismissed(true);
  };

  const registry: ShortcutRegistry = useMemo(() => new Map(), []);
  useShortcutListener(registry);
  useEffect(() => {
    const showHelp = () => setHelp(true);
    registry.set('help', showHelp);
    return () => void registry.delete('help');
  }, [registry]);

  // The desk's shared state (issue 20): settings and limits (read once), read marks, drafts.
  const [deskSettings] = useQuery({ query: DeskSettingsQuery });
  const [marks, setMarks] = useState<ReadMarks>(() => new Map());
  const markReadNow = useCallback(
    (id: string) => {
      void client
        .mutation(MarkConversationReadMutation, { id })
        .toPromise()
        .then((result) => {
          const c = result.data?.markConversationRead;
          if (c) setMarks((m) => markRead(m, c.id, c.version));
        });
    },
    [client],
  );
  const desk: Desk = useMemo(
    () => ({
      slaSeconds: deskSettings.data?.workspace.slaFirstResponseSeconds ?? null,
      limits: deskSettings.data?.limits ?? null,
      marks,
      markRead: markReadNow,
      drafts: draftStore(meId ?? ''),
    }),
    [deskSettings.data, marks, markReadNow, meId],
  );
  const idle = useAwayAfterIdle(presence, deskSettings.data?.workspace.awayAfterIdleSeconds ?? null);
  const alerts = useAlerts();

  const dismissToast = useCallback((cursor: string) => setToasts((list) => list.filter((n) => n.cursor !== cursor)), []);
  const notifications = useNotifications((n) => {
    alerts.notify(n);
    setToasts((list) => [n, ...list.filter((t) => t.cursor !== n.cursor)].slice(0, 3));
    window.setTimeout(() => dismissToast(n.cursor), TOAST_MS);
  });

  // What the viewer may see of the route asked for: the dashboard only for supervisors and above.
  const role = me.data?.me.role;
  const access = role ? { supervise: canSupervise(role), administer: canAdminister(role) } : null;
  const route = access ? allowedRoute(wanted, access) : wanted;
  // A route the viewer may not see is replaced, and they are told why (not silently): the notice
  // stays while they are on the route they were sent to.
  const refusal = access ? refusedRoute(wanted, access) : null;
  const [routeNotice, setRouteNotice] = useState<{ text: string; hash: string } | null>(null);
  const allowedHash = formatRoute(route);
  useEffect(() => {
    if (!refusal) return;
    setRouteNotice({ text: refusal, hash: allowedHash });
    setRoute(parseRoute(allowedHash) ?? DESK);
    // The address too: the route shown may not have changed (#dashboard/admin typed over
    // #dashboard), so the effect below that follows it would leave the refused address in place.
    if (window.location.hash !== allowedHash) window.history.replaceState(null, '', allowedHash || bareAddress());
  }, [refusal, allowedHash]);
  const openId = route.view === 'desk' ? route.conversation : null;
  const monitorOpen = route.view === 'desk' && route.monitor === true;

  // The route is in the address (#conversation=<id>, #dashboard), so that a reload comes back to it.
  const shown = useRef(route);
  shown.current = route;
  const hash = formatRoute(route);
  useEffect(() => {
    if (window.location.hash !== hash) window.history.replaceState(null, '', hash || bareAddress());
  }, [hash]);
  useEffect(() => {
    const onHash = () => {
      const next = parseRoute(window.location.hash);
      if (next) setRoute(next);
      // An in-page link (the skip link's #main) is no route: keep the route's own address.
      else window.history.replaceState(null, '', formatRoute(shown.current) || bareAddress());
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  const openConversation = useCallback((id: string) => setRoute({ view: 'desk', conversation: id }), []);
  // Supervisors: watch without taking the lock (monitorConversation); the server refuses others.
  const monitorConversation = useCallback((id: string) => setRoute({ view: 'desk', conversation: id, monitor: true }), []);
  /** The open conversation became monitored, or the viewer took its lock: the address follows. */
  const setMonitorMode = useCallback(
    (monitor: boolean) =>
      setRoute((r) => {
        if (r.view !== 'desk' || !r.conversation || Boolean(r.monitor) === monitor) return r;
        return monitor ? { ...r, monitor: true } : { view: 'desk', conversation: r.conversation };
      }),
    [],
  );
  const showDashboard = useCallback((tab: DashboardTab) => setRoute({ view: 'dashboard', tab }), []);
  const closeConversation = useCallback(() => {
    setRoute(DESK);
    // Back to the list: focus the row of the conversation just left, or the list.
    window.setTimeout(() => {
      const row = document.querySelector<HTMLButtonElement>('.conversation.current .conversation-open, .conversation-open');
      row?.focus();
    }, 0);
  }, []);

  const signOut = async () => {
    setSigningOut(true);
    // Leave the open conversation first (L6), while the token still works.
    if (openId) await client.mutation(CloseConversationMutation, { id: openId }).toPromise();
    await logout({}); // errors are results, not exceptions; the token goes either way
    onSignedOut();
  };

  if (!me.data) {
    return (
      <main className="center-screen" id="main">
        {me.error ? (
          <div className="panel">
            <p role="alert" className="error">
              {describeError(me.error)}
            </p>
            <div className="actions">
              <button type="button" onClick={() => refetchMe({ requestPolicy: 'network-only' })}>
                Try again
              </button>
              <button type="button" className="secondary" onClick={signOut} disabled={signingOut}>
                Sign out
              </button>
            </div>
          </div>
        ) : (
          <p role="status">Loading your workspace…</p>
        )}
      </main>
    );
  }

  const viewer = me.data.me;
  const supervise = canSupervise(viewer.role);
  const promptOnline = showPresencePrompt({
    atSignIn: viewer.presence,
    now: presence.presence,
    receives: (viewer.channels ?? []).length > 0,
    answered: presence.changed || promptDismissed,
  });
  const go = (next: Route) => (event: MouseEvent<HTMLAnchorElement>) => {
    // Plain clicks switch views here; a new tab or window follows the link's address.
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    // Going to the view already shown changes nothing (it would close the open conversation).
    if (next.view !== route.view) setRoute(next);
  };
  const onDashboard = route.view === 'dashboard';
  return (
    <DeskContext.Provider value={desk}>
    <ShortcutContext.Provider value={registry}>
      <div className="app-shell">
        <a className="skip-link" href="#main">
          {onDashboard ? 'Skip to the dashboard' : 'Skip to conversations'}
        </a>
        <AppHeader
          viewer={viewer}
          presence={presence}
          nav={
            supervise ? (
              <nav aria-label="Views" className="view-nav">
                <a href={bareAddress()} aria-current={onDashboard ? undefined : 'page'} onClick={go(DESK)}>
                  Conversations
                </a>
                <a href="#dashboard" aria-current={onDashboard ? 'page' : undefined} onClick={go({ view: 'dashboard', tab: 'monitor' })}>
                  Dashboard
                </a>
              </nav>
            ) : null
          }
          onSignOut={signOut}
          signingOut={signingOut}
          live={live}
          onHelp={() => setHelp(true)}
          notifications={
            <NotificationsMenu
              items={notifications.items}
              unread={notifications.unread}
              onOpen={openConversation}
              onDismiss={notifications.dismiss}
              onRead={notifications.markRead}
              onClear={notifications.clear}
              settings={<AlertsSwitch enabled={alerts.enabled} permission={alerts.permission} onChange={(on) => void alerts.setOn(on)} />}
            />
          }
        />
        <div role="status" className="presence-prompt-slot">
          {promptOnline ? (
            <div className="presence-prompt" data-testid="presence-prompt">
              <p>
                <strong>You're offline.</strong> Go online to receive conversations: routing gives nothing to agents who are offline.
              </p>
              <span className="presence-prompt-actions">
                <button type="button" className="small" onClick={() => void presence.change('ONLINE')} disabled={presence.saving}>
                  {presence.saving ? 'Going online…' : 'Go online'}
                </button>
                <button type="button" className="link" onClick={dismissPrompt}>
                  Not now
                </button>
              </span>
            </div>
          ) : null}
        </div>
        <div role="status" className="presence-prompt-slot">
          {idle.idleSeconds !== null && presence.presence === 'AWAY' ? (
            <div className="presence-prompt idle-notice" data-testid="idle-notice">
              <p>
                <strong>You were set to Away after {idleWords(idle.idleSeconds)} idle.</strong> Routing gives you nothing new while you're away.
              </p>
              <span className="presence-prompt-actions">
                <button type="button" className="small" onClick={() => void presence.change('ONLINE')} disabled={presence.saving}>
                  {presence.saving ? 'Going online…' : 'Go online'}
                </button>
                <button type="button" className="link" onClick={idle.dismiss}>
                  Dismiss
                </button>
              </span>
            </div>
          ) : null}
        </div>
        <div role="status" className="route-notice-slot">
          {routeNotice && routeNotice.hash === formatRoute(route) ? (
            <div className="route-notice" data-testid="route-notice">
              <p>{routeNotice.text}</p>
              <button type="button" className="link" onClick={() => setRouteNotice(null)}>
                Dismiss
              </button>
            </div>
          ) : null}
        </div>
        {route.view === 'dashboard' ? (
          <main id="main" className="dashboard-main" tabIndex={-1}>
            <Suspense fallback={<p role="status" className="dash-loading">Loading the dashboard…</p>}>
              <DashboardScreen
                viewer={viewer}
                tab={route.tab}
                onTab={showDashboard}
                onOpenConversation={openConversation}
                onMonitorConversation={monitorConversation}
              />
            </Suspense>
          </main>
        ) : (
          <main id="main" className={`desk${openId ? ' has-open' : ''}`} tabIndex={-1}>
            <div className="inbox-pane">
              <InboxScreen
                viewerId={viewer.id}
                openId={openId}
                onOpen={openConversation}
                onMonitor={supervise ? monitorConversation : undefined}
              />
            </div>
            <div className="detail-pane">
              {openId ? (
                <ConversationScreen
                  key={openId}
                  conversationId={openId}
                  viewer={viewer}
                  monitor={monitorOpen}
                  onMonitorChange={setMonitorMode}
                  onClose={closeConversation}
                  onOpen={openConversation}
                />
              ) : (
                <div className="placeholder">
                  <h2>No conversation open</h2>
                  <p className="muted">
                    Choose one from the inbox. Press <kbd>?</kbd> for keyboard shortcuts.
                  </p>
                </div>
              )}
            </div>
          </main>
        )}
        <Toasts
          items={toasts}
          onOpen={(id) => {
            openConversation(id);
          }}
          onDismiss={dismissToast}
        />
        {help ? <ShortcutHelp onClose={() => setHelp(false)} /> : null}
      </div>
    </ShortcutContext.Provider>
    </DeskContext.Provider>
  );
}
