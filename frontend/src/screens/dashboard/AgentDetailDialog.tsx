import { Countdown } from '../../components/Countdown';
import { useEffect, useId, useRef } from 'react';
import { useQuery } from 'urql';
import { AgentConversationsQuery } from '../../api/operations';
import { describeError } from '../../api/errors';
import { channelName, fullTime, humanize, shortTime } from '../../format';
import { LockBadge } from '../../components/LockBadge';
import { describeWorkspaceEvent, eventTime } from './feed';
import { PresenceLabel } from './parts';
import type { Figures, WorkspaceEvent } from './useDashboard';

type Row = Figures['agentPerformance'][number];

/** How many of an agent's open conversations the drill-down lists. */
const SHOWN = 50;

interface AgentDetailDialogProps {
  row: Row;
  /** The agent's own events among those the dashboard holds, newest first. */
  events: readonly WorkspaceEvent[];
  now: Date;
  /** Changes when the figures were read again (something moved): the conversations are read again too. */
  version: number;
  onClose: () => void;
  onOpen: (conversationId: string) => void;
  onMonitor: (conversationId: string) => void;
}

/**
 * A supervisor's drill-down from an agent's row: their load, their open conversations (NEW and
 * PENDING, the conversations connection filtered by owner) with Open and Monitor, and their
 * recent activity from the dashboard's feed.
 */
export function AgentDetailDialog({ row, events, now, version, onClose, onOpen, onMonitor }: AgentDetailDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  const agent = row.agent;
  const [result, reexecute] = useQuery({
    query: AgentConversationsQuery,
    variables: { agentId: agent.id, first: SHOWN },
    requestPolicy: 'network-only',
  });

  useEffect(() => {
    const dialog = ref.current;
    // Not closed in a cleanup: see ReassignDialog.
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    reexecute({ requestPolicy: 'network-only' });
  }, [version, reexecute]);

  const conversations = (result.data?.conversations.edges ?? []).flatMap((e) => (e?.node ? [e.node] : []));
  const total = result.data?.conversations.totalCount ?? 0;
  const go = (open: (id: string) => void, conversationId: string) => {
    onClose();
    open(conversationId);
  };

  return (
    <dialog ref={ref} className="dialog agent-detail" aria-labelledby={`${id}-title`} onClose={onClose} data-testid="agent-detail">
      <div className="agent-detail-head">
        <h2 id={`${id}-title`}>{agent.name}</h2>
        <PresenceLabel presence={agent.presence} />
        {/* At the top, so that focusing it opens the dialog at its top. */}
        <button type="button" className="secondary small" onClick={onClose} autoFocus>
          Close
        </button>
      </div>
      {row.load.length > 0 ? (
        <p className="muted">
          {row.load.map((l) => `${channelName(l.channel)} ${l.count} of ${l.capacity}`).join(' · ')}
        </p>
      ) : null}

      <section aria-labelledby={`${id}-open`} className="agent-detail-section">
        <h3 id={`${id}-open`}>Open conversations{result.data ? ` (${total})` : ''}</h3>
        {result.error ? (
          <p role="alert" className="error">
            {describeError(result.error)}
          </p>
        ) : null}
        {result.fetching && !result.data ? <p role="status">Loading…</p> : null}
        {result.data && conversations.length === 0 ? <p className="muted">{agent.name} owns no open conversation.</p> : null}
        {conversations.length > 0 ? (
          <ul className="agent-conversations" aria-label={`${agent.name}'s open conversations`}>
            {conversations.map((c) => (
              <li key={c.id}>
                <span className="agent-conversation-main">
                  <strong>{c.customer.name}</strong>
                  <span className="muted">
                    {channelName(c.channel)} · {humanize(c.status)}
                    {c.state !== 'ACTIVE' && c.state !== 'CREATED' ? ` · ${humanize(c.state)}` : ''}
                    {c.stale ? ' · stale claim' : ''} ·{' '}
                    <time dateTime={c.lastMessageAt} title={`Last message ${fullTime(c.lastMessageAt)}`}>
                      {shortTime(c.lastMessageAt, now)}
                    </time>{' '}
                    <Countdown dueAt={c.firstResponseDueAt} />
                  </span>
                  <span className="agent-conversation-preview">{c.preview || 'No messages yet'}</span>
                  <LockBadge lock={c.lock} viewerId="" />
                </span>
                <span className="agent-conversation-actions">
                  <button type="button" className="secondary small" onClick={() => go(onOpen, c.id)} aria-label={`Open ${c.customer.name}`}>
                    Open
                  </button>
                  <button type="button" className="secondary small" onClick={() => go(onMonitor, c.id)} aria-label={`Monitor ${c.customer.name}`}>
                    Monitor
                  </button>
                </span>
              </li>
            ))}
          </ul>
        ) : null}
        {total > conversations.length ? <p className="muted small-print">Showing the latest {conversations.length} of {total}.</p> : null}
      </section>

      <section aria-labelledby={`${id}-activity`} className="agent-detail-section">
        <h3 id={`${id}-activity`}>Recent activity</h3>
        {events.length === 0 ? (
          <p className="muted">Nothing among the workspace's latest changes.</p>
        ) : (
          <ol className="dash-activity" aria-label={`${agent.name}'s recent activity`}>
            {events.slice(0, 20).map((e) => (
              <li key={e.cursor}>
                <span className="dash-activity-text">
                  {describeWorkspaceEvent(e)}
                  {e.conversation ? ` · ${e.conversation.customer.name}` : ''}
                </span>
                <time dateTime={e.createdAt} title={fullTime(e.createdAt)} className="muted">
                  {eventTime(e.createdAt, now)}
                </time>
              </li>
            ))}
          </ol>
        )}
      </section>
    </dialog>
  );
}
