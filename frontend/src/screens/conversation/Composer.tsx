import { useCallback, useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent, type MutableRefObject } from 'react';
import { useClient } from 'urql';
import { AddNoteMutation, CannedSuggestionsQuery, SendMessageMutation } from '../../api/operations';
import { describeError } from '../../api/errors';
import { cannedTokenAt, insertAt, moveSuggestion, replaceToken, type CannedToken } from '../../composer/canned';
import { counterState } from '../../composer/counter';
import type { ComposerMode } from '../../composer/drafts';
import { useDesk } from '../../desk';
import type { CannedSuggestionsQuery as CannedSuggestionsData } from '../../gql/graphql';
import { CannedPickerDialog } from './CannedPickerDialog';

export type CannedSuggestion = CannedSuggestionsData['cannedResponses'][number];

/** What the conversation screen asks of the composer (the r and n shortcuts). */
export interface ComposerHandle {
  focus(mode: ComposerMode): void;
}

interface ComposerProps {
  conversation: { id: string; version: number; viewerCanReply: boolean; customer: { name: string } };
  /** The lock situation now: an error belongs to the one it happened in (it clears when that changes). */
  lockKey: string | null;
  /** A reply or note went out: read the conversation again. */
  onSent: () => void;
  handle: MutableRefObject<ComposerHandle | null>;
}

/** How long typing after # pauses before the suggestions are asked for. */
const SUGGEST_DEBOUNCE_MS = 120;

/**
 * One box for replies and internal notes (C12: a note is anyone's, even without the lock; the
 * customer never sees it), with canned responses (#shortcut inline, or the picker), the server's
 * length limit before sending, and the draft kept per conversation and mode until it is sent.
 * A reply is sent with the version the agent was looking at (expectedVersion): a CONFLICT keeps
 * the draft and asks them to review, never sending it again by itself.
 */
