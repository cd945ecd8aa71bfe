import type { InboxConversationFragment } from '../../gql/graphql';
import { channelName, fullTime, humanize, shortTime } from '../../format';

interface ConversationItemProps {
  conversation: InboxConversationFragment;
  now: Date;
}

/** One conversation in the inbox list. */
export function ConversationItem({ conversation: c, now }: ConversationItemProps) {
  const titleId = `conversation-${c.id}-title`;
  const owner = c.owner ? `${c.owner.name}${c.owner.kind === 'VIRTUAL' ? ' (bot)' : ''}` : 'Unclaimed';
  return (
    <li className="conversation">
      <article aria-labelledby={titleId}>
        <div className="conversation-top">
          <h2 id={titleId} className="conversation-customer">
            {c.customer.name}
          </h2>
          <time className="conversation-time" dateTime={c.lastMessageAt} title={fullTime(c.lastMessageAt)}>
            {shortTime(c.lastMessageAt, now)}
          </time>
        </div>
        <p className="conversation-preview">{c.preview || 'No messages yet'}</p>
        <dl className="conversation-meta">
          <div>
            <dt>Channel</dt>
            <dd>{channelName(c.channel)}</dd>
          </div>
          <div>
            <dt>Status</dt>
            <dd>
              <span className={`badge status-${c.status.toLowerCase()}`}>{humanize(c.status)}</span>
            </dd>
          </div>
          <div>
            <dt>State</dt>
            <dd>{humanize(c.state)}</dd>
          </div>
          <div>
            <dt>Owner</dt>
            <dd className={c.owner ? undefined : 'unclaimed'}>{owner}</dd>
          </div>
        </dl>
      </article>
    </li>
  );
}
