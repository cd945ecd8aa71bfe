import { useId, useRef, useState, type FormEvent } from 'react';
import { useClient, useQuery } from 'urql';
import { CannedResponsesQuery, CreateCannedResponseMutation, DeleteCannedResponseMutation, UpdateCannedResponseMutation } from '../api/operations';
import { describeError, errorCode } from '../api/errors';
import { cannedFormProblems, normalShortcut, type CannedForm } from '../composer/canned';
import type { CannedResponseFieldsFragment } from '../gql/graphql';

interface CannedManagerProps {
  /** The workspace's shared responses (admins) or the viewer's own. */
  shared: boolean;
  /** Heading level of the list's own title (the admin panel's h2 or a dialog's h3). */
  compact?: boolean;
}

const EMPTY: CannedForm = { shortcut: '', title: '', text: '' };

/**
 * Canned responses, listed with their shortcut, created, edited and deleted: the workspace's shared
 * ones (admins; the server says FORBIDDEN to others) or the viewer's own. Shows the placeholders
 * the text may hold; a shortcut already taken (CONFLICT) and what the server refuses
 * (BAD_USER_INPUT) are said next to the form.
 */
export function CannedManager({ shared, compact = false }: CannedManagerProps) {
  const client = useClient();
  const id = useId();
  const [list, reload] = useQuery({ query: CannedResponsesQuery, requestPolicy: 'network-only' });
  const [editing, setEditing] = useState<CannedResponseFieldsFragment | 'new' | null>(null);
  const [form, setForm] = useState<CannedForm>(EMPTY);
  const [problems, setProblems] = useState<Partial<Record<keyof CannedForm, string>>>({});
  const [failure, setFailure] = useState('');
  const [done, setDone] = useState('');
  const [busy, setBusy] = useState(false);
  const firstField = useRef<HTMLInputElement>(null);

  const items = (list.data?.cannedResponses ?? []).filter((r) => r.shared === shared);
  const placeholders = list.data?.cannedResponsePlaceholders ?? [];
  const maxText = list.data?.limits.cannedResponseMaxLength ?? 10000;
  const refresh = () => reload({ requestPolicy: 'network-only' });

  const start = (target: CannedResponseFieldsFragment | 'new') => {
    setEditing(target);
    setForm(target === 'new' ? EMPTY : { shortcut: target.shortcut, title: target.title, text: target.text });
    setProblems({});
    setFailure('');
    setDone('');
    window.setTimeout(() => firstField.current?.focus(), 0);
  };

  const explain = (error: Parameters<typeof describeError>[0], shortcut: string) =>
    errorCode(error) === 'CONFLICT' ? `The shortcut #${shortcut} is taken: choose another.` : describeError(error, 'admin');

  const save = async (event: FormEvent) => {
    event.preventDefault();
    const found = cannedFormProblems(form, maxText);
    setProblems(found);
    setFailure('');
    if (Object.keys(found).length > 0 || !editing) return;
    const input = { shortcut: normalShortcut(form.shortcut), title: form.title.trim(), text: form.text.trim() };
    setBusy(true);
    const result =
      editing === 'new'
        ? await client.mutation(CreateCannedResponseMutation, { input: { ...input, shared } }).toPromise()
        : await client.mutation(UpdateCannedResponseMutation, { id: editing.id, input }).toPromise();
    setBusy(false);
    if (result.error) {
      setFailure(explain(result.error, input.shortcut));
      return;
    }
    setDone(editing === 'new' ? `Saved #${input.shortcut}.` : `Updated #${input.shortcut}.`);
    setEditing(null);
    refresh();
  };

  const remove = async (r: CannedResponseFieldsFragment) => {
    if (!window.confirm(`Delete #${r.shortcut} (“${r.title}”)?`)) return;
    const result = await client.mutation(DeleteCannedResponseMutation, { id: r.id }).toPromise();
    if (result.error) setFailure(describeError(result.error, 'admin'));
    else {
      setDone(`Deleted #${r.shortcut}.`);
      if (editing !== 'new' && editing?.id === r.id) setEditing(null);
      refresh();
    }
  };

  const field = (key: keyof CannedForm) => ({
    id: `${id}-${key}`,
    value: form[key],
    'aria-invalid': problems[key] ? true : undefined,
    'aria-describedby': problems[key] ? `${id}-${key}-error` : undefined,
  });
  const problem = (key: keyof CannedForm) =>
    problems[key] ? (
      <span id={`${id}-${key}-error`} className="field-error">
        {problems[key]}
      </span>
    ) : null;

  return (
    <div className={`canned-manager${compact ? ' compact' : ''}`} data-testid={shared ? 'canned-shared' : 'canned-mine'}>
      <div className="canned-manager-head">
        <p className="muted">
          {shared
            ? 'Every agent can insert these by typing # and the shortcut in the composer, or from its picker.'
            : 'Only you see these. Type # and the shortcut in the composer to insert one.'}
        </p>
        <button type="button" className="small" onClick={() => start('new')}>
          New canned response
        </button>
      </div>
      <p role="status" className="settings-done">
        {done}
      </p>
      {list.error ? (
        <p role="alert" className="error">
          {describeError(list.error)}
        </p>
      ) : null}
      {!list.data && !list.error ? <p role="status">Loading…</p> : null}
      {list.data && items.length === 0 ? <p className="muted">None yet.</p> : null}
      {items.length > 0 ? (
        <ul className="canned-list">
          {items.map((r) => (
            <li key={r.id} data-shortcut={r.shortcut}>
              <div className="canned-list-head">
                <span className="canned-shortcut">#{r.shortcut}</span> <strong>{r.title}</strong>
                <span className="row-actions">
                  <button type="button" className="secondary small" onClick={() => start(r)} aria-label={`Edit #${r.shortcut}`}>
                    Edit
                  </button>
                  <button type="button" className="secondary small danger" onClick={() => void remove(r)} aria-label={`Delete #${r.shortcut}`}>
                    Delete
                  </button>
                </span>
              </div>
              <p className="canned-text">{r.text}</p>
            </li>
          ))}
        </ul>
      ) : null}

      {editing ? (
        <form className="canned-form" onSubmit={save} noValidate aria-labelledby={`${id}-form-title`}>
          <h3 id={`${id}-form-title`}>{editing === 'new' ? 'New canned response' : `Edit #${editing.shortcut}`}</h3>
          <div className="field">
            <label htmlFor={`${id}-shortcut`}>Shortcut</label>
            <input ref={firstField} {...field('shortcut')} autoComplete="off" onChange={(e) => setForm((f) => ({ ...f, shortcut: e.target.value }))} />
            {problem('shortcut')}
          </div>
          <div className="field">
            <label htmlFor={`${id}-title`}>Title</label>
            <input {...field('title')} maxLength={200} onChange={(e) => setForm((f) => ({ ...f, title: e.target.value }))} />
            {problem('title')}
          </div>
          <div className="field">
            <label htmlFor={`${id}-text`}>Text</label>
            <textarea {...field('text')} rows={4} onChange={(e) => setForm((f) => ({ ...f, text: e.target.value }))} />
            {problem('text')}
          </div>
          {placeholders.length > 0 ? (
            <div className="canned-placeholders">
              <p className="hint">Placeholders, filled in for each conversation (click to add one):</p>
              <ul>
                {placeholders.map((p) => (
                  <li key={p.token}>
                    <button
                      type="button"
                      className="link"
                      onClick={() => setForm((f) => ({ ...f, text: f.text + (f.text && !/\s$/.test(f.text) ? ' ' : '') + p.token }))}
                    >
                      <code>{p.token}</code>
                    </button>{' '}
                    {p.description}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          <p role="alert" className={failure ? 'error' : 'error empty'} data-testid="canned-error">
            {failure}
          </p>
          <div className="actions">
            <button type="submit" disabled={busy}>
              {busy ? 'Saving…' : 'Save'}
            </button>
            <button type="button" className="secondary" onClick={() => setEditing(null)}>
              Cancel
            </button>
          </div>
        </form>
      ) : null}
    </div>
  );
}
