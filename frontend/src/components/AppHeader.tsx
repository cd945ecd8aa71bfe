import type { ReactNode } from 'react';
import type { ViewerFieldsFragment } from '../gql/graphql';
import { humanize } from '../format';
import { PresenceSwitch, type PresenceControl } from './PresenceSwitch';

interface AppHeaderProps {
  viewer: ViewerFieldsFragment;
  /** The viewer's presence, always shown with its switch. */
  presence: PresenceControl;
  onSignOut: () => void;
  signingOut: boolean;
  /** Whether live updates are flowing (the WebSocket is connected). */
  live?: boolean | null;
  notifications?: ReactNode;
  onHelp?: () => void;
  /** The views the viewer may switch between (supervisors: conversations and the dashboard). */
  nav?: ReactNode;
}

/** The bar across the top: the product, the workspace, the views, presence, notifications and who is signed in. */
export function AppHeader({ viewer, presence, onSignOut, signingOut, live = null, notifications, onHelp, nav }: AppHeaderProps) {
  return (
    <header className={`app-header${nav ? ' with-nav' : ''}`}>
      <div className="brand">
        <span className="brand-name">Switchboard</span>
        <span className="brand-workspace">{viewer.workspace.name}</span>
        {live === false ? (
          <span className="connection offline" role="status">
            Reconnecting…
          </span>
        ) : null}
      </div>
      {nav}
      <div className="viewer">
        <PresenceSwitch control={presence} />
        {notifications}
        {onHelp ? (
          <button type="button" className="secondary small" onClick={onHelp} aria-keyshortcuts="?">
            Shortcuts
          </button>
        ) : null}
        <span className="viewer-text">
          <span className="viewer-name">{viewer.name}</span>
          <span className="viewer-role">{humanize(viewer.role)}</span>
        </span>
        <button type="button" className="secondary small" onClick={onSignOut} disabled={signingOut}>
          {signingOut ? 'Signing out…' : 'Sign out'}
        </button>
      </div>
    </header>
  );
}
