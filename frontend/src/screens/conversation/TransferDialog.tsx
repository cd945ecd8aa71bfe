import { useCallback, useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { TransferConversationMutation, TransferTargetsQuery } from '../../api/operations';
import { describeError } from '../../api/errors';
import { AgentPicker } from '../../components/AgentPicker';
import type { ConversationDetailFragment } from '../../gql/graphql';
import { handoverCandidates, transferVariables, type TransferForm, type TransferTarget } from '../../transfer';
import { useEvery } from './useEvery';

interface TransferDialogProps {
  conversationId: string;
  customerName: string;
  /** The conversation's channel: only agents permitted on it can own it (R1). */
  channel: string;
  viewer: { id: string; role: string };
  onClose: () => void;
  onTransferred: (c: ConversationDetailFragment) => void;
}

/**
 * Transfer (C11): to an agent (a hand-over like reassign: they are told live, with the note) or
 * to a team (back to the queue, NEW, with that team required; routing offers it to its members).
 */
export function TransferDialog({ conversationId, customerName, channel, viewer, onClose, onTransferred }: TransferDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const teamRef = useRef<HTMLSelectElement>(null);
  const id = useId();
  const [targets, reexecute] = useQuery({ query: TransferTargetsQuery, requestPolicy: 'network-only' });
  useEvery(useCallback(() => reexecute({ requestPolicy: 'network-only' }), [reexecute]));
  const [{ fetching }, transfer] = useMutation(TransferConversationMutation);
  const [form, setForm] = useState<TransferForm>({ target: 'agent', agentId: '', teamId: '', note: '' });
  const [failure, setFailure] = useState('');
  const [invalid, setInvalid] = useState(false);

  useEffect(() => {
    const dialog = ref.current;
    // Not closed in a cleanup: see ReassignDialog.
    if (dialog && !dialog.open) dialog.showModal();
  }, []);

  // C11: client users only for a SUPER_ADMIN, who need neither the channel nor presence.
  const agents = useMemo(
    () =>
      handoverCandidates(
        (targets.data?.agents.edges ?? []).flatMap((e) => (e?.node ? [e.node] : [])),
        { viewerId: viewer.id, channel, clientUsers: viewer.role === 'SUPER_ADMIN' },
      ),
    [targets.data, viewer.id, viewer.role, channel],
  );
  const teams = targets.data?.teams ?? [];
  const loading = targets.fetching && !targets.data;

  const choose = (target: TransferTarget) => {
    setForm((f) => ({ ...f, target }));
    setInvalid(false);
    setFailure('');
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const checked = transferVariables(conversationId, form);
    if (!checked.ok) {
      setInvalid(true);
      setFailure(checked.error);
      if (form.target === 'agent') ref.current?.querySelector<HTMLInputElement>('.agent-options input:not(:disabled), .agent-search')?.focus();
      else teamRef.current?.focus();
      return;
    }
    setInvalid(false);
    setFailure('');
    const result = await transfer(checked.variables);
    if (result.data) {
      onTransferred(result.data.transferConversation);
      onClose();
      return;
    }
    setFailure(describeError(result.error, 'transfer'));
  };

  const errorId = `${id}-error`;
  return (
    <dialog ref={ref} className="dialog" aria-labelledby={`${id}-title`} onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <h2 id={`${id}-title`}>Transfer {customerName}</h2>
        <fieldset className="field choice">
          <legend>Transfer to</legend>
          <label>
            <input type="radio" name={`${id}-target`} checked={form.target === 'agent'} onChange={() => choose('agent')} />
            An agent
          </label>
          <label>
            <input type="radio" name={`${id}-target`} checked={form.target === 'team'} onChange={() => choose('team')} />
            A team
          </label>
        </fieldset>
        {form.target === 'agent' ? (
          <>
            <AgentPicker
              legend="Agent"
              candidates={agents}
              value={form.agentId}
              onChange={(agentId) => setForm((f) => ({ ...f, agentId }))}
              loading={loading}
                  invalid={invalid}
              errorId={errorId}
            />
            <p className="hint">They see it in their My Queue right away, with your note.</p>
          </>
        ) : (
          <div className="field">
            <label htmlFor={`${id}-team`}>Team</label>
            <select
              id={`${id}-team`}
              ref={teamRef}
              value={form.teamId}
              onChange={(e) => setForm((f) => ({ ...f, teamId: e.target.value }))}
              required
              autoFocus
              aria-invalid={invalid || undefined}
              aria-describedby={invalid ? errorId : undefined}
            >
              <option value="">{loading ? 'Loading teams…' : teams.length ? 'Choose a team' : 'No teams in this workspace'}</option>
              {teams.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </select>
            <p className="hint">It goes back to the queue, and routing offers it to the team's members.</p>
          </div>
        )}
        <div className="field">
          <label htmlFor={`${id}-note`}>Note (optional)</label>
          <textarea
            id={`${id}-note`}
            rows={3}
            maxLength={5000}
            value={form.note}
            onChange={(e) => setForm((f) => ({ ...f, note: e.target.value }))}
          />
        </div>
        <div role="alert" id={errorId} className={failure || targets.error ? 'error' : 'error empty'}>
          {failure || (targets.error ? describeError(targets.error) : '')}
        </div>
        <div className="actions end">
          <button type="button" className="secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" disabled={fetching}>
            {fetching ? 'Transferring…' : 'Transfer'}
          </button>
        </div>
      </form>
    </dialog>
  );
}
