import { useEffect, useId, useRef, useState } from 'react';
import { useMutation } from 'urql';
import { ForceReleaseMutation } from '../../api/operations';
import { describeError } from '../../api/errors';
import { channelName, elapsed, fullTime, humanize, shortTime } from '../../format';
import { duration } from './figures';
import { Outcome, Panel, PresenceLabel } from './parts';
import type { Figures } from './useDashboard';

type StaleClaim = NonNullable<NonNullable<NonNullable<Figures['staleClaims']['edges']>[number]>['node']>;

interface StaleClaimsSectionProps {
  figures: Figures | null;
  now: Date;
  /** Reads the figures again (after a force-release; the live feed would too, a little later). */
  onChanged: () => void;
  onOpen: (conversationId: string) => void;
  /** Watch it without taking the lock (monitorConversation). */
  onMonitor: (conversationId: string) => void;
}

/** "5 min ago", or "just now". */
function ago(iso: string, now: Date): string {
  const since = elapsed(iso, now);
  return since === 'just now' || since === '' ? since || '—' : `${since} ago`;
}

function When({ iso, now }: { iso: string | null | undefined; now: Date }) {
  if (!iso) return <span className="muted">—</span>;
  return (
    <>
      <time dateTime={iso} title={fullTime(iso)}>
        {shortTime(iso, now)}
      </time>{' '}
      <span className="muted">({ago(iso, now)})</span>
    </>
  );
}

/**
 * Stale claims (C8): conversations whose owner has been inactive for the workspace's
 * staleClaimAfter, live; a supervisor or admin can force-release one back to the queue.
 */
export function StaleClaimsSection({ figures, now, onChanged, onOpen, onMonitor }: StaleClaimsSectionProps) {
  const [confirming, setConfirming] = useState<StaleClaim | null>(null);
  const [outcome, setOutcome] = useState('');
  const claims = (figures?.staleClaims.edges ?? [])
    .flatMap((e) => (e?.node ? [e.node] : []))
    .sort((a, b) => (a.claimedAt ?? '').localeCompare(b.claimedAt ?? ''));
  const after = figures ? duration(figures.workspace.staleClaimAfterSeconds) : '';
  const total = figures?.staleClaims.totalCount ?? 0;

  return (
    <Panel
      title="Stale claims"
      description={
        figures ? `Claims whose owner has done nothing on them for ${after} or more. Force-release one to put it back in the queue.` : undefined
      }
      testId="stale-claims"
      className="span-all"
    >
      <Outcome text={outcome} onDismiss={() => setOutcome('')} />
      {!figures ? <p role="status">Loading…</p> : null}
      {figures && claims.length === 0 ? <p className="empty-state">No stale claims. Every owner has been active recently.</p> : null}
      {claims.length > 0 ? (
        <div className="table-scroll">
          <table className="data-table" aria-label="Stale claims">
            <thead>
              <tr>
                <th scope="col">Customer</th>
                <th scope="col">Channel</th>
                <th scope="col">Status</th>
                <th scope="col">Owner</th>
                <th scope="col">Claimed</th>
                <th scope="col">Last message</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {claims.map((c) => (
                <tr key={c.id} data-conversation-id={c.id}>
                  <th scope="row">{c.customer.name}</th>
                  <td>{channelName(c.channel)}</td>
                  <td>
                    <span className={`badge status-${c.status.toLowerCase()}`}>{humanize(c.status)}</span>
                  </td>
                  <td>
                    {c.owner ? (
                      <>
                        {c.owner.name}
                        <br />
                        <PresenceLabel presence={c.owner.presence} />
                      </>
                    ) : (
                      <span className="muted">Nobody</span>
                    )}
                  </td>
                  <td>
                    <When iso={c.claimedAt} now={now} />
                  </td>
                  <td>
                    <When iso={c.lastMessageAt} now={now} />
                  </td>
                  <td className="row-actions">
                    <button
                      type="button"
                      className="secondary small"
                      onClick={() => onOpen(c.id)}
                      aria-label={`Open the conversation with ${c.customer.name}`}
                    >
                      Open
                    </button>
                    <button
                      type="button"
                      className="secondary small"
                      onClick={() => onMonitor(c.id)}
                      aria-label={`Monitor the conversation with ${c.customer.name}`}
                      title="Watch without taking the lock"
                    >
                      Monitor
                    </button>
                    <button
                      type="button"
                      className="danger small"
                      onClick={() => setConfirming(c)}
                      aria-label={`Force release the conversation with ${c.customer.name}`}
                    >
                      Force release
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {total > claims.length ? <p className="muted small-print">Showing the oldest {claims.length} of {total}.</p> : null}
      {confirming ? (
        <ForceReleaseDialog
          claim={confirming}
          onClose={() => setConfirming(null)}
          onReleased={(message) => {
            setConfirming(null);
            setOutcome(message);
            onChanged();
          }}
        />
      ) : null}
    </Panel>
  );
}

interface ForceReleaseDialogProps {
  claim: StaleClaim;
  onClose: () => void;
  onReleased: (message: string) => void;
}

/** Asks before taking a claim away from its owner (it cannot be undone from here). */
function ForceReleaseDialog({ claim, onClose, onReleased }: ForceReleaseDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  const [{ fetching }, forceRelease] = useMutation(ForceReleaseMutation);
  const [failure, setFailure] = useState('');
  const owner = claim.owner?.name ?? 'its owner';

  useEffect(() => {
    const dialog = ref.current;
    // Not closed in a cleanup: see ReassignDialog.
    if (dialog && !dialog.open) dialog.showModal();
  }, []);

  const confirm = async () => {
    setFailure('');
    const result = await forceRelease({ id: claim.id });
    if (result.data) {
      onReleased(`The conversation with ${claim.customer.name} is back in the queue; ${owner} no longer owns it.`);
      return;
    }
    setFailure(describeError(result.error, 'forceRelease'));
  };

  return (
    <dialog ref={ref} className="dialog" aria-labelledby={`${id}-title`} aria-describedby={`${id}-text`} onClose={onClose}>
      <h2 id={`${id}-title`}>Force release {claim.customer.name}?</h2>
      <p id={`${id}-text`} className="muted">
        {owner} loses the conversation and its lock, and is not asked first. It goes back to the queue, where routing or another agent takes
        it.
      </p>
      <div role="alert" className={failure ? 'error' : 'error empty'}>
        {failure}
      </div>
      <div className="actions end">
        <button type="button" className="secondary" onClick={onClose} autoFocus>
          Cancel
        </button>
        <button type="button" className="danger" onClick={() => void confirm()} disabled={fetching}>
          {fetching ? 'Releasing…' : 'Force release'}
        </button>
      </div>
    </dialog>
  );
}
