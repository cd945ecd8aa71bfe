import { useEffect, useId, useRef, useState } from 'react';
import { useQuery } from 'urql';
import { CannedSuggestionsQuery } from '../../api/operations';
import { describeError } from '../../api/errors';
import { CannedManager } from '../../components/CannedManager';

interface CannedPickerDialogProps {
  conversationId: string;
  /** Inserts the chosen response, rendered for the conversation (placeholders filled in). */
  onInsert: (rendered: string) => void;
  onClose: () => void;
}

/** The composer's picker: every canned response, searchable, and the agent's own to manage. */
export function CannedPickerDialog({ conversationId, onInsert, onClose }: CannedPickerDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  const [search, setSearch] = useState('');
  const [managing, setManaging] = useState(false);
  const text = search.trim() || null;
  const [list, reload] = useQuery({ query: CannedSuggestionsQuery, variables: { text, conversationId }, requestPolicy: 'network-only' });

  useEffect(() => {
    const dialog = ref.current;
    // Not closed in a cleanup: see ReassignDialog.
    if (dialog && !dialog.open) dialog.showModal();
  }, []);

  const items = list.data?.cannedResponses ?? [];
  return (
    <dialog ref={ref} className="dialog canned-dialog" aria-labelledby={`${id}-title`} onClose={onClose}>
      <h2 id={`${id}-title`}>{managing ? 'My canned responses' : 'Canned responses'}</h2>
      {managing ? (
        <>
          <CannedManager shared={false} compact />
          <div className="actions end">
            <button
              type="button"
              className="secondary"
              onClick={() => {
                setManaging(false);
                reload({ requestPolicy: 'network-only' });
              }}
            >
              Back to the list
            </button>
          </div>
        </>
      ) : (
        <>
          <div className="field">
            <label htmlFor={`${id}-search`}>Search by shortcut or title</label>
            <input id={`${id}-search`} type="text" autoComplete="off" value={search} onChange={(e) => setSearch(e.target.value)} autoFocus />
          </div>
          {list.error ? (
            <p role="alert" className="error">
              {describeError(list.error)}
            </p>
          ) : null}
          {list.fetching && !list.data ? <p role="status">Loading…</p> : null}
          {list.data && items.length === 0 ? (
            <p className="muted" role="status">
              {text ? `No canned response matches “${text}”.` : 'No canned responses yet. Add your own below.'}
            </p>
          ) : null}
          <ul className="canned-pick-list" aria-label="Canned responses">
            {items.map((r) => (
              <li key={r.id}>
                <button type="button" className="canned-pick" onClick={() => onInsert(r.rendered)}>
                  <span className="canned-option-head">
                    <span className="canned-shortcut">#{r.shortcut}</span> <span className="canned-title">{r.title}</span>
                    {r.shared ? null : <span className="canned-mine">Yours</span>}
                  </span>
                  <span className="canned-preview">{r.rendered}</span>
                </button>
              </li>
            ))}
          </ul>
          <div className="actions spread">
            <button type="button" className="link" onClick={() => setManaging(true)}>
              Manage my canned responses…
            </button>
            <button type="button" className="secondary" onClick={onClose}>
              Close
            </button>
          </div>
        </>
      )}
    </dialog>
  );
}
