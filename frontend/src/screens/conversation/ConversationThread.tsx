import { useEffect, useRef, type MutableRefObject } from 'react';
import { fullTime, shortTime } from '../../format';
import type { ConversationDetailFragment } from '../../gql/graphql';
import { Composer, type ComposerHandle } from './Composer';

interface ConversationThreadProps {
  conversation: ConversationDetailFragment;
  /** The lock situation now (the composer's errors belong to it). */
  lockNow: string | null;
  /** A reply or note went out: read the conversation again. */
  onSent: () => void;
  composer: MutableRefObject<ComposerHandle | null>;
}

/** The messages, with the internal notes where they were written, and the composer below them. */
export function ConversationThread({ conversation: c, lockNow, onSent: refresh, composer }: ConversationThreadProps) {
  const threadRef = useRef<HTMLDivElement>(null);

  // New messages scroll into view.
  const messageCount = (c.messages.edges?.length ?? 0) + (c.notes?.length ?? 0);
  useEffect(() => {
    const thread = threadRef.current;
    if (thread) thread.scrollTop = thread.scrollHeight;
  }, [messageCount]);

  const messages = (c.messages.edges ?? []).flatMap((e) => (e?.node ? [e.node] : []));
  const notes = [...(c.notes ?? [])].sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1));
  // Internal notes sit in the thread where they were written (amber, never sent to the customer);
  // when older messages are not shown, neither are the notes from before them.
  const since = c.messages.totalCount > messages.length ? messages[0]?.createdAt : undefined;
  const timeline = [
    ...messages.map((message) => ({ kind: 'message' as const, at: message.createdAt, message })),
    ...notes.filter((n) => !since || n.createdAt >= since).map((note) => ({ kind: 'note' as const, at: note.createdAt, note })),
  ].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));

  return (
    <div className="thread-column">
      <div ref={threadRef} className="thread" role="log" aria-label="Messages">
        {c.messages.totalCount > messages.length ? (
          <p className="muted small-print">Showing the latest {messages.length} of {c.messages.totalCount} messages.</p>
        ) : null}
        <ol className="thread-list">
          {messages.length === 0 && notes.length === 0 ? <li className="muted">No messages yet.</li> : null}
          {timeline.map((item) =>
            item.kind === 'note' ? (
              <li key={`note-${item.note.id}`} className="message internal-note" data-testid="thread-note">
                <span className="message-author">
                  {item.note.author.name} <span className="note-tag">Internal note</span>
                </span>
                <p className="message-text">{item.note.text}</p>
                <time className="message-time" dateTime={item.note.createdAt} title={fullTime(item.note.createdAt)}>
                  {shortTime(item.note.createdAt)}
                </time>
              </li>
            ) : (
            <li key={item.message.id} className={`message from-${item.message.authorKind.toLowerCase()}`}>
              <span className="message-author">
                {item.message.authorName}
                {item.message.authorKind === 'BOT' ? ' (bot)' : ''}
              </span>
              <p className="message-text">{item.message.text}</p>
              <time className="message-time" dateTime={item.message.createdAt} title={fullTime(item.message.createdAt)}>
                {shortTime(item.message.createdAt)}
              </time>
            </li>
            ),
          )}
        </ol>
      </div>
      <Composer conversation={c} lockKey={lockNow} onSent={refresh} handle={composer} />
    </div>
  );
}
