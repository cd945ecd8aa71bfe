import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Provider } from 'urql';
import { createApiClient, type ApiClient } from './api/client';
import { ApiContext } from './api/context';
import { describeError } from './api/errors';
import { TOKEN_KEY, tokens } from './api/token';
import { LoginScreen } from './screens/login/LoginScreen';
import { Workspace } from './Workspace';

const sessionEnded = describeError({ graphQLErrors: [{ message: '', extensions: { code: 'UNAUTHENTICATED' } }] });

/** The root: the login screen without a session token, the workspace with one. */
export function App() {
  const [token, setToken] = useState<string | null>(() => tokens.get());
  const [notice, setNotice] = useState('');

  const endSession = useCallback((message: string) => {
    tokens.clear();
    setNotice(message);
    setToken(null);
  }, []);

  // One client per session, bound to its token, so that one agent's cached data and WebSocket never
  // serve the next one, and a late answer to an old session cannot end the new one.
  const api = useMemo(
    () =>
      createApiClient({
        getToken: () => token,
        onUnauthenticated: () => {
          if (tokens.get() === token) endSession(sessionEnded);
        },
      }),
    [token, endSession],
  );
  // The previous session's WebSocket closes once the new client is in use (not in an effect
  // cleanup, which StrictMode also runs for a client that stays).
  const previous = useRef<ApiClient | null>(null);
  useEffect(() => {
    if (previous.current && previous.current !== api) previous.current.dispose();
    previous.current = api;
  }, [api]);

  // Signing in or out in another tab does the same here.
  useEffect(() => {
    const onStorage = (event: StorageEvent) => {
      if (event.key === TOKEN_KEY || event.key === null) setToken(tokens.get());
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, []);

  const signedIn = useCallback((newToken: string) => {
    tokens.set(newToken);
    setNotice('');
    setToken(newToken);
  }, []);

  return (
    <ApiContext.Provider value={api}>
      <Provider value={api.client}>
        {token ? (
          <Workspace key={token} onSignedOut={() => endSession('')} />
        ) : (
          <LoginScreen notice={notice} onSignedIn={signedIn} />
        )}
      </Provider>
    </ApiContext.Provider>
  );
}
