import { fullTime } from '../../format';
import { describeWorkspaceEvent, eventTime } from './feed';
import { Panel } from './parts';
import type { WorkspaceEvent } from './useDashboard';

interface ActivitySectionProps {
  events: readonly WorkspaceEvent[];
  now: Date;
  onOpen: (conversationId: string) => void;
  /** Watch it without taking the lock (monitorConversation). */
  onMonitor: (conversationId: string) => void;
}

/** The workspace's latest events: the most recent ones on load, then live (the feed the figures follow). */
export function ActivitySection({ events, now, onOpen, onMonitor }: ActivitySectionProps) {
  return (
    <Panel title="Recent activity" description="The workspace's latest changes, newest first, live." testId="recent-activity">
      {events.length === 0 ? (
        <p className="empty-state">Nothing yet. Claims, releases, presence changes and SLA breaches appear here as they happen.</p>
      ) : (
        <ol className="dash-activity" aria-label="Recent activity">
          {events.map((e) => (
            <li key={e.cursor}>
              <span className="dash-activity-text">
                {describeWorkspaceEvent(e)}
                {e.conversation ? (
                  <>
                    {' · '}
                    <button type="button" className="link" onClick={() => onOpen(e.conversation!.id)}>
                      {e.conversation.customer.name}
                    </button>{' '}
                    <button
                      type="button"
                      className="link"
                      onClick={() => onMonitor(e.conversation!.id)}
                      aria-label={`Monitor the conversation with ${e.conversation.customer.name}`}
                    >
                      Monitor
                    </button>
                  </>
                ) : null}
              </span>
              <time dateTime={e.createdAt} title={fullTime(e.createdAt)} className="muted">
                {eventTime(e.createdAt, now)}
              </time>
            </li>
          ))}
        </ol>
      )}
    </Panel>
  );
}
