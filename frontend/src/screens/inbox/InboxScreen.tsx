import { useCallback, useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useMutation } from 'urql';
import { BulkClaimMutation } from '../../api/operations';
import { describeError, describeItemError } from '../../api/errors';
import { channelName, humanize } from '../../format';
import { awaitsHuman } from '../../intervention';
import { QUEUE_LIMIT, useLiveQueue, type LiveQueue } from '../../live/useLiveQueue';
import { useShortcut } from '../../useShortcuts';
import { ConversationItem } from './ConversationItem';
import { NO_FILTER, compareQueue, filterCount, isFiltered, matchesFilter, tagOptions, type InboxFilter } from './filters';
import { useLayoutPart } from '../../useLayout';
import { useDesk } from '../../desk';
import { isUnread, unreadCount } from '../../unread';
import { useConversationSearch } from './useConversationSearch';
import { matchCount } from '../../search';
import './inbox.css';

/** Re-renders every minute so that relative times ("Yesterday") stay right. */
function useNow(intervalMs = 60_000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(new Date()), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/** The inbox's tabs: the shared inbox, the viewer's own queue and the intervention queue (I2). */
type TabKind = 'unclaimed' | 'mine' | 'interventions';

/**
 * The inbox's tabs, each a live list. Interventions is the part of the shared inbox where a bot
 * asked for a human or a human returned it (REQUESTED, RETURNED), with the bot's summary.
 */
const TABS: ReadonlyArray<{ kind: TabKind; label: string; empty: string; bulk: boolean }> = [
  { kind: 'unclaimed', label: 'Unclaimed', empty: 'Nothing is waiting. New conversations appear here as they arrive.', bulk: true },
  { kind: 'mine', label: 'My Queue', empty: "You don't own any open conversations. Claim one, or wait for routing.", bulk: false },
  {
    kind: 'interventions',
    label: 'Interventions',
    empty: 'No conversation is waiting for a human. When a bot asks for one, it appears here with its summary.',
    bulk: false,
  },
];

const CHANNELS = ['SMS', 'LIVE_CHAT', 'WHATSAPP', 'FACEBOOK', 'INSTAGRAM', 'EMAIL'] as const;
const STATUSES = ['NEW', 'PENDING'] as const;

interface BulkOutcome {
  id: string;
  name: string;
  claimed: boolean;
  message: string;
}

interface InboxScreenProps {
  viewerId: string;
  openId: string | null;
  onOpen: (id: string) => void;
  /** Supervisors and above: watch a conversation without taking its lock (no Monitor buttons without it). */
  onMonitor?: (id: string) => void;
}

/** The inbox: Unclaimed, My Queue and Interventions, live, with filters and bulk claim. */
export function InboxScreen({ viewerId, openId, onOpen, onMonitor }: InboxScreenProps) {
  const unclaimed = useLiveQueue('unclaimed', compareQueue);
  const mine = useLiveQueue('mine', compareQueue);
  const interventionItems = useMemo(() => unclaimed.items.filter(awaitsHuman), [unclaimed.items]);
  const queues: Record<TabKind, LiveQueue> = { unclaimed, mine, interventions: { ...unclaimed, items: interventionItems } };
  const [tab, setTab] = useState<TabKind>('unclaimed');
  const [filter, setFilter] = useState<InboxFilter>(NO_FILTER);
  const [filtersOpen, toggleFilters] = useLayoutPart('inboxFilters');
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [bulk, setBulk] = useState<{ outcomes: BulkOutcome[]; error: string } | null>(null);
  const [{ fetching: claiming }, bulkClaim] = useMutation(BulkClaimMutation);
  const now = useNow();
  const id = useId();
  const desk = useDesk();
  const [searchInput, setSearchInput] = useState('');
  const searchRef = useRef<HTMLInputElement>(null);
  const known = useMemo(() => [...unclaimed.items, ...mine.items], [unclaimed.items, mine.items]);
  const search = useConversationSearch(searchInput, filter, desk.limits?.searchMaxLength, known);
  const listRef = useRef<HTMLUListElement>(null);
  const tabRefs = useRef<Record<TabKind, HTMLButtonElement | null>>({ unclaimed: null, mine: null, interventions: null });

  const current = TABS.find((t) => t.kind === tab) ?? TABS[0];
  const queue = queues[tab];
  const visible = queue.items.filter((c) => matchesFilter(c, filter));
  // While a search is active its results replace the tab's list (the tag filter applies to them
  // here; channel and status went to the server).
  const shown = search.active ? search.results.filter((c) => matchesFilter(c, { ...filter, channel: '', status: '' })) : visible;
  const clearSearch = (focus = false) => {
    setSearchInput('');
    if (focus) searchRef.current?.focus();
  };
  const tags = tagOptions([...unclaimed.items, ...mine.items], filter.tag);

  // Selections follow the queue: what left it cannot be claimed from here.
  useEffect(() => {
    setSelected((prev) => {
      const present = new Set(unclaimed.items.map((c) => c.id));
      const next = new Set([...prev].filter((x) => present.has(x)));
      return next.size === prev.size ? prev : next;
    });
  }, [unclaimed.items]);

  const toggle = useCallback((conversationId: string, on: boolean) => {
    setSelected((prev) => {
      const next = new Set(prev);
      if (on) next.add(conversationId);
      else next.delete(conversationId);
      return next;
    });
  }, []);

  const claimSelected = async () => {
    const ids = [...selected];
    if (ids.length === 0) return;
    const names = new Map(unclaimed.items.map((c) => [c.id, c.customer.name]));
    const result = await bulkClaim({ ids });
    if (!result.data) {
      setBulk({ outcomes: [], error: describeError(result.error) });
      return;
    }
    const outcomes = result.data.bulkClaimConversations.map((r) => ({
      id: r.conversationId,
      name: r.conversation?.customer.name ?? names.get(r.conversationId) ?? 'A conversation',
      claimed: Boolean(r.conversation) && !r.error,
      message: r.error ? describeItemError(r.error) : 'Claimed',
    }));
    for (const r of result.data.bulkClaimConversations) if (r.conversation) unclaimed.patch(r.conversation);
    setBulk({ outcomes, error: '' });
    setSelected(new Set());
  };

  // Keyboard: the list's rows are buttons; j/k (and the arrows inside the list) move between them.
  const rowButtons = () => Array.from(listRef.current?.querySelectorAll<HTMLButtonElement>('.conversation-open') ?? []);
  const focusedIndex = () => rowButtons().findIndex((b) => b === document.activeElement);
  const move = (delta: number) => {
    const rows = rowButtons();
    if (rows.length === 0) return false;
    const at = focusedIndex();
    const from = at >= 0 ? at : Math.max(-1, shown.findIndex((c) => c.id === openId));
    rows[Math.min(rows.length - 1, Math.max(0, from + delta))]?.focus();
  };
  const focusedConversation = () => {
    const at = focusedIndex();
    return at >= 0 ? shown[at] : undefined;
  };
  const onListKey = (event: KeyboardEvent<HTMLUListElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      move(event.key === 'ArrowDown' ? 1 : -1);
    }
  };
  const showTab = (kind: TabKind, focus = false) => {
    setTab(kind);
    clearSearch();
    if (focus) tabRefs.current[kind]?.focus();
  };
  const onTabKey = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
    const at = TABS.findIndex((t) => t.kind === tab);
    const next = TABS[(at + (event.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length];
    showTab(next.kind, true);
    event.preventDefault();
  };

  useShortcut('next', () => move(1));
  useShortcut('previous', () => move(-1));
  useShortcut('open', () => {
    const c = focusedConversation() ?? (openId ? undefined : shown[0]);
    if (!c) return false;
    onOpen(c.id);
  });
  useShortcut('select', () => {
    const c = focusedConversation();
    if (!c || !current.bulk) return false;
    toggle(c.id, !selected.has(c.id));
  });
  useShortcut('bulkClaim', () => {
    if (selected.size === 0 || claiming) return false;
    void claimSelected();
  });
  useShortcut('search', () => {
    searchRef.current?.focus();
    searchRef.current?.select();
  });
  useShortcut('tabUnclaimed', () => showTab('unclaimed', true));
  useShortcut('tabMine', () => showTab('mine', true));
  useShortcut('tabInterventions', () => showTab('interventions', true));

  const setField = (field: keyof InboxFilter) => (value: string) => setFilter((f) => ({ ...f, [field]: value }));
  const panelId = `${id}-panel`;

  return (
    <section className="inbox" aria-labelledby={`${id}-title`}>
      <div className="inbox-head">
        <h1 id={`${id}-title`} className="visually-hidden">
          Inbox
        </h1>
        <div role="search" className="inbox-search">
          <label htmlFor={`${id}-search`} className="visually-hidden">
            Search conversations
          </label>
          <input
            ref={searchRef}
            id={`${id}-search`}
            type="text"
            inputMode="search"
            enterKeyHint="search"
            autoComplete="off"
            spellCheck={false}
            className="inbox-search-input"
            placeholder="Search…"
            title="Search conversations: customers, messages, notes (press / to come here)"
            value={searchInput}
            onChange={(e) => setSearchInput(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape' && searchInput) {
                e.preventDefault(); // clears the search; a second Escape leaves the box
                clearSearch(true);
              } else if (e.key === 'ArrowDown' && shown.length > 0) {
                e.preventDefault();
                listRef.current?.querySelector<HTMLButtonElement>('.conversation-open')?.focus();
              }
            }}
            aria-keyshortcuts="/"
            aria-describedby={search.problem ? `${id}-search-problem` : undefined}
            aria-invalid={search.problem ? true : undefined}
          />
          {searchInput ? (
            <button type="button" className="inbox-search-clear" onClick={() => clearSearch(true)} aria-label="Clear search" title="Clear search (Esc)">
              ×
            </button>
          ) : null}
        </div>
        <div className="inbox-tools">
          <button
            type="button"
            className="secondary small"
            aria-expanded={filtersOpen}
            aria-controls={`${id}-filters`}
            onClick={toggleFilters}
          >
            Filters{filterCount(filter) > 0 ? ` (${filterCount(filter)})` : ''}
          </button>
          {current.bulk ? (
            <button type="button" className="secondary small" disabled={selected.size === 0 || claiming} onClick={() => void claimSelected()}>
              {claiming ? 'Claiming…' : `Claim selected (${selected.size})`}
            </button>
          ) : null}
          {current.bulk && selected.size > 0 ? (
            <button type="button" className="link small-link" onClick={() => setSelected(new Set())} aria-label="Clear selection">
              Clear
            </button>
          ) : null}
        </div>
      </div>

      <div role="tablist" aria-label="Queues" className="tabs inbox-tabs" onKeyDown={onTabKey}>
        {TABS.map((t) => {
          const q = queues[t.kind];
          const count = q.loaded ? q.items.length : null;
          const unread = q.loaded ? unreadCount(q.items, desk.marks) : 0;
          return (
            <button
              key={t.kind}
              ref={(el) => {
                tabRefs.current[t.kind] = el;
              }}
              type="button"
              role="tab"
              id={`${id}-tab-${t.kind}`}
              aria-selected={tab === t.kind && !search.active}
              aria-controls={panelId}
              tabIndex={tab === t.kind ? 0 : -1}
              className="tab"
              onClick={() => showTab(t.kind)}
            >
              <span className="tab-label">{t.label}</span>
              {/* One badge, as in Front: the unread ones when there are any (bold), else how many. */}
              {unread > 0 ? (
                <span
                  className="tab-count tab-unread"
                  data-testid="tab-unread"
                  aria-label={`, ${unread} unread of ${count ?? 0}`}
                  title={`${unread} unread of ${count ?? 0}`}
                >
                  {unread}
                </span>
              ) : count !== null ? (
                <span className="tab-count tab-total" aria-label={`, ${count} conversation${count === 1 ? '' : 's'}`} title={`${count} conversation${count === 1 ? '' : 's'}, none unread`}>
                  {count}
                </span>
              ) : null}
            </button>
          );
        })}
      </div>

      <div role="tabpanel" id={panelId} aria-labelledby={`${id}-tab-${tab}`} className="inbox-panel">
        <fieldset className="filters" id={`${id}-filters`} hidden={!filtersOpen}>
          <legend className="visually-hidden">Filter conversations</legend>
          <label>
            <span>Channel</span>
            <select value={filter.channel} onChange={(e) => setField('channel')(e.target.value)}>
              <option value="">All</option>
              {CHANNELS.map((c) => (
                <option key={c} value={c}>
                  {channelName(c)}
                </option>
              ))}
            </select>
          </label>
          <label>
            <span>Status</span>
            <select value={filter.status} onChange={(e) => setField('status')(e.target.value)}>
              <option value="">Any</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {humanize(s)}
                </option>
              ))}
            </select>
          </label>
          <label>
            <span>Tag</span>
            <select value={filter.tag} onChange={(e) => setField('tag')(e.target.value)}>
              <option value="">Any</option>
              {tags.map((t) => (
                <option key={t} value={t}>
                  #{t}
                </option>
              ))}
            </select>
          </label>
        </fieldset>
        {isFiltered(filter) ? (
          <p className="filter-summary">
            {visible.length} of {queue.items.length} shown by the filters.{' '}
            <button type="button" className="link" onClick={() => setFilter(NO_FILTER)}>
              Clear filters
            </button>
          </p>
        ) : null}

        <div role="status" aria-live="polite" className="bulk-status">
          {bulk ? (
            <div className="bulk-results">
              {bulk.error ? (
                <p className="error">{bulk.error}</p>
              ) : (
                <>
                  <p className="bulk-summary">
                    Bulk claim: {bulk.outcomes.filter((o) => o.claimed).length} claimed,{' '}
                    {bulk.outcomes.filter((o) => !o.claimed).length} not claimed.
                  </p>
                  <ul aria-label="Bulk claim results">
                    {bulk.outcomes.map((o) => (
                      <li key={o.id} className={o.claimed ? 'ok' : 'failed'}>
                        <strong>{o.name}</strong>: {o.message}
                      </li>
                    ))}
                  </ul>
                </>
              )}
              <button type="button" className="link" onClick={() => setBulk(null)}>
                Dismiss
              </button>
            </div>
          ) : null}
        </div>

        {search.active ? (
          <div className="search-status" role="status" aria-live="polite" data-testid="search-status">
            {search.problem ? (
              <p className="error" id={`${id}-search-problem`}>
                {search.problem}
              </p>
            ) : search.error ? (
              <p className="error">{search.error}</p>
            ) : search.loading && search.results.length === 0 ? (
              <p>Searching…</p>
            ) : search.results.length === 0 ? (
              <p className="empty-state">No conversations match “{search.text}”.</p>
            ) : (
              <p className="search-summary">
                {matchCount(search.total)} conversation{search.total === 1 ? ' matches' : 's match'} “{search.text}”
                {isFiltered(filter) ? ' with these filters' : ''}.{' '}
                <button type="button" className="link" onClick={() => clearSearch(true)}>
                  Clear search
                </button>
              </p>
            )}
          </div>
        ) : null}

        {!search.active && queue.error ? (
          <p role="alert" className="error">
            {describeError(queue.error)}{' '}
            <button type="button" className="link" onClick={queue.refetch}>
              Try again
            </button>
          </p>
        ) : null}

        {!search.active && !queue.loaded && !queue.error ? <p role="status">Loading conversations…</p> : null}

        {!search.active && queue.loaded && visible.length === 0 ? (
          <p className="empty-state">{isFiltered(filter) ? 'No conversations match these filters.' : current.empty}</p>
        ) : null}

        {shown.length > 0 ? (
          <ul
            ref={listRef}
            className="conversation-list"
            aria-label={search.active ? 'Search results' : `${current.label} conversations`}
            onKeyDown={onListKey}
          >
            {shown.map((c) => (
              <ConversationItem
                key={c.id}
                conversation={c}
                viewerId={viewerId}
                now={now}
                current={c.id === openId}
                unread={isUnread(c, desk.marks)}
                selectable={current.bulk && !search.active}
                selected={selected.has(c.id)}
                onSelect={(on) => toggle(c.id, on)}
                onOpen={() => onOpen(c.id)}
                onMonitor={onMonitor ? () => onMonitor(c.id) : undefined}
              />
            ))}
          </ul>
        ) : null}
        {search.active && search.more ? (
          <button type="button" className="secondary small load-more" onClick={search.loadMore} disabled={search.loading}>
            {search.loading ? 'Loading…' : 'Show more results'}
          </button>
        ) : null}
        {!search.active && queue.truncated ? <p className="muted small-print">Showing the first {QUEUE_LIMIT}. Use the filters to narrow the list.</p> : null}
      </div>
    </section>
  );
}
