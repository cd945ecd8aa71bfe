import { useEffect, useId, useRef, useState } from 'react';
import { useClient, useMutation, type CombinedError } from 'urql';
import { MergeCustomersMutation, SearchConversationsQuery } from '../../api/operations';
import { describeError } from '../../api/errors';
import { Handle } from '../../components/Handle';
import { useDesk } from '../../desk';
import { channelName } from '../../format';
import { customerLabel, mergeCandidates, mergeError, type MergeCustomer } from '../../merge';
import { useSearchText } from '../../useSearchText';

/** How many matching conversations are read: their customers are the ones offered. */
const SEARCH_PAGE = 50;

interface Found {
  text: string;
  customers: MergeCustomer[];
  more: boolean;
  error?: CombinedError;
}

/**
 * The customers of searchConversations for the typed text (debounced as the inbox's search is),
 * without the customer merged into.
 */
function useCustomerSearch(input: string, intoId: string, maxLength: number | undefined) {
  const client = useClient();
  const { check } = useSearchText(input, maxLength, '');
  const query = check.ok ? check.text : '';
  const [found, setFound] = useState<Found | null>(null);
  useEffect(() => {
    if (!query) return;
    let current = true;
    void client
      .query(SearchConversationsQuery, { text: query, first: SEARCH_PAGE }, { requestPolicy: 'network-only' })
      .toPromise()
      .then((result) => {
        if (!current) return; // the text changed meanwhile
        const conn = result.data?.searchConversations;
        const conversations = (conn?.edges ?? []).flatMap((e) => (e?.node ? [e.node] : []));
        setFound({ text: query, customers: mergeCandidates(conversations, intoId), more: conn?.pageInfo.hasNextPage ?? false, error: result.error });
      });
    return () => {
      current = false;
    };
  }, [client, query, intoId]);

  const shown = query && found?.text === query ? found : null;
  return {
    text: query,
    /** Why the text is not searched (no letter or digit, too long); '' otherwise. */
    problem: check.ok ? '' : check.problem,
    loading: Boolean(query) && !shown,
    customers: shown?.customers ?? [],
    more: shown?.more ?? false,
    error: shown?.error ? describeError(shown.error) : '',
  };
}

interface MergeCustomersDialogProps {
  /** The conversation's customer: the one who stays. */
  customer: MergeCustomer;
  onClose: () => void;
  /** The merge is done: the customer as it is now, and the name of the one merged into it. */
  onMerged: (customer: MergeCustomer, fromLabel: string) => void;
}

/**
 * One person known as two customers (supervisors and above): find the other one, then confirm,
 * as a merge cannot be undone. The other one's handles and conversations become this customer's.
 */
export function MergeCustomersDialog({ customer, onClose, onMerged }: MergeCustomersDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  const desk = useDesk();
  const [input, setInput] = useState('');
  const search = useCustomerSearch(input, customer.id, desk.limits?.searchMaxLength);
  const [chosen, setChosen] = useState<MergeCustomer | null>(null);
  const [{ fetching }, merge] = useMutation(MergeCustomersMutation);
  const [failure, setFailure] = useState('');

  useEffect(() => {
    const dialog = ref.current;
    // Not closed in a cleanup: see ReassignDialog.
    if (dialog && !dialog.open) dialog.showModal();
  }, []);

  const into = customerLabel(customer);
  const choose = (c: MergeCustomer | null) => {
    setChosen(c);
    setFailure('');
  };

  const confirm = async () => {
    if (!chosen) return;
    setFailure('');
    const result = await merge({ into: customer.id, from: chosen.id });
    if (result.data) {
      onMerged(result.data.mergeCustomers, customerLabel(chosen));
      return;
    }
    setFailure(mergeError(result.error));
  };

  const from = chosen ? customerLabel(chosen) : '';
  return (
    <dialog ref={ref} className="dialog merge-dialog" aria-labelledby={`${id}-title`} onClose={onClose}>
      <h2 id={`${id}-title`}>Merge {into} with another customer</h2>
      {chosen ? (
        <>
          <p className="merge-question">
            Merge {from} into {into}? Their handles and conversations become this customer's, and {from} is removed.
          </p>
          <Handles customer={chosen} />
          <div role="alert" className={failure ? 'error' : 'error empty'}>
            {failure}
          </div>
          <div className="actions end">
            <button type="button" className="secondary" onClick={() => choose(null)} disabled={fetching} autoFocus>
              Back
            </button>
            <button type="button" className="danger" onClick={() => void confirm()} disabled={fetching}>
              {fetching ? 'Merging…' : 'Merge'}
            </button>
          </div>
        </>
      ) : (
        <>
          <p className="muted">When one person wrote in as two customers (a Facebook id and a phone number, say), make them one.</p>
          <div className="field">
            <label htmlFor={`${id}-search`}>Find the other customer</label>
            <input
              id={`${id}-search`}
              type="search"
              autoComplete="off"
              value={input}
              onChange={(e) => setInput(e.target.value)}
              aria-describedby={`${id}-hint`}
              autoFocus
            />
            <p id={`${id}-hint`} className="hint">
              By name, handle, or words from their conversations.
            </p>
          </div>
          <div role="status" aria-live="polite">
            {search.problem || search.error ? (
              <p className="error">{search.problem || search.error}</p>
            ) : search.loading ? (
              <p>Searching…</p>
            ) : search.text && search.customers.length === 0 ? (
              <p className="muted">No other customer matches “{search.text}”.</p>
            ) : null}
          </div>
          {search.customers.length > 0 ? (
            <ul className="merge-candidates" aria-label="Customers found">
              {search.customers.map((c) => (
                <li key={c.id}>
                  <button type="button" className="merge-candidate" onClick={() => choose(c)}>
                    <span className="merge-candidate-name">{customerLabel(c)}</span>
                    {(c.identities ?? []).map((identity) => (
                      <span key={`${identity.channel}:${identity.handle}`} className="merge-candidate-handle">
                        {channelName(identity.channel)}: <Handle handle={identity.handle} />
                      </span>
                    ))}
                  </button>
                </li>
              ))}
            </ul>
          ) : null}
          {search.more ? (
            <p className="hint">These are the customers of the {SEARCH_PAGE} newest matching conversations: add a word to find others.</p>
          ) : null}
          <div className="actions end">
            <button type="button" className="secondary" onClick={onClose}>
              Cancel
            </button>
          </div>
        </>
      )}
    </dialog>
  );
}

/** The handles that would move, with their channels. */
function Handles({ customer }: { customer: MergeCustomer }) {
  const identities = customer.identities ?? [];
  if (identities.length === 0) return null;
  return (
    <dl className="facts merge-handles">
      {identities.map((identity) => (
        <div key={`${identity.channel}:${identity.handle}`}>
          <dt>{channelName(identity.channel)}</dt>
          <dd className="handle">
            <Handle handle={identity.handle} />
          </dd>
        </div>
      ))}
    </dl>
  );
}
