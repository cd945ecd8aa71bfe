import { useEffect, useRef, useState } from 'react';
import { useQuery } from 'urql';
import { InboxQuery } from '../../api/operations';
import { describeError } from '../../api/errors';
import { ConversationItem } from './ConversationItem';

const PAGE_SIZE = 50;

/** Re-renders every minute so that relative times ("Yesterday") stay right. */
function useNow(intervalMs = 60_000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(new Date()), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/** The conversations of the workspace, most recent message first. */
export function InboxScreen() {
  const [limit, setLimit] = useState(PAGE_SIZE);
  const [result, refetch] = useQuery({
    query: InboxQuery,
    variables: { first: limit },
    requestPolicy: 'cache-and-network',
  });
  const now = useNow();
  const heading = useRef<HTMLHeadingElement>(null);

  // Arriving here (after signing in) moves focus to the screen's heading, as a page load would.
  useEffect(() => heading.current?.focus(), []);

  const { data, fetching, error } = result;
  const connection = data?.conversations;
  const conversations = (connection?.edges ?? []).flatMap((edge) => (edge?.node ? [edge.node] : []));

  return (
    <section className="inbox" aria-labelledby="inbox-title">
      <div className="inbox-head">
        <div>
          <h1 id="inbox-title" ref={heading} tabIndex={-1}>
            Inbox
          </h1>
          {connection ? (
            <p className="muted inbox-count">
              {connection.totalCount === 1 ? '1 conversation' : `${connection.totalCount} conversations`}
            </p>
          ) : null}
        </div>
        <button
          type="button"
          className="secondary"
          onClick={() => refetch({ requestPolicy: 'network-only' })}
          disabled={fetching}
        >
          {fetching && data ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>

      {error ? (
        <p role="alert" className="error">
          {describeError(error)}
        </p>
      ) : null}

      {!data && fetching ? <p role="status">Loading conversations…</p> : null}

      {data && conversations.length === 0 ? (
        <p className="empty-state">No conversations yet. New customer messages will appear here.</p>
      ) : null}

      {conversations.length > 0 ? (
        <ul className="conversation-list" aria-label="Conversations">
          {conversations.map((conversation) => (
            <ConversationItem key={conversation.id} conversation={conversation} now={now} />
          ))}
        </ul>
      ) : null}

      {connection?.pageInfo.hasNextPage ? (
        <div className="list-footer">
          <button type="button" className="secondary" onClick={() => setLimit((n) => n + PAGE_SIZE)} disabled={fetching}>
            Show more
          </button>
        </div>
      ) : null}
    </section>
  );
}
