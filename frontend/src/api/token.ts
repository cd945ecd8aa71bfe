// The session token lives in localStorage so that a reload keeps the agent signed in. The server
// is the authority: an expired or revoked token is answered with UNAUTHENTICATED, and the app then
// forgets it.

/** The localStorage key of the session token. */
export const TOKEN_KEY = 'switchboard.token';

/** The part of the Web Storage API the store needs (localStorage, or a fake in tests). */
export type TokenStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export interface TokenStore {
  get(): string | null;
  set(token: string): void;
  clear(): void;
}

/**
 * A token store backed by storage. Storage that throws (disabled cookies, private mode quotas)
 * degrades to memory, so signing in still works for the lifetime of the tab.
 */
export function createTokenStore(storage: TokenStorage | null | undefined): TokenStore {
  let memory: string | null = null;
  return {
    get() {
      try {
        const value = storage?.getItem(TOKEN_KEY) ?? memory;
        return value ? value : null;
      } catch {
        return memory;
      }
    },
    set(token) {
      memory = token;
      try {
        storage?.setItem(TOKEN_KEY, token);
      } catch {
        // memory keeps it
      }
    },
    clear() {
      memory = null;
      try {
        storage?.removeItem(TOKEN_KEY);
      } catch {
        // nothing stored
      }
    },
  };
}

function browserStorage(): TokenStorage | null {
  try {
    return typeof window === 'undefined' ? null : window.localStorage;
  } catch {
    return null;
  }
}

/** The app's token store. */
export const tokens: TokenStore = createTokenStore(browserStorage());
