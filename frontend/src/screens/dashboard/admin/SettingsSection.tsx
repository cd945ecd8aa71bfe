import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { UpdateWorkspaceSettingsMutation } from '../../../api/operations';
import { describeError } from '../../../api/errors';
import type { WorkspaceSettingsFragment } from '../../../gql/graphql';
import { duration } from '../figures';
import { Panel } from '../parts';
import { SETTINGS, SETTING_GROUPS, formFromSettings, settingsChanges, settingsProblems, type Setting, type SettingsForm } from './settingsForm';

interface SettingsSectionProps {
  settings: WorkspaceSettingsFragment;
  onSaved: () => void;
}

/** The workspace's settings (updateWorkspaceSettings): only what changed is sent. */
export function SettingsSection({ settings, onSaved }: SettingsSectionProps) {
  const id = useId();
  const [form, setForm] = useState<SettingsForm>(() => formFromSettings(settings));
  const [problems, setProblems] = useState<ReturnType<typeof settingsProblems>>({});
  const [failure, setFailure] = useState('');
  const [done, setDone] = useState('');
  const [{ fetching }, save] = useMutation(UpdateWorkspaceSettingsMutation);
  const formRef = useRef<HTMLFormElement>(null);
  const changes = settingsChanges(settings, form);
  const dirty = Object.keys(changes).length > 0;

  // Settings changed elsewhere (another admin, live): take them unless this form has edits.
  const dirtyRef = useRef(dirty);
  dirtyRef.current = dirty;
  useEffect(() => {
    if (!dirtyRef.current) setForm(formFromSettings(settings));
  }, [settings]);

  const set = (key: Setting['key'], value: string | boolean) => {
    setDone('');
    setForm((f) => ({ ...f, [key]: value }));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found = settingsProblems(form);
    setProblems(found);
    setFailure('');
    setDone('');
    const first = SETTINGS.find((s) => found[s.key]);
    if (first) {
      formRef.current?.querySelector<HTMLElement>(`#${CSS.escape(`${id}-${first.key}`)}`)?.focus();
      return;
    }
    if (!dirty) return;
    const result = await save({ input: changes });
    if (!result.data) {
      setFailure(describeError(result.error, 'admin'));
      return;
    }
    setForm(formFromSettings(result.data.updateWorkspaceSettings));
    setDone('Settings saved.');
    onSaved();
  };

  const control = (s: Setting) => {
    const fieldId = `${id}-${s.key}`;
    const problem = problems[s.key];
    const value = form[s.key];
    const seconds = s.type === 'number' && s.unit === 'seconds' && /^\d+$/.test(String(value)) ? duration(Number(value)) : '';
    const hint = [s.hint, seconds ? `That is ${seconds}.` : ''].filter(Boolean).join(' ');
    const described = [hint ? `${fieldId}-hint` : '', problem ? `${fieldId}-error` : ''].filter(Boolean).join(' ') || undefined;
    if (s.type === 'boolean') {
      return (
        <div className="field checkbox-field" key={s.key}>
          <label>
            <input id={fieldId} type="checkbox" checked={value === true} onChange={(e) => set(s.key, e.target.checked)} aria-describedby={described} />
            {s.label}
          </label>
          {hint ? (
            <span id={`${fieldId}-hint`} className="hint">
              {hint}
            </span>
          ) : null}
        </div>
      );
    }
    return (
      <div className="field" key={s.key}>
        <label htmlFor={fieldId}>
          {s.label}
          {s.type === 'number' && s.unit !== 'conversations' ? ` (${s.unit})` : ''}
        </label>
        {s.type === 'choice' ? (
          <select id={fieldId} value={String(value)} onChange={(e) => set(s.key, e.target.value)} aria-describedby={described}>
            {s.options.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        ) : (
          <input
            id={fieldId}
            type={s.type === 'number' ? 'number' : 'text'}
            inputMode={s.type === 'number' ? 'numeric' : undefined}
            min={s.type === 'number' ? s.min : undefined}
            max={s.type === 'number' ? s.max : undefined}
            maxLength={s.type === 'text' ? s.maxLength : undefined}
            value={String(value)}
            onChange={(e) => set(s.key, e.target.value)}
            aria-invalid={problem ? true : undefined}
            aria-describedby={described}
          />
        )}
        {hint ? (
          <span id={`${fieldId}-hint`} className="hint">
            {hint}
          </span>
        ) : null}
        {problem ? (
          <span id={`${fieldId}-error`} className="field-error">
            {problem}
          </span>
        ) : null}
      </div>
    );
  };

  return (
    <Panel
      title="Workspace settings"
      description="They apply to the whole workspace at once, to every agent and to routing."
      className="span-all"
      testId="admin-settings"
    >
      <form ref={formRef} onSubmit={submit} noValidate className="settings-form">
        <div className="settings-groups">
          {SETTING_GROUPS.map((g) => (
            <fieldset key={g.title} className="settings-group">
              <legend>{g.title}</legend>
              {g.settings.map(control)}
            </fieldset>
          ))}
        </div>
        <div role="alert" className={failure ? 'error' : 'error empty'}>
          {failure}
        </div>
        <div className="actions">
          <button type="submit" disabled={fetching || !dirty}>
            {fetching ? 'Saving…' : 'Save settings'}
          </button>
          <button type="button" className="secondary" disabled={!dirty} onClick={() => setForm(formFromSettings(settings))}>
            Undo changes
          </button>
          <span role="status" className="settings-done">
            {done}
          </span>
        </div>
      </form>
    </Panel>
  );
}
