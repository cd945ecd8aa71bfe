import { useEffect, useId, useRef, useState } from 'react';
import { customerLabel } from '../../merge';
import { useLayoutPart } from '../../useLayout';
import { useShortcut } from '../../useShortcuts';
import { CompleteTakeoverDialog } from './CompleteTakeoverDialog';
import type { ComposerHandle } from './Composer';
import { ConversationHeader } from './ConversationHeader';
import { ConversationSidePanel } from './ConversationSidePanel';
import { ConversationThread } from './ConversationThread';
import { MergeCustomersDialog } from './MergeCustomersDialog';
import { ReassignDialog } from './ReassignDialog';
import { TransferDialog } from './TransferDialog';
import { useConversation } from './useConversation';
import './conversation.css';

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

/**
 * One conversation: opening it takes the lock when it is free (L3) and closing it releases it
 * (L6); the view follows the conversation's events live. Read-only with the holder and a Steal
 * button when someone else has it (L4, L5). The data and actions are useConversation's; this
 * lays them out (header, thread, side panel) and binds the dialogs and shortcuts.
 */
export function ConversationScreen({ conversationId, viewer, monitor = false, onMonitorChange, onClose, onOpen }: ConversationScreenProps) {
  const id = useId();
  const [reassigning, setReassigning] = useState(false);
  const [transferring, setTransferring] = useState(false);
  const [completing, setCompleting] = useState(false);
  const [merging, setMerging] = useState(false);
  /** What the last dialog's action did, when nothing else on the screen shows it (a merge). */
  const [notice, setNotice] = useState('');
  // The side panel (customer, details, history, notes): collapsible, remembered across reloads.
  const [sideOpen, toggleSide] = useLayoutPart('sidePanel');
  const composer = useRef<ComposerHandle | null>(null);
  const state = useConversation({
    conversationId,
    viewer,
    monitor,
    onMonitorChange,
    focusReply: () => composer.current?.focus('reply'),
  });
  const { detail: c, loadError, actionError, busy, readOnly, takeover, canClaim, canRelease, canReassign, canPend, canResolve, canMergeCustomers } = state;
  const { claim, release, steal, pend, resolve, takeOver, reopen } = state.actions;

  // The dialogs belong to the conversation they were opened for.
  useEffect(() => {
    setReassigning(false);
    setTransferring(false);
    setCompleting(false);
    setMerging(false);
    setNotice('');
  }, [conversationId]);

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

  const titleId = `${id}-title`;

  return (
    <section className="conversation-pane" aria-labelledby={titleId} data-conversation-id={c.id}>
      <ConversationHeader
        conversation={c}
        viewer={viewer}
        state={state}
        baseId={id}
        titleId={titleId}
        sideOpen={sideOpen}
        onToggleSide={toggleSide}
        onClose={onClose}
        onComplete={() => setCompleting(true)}
        onReassign={() => setReassigning(true)}
        onTransfer={() => setTransferring(true)}
      />

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
      <div role="status" aria-live="polite">
        {notice ? (
          <p className="notice pane-notice" data-testid="pane-notice">
            {notice}{' '}
            <button type="button" className="link" onClick={() => setNotice('')}>
              Dismiss
            </button>
          </p>
        ) : null}
      </div>

      <div className={`pane-body${sideOpen ? '' : ' side-closed'}`}>
        <ConversationThread conversation={c} lockNow={state.lockNow} onSent={state.refresh} composer={composer} />

        <ConversationSidePanel
          conversation={c}
          viewer={viewer}
          baseId={id}
          sideOpen={sideOpen}
          activity={state.activity}
          onOpen={onOpen}
          onMerge={canMergeCustomers ? () => setMerging(true) : undefined}
        />
      </div>

      {reassigning ? (
        <ReassignDialog
          conversationId={c.id}
          customerName={c.customer.name}
          channel={c.channel}
          viewer={viewer}
          onClose={() => setReassigning(false)}
          onReassigned={state.accept}
        />
      ) : null}
      {transferring ? (
        <TransferDialog
          conversationId={c.id}
          customerName={c.customer.name}
          channel={c.channel}
          viewer={viewer}
          onClose={() => setTransferring(false)}
          onTransferred={state.accept}
        />
      ) : null}
      {completing ? (
        <CompleteTakeoverDialog
          conversationId={c.id}
          customerName={c.customer.name}
          onClose={() => setCompleting(false)}
          onCompleted={state.accept}
        />
      ) : null}
      {merging ? (
        <MergeCustomersDialog
          customer={c.customer}
          onClose={() => setMerging(false)}
          onMerged={(merged, from) => {
            setMerging(false);
            setNotice(`Merged ${from} into ${customerLabel(merged)}: their handles and conversations are this customer's now.`);
            // The feeds tell every screen that the open conversations changed; this one reads its
            // customer's handles and the history, which now spans both, again.
            state.refresh();
          }}
        />
      ) : null}
    </section>
  );
}
