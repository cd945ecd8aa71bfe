import { describe, expect, it } from 'vitest';
import { TOKEN_KEY, createTokenStore, type TokenStorage } from './token';

function memoryStorage(): TokenStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => void data.set(key, value),
    removeItem: (key) => void data.delete(key),
  };
}

const broken: TokenStorage = {
  getItem: () => {
    throw new Error('SecurityError');
  },
  setItem: () => {
    throw new Error('QuotaExceededError');
  },
  removeItem: () => {
    throw new Error('SecurityError');
  },
};

describe('token store', () => {
  it('keeps the token under switchboard.token', () => {
    const storage = memoryStorage();
    const store = createTokenStore(storage);
    expect(store.get()).toBeNull();
    store.set('sb_session_abc');
    expect(storage.data.get(TOKEN_KEY)).toBe('sb_session_abc');
    expect(TOKEN_KEY).toBe('switchboard.token');
    expect(createTokenStore(storage).get()).toBe('sb_session_abc'); // survives a reload
  });

  it('forgets the token on clear', () => {
    const storage = memoryStorage();
    const store = createTokenStore(storage);
    store.set('t');
    store.clear();
    expect(store.get()).toBeNull();
    expect(storage.data.has(TOKEN_KEY)).toBe(false);
  });

  it('treats an empty stored value as no token', () => {
    const storage = memoryStorage();
    storage.setItem(TOKEN_KEY, '');
    expect(createTokenStore(storage).get()).toBeNull();
  });

  it('falls back to memory when storage throws or is missing', () => {
    for (const storage of [broken, null]) {
      const store = createTokenStore(storage);
      store.set('t');
      expect(store.get()).toBe('t');
      store.clear();
      expect(store.get()).toBeNull();
    }
  });
});
