import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useClient } from 'urql';
import { CreateAgentMutation, UpdateAgentMutation } from '../../../api/operations';
import { describeError } from '../../../api/errors';
import { channelName, humanize } from '../../../format';
import type { AdminAgentFragment, Role, VaRole } from '../../../gql/graphql';
import { grantableRoles } from '../../../roles';
import {
  CHANNELS,
  MAX_CAPACITY,
  agentProblems,
  createInput,
  formFromAgent,
  updateInput,
  type AgentField,
  type AgentForm,
  type AgentProblems,
} from './agentForm';

interface Group {
  id: string;
  name: string;
  tag?: string;
}

interface AgentDialogProps {
  /** The agent to edit; none to create one. */
  agent?: AdminAgentFragment;
  viewer: { id: string; role: string };
  teams: readonly Group[];
  pools: readonly Group[];
  onClose: () => void;
  /** Saved: a sentence saying what changed. */
  onSaved: (message: string) => void;
}

const FIELD_ORDER: readonly AgentField[] = ['name', 'email', 'password', 'skills', 'languages', 'channels'];

/** Create an agent (human or bot) or edit one: role, active, skills, languages, channels with capacity, teams, pools. */
export function AgentDialog({ agent, viewer, teams, pools, onClose, onSaved }: AgentDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  const client = useClient();
  const mode = agent ? 'edit' : 'create';
  const [form, setForm] = useState<AgentForm>(() => formFromAgent(agent));
  const [problems, setProblems] = useState<AgentProblems>({});
  const [failure, setFailure] = useState('');
  const [saving, setSaving] = useState(false);
  const self = agent?.id === viewer.id;
  const human = form.kind === 'HUMAN';
  const roles = grantableRoles(viewer.role);

  useEffect(() => {
    const dialog = ref.current;
    // Not closed in a cleanup: see ReassignDialog.
    if (dialog && !dialog.open) dialog.showModal();
  }, []);

  const set = <K extends keyof AgentForm>(key: K, value: AgentForm[K]) => setForm((f) => ({ ...f, [key]: value }));
  const setChannel = (channel: (typeof CHANNELS)[number], change: Partial<AgentForm['channels'][typeof channel]>) =>
    setForm((f) => ({ ...f, channels: { ...f.channels, [channel]: { ...f.channels[channel], ...change } } }));
  const toggle = (key: 'teamIds' | 'poolIds', groupId: string, on: boolean) =>
    setForm((f) => ({ ...f, [key]: on ? [...f[key], groupId] : f[key].filter((x) => x !== groupId) }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found = agentProblems(form, mode);
    setProblems(found);
    setFailure('');
    const first = FIELD_ORDER.find((f) => found[f]);
    if (first) {
      ref.current?.querySelector<HTMLElement>(`[data-field="${first}"]`)?.focus();
      return;
    }
    setSaving(true);
    if (agent) {
      const input = updateInput(agent, form);
      if (Object.keys(input).length === 0) {
        setSaving(false);
        onClose();
        return;
      }
      const result = await client.mutation(UpdateAgentMutation, { id: agent.id, input }).toPromise();
      setSaving(false);
      if (result.data) onSaved(`Saved ${result.data.updateAgent.name}.`);
      else setFailure(describeError(result.error, 'admin'));
      return;
    }
    const created = await client.mutation(CreateAgentMutation, { input: createInput(form) }).toPromise();
    if (!created.data) {
      setSaving(false);
      setFailure(describeError(created.error, 'admin'));
      return;
    }
    // createAgent takes no teams or pools: they are set on the new agent right after.
    const newAgent = created.data.createAgent;
    if (form.teamIds.length > 0 || form.poolIds.length > 0) {
      const groups = await client
        .mutation(UpdateAgentMutation, { id: newAgent.id, input: { teamIds: form.teamIds, poolIds: form.poolIds } })
        .toPromise();
      setSaving(false);
      if (!groups.data) {
        onSaved(`Created ${newAgent.name}, but the teams and pools were not set: ${describeError(groups.error, 'admin')} Edit the agent to set them.`);
        return;
      }
    }
    setSaving(false);
    onSaved(`Created ${newAgent.name}.`);
  };

  const invalid = (field: AgentField) =>
    problems[field] ? { 'aria-invalid': true as const, 'aria-describedby': `${id}-${field}-error` } : {};
  const error = (field: AgentField) =>
    problems[field] ? (
      <span id={`${id}-${field}-error`} className="field-error">
        {problems[field]}
      </span>
    ) : null;
  const title = agent ? `Edit ${agent.name}` : 'New agent';

  return (
    <dialog ref={ref} className="dialog wide-dialog" aria-labelledby={`${id}-title`} onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <h2 id={`${id}-title`}>{title}</h2>
        <p className="muted">
          {agent
            ? 'Changes apply at once: routing uses the new channels, capacities, skills, teams and pools for the next conversation.'
            : 'Humans sign in with their email and password; bots use API keys.'}
        </p>

        <div className="form-grid">
          {mode === 'create' ? (
            <fieldset className="field choice span-2">
              <legend>Kind</legend>
              <label>
                <input type="radio" name={`${id}-kind`} checked={human} onChange={() => set('kind', 'HUMAN')} />
                Human
              </label>
              <label>
                <input type="radio" name={`${id}-kind`} checked={!human} onChange={() => set('kind', 'VIRTUAL')} />
                Bot
              </label>
            </fieldset>
          ) : null}

          <div className="field">
            <label htmlFor={`${id}-name`}>Name</label>
            <input id={`${id}-name`} data-field="name" value={form.name} maxLength={200} onChange={(e) => set('name', e.target.value)} {...invalid('name')} />
            {error('name')}
          </div>

          {human ? (
            <div className="field">
              <label htmlFor={`${id}-email`}>Email</label>
              <input
                id={`${id}-email`}
                data-field="email"
                type="email"
                autoComplete="off"
                value={form.email}
                onChange={(e) => set('email', e.target.value)}
                {...invalid('email')}
              />
              {error('email')}
            </div>
          ) : null}

          {human ? (
            <div className="field">
              <label htmlFor={`${id}-password`}>{agent ? 'New password (leave empty to keep it)' : 'Password'}</label>
              <input
                id={`${id}-password`}
                data-field="password"
                type="password"
                autoComplete="new-password"
                value={form.password}
                onChange={(e) => set('password', e.target.value)}
                {...invalid('password')}
              />
              {error('password')}
            </div>
          ) : null}

          {human ? (
            <div className="field">
              <label htmlFor={`${id}-role`}>Role</label>
              <select
                id={`${id}-role`}
                value={form.role}
                onChange={(e) => set('role', e.target.value as Role)}
                disabled={self}
                aria-describedby={self ? `${id}-role-hint` : undefined}
              >
                {roles.map((r) => (
                  <option key={r} value={r}>
                    {humanize(r)}
                  </option>
                ))}
                {!roles.includes(form.role) ? <option value={form.role}>{humanize(form.role)}</option> : null}
              </select>
              {self ? (
                <span id={`${id}-role-hint`} className="hint">
                  You can't change your own role: ask another admin.
                </span>
              ) : null}
            </div>
          ) : (
            <div className="field">
              <label htmlFor={`${id}-varole`}>Bot role</label>
              <select id={`${id}-varole`} value={form.vaRole} onChange={(e) => set('vaRole', e.target.value as VaRole)}>
                <option value="DELEGATION">Delegation (a human hands it a task)</option>
                <option value="INCEPTION">Inception (greets new conversations)</option>
              </select>
            </div>
          )}

          {agent ? (
            <div className="field checkbox-field">
              <label>
                <input type="checkbox" checked={form.active} onChange={(e) => set('active', e.target.checked)} disabled={self} />
                Active (can sign in and receive conversations)
              </label>
            </div>
          ) : null}

          <div className="field">
            <label htmlFor={`${id}-skills`}>Skills</label>
            <input
              id={`${id}-skills`}
              data-field="skills"
              value={form.skills}
              onChange={(e) => set('skills', e.target.value)}
              aria-describedby={`${id}-skills-hint${problems.skills ? ` ${id}-skills-error` : ''}`}
              aria-invalid={problems.skills ? true : undefined}
            />
            <span id={`${id}-skills-hint`} className="hint">
              Separated by commas, e.g. billing, tech
            </span>
            {error('skills')}
          </div>

          <div className="field">
            <label htmlFor={`${id}-languages`}>Languages</label>
            <input
              id={`${id}-languages`}
              data-field="languages"
              value={form.languages}
              onChange={(e) => set('languages', e.target.value)}
              aria-describedby={`${id}-languages-hint${problems.languages ? ` ${id}-languages-error` : ''}`}
              aria-invalid={problems.languages ? true : undefined}
            />
            <span id={`${id}-languages-hint`} className="hint">
              Separated by commas, e.g. en, es
            </span>
            {error('languages')}
          </div>

          <fieldset className="channel-fields span-2" aria-describedby={problems.channels ? `${id}-channels-error` : undefined}>
            <legend>Channels and capacity</legend>
            <p className="hint">The channels the agent receives conversations on, and how many each at once (R1, R2).</p>
            <div className="channel-grid">
              {CHANNELS.map((c, i) => {
                const field = form.channels[c];
                return (
                  <div key={c} className="channel-field">
                    <label>
                      <input
                        type="checkbox"
                        checked={field.on}
                        data-field={i === 0 ? 'channels' : undefined}
                        onChange={(e) => setChannel(c, { on: e.target.checked, capacity: field.capacity || (e.target.checked ? '1' : '') })}
                      />
                      {channelName(c)}
                    </label>
                    <input
                      type="number"
                      inputMode="numeric"
                      min={0}
                      max={MAX_CAPACITY}
                      step={1}
                      value={field.capacity}
                      disabled={!field.on}
                      aria-label={`${channelName(c)} capacity`}
                      onChange={(e) => setChannel(c, { capacity: e.target.value })}
                      aria-invalid={problems.channels && field.on ? true : undefined}
                    />
                  </div>
                );
              })}
            </div>
            {error('channels')}
          </fieldset>

          {teams.length > 0 ? (
            <fieldset className="field choice">
              <legend>Teams</legend>
              {teams.map((t) => (
                <label key={t.id}>
                  <input type="checkbox" checked={form.teamIds.includes(t.id)} onChange={(e) => toggle('teamIds', t.id, e.target.checked)} />
                  {t.name}
                </label>
              ))}
            </fieldset>
          ) : null}

          {pools.length > 0 ? (
            <fieldset className="field choice">
              <legend>Pools</legend>
              {pools.map((p) => (
                <label key={p.id}>
                  <input type="checkbox" checked={form.poolIds.includes(p.id)} onChange={(e) => toggle('poolIds', p.id, e.target.checked)} />
                  {p.name} <span className="muted">#{p.tag}</span>
                </label>
              ))}
            </fieldset>
          ) : null}
        </div>

        <div role="alert" className={failure ? 'error' : 'error empty'}>
          {failure}
        </div>
        <div className="actions end">
          <button type="button" className="secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" disabled={saving}>
            {saving ? 'Saving…' : agent ? 'Save' : 'Create agent'}
          </button>
        </div>
      </form>
    </dialog>
  );
}
