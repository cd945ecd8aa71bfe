import { Fragment } from 'react';
import { Handle } from '../../components/Handle';
import { channelName, fullTime, humanize, shortTime } from '../../format';
import type { ConversationDetailFragment } from '../../gql/graphql';
import { interventionText } from '../../intervention';
import { customerSince } from '../../times';
import type { Activity } from './useConversation';

interface ConversationSidePanelProps {
  conversation: ConversationDetailFragment;
  viewer: { id: string };
  /** The screen's useId: the panel's and its sections' ids are derived from it. */
  baseId: string;
  sideOpen: boolean;
  activity: Activity[];
  /** Opens another conversation (from the customer's history). */
  onOpen: (id: string) => void;
  /** Merges another customer into this one (supervisors and above); absent when not offered. */
  onMerge?: () => void;
}

/** About the conversation: the customer, the bot hand-over, details, history and live activity. */
export function ConversationSidePanel({ conversation: c, viewer, baseId, sideOpen, activity, onOpen, onMerge }: ConversationSidePanelProps) {
  const past = (c.interventions ?? [])
    .filter((i) => i.id !== c.intervention?.id)
    .sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));

  return (
    <aside className="side-column" id={`${baseId}-side`} aria-label="About this conversation" hidden={!sideOpen} tabIndex={0}>
      <section aria-labelledby={`${baseId}-customer`} className="side-section">
        <h3 id={`${baseId}-customer`}>Customer</h3>
        <dl className="facts stacked">
          <dt>Name</dt>
          <dd>{c.customer.name}</dd>
          {(c.customer.identities ?? []).map((identity) => (
            <Fragment key={identity.id}>
              <dt>{channelName(identity.channel)}</dt>
              <dd className="handle">
                <Handle handle={identity.handle} />
              </dd>
            </Fragment>
          ))}
          <dt>Customer since</dt>
          <dd>
            <time dateTime={c.customer.createdAt} title={fullTime(c.customer.createdAt)}>
              {customerSince(c.customer.createdAt)}
            </time>
          </dd>
        </dl>
        {onMerge ? (
          <button type="button" className="secondary small merge-open" onClick={onMerge}>
            Merge with another customer…
          </button>
        ) : null}
      </section>

      {c.intervention || (c.interventions ?? []).length > 0 ? (
        <section aria-labelledby={`${baseId}-interventions`} className="side-section" data-testid="intervention-section">
          <h3 id={`${baseId}-interventions`}>Bot hand-over</h3>
          {c.intervention ? (
            <div className="intervention-current">
              <p className={`badge intervention-${c.intervention.status.toLowerCase()}`}>{interventionText(c.intervention, viewer.id)}</p>
              <p className="intervention-summary">
                <span className="visually-hidden">Bot's summary: </span>
                {c.intervention.summary}
              </p>
            </div>
          ) : null}
          {past.length > 0 ? (
            <>
              <h4 className="side-subhead">Earlier</h4>
              <ul className="notes">
                {past.map((i) => (
                  <li key={i.id}>
                    <p className="note-text">{i.summary}</p>
                    {i.topic || i.outcome ? (
                      <p className="note-text">
                        {i.topic ? <strong>{i.topic}</strong> : null}
                        {i.topic && i.outcome ? ': ' : ''}
                        {i.outcome}
                      </p>
                    ) : null}
                    <p className="note-meta">
                      {humanize(i.status)}
                      {i.takenOverBy ? ` by ${i.takenOverBy.name}` : ''} ·{' '}
                      <time dateTime={i.createdAt} title={fullTime(i.createdAt)}>
                        {shortTime(i.createdAt)}
                      </time>
                    </p>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </section>
      ) : null}

      <section aria-labelledby={`${baseId}-details`} className="side-section">
        <h3 id={`${baseId}-details`}>Details</h3>
        <dl className="facts">
          <dt>Priority</dt>
          <dd>{c.priority}</dd>
          {c.tags.length > 0 ? (
            <>
              <dt>Tags</dt>
              <dd>{c.tags.map((t) => `#${t}`).join(' ')}</dd>
            </>
          ) : null}
          {c.requiredSkills.length > 0 ? (
            <>
              <dt>Skills</dt>
              <dd>{c.requiredSkills.join(', ')}</dd>
            </>
          ) : null}
          {c.requiredLanguage ? (
            <>
              <dt>Language</dt>
              <dd>{c.requiredLanguage}</dd>
            </>
          ) : null}
          {c.requiredTeam ? (
            <>
              <dt>Team</dt>
              <dd>{c.requiredTeam.name}</dd>
            </>
          ) : null}
          {c.claimedAt ? (
            <>
              <dt>Claimed</dt>
              <dd>{shortTime(c.claimedAt)}</dd>
            </>
          ) : null}
          {c.botPaused ? (
            <>
              <dt>Bot</dt>
              <dd>Paused</dd>
            </>
          ) : null}
          {c.stale ? (
            <>
              <dt>Claim</dt>
              <dd>Stale</dd>
            </>
          ) : null}
        </dl>
      </section>

      <section aria-labelledby={`${baseId}-history`} className="side-section" data-testid="history">
        <h3 id={`${baseId}-history`}>History</h3>
        {c.history.length === 0 ? (
          <p className="muted">No other conversations with {c.customer.name}.</p>
        ) : (
          <ul className="history">
            {c.history.map((h) => (
              <li key={h.id}>
                <button type="button" className="history-open" onClick={() => onOpen(h.id)}>
                  <span className="history-top">
                    <time dateTime={h.createdAt} title={fullTime(h.createdAt)}>
                      {shortTime(h.createdAt)}
                    </time>
                    <span>{channelName(h.channel)}</span>
                    <span className={`badge status-${h.status.toLowerCase()}`}>
                      <span className="visually-hidden">Status: </span>
                      {humanize(h.status)}
                    </span>
                    {h.state === 'CLOSED' ? <span className="muted">Closed</span> : null}
                  </span>
                  <span className="history-preview">{h.preview || 'No messages'}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>


      <section aria-labelledby={`${baseId}-activity`} className="side-section">
        <h3 id={`${baseId}-activity`}>Live activity</h3>
        {activity.length === 0 ? <p className="muted">Changes made while you have it open appear here.</p> : null}
        <ul className="activity">
          {activity.map((a) => (
            <li key={a.id}>
              {a.text}{' '}
              <time className="muted" dateTime={a.at} title={fullTime(a.at)}>
                {shortTime(a.at)}
              </time>
            </li>
          ))}
        </ul>
      </section>
    </aside>
  );
}
