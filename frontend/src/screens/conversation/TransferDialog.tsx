import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { TransferConversationMutation, TransferTargetsQuery } from '../../api/operations';
import { describeError } from '../../api/errors';
import type { ConversationDetailFragment } from '../../gql/graphql';
import { humanize } from '../../format';
import { transferAgents, transferVariables, type TransferForm, type TransferTarget } from '../../transfer';

interface TransferDialogProps {
  conversationId: string;
  customerName: string;
  viewer: { id: string; role: string };
  onClose: () => void;
  onTransferred: (c: ConversationDetailFragment) => void;
}

/**
 * Transfer (C11): to an agent (a hand-over like reassign: they are told live, with the note) or
 * to a team (back to the queue, NEW, with that team required; routing offers it to its members).
 */
export function TransferDialog({ conversationId, customerName, viewer, onClose, onTransferred }: TransferDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const agentRef = useRef<HTMLSelectElement>(null);
  const teamRef = useRef<HTMLSelectElement>(null);
  const id = useId();
  const [targets] = useQuery({ query: TransferTargetsQuery, requestPolicy: 'cache-and-network' });
  const [{ fetching }, transfer] = useMutation(TransferConversationMutation);
  const [form, setForm] = useState<TransferForm>({ target: 'agent', agentId: '', teamId: '', note: '' });
  const [failure, setFailure] = useState('');
  const [invalid, setInvalid] = useState(false);

  useEffect(() => {
    const dialog = ref.current;
    // Not closed in a cleanup: see ReassignDialog.
    if (dialog && !dialog.open) dialog.showModal();
  }, []);

  const agents = transferAgents((targets.data?.agents.edges ?? []).flatMap((e) => (e?.node ? [e.node] : [])), viewer);
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
      (form.target === 'agent' ? agentRef : teamRef).current?.focus();
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
          <div className="field">
            <label htmlFor={`${id}-agent`}>Agent</label>
            <select
              id={`${id}-agent`}
              ref={agentRef}
              value={form.agentId}
              onChange={(e) => setForm((f) => ({ ...f, agentId: e.target.value }))}
              required
              autoFocus
              aria-invalid={invalid || undefined}
              aria-describedby={invalid ? errorId : undefined}
            >
              <option value="">{loading ? 'Loading agents…' : 'Choose an agent'}</option>
              {agents.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name} — {humanize(a.presence)}
                  {a.role === 'CLIENT_USER' ? ' (client user)' : ''}
                </option>
              ))}
            </select>
            <p className="hint">They see it in their My Queue right away, with your note.</p>
          </div>
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
            rows={4}
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
