import { Countdown } from '../../components/Countdown';
import { LockBadge } from '../../components/LockBadge';
import { channelName, fullTime, humanize } from '../../format';
import type { ConversationDetailFragment } from '../../gql/graphql';
import { queuePlaceLabel, queuePlaceText } from '../../queuePlace';
import { waitingSince, waitingText } from '../../times';
import type { ConversationState } from './useConversation';

interface ConversationHeaderProps {
  conversation: ConversationDetailFragment;
  viewer: { id: string; role: string };
  state: ConversationState;
  /** The screen's useId: the side panel's id is derived from it (aria-controls). */
  baseId: string;
  titleId: string;
  sideOpen: boolean;
  onToggleSide: () => void;
  onClose: () => void;
  /** Opens the complete-takeover, reassign and transfer dialogs. */
  onComplete: () => void;
  onReassign: () => void;
  onTransfer: () => void;
}

/** The conversation's title line (customer, channel, status, owner, lock, timers, viewers) and its actions. */
export function ConversationHeader({
  conversation: c,
  viewer,
  state,
  baseId,
  titleId,
  sideOpen,
  onToggleSide: toggleSide,
  onClose,
  onComplete,
  onReassign,
  onTransfer,
}: ConversationHeaderProps) {
  const { busy, monitoring, lookers, takeover, canClaim, canRelease, canReturnToQueue, canReassign, canPend, canResolve, canMonitor } = state;
  const { claim, release, pend, resolve, takeOver, cancelTakeover, returnToQueue, monitorNow } = state.actions;
  return (
    <header className="pane-head">
      <div className="pane-title">
        <h2 id={titleId}>{c.customer.name}</h2>
        <p className="pane-sub">
          <span>{channelName(c.channel)}</span>
          <span className={`badge status-${c.status.toLowerCase()}`}>{humanize(c.status)}</span>
          <span className="muted">{humanize(c.state)}</span>
          <span>
            Owner:{' '}
            {c.owner
              ? c.owner.id === viewer.id
                ? 'you'
                : `${c.owner.name}${c.owner.kind === 'VIRTUAL' ? ' (bot)' : ''}`
              : 'nobody'}
          </span>
          <LockBadge lock={c.lock} viewerId={viewer.id} />
          <Countdown dueAt={c.firstResponseDueAt} />
          {waitingText(c) ? (
            <span className="conversation-waiting" title={`In the queue since ${fullTime(waitingSince(c) ?? '')}`}>
              {waitingText(c)}
            </span>
          ) : null}
          {monitoring ? (
            <span className="badge monitoring-badge" data-testid="monitoring-badge" title="You're watching without taking the lock">
              Monitoring
            </span>
          ) : null}
          {c.queuePosition ? (
            <span className="queue-place" data-testid="queue-place" title={queuePlaceLabel(c.queuePosition)}>
              <span aria-hidden="true">{queuePlaceText(c.queuePosition)}</span>
              <span className="visually-hidden">{queuePlaceLabel(c.queuePosition)}</span>
            </span>
          ) : null}
        </p>
        <p role="status" aria-live="polite" className="pane-viewers" data-testid="viewers">
          {lookers ? (
            <>
              <span aria-hidden="true" className="viewers-dot" />
              {lookers}
            </>
          ) : null}
        </p>
      </div>
      <div className="pane-actions" role="group" aria-label="Conversation actions">
        {canClaim ? (
          <button type="button" onClick={() => void claim()} disabled={busy !== null} aria-keyshortcuts="c">
            {busy === 'claim' ? 'Claiming…' : 'Claim'}
          </button>
        ) : null}
        {takeover.takeOver ? (
          <button type="button" onClick={() => void takeOver()} disabled={busy !== null} aria-keyshortcuts="t">
            {busy === 'takeOver' ? 'Taking over…' : 'Take over'}
          </button>
        ) : null}
        {takeover.manage ? (
          <>
            <button type="button" onClick={() => onComplete()} disabled={busy !== null}>
              Complete takeover…
            </button>
            <button type="button" className="secondary" onClick={() => void cancelTakeover()} disabled={busy !== null}>
              {busy === 'cancelTakeover' ? 'Cancelling…' : 'Cancel takeover'}
            </button>
            {canReturnToQueue ? (
              <button type="button" className="secondary" onClick={() => void returnToQueue()} disabled={busy !== null}>
                {busy === 'returnToQueue' ? 'Returning…' : 'Return to queue'}
              </button>
            ) : null}
          </>
        ) : null}
        {canRelease && !takeover.manage ? (
          <button type="button" className="secondary" onClick={() => void release()} disabled={busy !== null} aria-keyshortcuts="u">
            {busy === 'release' ? 'Releasing…' : 'Release'}
          </button>
        ) : null}
        {canReassign ? (
          <button type="button" className="secondary" onClick={() => onReassign()} disabled={busy !== null} aria-keyshortcuts="a">
            Reassign…
          </button>
        ) : null}
        {canReassign ? (
          <button type="button" className="secondary" onClick={() => onTransfer()} disabled={busy !== null} aria-keyshortcuts="f">
            Transfer…
          </button>
        ) : null}
        {canPend ? (
          <button type="button" className="secondary" onClick={() => void pend()} disabled={busy !== null} aria-keyshortcuts="p">
            {busy === 'pend' ? 'Pending…' : 'Pend'}
          </button>
        ) : null}
        {canResolve ? (
          <button type="button" className="secondary" onClick={() => void resolve()} disabled={busy !== null} aria-keyshortcuts="e">
            {busy === 'resolve' ? 'Resolving…' : 'Resolve'}
          </button>
        ) : null}
        {canMonitor ? (
          <button
            type="button"
            className="secondary"
            onClick={() => void monitorNow()}
            disabled={busy !== null}
            title="Watch this conversation without taking its lock; others see that you are monitoring"
          >
            {busy === 'monitor' ? 'Monitoring…' : 'Monitor'}
          </button>
        ) : null}
        <button
          type="button"
          className="secondary"
          onClick={toggleSide}
          aria-expanded={sideOpen}
          aria-controls={`${baseId}-side`}
          data-testid="side-toggle"
        >
          {sideOpen ? 'Hide details' : 'Details'}
        </button>
        <button type="button" className="secondary" onClick={onClose} aria-keyshortcuts="Escape">
          Close
        </button>
      </div>
    </header>
  );
}
