import { useCallback, useId, useRef, useState } from 'react';
import { useMutation } from 'urql';
import { SetPresenceMutation } from '../api/operations';
import { describeError } from '../api/errors';
import type { Presence } from '../gql/graphql';

const options: ReadonlyArray<{ value: Presence; label: string }> = [
  { value: 'ONLINE', label: 'Online' },
  { value: 'AWAY', label: 'Away' },
  { value: 'OFFLINE', label: 'Offline' },
];

export interface PresenceControl {
  presence: Presence;
  saving: boolean;
  failure: string;
  /** Whether the viewer changed it in this session (the select or the prompt). */
  changed: boolean;
  change: (next: Presence) => Promise<void>;
}

/**
 * The viewer's presence, shared by the header's switch and the go-online prompt: as the sign-in
 * read it (initial, once known) until the viewer changes it here.
 */
export function usePresence(initial: Presence | undefined): PresenceControl {
  const [chosen, setChosen] = useState<Presence | null>(null);
  const [failure, setFailure] = useState('');
  const [{ fetching }, save] = useMutation(SetPresenceMutation);
  const presence = chosen ?? initial ?? 'OFFLINE';
  const current = useRef(presence);
  current.current = presence;
  const change = useCallback(
    async (next: Presence) => {
      const before = current.current;
      setChosen(next);
      setFailure('');
      const result = await save({ presence: next });
      if (result.data) setChosen(result.data.setPresence.presence);
      else {
        setChosen(before);
        setFailure(describeError(result.error));
      }
    },
    [save],
  );
  return { presence, saving: fetching, failure, changed: chosen !== null, change };
}

/** The viewer's presence: ONLINE receives conversations, AWAY keeps what it owns, OFFLINE gets nothing. */
export function PresenceSwitch({ control }: { control: PresenceControl }) {
  const id = useId();
  const { presence, saving, failure, change } = control;
  return (
    <div className="presence">
      <span aria-hidden="true" className={`presence-dot presence-${presence.toLowerCase()}`} />
      <label htmlFor={`${id}-presence`}>Presence</label>
      <select
        id={`${id}-presence`}
        value={presence}
        disabled={saving}
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
