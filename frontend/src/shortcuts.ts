// Keyboard shortcuts for the common actions. Single keys, as in mail clients, active only when
// focus is not in a text field (where Escape leaves the field); modified keys (Ctrl, Alt, ⌘) are
// the browser's. The table is also what the "Keyboard shortcuts" help lists.

export type ShortcutAction =
  | 'next'
  | 'previous'
  | 'open'
  | 'close'
  | 'claim'
  | 'release'
  | 'reassign'
  | 'transfer'
  | 'takeOver'
  | 'steal'
  | 'pend'
  | 'resolve'
  | 'reply'
  | 'note'
  | 'select'
  | 'bulkClaim'
  | 'tabUnclaimed'
  | 'tabMine'
  | 'tabInterventions'
  | 'help'
  | 'search'
  | 'leaveField';

export interface Shortcut {
  /** KeyboardEvent.key values that trigger it. */
  keys: readonly string[];
  action: ShortcutAction;
  label: string;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { keys: ['j'], action: 'next', label: 'Next conversation in the list (↓ in the list)' },
  { keys: ['k'], action: 'previous', label: 'Previous conversation in the list (↑ in the list)' },
  { keys: ['o', 'Enter'], action: 'open', label: 'Open the selected conversation' },
  { keys: ['Escape'], action: 'close', label: 'Close the conversation (leave a text field first)' },
  { keys: ['r'], action: 'reply', label: 'Write a reply' },
  { keys: ['n'], action: 'note', label: 'Write an internal note' },
  { keys: ['c'], action: 'claim', label: 'Claim' },
  { keys: ['u'], action: 'release', label: 'Release to the queue' },
  { keys: ['a'], action: 'reassign', label: 'Reassign with a handoff note' },
  { keys: ['f'], action: 'transfer', label: 'Transfer to an agent or a team' },
  { keys: ['s'], action: 'steal', label: 'Steal the lock' },
  { keys: ['t'], action: 'takeOver', label: 'Take over from the bot' },
  { keys: ['p'], action: 'pend', label: 'Set to pending' },
  { keys: ['e'], action: 'resolve', label: 'Resolve' },
  { keys: ['x'], action: 'select', label: 'Select for bulk claim' },
  { keys: ['C'], action: 'bulkClaim', label: 'Claim the selected conversations' },
  { keys: ['1'], action: 'tabUnclaimed', label: 'Unclaimed inbox' },
  { keys: ['2'], action: 'tabMine', label: 'My Queue' },
  { keys: ['3'], action: 'tabInterventions', label: 'Interventions (waiting for a human)' },
  { keys: ['/'], action: 'search', label: 'Search conversations (Esc clears the search)' },
  { keys: ['?'], action: 'help', label: 'Show these shortcuts' },
];

/** The parts of a KeyboardEvent a shortcut depends on. */
export interface KeyPress {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
}

const byKey = new Map<string, ShortcutAction>(SHORTCUTS.flatMap((s) => s.keys.map((k) => [k, s.action] as const)));

/**
 * The action for a key press, or null. inField: focus is in a text field, select or other control
 * that uses keys itself (there only Escape counts, to leave it). onControl: focus is on a button or
 * link, where Enter already activates it.
 */
export function shortcutFor(press: KeyPress, inField: boolean, onControl = false): ShortcutAction | null {
  if (press.ctrlKey || press.metaKey || press.altKey) return null;
  if (inField) return press.key === 'Escape' ? 'leaveField' : null;
  if (onControl && (press.key === 'Enter' || press.key === ' ')) return null;
  return byKey.get(press.key) ?? null;
}

/** Whether an element takes typing (so single-key shortcuts must not fire there). */
export function isField(el: Element | null): boolean {
  if (!el) return false;
  const tag = el.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = (el as HTMLInputElement).type;
    return !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(type);
  }
  return (el as HTMLElement).isContentEditable === true;
}
