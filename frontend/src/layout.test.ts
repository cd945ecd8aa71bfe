import { describe, expect, it } from 'vitest';
import { LAYOUT_DEFAULTS, readOpen, writeOpen } from './layout';

function memory(): Pick<Storage, 'getItem' | 'setItem'> & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}

describe('remembered layout', () => {
  it('starts from the defaults: side panel open, filters collapsed', () => {
    expect(LAYOUT_DEFAULTS).toEqual({ sidePanel: true, inboxFilters: false });
    expect(readOpen(memory(), 'sidePanel')).toBe(true);
    expect(readOpen(memory(), 'inboxFilters')).toBe(false);
    expect(readOpen(null, 'sidePanel')).toBe(true);
  });

  it('remembers each part apart', () => {
    const store = memory();
    writeOpen(store, 'sidePanel', false);
    writeOpen(store, 'inboxFilters', true);
    expect(readOpen(store, 'sidePanel')).toBe(false);
    expect(readOpen(store, 'inboxFilters')).toBe(true);
    writeOpen(store, 'sidePanel', true);
    expect(readOpen(store, 'sidePanel')).toBe(true);
  });

  it('keeps working when storage refuses', () => {
    const broken = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('quota');
      },
    };
    expect(() => writeOpen(broken, 'sidePanel', false)).not.toThrow();
    expect(readOpen(broken, 'sidePanel')).toBe(true);
    expect(readOpen({ getItem: () => 'junk', setItem: () => {} }, 'inboxFilters')).toBe(false);
  });
});
