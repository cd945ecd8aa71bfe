import type { QueueConversationFragment } from '../../gql/graphql';
import { channelName, fullTime, humanize, shortTime } from '../../format';
import { Countdown } from '../../components/Countdown';
import { LockBadge } from '../../components/LockBadge';
import { interventionText } from '../../intervention';
import { queuePlaceLabel, queuePlaceText } from '../../queuePlace';
import { listTime, waitingSince, waitingText } from '../../times';

interface ConversationItemProps {
  conversation: QueueConversationFragment;
  viewerId: string;
  now: Date;
  /** This conversation is the one open on the right. */
  current: boolean;
  /** The customer wrote since the viewer last read it. */
  unread: boolean;
  /** Shows a checkbox for bulk claim. */
  selectable: boolean;
  selected: boolean;
  onSelect: (selected: boolean) => void;
  onOpen: () => void;
  /** A supervisor's Monitor: watch it without taking the lock (absent for lower roles). */
  onMonitor?: () => void;
}

function ownerText(c: QueueConversationFragment, viewerId: string): string {
  if (!c.owner) return 'Unclaimed';
  if (c.owner.id === viewerId) return 'You';
  return c.owner.kind === 'VIRTUAL' ? `${c.owner.name} (bot)` : c.owner.name;
}

/**
 * One conversation in a queue, in three short lines so that a laptop screen shows eight or more:
 * who and when (the last message's time), what they last said, and where it stands (channel,
 * status, owner, wait, place, tags, who is replying).
 */
export function ConversationItem({ conversation: c, viewerId, now, current, unread, selectable, selected, onSelect, onOpen, onMonitor }: ConversationItemProps) {
  const name = c.customer.name;
  const place = c.owner?.kind === 'HUMAN' ? null : c.queuePosition;
  const iv = c.intervention;
  const time = listTime(c);
  const waiting = waitingText(c, now);
  const since = waitingSince(c);
  return (
    <li className={`conversation${current ? ' current' : ''}${unread ? ' unread' : ''}`} data-conversation-id={c.id} data-unread={unread}>
      {selectable ? (
        <input
          type="checkbox"
          className="conversation-check"
          aria-label={`Select ${name} for bulk claim`}
          checked={selected}
          onChange={(e) => onSelect(e.target.checked)}
        />
      ) : null}
      <button type="button" className="conversation-open" aria-current={current ? 'true' : undefined} onClick={onOpen}>
        <span className="conversation-top">
          <span className="conversation-name">
            {unread ? (
              <span className="unread-mark" data-testid="unread-mark">
                <span aria-hidden="true" className="unread-dot" />
                <span className="visually-hidden">Unread: </span>
              </span>
            ) : null}
            <span className="conversation-customer">{name}</span>
          </span>
          <time className="conversation-time" dateTime={time} title={`Last message ${fullTime(time)}`}>
            {shortTime(time, now)}
          </time>
        </span>
        {/* The SLA countdown on the preview's line: the name keeps the top line whole. */}
        <span className="conversation-line">
          <span className="conversation-preview">{c.preview || 'No messages yet'}</span>
          <Countdown dueAt={c.firstResponseDueAt} />
        </span>
        {iv ? (
          <span className="conversation-summary" data-testid="intervention-summary">
            <span className={`badge intervention-${iv.status.toLowerCase()}`}>{interventionText(iv, viewerId)}</span>{' '}
            <span className="visually-hidden">Bot's summary: </span>
            {iv.summary}
          </span>
        ) : null}
        <span className="conversation-meta">
          <LockBadge lock={c.lock} viewerId={viewerId} compact />
          <span className={`badge status-${c.status.toLowerCase()}`}>
            <span className="visually-hidden">Status: </span>
            {humanize(c.status)}
          </span>
          <span>
            <span className="visually-hidden">Channel: </span>
            {channelName(c.channel)}
          </span>
          {c.state !== 'ACTIVE' && c.state !== 'CREATED' ? <span>{humanize(c.state)}</span> : null}
          {/* The owner holding the lock is named by the badge already. */}
          {c.owner && c.lock?.holder.id === c.owner.id ? null : (
            <span className={c.owner ? undefined : 'unclaimed'}>
              <span className="visually-hidden">Owner: </span>
              {ownerText(c, viewerId)}
            </span>
          )}
          {waiting && since ? (
            <span className="conversation-waiting" title={`In the queue since ${fullTime(since)}`}>
              {waiting}
            </span>
          ) : null}
          {place ? (
            <span className="queue-place" title={queuePlaceLabel(place)}>
              <span aria-hidden="true">{queuePlaceText(place)}</span>
              <span className="visually-hidden">{queuePlaceLabel(place)}</span>
            </span>
          ) : null}
          {c.tags.map((tag) => (
            <span key={tag} className="tag">
              <span className="visually-hidden">Tag: </span>#{tag}
            </span>
          ))}
        </span>
      </button>
      {onMonitor ? (
        <button
          type="button"
          className="secondary small conversation-monitor"
          onClick={onMonitor}
          aria-label={`Monitor ${name}`}
          title="Watch without taking the lock"
        >
          Monitor
        </button>
      ) : null}
    </li>
  );
}
