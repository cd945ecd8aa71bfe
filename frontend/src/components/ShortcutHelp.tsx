import { useEffect, useId, useRef } from 'react';
import { SHORTCUTS } from '../shortcuts';

const keyNames: Record<string, string> = { Escape: 'Esc', Enter: 'Enter', ArrowDown: '↓', ArrowUp: '↑' };

/** The list of keyboard shortcuts (opened with ?). */
export function ShortcutHelp({ onClose }: { onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const bodyRef = useRef<HTMLDivElement>(null);
  const id = useId();
  useEffect(() => {
    const dialog = ref.current;
    // Not closed in a cleanup: closing fires onClose, which would unmount it under StrictMode's
    // second run; unmounting takes it out of the top layer anyway.
    if (dialog && !dialog.open) dialog.showModal();
    // It opens at the top: the list scrolls in its own box, and the focused Close (below it) never
    // scrolls the dialog down.
    if (dialog) dialog.scrollTop = 0;
    if (bodyRef.current) bodyRef.current.scrollTop = 0;
  }, []);
  return (
    <dialog ref={ref} className="dialog shortcut-dialog" aria-labelledby={`${id}-title`} onClose={onClose}>
      <h2 id={`${id}-title`}>Keyboard shortcuts</h2>
      <p className="muted">They work when you are not typing in a field. Ctrl+Enter sends a reply.</p>
      <div ref={bodyRef} className="shortcut-body" data-testid="shortcut-body" role="region" aria-label="Shortcut list" tabIndex={0}>
        <table className="shortcuts">
          <tbody>
            {SHORTCUTS.map((s) => (
              <tr key={s.action}>
                <td>
                  {s.keys.map((k) => (
                    <kbd key={k}>{keyNames[k] ?? (k === 'C' ? 'Shift+C' : k)}</kbd>
                  ))}
                </td>
                <td>{s.label}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="actions end">
        <button type="button" onClick={onClose} autoFocus>
          Close
        </button>
      </div>
    </dialog>
  );
}
