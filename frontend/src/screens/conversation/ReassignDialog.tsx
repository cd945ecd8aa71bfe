import { useCallback, useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { AssigneesQuery, ReassignConversationMutation } from '../../api/operations';
import { describeError } from '../../api/errors';
import { AgentPicker } from '../../components/AgentPicker';
import type { ConversationDetailFragment } from '../../gql/graphql';
import { handoverCandidates } from '../../transfer';
import { useEvery } from './useEvery';

interface ReassignDialogProps {
  conversationId: string;
  customerName: string;
  /** The conversation's channel: only agents permitted on it can own it (R1). */
  channel: string;
  viewer: { id: string; role: string };
  onClose: () => void;
  onReassigned: (c: ConversationDetailFragment) => void;
}

/** Reassign with a handoff note (C4): the new owner is told live, with the note. */
export function ReassignDialog({ conversationId, customerName, channel, viewer, onClose, onReassigned }: ReassignDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  const [agents, reexecute] = useQuery({ query: AssigneesQuery, requestPolicy: 'network-only' });
  useEvery(useCallback(() => reexecute({ requestPolicy: 'network-only' }), [reexecute]));
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

  const candidates = useMemo(
    () =>
      handoverCandidates(
        (agents.data?.agents.edges ?? []).flatMap((e) => (e?.node ? [e.node] : [])),
        { viewerId: viewer.id, channel },
      ),
    [agents.data, viewer.id, channel],
  );

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

  const errorId = `${id}-error`;
  return (
    <dialog ref={ref} className="dialog" aria-labelledby={`${id}-title`} onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <h2 id={`${id}-title`}>Reassign {customerName}</h2>
        <p className="muted">The new owner sees it in their My Queue right away, with your note.</p>
        <AgentPicker
          legend="New owner"
          candidates={candidates}
          value={agentId}
          onChange={setAgentId}
          loading={agents.fetching && !agents.data}
          invalid={Boolean(failure) && !agentId}
          errorId={errorId}
        />
        <div className="field">
          <label htmlFor={`${id}-note`}>Handoff note (optional)</label>
          <textarea id={`${id}-note`} rows={3} maxLength={5000} value={note} onChange={(e) => setNote(e.target.value)} />
        </div>
        <div role="alert" id={errorId} className={failure || agents.error ? 'error' : 'error empty'}>
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
