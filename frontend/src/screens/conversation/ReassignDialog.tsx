import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { AssigneesQuery, ReassignConversationMutation } from '../../api/operations';
import { describeError } from '../../api/errors';
import type { ConversationDetailFragment } from '../../gql/graphql';
import { humanize } from '../../format';

interface ReassignDialogProps {
  conversationId: string;
  customerName: string;
  viewerId: string;
  onClose: () => void;
  onReassigned: (c: ConversationDetailFragment) => void;
}

/** Reassign with a handoff note (C4): the new owner is told live, with the note. */
export function ReassignDialog({ conversationId, customerName, viewerId, onClose, onReassigned }: ReassignDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  const [agents] = useQuery({ query: AssigneesQuery, requestPolicy: 'cache-and-network' });
  const [{ fetching }, reassign] = useMutation(ReassignConversationMutation);
  const [agentId, setAgentId] = useState('');
  const [note, setNote] = useState('');
  const [failure, setFailure] = useState('');

  useEffect(() => {
    const dialog = ref.current;
    // Not closed in a cleanup: closing fires onClose, which would unmount it under StrictMode's
    // second run; unmounting takes it out of the top layer anyway.
    if (dialog && !dialog.open) dialog.showModal();
  }, []);

  const candidates = (agents.data?.agents.edges ?? []).flatMap((e) => (e?.node && e.node.id !== viewerId ? [e.node] : []));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!agentId) {
      setFailure('Choose who should take the conversation.');
      return;
    }
    setFailure('');
    const result = await reassign({ id: conversationId, agentId, note: note.trim() || null });
    if (result.data) {
      onReassigned(result.data.reassignConversation);
      onClose();
      return;
    }
    setFailure(describeError(result.error, 'reassign'));
  };

  return (
    <dialog ref={ref} className="dialog" aria-labelledby={`${id}-title`} onClose={onClose}>
      <form onSubmit={submit}>
        <h2 id={`${id}-title`}>Reassign {customerName}</h2>
        <p className="muted">The new owner sees it in their My Queue right away, with your note.</p>
        <div className="field">
          <label htmlFor={`${id}-agent`}>New owner</label>
          <select id={`${id}-agent`} value={agentId} onChange={(e) => setAgentId(e.target.value)} required autoFocus>
            <option value="">{agents.fetching && !agents.data ? 'Loading agents…' : 'Choose an agent'}</option>
            {candidates.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name} — {humanize(a.presence)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-note`}>Handoff note (optional)</label>
          <textarea id={`${id}-note`} rows={4} maxLength={5000} value={note} onChange={(e) => setNote(e.target.value)} />
        </div>
        <div role="alert" className={failure ? 'error' : 'error empty'}>
          {failure || (agents.error ? describeError(agents.error) : '')}
        </div>
        <div className="actions end">
          <button type="button" className="secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" disabled={fetching}>
            {fetching ? 'Reassigning…' : 'Reassign'}
          </button>
        </div>
      </form>
    </dialog>
  );
}
