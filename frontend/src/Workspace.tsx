import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { LogoutMutation, MeQuery } from './api/operations';
import { describeError } from './api/errors';
import { AppHeader } from './components/AppHeader';
import { InboxScreen } from './screens/inbox/InboxScreen';

interface WorkspaceProps {
  /** Called once the session is over (logout answered, or failed: the token is dropped anyway). */
  onSignedOut: () => void;
}

/** The signed-in shell: who is signed in, and the inbox. */
export function Workspace({ onSignedOut }: WorkspaceProps) {
  const [me, refetchMe] = useQuery({ query: MeQuery });
  const [, logout] = useMutation(LogoutMutation);
  const [signingOut, setSigningOut] = useState(false);

  const signOut = async () => {
    setSigningOut(true);
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

  return (
    <div className="app-shell">
      <a className="skip-link" href="#main">
        Skip to conversations
      </a>
      <AppHeader viewer={me.data.me} onSignOut={signOut} signingOut={signingOut} />
      <main id="main" className="app-main">
        <InboxScreen />
      </main>
    </div>
  );
}
