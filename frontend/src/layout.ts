// What the viewer opened or collapsed in the layout (the conversation's side panel, the inbox's
// filters), remembered in localStorage across reloads. Storage can be missing or refuse (private
// modes, quotas): then the default holds and nothing fails.

export type LayoutPart = 'sidePanel' | 'inboxFilters';

const KEYS: Record<LayoutPart, string> = {
  sidePanel: 'switchboard.layout.sidePanel',
  inboxFilters: 'switchboard.layout.inboxFilters',
};

/** The side panel starts open; the filters start collapsed (the list gets the room). */
export const LAYOUT_DEFAULTS: Record<LayoutPart, boolean> = { sidePanel: true, inboxFilters: false };

type Store = Pick<Storage, 'getItem' | 'setItem'>;

/** Whether part is open: as last remembered, else its default. */
export function readOpen(storage: Store | null | undefined, part: LayoutPart): boolean {
  try {
    const value = storage?.getItem(KEYS[part]);
    if (value === 'open') return true;
    if (value === 'closed') return false;
  } catch {
    // unreadable storage: the default
  }
  return LAYOUT_DEFAULTS[part];
}

/** Remembers whether part is open. */
export function writeOpen(storage: Store | null | undefined, part: LayoutPart, open: boolean): void {
  try {
    storage?.setItem(KEYS[part], open ? 'open' : 'closed');
  } catch {
    // not remembered: it still works for this page
  }
}
