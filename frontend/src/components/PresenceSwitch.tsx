import { useId, useState } from 'react';
import { useMutation } from 'urql';
import { SetPresenceMutation } from '../api/operations';
import { describeError } from '../api/errors';
import type { Presence } from '../gql/graphql';

const options: ReadonlyArray<{ value: Presence; label: string }> = [
  { value: 'ONLINE', label: 'Online' },
  { value: 'AWAY', label: 'Away' },
  { value: 'OFFLINE', label: 'Offline' },
];

/** The viewer's presence: ONLINE receives conversations, AWAY keeps what it owns, OFFLINE gets nothing. */
export function PresenceSwitch({ initial }: { initial: Presence }) {
  const id = useId();
  const [presence, setPresence] = useState<Presence>(initial);
  const [failure, setFailure] = useState('');
  const [{ fetching }, save] = useMutation(SetPresenceMutation);

  const change = async (next: Presence) => {
    const before = presence;
    setPresence(next);
    setFailure('');
    const result = await save({ presence: next });
    if (result.data) setPresence(result.data.setPresence.presence);
    else {
      setPresence(before);
      setFailure(describeError(result.error));
    }
  };

  return (
    <div className="presence">
      <span aria-hidden="true" className={`presence-dot presence-${presence.toLowerCase()}`} />
      <label htmlFor={`${id}-presence`}>Presence</label>
      <select
        id={`${id}-presence`}
        value={presence}
        disabled={fetching}
        onChange={(e) => void change(e.target.value as Presence)}
        aria-describedby={failure ? `${id}-error` : undefined}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {failure ? (
        <span id={`${id}-error`} role="alert" className="presence-error">
          {failure}
        </span>
      ) : null}
    </div>
  );
}
