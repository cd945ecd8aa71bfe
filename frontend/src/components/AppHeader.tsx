import type { ViewerFieldsFragment } from '../gql/graphql';
import { humanize } from '../format';

interface AppHeaderProps {
  viewer: ViewerFieldsFragment;
  onSignOut: () => void;
  signingOut: boolean;
}

/** The bar across the top: the product, the workspace, and who is signed in. */
export function AppHeader({ viewer, onSignOut, signingOut }: AppHeaderProps) {
  return (
    <header className="app-header">
      <div className="brand">
        <span className="brand-name">Switchboard</span>
        <span className="brand-workspace">{viewer.workspace.name}</span>
      </div>
      <div className="viewer">
        <span className="viewer-text">
          <span className="viewer-name">{viewer.name}</span>
          <span className="viewer-role">{humanize(viewer.role)}</span>
        </span>
        <button type="button" className="secondary" onClick={onSignOut} disabled={signingOut}>
          {signingOut ? 'Signing out…' : 'Sign out'}
        </button>
      </div>
    </header>
  );
}
