import { Fragment, useCallback, useEffect, useId, useRef, useState } from 'react';
import { stringifyDocument, useClient, type CombinedError, type OperationResult } from 'urql';
import {
  CancelTakeoverMutation,
  ClaimConversationMutation,
  CloseConversationMutation,
  ConversationEventsSubscription,
  ConversationQuery,
  ConversationViewersOnlyQuery,
  MonitorConversationMutation,
  OpenConversationMutation,
  PendConversationMutation,
  ReleaseConversationMutation,
  ResolveConversationMutation,
  ReturnToQueueMutation,
  StealLockMutation,
  TakeOverConversationMutation,
} from '../../api/operations';
import { useApi } from '../../api/context';
import { describeError, type ErrorContext } from '../../api/errors';
import type { ConversationDetailFragment } from '../../gql/graphql';
import { channelName, fullTime, handleParts, humanize, shortTime } from '../../format';
import { describeActivity } from '../../live/activity';
import { feedAction } from '../../live/cursor';
import { LockBadge } from '../../components/LockBadge';
import { interventionText, takeoverActions } from '../../intervention';
import { lockState, readOnlyReason } from '../../lockText';
import { canSupervise } from '../../roles';
import { Readings, applyViewerEvent, isMonitoring, isViewerEvent, viewersSentence, type ConversationViewer } from '../../viewers';
import { queuePlaceLabel, queuePlaceText } from '../../queuePlace';
import { customerSince, waitingSince, waitingText } from '../../times';
import { useLayoutPart } from '../../useLayout';
import { useShortcut } from '../../useShortcuts';
import { CompleteTakeoverDialog } from './CompleteTakeoverDialog';
import { ReassignDialog } from './ReassignDialog';
import { TransferDialog } from './TransferDialog';
import { Composer, type ComposerHandle } from './Composer';
import { Countdown } from '../../components/Countdown';
import { useDesk } from '../../desk';
import { isUnread } from '../../unread';

// Opening and closing change the viewer's one lock (L2, L3, L6): they are sent one after the other,
// so that leaving A for B can never close A after B was opened, whatever the network does.
let lockChain: Promise<unknown> = Promise.resolve();
function serially<T>(op: () => Promise<T>): Promise<T> {
  const next = lockChain.then(op, op);
  lockChain = next.catch(() => undefined);
  return next;
}

interface Activity {
  id: string;
  text: string;
  at: string;
}

type Action = 'claim' | 'release' | 'steal' | 'pend' | 'resolve' | 'open' | 'takeOver' | 'cancelTakeover' | 'returnToQueue' | 'monitor';

/** Actions that give the viewer the lock: after them a monitored conversation is an opened one. */
const takesLock: ReadonlySet<Action> = new Set(['claim', 'steal', 'open', 'takeOver']);

/** How often a queued conversation's place is read again: others moving change it without an event of its own. */
const PLACE_REFRESH_MS = 20_000;

interface ConversationScreenProps {
  conversationId: string;
  viewer: { id: string; role: string };
  /**
   * Watch it without taking the lock (monitorConversation, supervisors and above) instead of
   * opening it (openConversation). Turning it on while open monitors the conversation in place.
   */
  monitor?: boolean;
  /** The route follows: monitoring started here (true), or the viewer took the lock (false). */
  onMonitorChange?: (monitor: boolean) => void;
  onClose: () => void;
  /** Opens another conversation (from the customer's history). */
  onOpen: (id: string) => void;
}

function isConversation(node: unknown): node is ConversationDetailFragment {
  return typeof node === 'object' && node !== null && 'viewerCanReply' in node;
}

/**
 * One conversation: opening it takes the lock when it is free (L3) and closing it releases it
 * (L6); the view follows the conversation's events live. Read-only with the holder and a Steal
 * button when someone else has it (L4, L5).
 */
