import { describe, expect, it } from 'vitest';
import { SHORTCUTS, shortcutFor } from './shortcuts';

describe('shortcutFor', () => {
  it.each([
    ['j', 'next'],
    ['k', 'previous'],
    ['o', 'open'],
    ['Enter', 'open'],
    ['Escape', 'close'],
    ['c', 'claim'],
    ['C', 'bulkClaim'],
    ['u', 'release'],
    ['a', 'reassign'],
    ['s', 'steal'],
    ['p', 'pend'],
    ['e', 'resolve'],
    ['r', 'reply'],
    ['n', 'note'],
    ['x', 'select'],
    ['1', 'tabUnclaimed'],
    ['2', 'tabMine'],
    ['3', 'tabInterventions'],
    ['t', 'takeOver'],
    ['f', 'transfer'],
    ['?', 'help'],
  ])('maps %s to %s', (key, action) => {
    expect(shortcutFor({ key }, false)).toBe(action);
  });

  it('leaves modified keys to the browser', () => {
    expect(shortcutFor({ key: 'c', ctrlKey: true }, false)).toBeNull();
    expect(shortcutFor({ key: 'r', metaKey: true }, false)).toBeNull();
    expect(shortcutFor({ key: 'e', altKey: true }, false)).toBeNull();
  });

  it('lets text fields have their keys, except Escape to leave them', () => {
    expect(shortcutFor({ key: 'c' }, true)).toBeNull();
    expect(shortcutFor({ key: 'Enter' }, true)).toBeNull();
    expect(shortcutFor({ key: 'Escape' }, true)).toBe('leaveField');
  });

  it('lets Enter and Space activate the focused button', () => {
    expect(shortcutFor({ key: 'Enter' }, false, true)).toBeNull();
    expect(shortcutFor({ key: ' ' }, false, true)).toBeNull();
    expect(shortcutFor({ key: 'c' }, false, true)).toBe('claim');
  });

  it('ignores other keys, and no key has two actions', () => {
    expect(shortcutFor({ key: 'q' }, false)).toBeNull();
    const keys = SHORTCUTS.flatMap((s) => s.keys);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
