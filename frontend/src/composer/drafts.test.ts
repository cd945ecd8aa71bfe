import { describe, expect, it } from 'vitest';
import { DraftStore, type DraftStorage } from './drafts';

function memoryStorage(): DraftStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v), removeItem: (k) => void data.delete(k) };
}

describe('DraftStore', () => {
  it('keeps a draft per conversation and per mode', () => {
    const store = new DraftStore('a1', memoryStorage());
    store.set('c1', 'reply', 'Hello');
    store.set('c1', 'note', 'Checked the order');
    store.set('c2', 'reply', 'Other');
    expect(store.get('c1', 'reply')).toBe('Hello');
    expect(store.get('c1', 'note')).toBe('Checked the order');
    expect(store.get('c2', 'reply')).toBe('Other');
    expect(store.get('c2', 'note')).toBe('');
  });

  it('survives a reload through the storage, per agent', () => {
    const storage = memoryStorage();
    new DraftStore('a1', storage).set('c1', 'reply', 'Half a sentence');
    expect(new DraftStore('a1', storage).get('c1', 'reply')).toBe('Half a sentence');
    expect(new DraftStore('a2', storage).get('c1', 'reply')).toBe('');
  });

  it('forgets a draft once sent (cleared) or emptied', () => {
    const storage = memoryStorage();
    const store = new DraftStore('a1', storage);
    store.set('c1', 'reply', 'Sent text');
    store.clear('c1', 'reply');
    expect(store.get('c1', 'reply')).toBe('');
    expect(storage.data.size).toBe(0);
    store.set('c1', 'note', 'x');
    store.set('c1', 'note', '');
    expect(store.get('c1', 'note')).toBe('');
  });

  it('works in memory when the storage refuses', () => {
    const refusing: DraftStorage = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('full');
      },
      removeItem: () => {
        throw new Error('denied');
      },
    };
    const store = new DraftStore('a1', refusing);
    store.set('c1', 'reply', 'Kept anyway');
    expect(store.get('c1', 'reply')).toBe('Kept anyway');
    expect(store.get('c9', 'reply')).toBe('');
  });
});
