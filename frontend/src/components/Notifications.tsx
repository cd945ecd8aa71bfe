import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { describeNotification } from '../live/notifications';
import type { Notification } from '../live/useNotifications';
import { fullTime, shortTime } from '../format';

interface NotificationsProps {
  items: readonly Notification[];
  unread: number;
  onOpen: (conversationId: string) => void;
  onDismiss: (cursor: string) => void;
  onRead: () => void;
  onClear: () => void;
  /** The alerts' switch (sound and desktop notifications), at the panel's foot. */
  settings?: ReactNode;
}

function Body({ n }: { n: Notification }) {
  return (
    <>
      <span className="notification-text">{describeNotification(n)}</span>
      {n.note ? <q className="notification-note">{n.note}</q> : null}
    </>
  );
}

/** The bell in the header: everything the viewer was told, newest first. */
export function NotificationsMenu({ items, unread, onOpen, onDismiss, onRead, onClear, settings }: NotificationsProps) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const panel = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    onRead();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault(); // this Escape closes the menu, not the open conversation
        setOpen(false);
        button.current?.focus();
      }
    };
    const onClick = (e: MouseEvent) => {
      if (!panel.current?.contains(e.target as Node) && !button.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('keydown', onKey, true); // before the shortcuts' listener
    document.addEventListener('mousedown', onClick);
    return () => {
      document.removeEventListener('keydown', onKey, true);
      document.removeEventListener('mousedown', onClick);
    };
  }, [open, onRead, items.length]);

  return (
    <div className="notifications">
      <button
        ref={button}
        type="button"
        className="secondary small"
        aria-expanded={open}
        aria-controls={`${id}-panel`}
        onClick={() => setOpen((v) => !v)}
      >
        Notifications
        {unread > 0 ? (
          <span className="count" aria-label={`, ${unread} new`}>
            {unread}
          </span>
        ) : null}
      </button>
      <div ref={panel} id={`${id}-panel`} className="notifications-panel" hidden={!open}>
        <div className="notifications-head">
          <h2>Notifications</h2>
          {items.length > 0 ? (
            <button type="button" className="link" onClick={onClear}>
              Clear all
            </button>
          ) : null}
        </div>
        {items.length === 0 ? <p className="muted">Nothing yet. Stolen locks and reassignments show up here.</p> : null}
        <ul>
          {items.map((n) => (
            <li key={n.cursor}>
              <Body n={n} />
              <span className="notification-foot">
                <time className="muted" dateTime={n.at} title={fullTime(n.at)}>
                  {shortTime(n.at)}
                </time>
                <button
                  type="button"
                  className="link"
                  onClick={() => {
                    onOpen(n.conversation.id);
                    setOpen(false);
                  }}
                >
                  Open
                </button>
                <button type="button" className="link" onClick={() => onDismiss(n.cursor)}>
                  Dismiss
                </button>
              </span>
            </li>
          ))}
        </ul>
        {settings ? <div className="notifications-settings">{settings}</div> : null}
      </div>
    </div>
  );
}

interface AlertsSwitchProps {
  enabled: boolean;
  permission: string;
  onChange: (on: boolean) => void;
}

/** Sound and desktop notifications: off by default; turning them on asks the browser for permission. */
export function AlertsSwitch({ enabled, permission, onChange }: AlertsSwitchProps) {
  const id = useId();
  return (
    <div className="alerts-switch">
      <label>
        <input type="checkbox" checked={enabled} onChange={(e) => onChange(e.target.checked)} aria-describedby={`${id}-hint`} />
        Sound and desktop alerts
      </label>
      <p id={`${id}-hint`} className="hint">
        {enabled && permission === 'denied'
          ? 'Sound only: the browser blocks desktop notifications for this site.'
          : 'For conversations assigned to you, a stolen lock, and customer replies in your conversations.'}
      </p>
    </div>
  );
}

interface ToastsProps {
  items: readonly Notification[];
  onOpen: (conversationId: string) => void;
  onDismiss: (cursor: string) => void;
}

/** New notifications, announced politely and shown at the corner until dismissed or stale. */
export function Toasts({ items, onOpen, onDismiss }: ToastsProps) {
  return (
    <div className="toasts" role="status" aria-live="polite" aria-label="New notifications">
      {items.map((n) => (
        <div key={n.cursor} className={`toast toast-${n.kind.toLowerCase()}`} data-testid="toast">
          <Body n={n} />
          <span className="toast-actions">
            <button type="button" className="link" onClick={() => onOpen(n.conversation.id)}>
              Open
            </button>
            <button type="button" className="link" onClick={() => onDismiss(n.cursor)} aria-label="Dismiss notification">
              Dismiss
            </button>
          </span>
        </div>
      ))}
    </div>
  );
}