export function Composer({ conversation: c, lockKey, onSent, handle }: ComposerProps) {
  const client = useClient();
  const desk = useDesk();
  const id = useId();
  const [mode, setMode] = useState<ComposerMode>('reply');
  const [text, setText] = useState(() => desk.drafts.get(c.id, 'reply'));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [token, setToken] = useState<CannedToken | null>(null);
  const [suggestions, setSuggestions] = useState<CannedSuggestion[]>([]);
  const [active, setActive] = useState(-1);
  const [picking, setPicking] = useState(false);
  const areaRef = useRef<HTMLTextAreaElement>(null);
  const caretAfter = useRef<number | null>(null);

  const note = mode === 'note';
  const writable = note || c.viewerCanReply;
  const max = desk.limits ? (note ? desk.limits.noteMaxLength : desk.limits.messageMaxLength) : null;
  const counter = counterState(text, max);

  // An error belongs to the lock situation it happened in (a steal makes it stale).
  useEffect(() => setError(''), [lockKey]);

  const switchMode = useCallback(
    (next: ComposerMode) => {
      setMode(next);
      setText(desk.drafts.get(c.id, next));
      setError('');
      setToken(null);
    },
    [desk.drafts, c.id],
  );

  handle.current = {
    focus(next) {
      if (next !== mode) switchMode(next);
      window.setTimeout(() => areaRef.current?.focus(), 0);
    },
  };

  const change = (value: string, caret: number | null) => {
    setText(value);
    desk.drafts.set(c.id, mode, value);
    setToken(caret === null ? null : cannedTokenAt(value, caret));
  };

  // Place the caret after an insertion once the new text is in the box.
  useEffect(() => {
    const at = caretAfter.current;
    if (at === null || !areaRef.current) return;
    caretAfter.current = null;
    areaRef.current.focus();
    areaRef.current.setSelectionRange(at, at);
  }, [text]);

  // The suggestions for the #token being typed, rendered for this conversation.
  const query = token?.query ?? null;
  useEffect(() => {
    if (query === null) {
      setSuggestions([]);
      setActive(-1);
      return;
    }
    let current = true;
    const timer = window.setTimeout(() => {
      void client
        .query(CannedSuggestionsQuery, { text: query, conversationId: c.id }, { requestPolicy: 'network-only' })
        .toPromise()
        .then((result) => {
          if (!current) return;
          const list = result.data?.cannedResponses ?? [];
          setSuggestions(list.slice(0, 8));
          setActive(list.length > 0 ? 0 : -1);
        });
    }, SUGGEST_DEBOUNCE_MS);
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [client, query, c.id]);

  const open = token !== null && suggestions.length > 0;

  const insertSuggestion = (s: CannedSuggestion) => {
    if (!token) return;
    const next = replaceToken(text, token, s.rendered);
    caretAfter.current = next.caret;
    change(next.text, null);
  };

  const insertPicked = (rendered: string) => {
    const caret = areaRef.current?.selectionStart ?? text.length;
    const next = insertAt(text, caret, rendered);
    caretAfter.current = next.caret;
    change(next.text, null);
    setPicking(false);
  };

  const send = async (event?: FormEvent) => {
    event?.preventDefault();
    const body = text.trim();
    if (!body || busy || counter.over || !writable) return;
    setBusy(true);
    setError('');
    const sentMode = mode;
    const result = note
      ? await client.mutation(AddNoteMutation, { conversationId: c.id, text: body }).toPromise()
      : await client.mutation(SendMessageMutation, { conversationId: c.id, text: body, expectedVersion: c.version }).toPromise();
    setBusy(false);
    if (result.data) {
      desk.drafts.clear(c.id, sentMode);
      if (sentMode === mode) setText('');
      setToken(null);
    } else {
      // The draft stays as it is (CONFLICT: the agent reviews the latest, then sends again).
      setError(describeError(result.error, note ? 'default' : 'send'));
    }
    onSent();
  };

  const onKey = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (open) {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        setActive((i) => moveSuggestion(i, suggestions.length, event.key === 'ArrowDown' ? 1 : -1));
        return;
      }
      if ((event.key === 'Enter' || event.key === 'Tab') && !event.shiftKey && !event.ctrlKey && !event.metaKey && active >= 0) {
        event.preventDefault();
        insertSuggestion(suggestions[active]);
        return;
      }
      if (event.key === 'Escape') {
        event.preventDefault(); // closes the list; a second Escape leaves the box
        setToken(null);
        return;
      }
    }
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void send();
    }
  };

  const listId = `${id}-canned`;
  const areaId = `${id}-text`;
  const described = [`${id}-counter`, error ? `${id}-error` : '', note ? `${id}-note-hint` : ''].filter(Boolean).join(' ');
  const label = note ? `Internal note on ${c.customer.name}` : `Reply to ${c.customer.name}`;
  const placeholder = note
    ? 'Write a note for your team (# inserts a canned response)'
    : c.viewerCanReply
      ? `Reply to ${c.customer.name} (# inserts a canned response, Ctrl+Enter sends)`
      : 'Read-only: you are not replying to this conversation. Internal notes are open to you.';

  return (
    <>
    <form className={`composer${note ? ' composer-note' : ''}`} onSubmit={send} data-mode={mode}>
      <div className="composer-head">
        <div role="group" aria-label="Write" className="composer-modes">
          <button type="button" className="composer-mode" aria-pressed={!note} onClick={() => switchMode('reply')} aria-keyshortcuts="r">
            Reply
          </button>
          <button type="button" className="composer-mode" aria-pressed={note} onClick={() => switchMode('note')} aria-keyshortcuts="n">
            Internal note
          </button>
        </div>
        {note ? (
          <p id={`${id}-note-hint`} className="composer-note-hint" data-testid="note-hint">
            Internal note — only your team sees this
          </p>
        ) : null}
      </div>
      <div className="composer-body">
        <label htmlFor={areaId} className="visually-hidden">
          {label}
        </label>
        <textarea
          id={areaId}
          ref={areaRef}
          rows={3}
          value={text}
          onChange={(e) => change(e.target.value, e.target.selectionStart)}
          onSelect={(e) => setToken(cannedTokenAt(e.currentTarget.value, e.currentTarget.selectionStart))}
          onBlur={() => window.setTimeout(() => setToken(null), 150)}
          onKeyDown={onKey}
          disabled={!writable}
          placeholder={placeholder}
          aria-describedby={described}
          aria-invalid={counter.over ? true : undefined}
          aria-autocomplete="list"
          aria-controls={open ? listId : undefined}
          aria-activedescendant={open && active >= 0 ? `${listId}-${active}` : undefined}
        />
        {open ? (
          <ul id={listId} role="listbox" aria-label="Canned responses" className="canned-suggestions" data-testid="canned-suggestions">
            {suggestions.map((s, i) => (
              <li
                key={s.id}
                id={`${listId}-${i}`}
                role="option"
                aria-selected={i === active}
                className="canned-option"
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => insertSuggestion(s)}
                onMouseEnter={() => setActive(i)}
              >
                <span className="canned-option-head">
                  <span className="canned-shortcut">#{s.shortcut}</span> <span className="canned-title">{s.title}</span>
                  {s.shared ? null : <span className="canned-mine">Yours</span>}
                </span>
                <span className="canned-preview">{s.rendered}</span>
              </li>
            ))}
          </ul>
        ) : null}
        <span role="status" className="visually-hidden">
          {open ? `${suggestions.length} canned response${suggestions.length === 1 ? '' : 's'}: arrow keys to choose, Enter to insert.` : ''}
        </span>
      </div>
      <div className="composer-foot">
        <span id={`${id}-counter`} className={`composer-counter counter-${counter.tone}`} data-testid="composer-counter">
          <span className="visually-hidden">Characters: </span>
          {counter.text}
        </span>
        <button type="button" className="link composer-picker" onClick={() => setPicking(true)} disabled={!writable} aria-haspopup="dialog">
          Canned responses…
        </button>
        <p id={`${id}-error`} role="alert" className={`composer-error${error || counter.message ? '' : ' empty'}`}>
          {error || counter.message}
        </p>
        <button type="submit" disabled={!writable || !text.trim() || busy || counter.over}>
          {busy ? (note ? 'Adding…' : 'Sending…') : note ? 'Add note' : 'Send'}
        </button>
      </div>
    </form>
    {picking ? <CannedPickerDialog conversationId={c.id} onInsert={insertPicked} onClose={() => setPicking(false)} /> : null}
    </>
  );
}