export function ConversationScreen({ conversationId, viewer, monitor = false, onMonitorChange, onClose, onOpen }: ConversationScreenProps) {
  const api = useApi();
  const client = useClient();
  const id = useId();
  const [detail, setDetail] = useState<ConversationDetailFragment | null>(null);
  const [loadError, setLoadError] = useState('');
  const [actionError, setActionError] = useState('');
  const [busy, setBusy] = useState<Action | null>(null);
  const [activity, setActivity] = useState<Activity[]>([]);
  const [reassigning, setReassigning] = useState(false);
  const [transferring, setTransferring] = useState(false);
  const [completing, setCompleting] = useState(false);
  // The side panel (customer, details, history, notes): collapsible, remembered across reloads.
  const [sideOpen, toggleSide] = useLayoutPart('sidePanel');
  const composer = useRef<ComposerHandle | null>(null);
  const desk = useDesk();
  const threadRef = useRef<HTMLDivElement>(null);
  const refreshing = useRef({ running: false, again: false });
  // Who else has it open (SPEC §12): kept apart from the conversation, as joining and leaving
  // change nothing else (same version); readings are ordered by when they were asked for.
  const [viewers, setViewers] = useState<ConversationViewer[]>([]);
  const readings = useRef(new Readings());
  // How it is opened: read once per conversation (the screen is keyed by it); later changes of
  // the prop monitor in place (see below).
  const monitorAtOpen = useRef(monitor);
  const wasMonitor = useRef(monitor);

  /** Keeps the newest copy: answers and refetches can arrive out of order (by version). */
  const accept = useCallback((c: ConversationDetailFragment) => {
    setDetail((prev) => (!prev || prev.id !== c.id || c.version >= prev.version ? c : prev));
  }, []);

  const refresh = useCallback(() => {
    const state = refreshing.current;
    if (state.running) {
      state.again = true;
      return;
    }
    state.running = true;
    void client
      .query(ConversationQuery, { id: conversationId }, { requestPolicy: 'network-only' })
      .toPromise()
      .then((result) => {
        state.running = false;
        if (isConversation(result.data?.node)) accept(result.data.node);
        if (state.again) {
          state.again = false;
          refresh();
        }
      });
  }, [client, conversationId, accept]);

  const readViewers = useCallback(() => {
    const ticket = readings.current.ticket();
    void client
      .query(ConversationViewersOnlyQuery, { id: conversationId }, { requestPolicy: 'network-only' })
      .toPromise()
      .then((result) => {
        const node = result.data?.node;
        if (node && 'viewers' in node && readings.current.keep(ticket)) setViewers(node.viewers);
      });
  }, [client, conversationId]);

  useEffect(() => {
    let current = true;
    refreshing.current = { running: false, again: false };
    readings.current = new Readings();
    setViewers([]);
    setDetail(null);
    setLoadError('');
    setActionError('');
    setActivity([]);
    setReassigning(false);
    setTransferring(false);
    setCompleting(false);

    const monitoring = monitorAtOpen.current;
    let ticket = 0;
    void serially(() => {
      ticket = readings.current.ticket();
      return monitoring
        ? client
            .mutation(MonitorConversationMutation, { id: conversationId })
            .toPromise()
            .then((r) => ({ error: r.error, conversation: r.data?.monitorConversation }))
        : client
            .mutation(OpenConversationMutation, { id: conversationId })
            .toPromise()
            .then((r) => ({ error: r.error, conversation: r.data?.openConversation }));
    }).then(({ error, conversation }) => {
      if (!current) return;
      if (conversation) {
        accept(conversation);
        if (readings.current.keep(ticket)) setViewers(conversation.viewers);
      } else setLoadError(describeError(error, monitoring ? 'monitor' : 'default'));
    });

    const events = client.subscription(ConversationEventsSubscription, { conversationId }).subscribe((result) => {
      // A cursor too old to resume from (CURSOR_EXPIRED): the feed goes on live, the conversation is read again.
      if (feedAction(result.error) === 'reload') {
        refresh();
        readViewers();
        return;
      }
      const e = result.data?.conversationEvents;
      if (!e) return;
      if (isViewerEvent(e.type)) {
        // Someone opened or left it: shown at once, then the list is read again (the server's word).
        readings.current.keep(readings.current.ticket());
        setViewers((list) => applyViewerEvent(list, e));
        readViewers();
        return;
      }
      setActivity((list) => [{ id: e.id, text: describeActivity(e), at: e.createdAt }, ...list].slice(0, 50));
      refresh();
    });
    // After a reconnection the feed resumes from its last cursor (E3: the activity list misses
    // nothing); the conversation is read again too, in case no event had arrived before the drop.
    const stopReconnect = api.onReconnected(() => {
      refresh();
      readViewers();
    });

    // Closing the tab is leaving the conversation too (L6): a keepalive request outlives the page.
    const onExit = () => api.sendOnExit(stringifyDocument(CloseConversationMutation), { id: conversationId });
    window.addEventListener('pagehide', onExit);

    return () => {
      current = false;
      events.unsubscribe();
      stopReconnect();
      window.removeEventListener('pagehide', onExit);
      void serially(() => client.mutation(CloseConversationMutation, { id: conversationId }).toPromise());
    };
  }, [api, client, conversationId, accept, refresh, readViewers]);

  // New messages scroll into view.
  const messageCount = (detail?.messages.edges?.length ?? 0) + (detail?.notes?.length ?? 0);
  useEffect(() => {
    const thread = threadRef.current;
    if (thread) thread.scrollTop = thread.scrollHeight;
  }, [messageCount]);

  // An error belongs to the lock situation it happened in: once the lock changes hands (a steal, a
  // release) it is stale, and the read-only banner says what is true now.
  const lockNow = detail ? lockState(detail) : null;
  useEffect(() => setActionError(''), [lockNow]);

  // Unread (issue 20): opening it reads it; a customer message that arrives while it is open is
  // read at once if the window has focus, else when the window gets focus back.
  const detailId = detail?.id;
  const detailVersion = detail?.version;
  const unreadNow = detail ? isUnread(detail, desk.marks) : false;
  const markRead = desk.markRead;
  const seen = useRef(false);
  useEffect(() => {
    if (!detailId) return;
    const first = !seen.current;
    seen.current = true;
    if (!unreadNow) return;
    if (first || (document.visibilityState === 'visible' && document.hasFocus())) markRead(detailId);
  }, [detailId, detailVersion, unreadNow, markRead]);
  useEffect(() => {
    if (!detailId || !unreadNow) return;
    const onFocus = () => markRead(detailId);
    window.addEventListener('focus', onFocus);
    return () => window.removeEventListener('focus', onFocus);
  }, [detailId, unreadNow, markRead]);

  // A queued conversation's place moves as others are assigned: read it again now and then.
  const queued = Boolean(detail?.queuePosition);
  useEffect(() => {
    if (!queued) return;
    const timer = window.setInterval(refresh, PLACE_REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [queued, refresh]);

  const fail = (error: CombinedError | undefined, context: ErrorContext = 'default') =>
    setActionError(describeError(error, context));

  /** Runs a desk mutation that answers with the conversation; shows its error in words. */
  const act = async (
    action: Action,
    run: () => Promise<OperationResult<Record<string, ConversationDetailFragment>>>,
    after?: () => void,
    context: ErrorContext = 'default',
  ) => {
    setBusy(action);
    setActionError('');
    const result = await run();
    setBusy(null);
    const c = result.data && Object.values(result.data)[0];
    if (c) {
      accept(c);
      if (takesLock.has(action) && wasMonitor.current) {
        wasMonitor.current = false;
        onMonitorChange?.(false);
      }
      after?.();
    } else {
      fail(result.error, context);
      refresh();
    }
  };
  const vars = { id: conversationId };
  const focusReply = () => composer.current?.focus('reply');

  const claim = () => act('claim', () => client.mutation(ClaimConversationMutation, vars).toPromise(), focusReply);
  const release = () => act('release', () => client.mutation(ReleaseConversationMutation, vars).toPromise());
  const steal = () => act('steal', () => client.mutation(StealLockMutation, vars).toPromise(), focusReply);
  const pend = () => act('pend', () => client.mutation(PendConversationMutation, vars).toPromise());
  const resolve = () => act('resolve', () => client.mutation(ResolveConversationMutation, vars).toPromise());
  const takeOver = () =>
    act('takeOver', () => client.mutation(TakeOverConversationMutation, vars).toPromise(), focusReply, 'takeover');
  const cancelTakeover = () =>
    act('cancelTakeover', () => client.mutation(CancelTakeoverMutation, vars).toPromise(), undefined, 'handback');
  const returnToQueue = () =>
    act('returnToQueue', () => client.mutation(ReturnToQueueMutation, vars).toPromise(), undefined, 'handback');
  const reopen = () =>
    act('open', () => serially(() => client.mutation(OpenConversationMutation, vars).toPromise()), focusReply);

  /** Watches it without the lock from here on (a supervisor who is looking at it already). */
  const monitorNow = async () => {
    setBusy('monitor');
    setActionError('');
    let ticket = 0;
    const result = await serially(() => {
      ticket = readings.current.ticket();
      return client.mutation(MonitorConversationMutation, vars).toPromise();
    });
    setBusy(null);
    const answer = result.data?.monitorConversation;
    if (answer) {
      accept(answer);
      if (readings.current.keep(ticket)) setViewers(answer.viewers);
      wasMonitor.current = true;
      onMonitorChange?.(true);
    } else {
      fail(result.error, 'monitor');
      refresh();
    }
  };
  const monitorNowRef = useRef(monitorNow);
  monitorNowRef.current = monitorNow;
  // Monitor chosen elsewhere (an inbox row, the dashboard) for the conversation already open here.
  useEffect(() => {
    if (monitor && !wasMonitor.current) {
      wasMonitor.current = true;
      void monitorNowRef.current();
    }
    if (!monitor) wasMonitor.current = false;
  }, [monitor]);

  const c = detail;
  const lockable = c ? (c.status === 'NEW' || c.status === 'PENDING') && c.state !== 'CLOSED' : false;
  const readOnly = c ? readOnlyReason(c, viewer.id) : null;
  const takeover = c ? takeoverActions(c, viewer) : { takeOver: false, manage: false };
  // Taking over is the claim of a bot's conversation (I2): one button, not two.
  const canClaim = Boolean(c && lockable && c.ownership === 'UNCLAIMED' && !takeover.takeOver);
  const canRelease = Boolean(c && c.ownership === 'CLAIMED_BY_ME' && lockable);
  const canReassign = Boolean(c && lockable && (c.ownership === 'CLAIMED_BY_ME' || (c.owner && canSupervise(viewer.role))));
  const canPend = Boolean(c && c.viewerCanReply && c.status === 'NEW');
  const canResolve = Boolean(c && c.viewerCanReply && lockable);
  const monitoring = isMonitoring(viewers, viewer.id);
  const lookers = viewersSentence(viewers, viewer.id);
  // The server decides who may monitor; the button is only not offered below SUPERVISOR.
  const canMonitor = Boolean(c && canSupervise(viewer.role) && !monitoring && c.lock?.holder.id !== viewer.id);

  useShortcut('close', onClose);
  useShortcut('claim', () => (canClaim && !busy ? void claim() : false), Boolean(c));
  useShortcut('takeOver', () => (takeover.takeOver && !busy ? void takeOver() : false), Boolean(c));
  useShortcut('transfer', () => (canReassign ? setTransferring(true) : false), Boolean(c));
  useShortcut('release', () => (canRelease && !busy ? void release() : false), Boolean(c));
  useShortcut('steal', () => (readOnly?.steal && !busy ? void steal() : false), Boolean(c));
  useShortcut('pend', () => (canPend && !busy ? void pend() : false), Boolean(c));
  useShortcut('resolve', () => (canResolve && !busy ? void resolve() : false), Boolean(c));
  useShortcut('reassign', () => (canReassign ? setReassigning(true) : false), Boolean(c));
  useShortcut('reply', () => (c?.viewerCanReply ? composer.current?.focus('reply') : false), Boolean(c));
  useShortcut('note', () => composer.current?.focus('note'), Boolean(c));

  if (!c) {
    return (
      <section className="conversation-pane" aria-label="Conversation">
        <div className="pane-head">
          <button type="button" className="secondary small" onClick={onClose}>
            Back to inbox
          </button>
        </div>
        {loadError ? (
          <p role="alert" className="error">
            {loadError}
          </p>
        ) : (
          <p role="status">Opening the conversation…</p>
        )}
      </section>
    );
  }

  const messages = (c.messages.edges ?? []).flatMap((e) => (e?.node ? [e.node] : []));
  const notes = [...(c.notes ?? [])].sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1));
  // Internal notes sit in the thread where they were written (amber, never sent to the customer);
  // when older messages are not shown, neither are the notes from before them.
  const since = c.messages.totalCount > messages.length ? messages[0]?.createdAt : undefined;
  const timeline = [
    ...messages.map((message) => ({ kind: 'message' as const, at: message.createdAt, message })),
    ...notes.filter((n) => !since || n.createdAt >= since).map((note) => ({ kind: 'note' as const, at: note.createdAt, note })),
  ].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const titleId = `${id}-title`;
  const past = (c.interventions ?? [])
    .filter((i) => i.id !== c.intervention?.id)
    .sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));

  return (
    <section className="conversation-pane" aria-labelledby={titleId} data-conversation-id={c.id}>
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
              <button type="button" onClick={() => setCompleting(true)} disabled={busy !== null}>
                Complete takeover…
              </button>
              <button type="button" className="secondary" onClick={() => void cancelTakeover()} disabled={busy !== null}>
                {busy === 'cancelTakeover' ? 'Cancelling…' : 'Cancel takeover'}
              </button>
              <button type="button" className="secondary" onClick={() => void returnToQueue()} disabled={busy !== null}>
                {busy === 'returnToQueue' ? 'Returning…' : 'Return to queue'}
              </button>
            </>
          ) : null}
          {canRelease && !takeover.manage ? (
            <button type="button" className="secondary" onClick={() => void release()} disabled={busy !== null} aria-keyshortcuts="u">
              {busy === 'release' ? 'Releasing…' : 'Release'}
            </button>
          ) : null}
          {canReassign ? (
            <button type="button" className="secondary" onClick={() => setReassigning(true)} disabled={busy !== null} aria-keyshortcuts="a">
              Reassign…
            </button>
          ) : null}
          {canReassign ? (
            <button type="button" className="secondary" onClick={() => setTransferring(true)} disabled={busy !== null} aria-keyshortcuts="f">
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
            aria-controls={`${id}-side`}
            data-testid="side-toggle"
          >
            {sideOpen ? 'Hide details' : 'Details'}
          </button>
          <button type="button" className="secondary" onClick={onClose} aria-keyshortcuts="Escape">
            Close
          </button>
        </div>
      </header>

      <div role="status" aria-live="polite" className="readonly-slot">
        {readOnly ? (
          <div className="readonly-banner" data-testid="readonly-banner">
            <p>{readOnly.message}</p>
            {readOnly.steal && !(readOnly.steal === 'Take over' && takeover.takeOver) ? (
              <button type="button" onClick={() => void steal()} disabled={busy !== null} aria-keyshortcuts="s">
                {busy === 'steal' ? 'Stealing…' : readOnly.steal}
              </button>
            ) : null}
            {readOnly.reopen ? (
              <button type="button" onClick={() => void reopen()} disabled={busy !== null}>
                Reply here
              </button>
            ) : null}
          </div>
        ) : null}
      </div>
      <div role="alert" className={actionError ? 'error' : 'error empty'}>
        {actionError}
      </div>

      <div className={`pane-body${sideOpen ? '' : ' side-closed'}`}>
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

        <aside className="side-column" id={`${id}-side`} aria-label="About this conversation" hidden={!sideOpen} tabIndex={0}>
          <section aria-labelledby={`${id}-customer`} className="side-section">
            <h3 id={`${id}-customer`}>Customer</h3>
            <dl className="facts stacked">
              <dt>Name</dt>
              <dd>{c.customer.name}</dd>
              {(c.customer.identities ?? []).map((identity) => (
                <Fragment key={identity.id}>
                  <dt>{channelName(identity.channel)}</dt>
                  <dd className="handle">
                    {handleParts(identity.handle).map((part, i) => (
                      <Fragment key={i}>
                        {i > 0 ? <wbr /> : null}
                        <span className="handle-part">{part}</span>
                      </Fragment>
                    ))}
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
          </section>

          {c.intervention || (c.interventions ?? []).length > 0 ? (
            <section aria-labelledby={`${id}-interventions`} className="side-section" data-testid="intervention-section">
              <h3 id={`${id}-interventions`}>Bot hand-over</h3>
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

          <section aria-labelledby={`${id}-details`} className="side-section">
            <h3 id={`${id}-details`}>Details</h3>
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

          <section aria-labelledby={`${id}-history`} className="side-section" data-testid="history">
            <h3 id={`${id}-history`}>History</h3>
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


          <section aria-labelledby={`${id}-activity`} className="side-section">
            <h3 id={`${id}-activity`}>Live activity</h3>
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
      </div>

      {reassigning ? (
        <ReassignDialog
          conversationId={c.id}
          customerName={c.customer.name}
          channel={c.channel}
          viewer={viewer}
          onClose={() => setReassigning(false)}
          onReassigned={accept}
        />
      ) : null}
      {transferring ? (
        <TransferDialog
          conversationId={c.id}
          customerName={c.customer.name}
          channel={c.channel}
          viewer={viewer}
          onClose={() => setTransferring(false)}
          onTransferred={accept}
        />
      ) : null}
      {completing ? (
        <CompleteTakeoverDialog
          conversationId={c.id}
          customerName={c.customer.name}
          onClose={() => setCompleting(false)}
          onCompleted={accept}
        />
      ) : null}
    </section>
  );
}
