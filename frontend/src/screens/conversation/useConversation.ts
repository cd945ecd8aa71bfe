import { useCallback, useEffect, useRef, useState } from 'react';
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
import { describeActivity } from '../../live/activity';
import { feedAction } from '../../live/cursor';
import { takeoverActions, type TakeoverActions } from '../../intervention';
import { lockState, readOnlyReason, type ReadOnlyReason } from '../../lockText';
import { canSupervise } from '../../roles';
import { Readings, applyViewerEvent, isMonitoring, isViewerEvent, viewersSentence, type ConversationViewer } from '../../viewers';
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

export interface Activity {
  id: string;
  text: string;
  at: string;
}

export type Action = 'claim' | 'release' | 'steal' | 'pend' | 'resolve' | 'open' | 'takeOver' | 'cancelTakeover' | 'returnToQueue' | 'monitor';

/** Actions that give the viewer the lock: after them a monitored conversation is an opened one. */
const takesLock: ReadonlySet<Action> = new Set(['claim', 'steal', 'open', 'takeOver']);

/** How often a queued conversation's place is read again: others moving change it without an event of its own. */
const PLACE_REFRESH_MS = 20_000;

function isConversation(node: unknown): node is ConversationDetailFragment {
  return typeof node === 'object' && node !== null && 'viewerCanReply' in node;
}

export interface UseConversationOptions {
  conversationId: string;
  viewer: { id: string; role: string };
  /**
   * Watch it without taking the lock (monitorConversation, supervisors and above) instead of
   * opening it (openConversation). Turning it on while open monitors the conversation in place.
   */
  monitor: boolean;
  /** The route follows: monitoring started here (true), or the viewer took the lock (false). */
  onMonitorChange?: (monitor: boolean) => void;
  /** The viewer may reply now (after a claim, a steal, a takeover, reopening): the reply box takes the focus. */
  focusReply: () => void;
}

/** What the viewer may do with the conversation now (the server decides; these only choose which buttons to offer). */
export interface ConversationAbilities {
  /** The lock situation now (lockState): an error belongs to the one it happened in. */
  lockNow: string | null;
  /** Why the viewer may not reply, and what would let it (steal, reopen); null when it may. */
  readOnly: ReadOnlyReason | null;
  takeover: TakeoverActions;
  canClaim: boolean;
  canRelease: boolean;
  /** A takeover running on a NEW or PENDING conversation: back to the queue (a RESOLVED one is in none). */
  canReturnToQueue: boolean;
  canReassign: boolean;
  canPend: boolean;
  canResolve: boolean;
  canMonitor: boolean;
  /** Another customer can be merged into this one's customer (mergeCustomers). */
  canMergeCustomers: boolean;
  /** The viewer watches it without the lock. */
  monitoring: boolean;
  /** Who else has it open, in words ('' for nobody). */
  lookers: string;
}

export interface ConversationActions {
  claim: () => Promise<void>;
  release: () => Promise<void>;
  steal: () => Promise<void>;
  pend: () => Promise<void>;
  resolve: () => Promise<void>;
  takeOver: () => Promise<void>;
  cancelTakeover: () => Promise<void>;
  returnToQueue: () => Promise<void>;
  /** Opens it again where it is (takes the lock back): "Reply here". */
  reopen: () => Promise<void>;
  /** Watches it without the lock from here on. */
  monitorNow: () => Promise<void>;
}

export interface ConversationState extends ConversationAbilities {
  /** The newest copy known; null until the open (or monitor) answers. */
  detail: ConversationDetailFragment | null;
  /** Opening it failed, in words. */
  loadError: string;
  /** The last action failed, in words ('' for none). */
  actionError: string;
  /** The action under way. */
  busy: Action | null;
  /** What changed while it is open, newest first. */
  activity: Activity[];
  viewers: ConversationViewer[];
  /** Keeps the newer of c and the copy held (a dialog's answer). */
  accept: (c: ConversationDetailFragment) => void;
  /** Reads the conversation again. */
  refresh: () => void;
  actions: ConversationActions;
}

/**
 * One conversation's data and actions: opening it takes the lock when it is free (L3) and leaving
 * it releases it (L6); its events, its viewers and its queue place are followed live; the desk's
 * mutations answer with the conversation, and the newest copy (by version) is kept.
 */
export function useConversation({ conversationId, viewer, monitor, onMonitorChange, focusReply }: UseConversationOptions): ConversationState {
  const api = useApi();
  const client = useClient();
  const [detail, setDetail] = useState<ConversationDetailFragment | null>(null);
  const [loadError, setLoadError] = useState('');
  const [actionError, setActionError] = useState('');
  const [busy, setBusy] = useState<Action | null>(null);
  const [activity, setActivity] = useState<Activity[]>([]);
  const desk = useDesk();
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
  const canReturnToQueue = takeover.manage && lockable;
  const canReassign = Boolean(c && lockable && (c.ownership === 'CLAIMED_BY_ME' || (c.owner && canSupervise(viewer.role))));
  const canPend = Boolean(c && c.viewerCanReply && c.status === 'NEW');
  const canResolve = Boolean(c && c.viewerCanReply && lockable);
  const monitoring = isMonitoring(viewers, viewer.id);
  const lookers = viewersSentence(viewers, viewer.id);
  // The server decides who may monitor; the button is only not offered below SUPERVISOR.
  const canMonitor = Boolean(c && canSupervise(viewer.role) && !monitoring && c.lock?.holder.id !== viewer.id);
  // Whatever the conversation's state: a merge moves customers, not conversations.
  const canMergeCustomers = Boolean(c && canSupervise(viewer.role));

  return {
    detail,
    loadError,
    actionError,
    busy,
    activity,
    viewers,
    accept,
    refresh,
    lockNow,
    readOnly,
    takeover,
    canClaim,
    canRelease,
    canReturnToQueue,
    canReassign,
    canPend,
    canResolve,
    canMonitor,
    canMergeCustomers,
    monitoring,
    lookers,
    actions: { claim, release, steal, pend, resolve, takeOver, cancelTakeover, returnToQueue, reopen, monitorNow },
  };
}
