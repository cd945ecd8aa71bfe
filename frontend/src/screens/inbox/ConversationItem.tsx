import type { QueueConversationFragment } from '../../gql/graphql';
import { channelName, elapsed, fullTime, humanize, shortTime } from '../../format';
import { LockBadge } from '../../components/LockBadge';
import { interventionText } from '../../intervention';
import { queuePlaceLabel, queuePlaceText } from '../../queuePlace';

interface ConversationItemProps {
  conversation: QueueConversationFragment;
  viewerId: string;
  now: Date;
  /** This conversation is the one open on the right. */
  current: boolean;
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

/** One conversation in a queue: who, what they last said, where it stands, and who is replying. */
export function ConversationItem({ conversation: c, viewerId, now, current, selectable, selected, onSelect, onOpen, onMonitor }: ConversationItemProps) {
  const name = c.customer.name;
  const place = c.owner?.kind === 'HUMAN' ? null : c.queuePosition;
  const iv = c.intervention;
  return (
    <li className={`conversation${current ? ' current' : ''}`} data-conversation-id={c.id}>
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
          <span className="conversation-customer">{name}</span>
          <time className="conversation-time" dateTime={c.lastMessageAt} title={fullTime(c.lastMessageAt)}>
            {shortTime(c.lastMessageAt, now)}
          </time>
        </span>
        <span className="conversation-preview">{c.preview || 'No messages yet'}</span>
        {iv ? (
          <span className="conversation-summary" data-testid="intervention-summary">
            <span className={`badge intervention-${iv.status.toLowerCase()}`}>{interventionText(iv, viewerId)}</span>{' '}
            <span className="visually-hidden">Bot's summary: </span>
            {iv.summary}
          </span>
        ) : null}
        <span className="conversation-meta">
          <span className="visually-hidden">Channel: </span>
          <span>{channelName(c.channel)}</span>
          <span className={`badge status-${c.status.toLowerCase()}`}>
            <span className="visually-hidden">Status: </span>
            {humanize(c.status)}
          </span>
          {c.state !== 'ACTIVE' && c.state !== 'CREATED' ? <span className="muted">{humanize(c.state)}</span> : null}
          <span className={c.owner ? undefined : 'unclaimed'}>
            <span className="visually-hidden">Owner: </span>
            {ownerText(c, viewerId)}
          </span>
          {c.queuedSince && !c.owner ? (
            <span title={`In the queue since ${fullTime(c.queuedSince)}`}>Waiting {elapsed(c.queuedSince, now)}</span>
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
        <LockBadge lock={c.lock} viewerId={viewerId} />
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
