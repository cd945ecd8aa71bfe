import { useId, useRef, useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { CreatePoolMutation, CreateTeamMutation } from '../../../api/operations';
import { describeError } from '../../../api/errors';
import { Panel } from '../parts';

interface Group {
  id: string;
  name: string;
  tag?: string;
  members?: ReadonlyArray<{ id: string; name: string }> | null;
}

interface GroupsSectionProps {
  kind: 'team' | 'pool';
  groups: readonly Group[];
  /** Who can be a member: the active human agents. */
  agents: ReadonlyArray<{ id: string; name: string }>;
  onCreated: () => void;
}

/**
 * Teams (R3: a transfer to a team requires one of its members) or pools (C7: a conversation
 * tagged with the pool's tag can be claimed only by its members), and a form to add one.
 */
export function GroupsSection({ kind, groups, agents, onCreated }: GroupsSectionProps) {
  const id = useId();
  const [name, setName] = useState('');
  const [tag, setTag] = useState('');
  const [members, setMembers] = useState<string[]>([]);
  const [problem, setProblem] = useState<{ field: 'name' | 'tag' | 'server'; text: string } | null>(null);
  const [done, setDone] = useState('');
  const [team, createTeam] = useMutation(CreateTeamMutation);
  const [pool, createPool] = useMutation(CreatePoolMutation);
  const nameRef = useRef<HTMLInputElement>(null);
  const tagRef = useRef<HTMLInputElement>(null);
  const pool_ = kind === 'pool';
  const title = pool_ ? 'Pools' : 'Teams';
  const noun = pool_ ? 'pool' : 'team';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setDone('');
    const cleanName = name.trim();
    const cleanTag = tag.trim().toLowerCase();
    if (!cleanName) {
      setProblem({ field: 'name', text: `Enter the ${noun}'s name.` });
      nameRef.current?.focus();
      return;
    }
    if (pool_ && (!cleanTag || cleanTag.length > 64)) {
      setProblem({ field: 'tag', text: 'Enter the tag conversations carry, e.g. billing (at most 64 characters).' });
      tagRef.current?.focus();
      return;
    }
    setProblem(null);
    const result = pool_
      ? await createPool({ input: { name: cleanName, tag: cleanTag, memberIds: members } })
      : await createTeam({ input: { name: cleanName, memberIds: members } });
    if (result.error || !result.data) {
      setProblem({ field: 'server', text: describeError(result.error, 'admin') });
      return;
    }
    setDone(`Created the ${noun} ${cleanName}.`);
    setName('');
    setTag('');
    setMembers([]);
    onCreated();
  };

  const fieldProblem = (field: 'name' | 'tag') =>
    problem?.field === field ? { 'aria-invalid': true as const, 'aria-describedby': `${id}-${field}-error` } : {};

  return (
    <Panel
      title={title}
      description={
        pool_
          ? 'Conversations tagged with a pool’s tag can be claimed only by its members (C7).'
          : 'A conversation transferred to a team waits for one of its members (R3).'
      }
      testId={`admin-${kind}s`}
    >
      {groups.length === 0 ? (
        <p className="muted">No {noun}s yet.</p>
      ) : (
        <ul className="group-list" aria-label={title}>
          {groups.map((g) => (
            <li key={g.id}>
              <strong>{g.name}</strong>
              {g.tag ? <span className="tag"> #{g.tag}</span> : null}
              <span className="muted">
                {' '}
                — {(g.members ?? []).map((m) => m.name).join(', ') || 'no members'}
              </span>
            </li>
          ))}
        </ul>
      )}

      <form className="group-form" onSubmit={submit} noValidate aria-labelledby={`${id}-new`}>
        <h3 id={`${id}-new`}>New {noun}</h3>
        <div className="group-form-fields">
          <div className="field">
            <label htmlFor={`${id}-name`}>Name</label>
            <input id={`${id}-name`} ref={nameRef} value={name} maxLength={200} onChange={(e) => setName(e.target.value)} {...fieldProblem('name')} />
            {problem?.field === 'name' ? (
              <span id={`${id}-name-error`} className="field-error">
                {problem.text}
              </span>
            ) : null}
          </div>
          {pool_ ? (
            <div className="field">
              <label htmlFor={`${id}-tag`}>Tag</label>
              <input id={`${id}-tag`} ref={tagRef} value={tag} maxLength={64} onChange={(e) => setTag(e.target.value)} {...fieldProblem('tag')} />
              {problem?.field === 'tag' ? (
                <span id={`${id}-tag-error`} className="field-error">
                  {problem.text}
                </span>
              ) : null}
            </div>
          ) : null}
        </div>
        {agents.length > 0 ? (
          <fieldset className="field choice">
            <legend>Members</legend>
            {agents.map((a) => (
              <label key={a.id}>
                <input
                  type="checkbox"
                  checked={members.includes(a.id)}
                  onChange={(e) => setMembers((m) => (e.target.checked ? [...m, a.id] : m.filter((x) => x !== a.id)))}
                />
                {a.name}
              </label>
            ))}
          </fieldset>
        ) : null}
        <div role="alert" className={problem?.field === 'server' ? 'error' : 'error empty'}>
          {problem?.field === 'server' ? problem.text : ''}
        </div>
        <div role="status" className="small-print">
          {done}
        </div>
        <button type="submit" className="small" disabled={team.fetching || pool.fetching}>
          Create {noun}
        </button>
      </form>
    </Panel>
  );
}
