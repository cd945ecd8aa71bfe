import { useCallback, useEffect, useMemo, useState } from 'react';
import { useClient, useMutation, useQuery } from 'urql';
import { CloseConversationMutation, LogoutMutation, MeQuery } from './api/operations';
import { useApi } from './api/context';
import { describeError } from './api/errors';
import { AppHeader } from './components/AppHeader';
import { NotificationsMenu, Toasts } from './components/Notifications';
import { ShortcutHelp } from './components/ShortcutHelp';
import { useNotifications, type Notification } from './live/useNotifications';
import { ConversationScreen } from './screens/conversation/ConversationScreen';
import { InboxScreen } from './screens/inbox/InboxScreen';
import { ShortcutContext, useShortcutListener, type ShortcutRegistry } from './useShortcuts';

interface WorkspaceProps {
  /** Called once the session is over (logout answered, or failed: the token is dropped anyway). */
  onSignedOut: () => void;
}

/** How long a notification stays in the corner (it stays in the Notifications menu). */
const TOAST_MS = 15_000;

const HASH_PREFIX = '#conversation=';

function conversationFromHash(): string | null {
  const hash = window.location.hash;
  return hash.startsWith(HASH_PREFIX) ? decodeURIComponent(hash.slice(HASH_PREFIX.length)) || null : null;
}

/** Whether the WebSocket is connected: null before it first connects. */
function useLive(): boolean | null {
  const api = useApi();
  const [live, setLive] = useState<boolean | null>(() => (api.connection.connected() ? true : null));
  useEffect(() => api.connection.subscribe(setLive), [api]);
  return live;
}

/** The signed-in shell: header, the inbox, the open conversation, notifications. */
export function Workspace({ onSignedOut }: WorkspaceProps) {
  const client = useClient();
  const [me, refetchMe] = useQuery({ query: MeQuery });
  const [, logout] = useMutation(LogoutMutation);
  const [signingOut, setSigningOut] = useState(false);
  const [openId, setOpenId] = useState<string | null>(conversationFromHash);
  const [help, setHelp] = useState(false);
  const [toasts, setToasts] = useState<readonly Notification[]>([]);
  const live = useLive();

  const registry: ShortcutRegistry = useMemo(() => new Map(), []);
  useShortcutListener(registry);
  useEffect(() => {
    const showHelp = () => setHelp(true);
    registry.set('help', showHelp);
    return () => void registry.delete('help');
  }, [registry]);

  const dismissToast = useCallback((cursor: string) => setToasts((list) => list.filter((n) => n.cursor !== cursor)), []);
  const notifications = useNotifications((n) => {
    setToasts((list) => [n, ...list.filter((t) => t.cursor !== n.cursor)].slice(0, 3));
    window.setTimeout(() => dismissToast(n.cursor), TOAST_MS);
  });

  // The open conversation is in the address (#conversation=<id>), so that a reload reopens it.
  useEffect(() => {
    const want = openId ? `${HASH_PREFIX}${encodeURIComponent(openId)}` : '';
    if (window.location.hash !== want) {
      window.history.replaceState(null, '', want || `${window.location.pathname}${window.location.search}`);
    }
  }, [openId]);
  useEffect(() => {
    const onHash = () => setOpenId(conversationFromHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  const openConversation = useCallback((id: string) => setOpenId(id), []);
  const closeConversation = useCallback(() => {
    setOpenId(null);
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
  return (
    <ShortcutContext.Provider value={registry}>
      <div className="app-shell">
        <a className="skip-link" href="#main">
          Skip to conversations
        </a>
        <AppHeader
          viewer={viewer}
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
            />
          }
        />
        <main id="main" className={`desk${openId ? ' has-open' : ''}`} tabIndex={-1}>
          <div className="inbox-pane">
            <InboxScreen viewerId={viewer.id} openId={openId} onOpen={openConversation} />
          </div>
          <div className="detail-pane">
            {openId ? (
              <ConversationScreen
                key={openId}
                conversationId={openId}
                viewer={viewer}
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
  );
}
