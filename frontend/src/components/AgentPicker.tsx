import { useId, useState } from 'react';
import { searchCandidates, type HandoverAgentLike, type HandoverCandidate } from '../transfer';

interface AgentPickerProps<A extends HandoverAgentLike> {
  /** The group's name ("New owner", "Agent"). */
  legend: string;
  candidates: readonly HandoverCandidate<A>[];
  value: string;
  onChange: (agentId: string) => void;
  loading: boolean;
  /** What the list does not show (load, for viewers who may not read it). */
  hint?: string;
  invalid?: boolean;
  /** The id of the error that describes the group when invalid. */
  errorId?: string;
}

/**
 * Whom to hand a conversation to: a search box over the eligible people, each with presence and
 * load or capacity; those who cannot take it now are listed, greyed, with why.
 */
export function AgentPicker<A extends HandoverAgentLike>({ legend, candidates, value, onChange, loading, hint, invalid, errorId }: AgentPickerProps<A>) {
  const id = useId();
  const [search, setSearch] = useState('');
  const shown = searchCandidates(candidates, search);
  const hintId = hint ? `${id}-hint` : undefined;
  return (
    <fieldset className="field agent-picker" aria-describedby={[invalid ? errorId : undefined, hintId].filter(Boolean).join(' ') || undefined}>
      <legend>{legend}</legend>
      <label htmlFor={`${id}-search`} className="agent-search-label">
        Search by name
      </label>
      <input
        id={`${id}-search`}
        type="search"
        className="agent-search"
        value={search}
        onChange={(e) => setSearch(e.target.value)}
        autoComplete="off"
        autoFocus
      />
      {hint ? (
        <p id={hintId} className="hint">
          {hint}
        </p>
      ) : null}
      {loading ? <p role="status">Loading agents…</p> : null}
      {!loading && candidates.length === 0 ? <p className="muted">Nobody else can take conversations on this channel.</p> : null}
      {!loading && candidates.length > 0 && shown.length === 0 ? <p className="muted">No agent's name matches “{search.trim()}”.</p> : null}
      {shown.length > 0 ? (
        <ul className={`agent-options${invalid ? ' invalid' : ''}`}>
          {shown.map((c) => (
            <li key={c.agent.id}>
              <label className={`agent-option${c.available ? '' : ' unavailable'}`}>
                <input
                  type="radio"
                  name={`${id}-agent`}
                  value={c.agent.id}
                  checked={value === c.agent.id}
                  disabled={!c.available}
                  onChange={() => onChange(c.agent.id)}
                />
                <span className="agent-option-name">{c.agent.name}</span>
                <span className="agent-option-status">
                  <span aria-hidden="true" className={`presence-dot presence-${c.agent.presence.toLowerCase()}`} />
                  {c.status}
                </span>
              </label>
            </li>
          ))}
        </ul>
      ) : null}
    </fieldset>
  );
}
