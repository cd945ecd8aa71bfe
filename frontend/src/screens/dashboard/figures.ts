// The dashboard's figures as people read them: sorting the agents' table, durations, load levels,
// chart scales, and which live events change which part of the dashboard.

/** The columns of the agent performance table. */
export type PerformanceKey = 'name' | 'claims' | 'avgTimeToClaim' | 'avgFirstResponse' | 'released' | 'resolved' | 'load';
export type SortDirection = 'ascending' | 'descending';

export interface ChannelLoadLike {
  channel: string;
  count: number;
  capacity: number;
}

export interface PerformanceLike {
  agent: { id: string; name: string };
  claims: number;
  avgTimeToClaimSeconds?: number | null;
  avgFirstResponseSeconds?: number | null;
  released: number;
  resolved: number;
  load: readonly ChannelLoadLike[];
}

/** An agent's load over all its channels. */
export function loadTotal(load: readonly ChannelLoadLike[]): { count: number; capacity: number } {
  return load.reduce((t, l) => ({ count: t.count + l.count, capacity: t.capacity + l.capacity }), { count: 0, capacity: 0 });
}

function value(row: PerformanceLike, key: PerformanceKey): number | string | null {
  switch (key) {
    case 'name':
      return row.agent.name;
    case 'avgTimeToClaim':
      return row.avgTimeToClaimSeconds ?? null;
    case 'avgFirstResponse':
      return row.avgFirstResponseSeconds ?? null;
    case 'load': {
      const t = loadTotal(row.load);
      return t.capacity > 0 ? t.count / t.capacity : null;
    }
    default:
      return row[key];
  }
}

/**
 * The rows sorted by a column. Missing figures (no claims yet: no average) go last whichever the
 * direction; ties are broken by name, so the order is stable as figures change live.
 */
export function sortPerformance<T extends PerformanceLike>(rows: readonly T[], key: PerformanceKey, direction: SortDirection): T[] {
  const sign = direction === 'ascending' ? 1 : -1;
  const byName = (a: T, b: T) => a.agent.name.localeCompare(b.agent.name) || a.agent.id.localeCompare(b.agent.id);
  return [...rows].sort((a, b) => {
    const x = value(a, key);
    const y = value(b, key);
    if (x === null || y === null) {
      if (x !== y) return x === null ? 1 : -1;
      return byName(a, b);
    }
    const order = typeof x === 'string' && typeof y === 'string' ? x.localeCompare(y) : (x as number) - (y as number);
    return order !== 0 ? sign * order : byName(a, b);
  });
}

/** The direction a column sorts in first: names A–Z, figures highest first. */
export function firstDirection(key: PerformanceKey): SortDirection {
  return key === 'name' ? 'ascending' : 'descending';
}

/** A duration for tables: "—" when there is none, "45 s", "3 min 20 s", "2 h 5 min", "3 d 4 h". */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return s % 60 ? `${minutes} min ${s % 60} s` : `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}

/** How full a channel is: free below 80 %, busy up to capacity, full at capacity (R2). */
export function loadLevel(count: number, capacity: number): 'free' | 'busy' | 'full' {
  if (capacity <= 0 || count >= capacity) return 'full';
  return count / capacity >= 0.8 ? 'busy' : 'free';
}

/** A bar's length in percent of the largest value (at least a sliver for a non-zero value). */
export function barPercent(value: number, max: number): number {
  if (max <= 0 || value <= 0) return 0;
  return Math.max(2, Math.min(100, (value / max) * 100));
}

/**
 * An owner's activity on a conversation (opening it, replying) makes a stale claim fresh again
 * (C8) without an event of its own: these matter only for conversations listed as stale.
 */
export const ACTIVITY_EVENTS: readonly string[] = ['lock.acquired', 'lock.stolen', 'message.sent'];

/**
 * The live events the dashboard follows (workspaceEvents' types): what moves ownership, status,
 * presence, locks and replies (see ACTIVITY_EVENTS), first responses and SLA.
 */
export const FIGURE_EVENTS: readonly string[] = [
  'conversation.created',
  'conversation.reopened',
  'conversation.claimed',
  'conversation.released',
  'conversation.assigned',
  'conversation.reassigned',
  'conversation.force_released',
  'conversation.auto_released',
  'conversation.transferred',
  'conversation.delegated',
  'conversation.handed_back',
  'conversation.pended',
  'conversation.resolved',
  'conversation.first_response',
  'claim.stale',
  'agent.presence_changed',
  ...ACTIVITY_EVENTS,
  'sla.breached',
  'intervention.requested',
  'intervention.taken_over',
  'intervention.cancelled',
  'intervention.returned',
  'intervention.completed',
];

/** Changes to the roster and settings: administration reads them again, and load (capacities). */
export const ROSTER_EVENTS: readonly string[] = ['agent.created', 'agent.updated', 'team.created', 'pool.created', 'workspace.updated'];

/** Everything the dashboard subscribes to (at most 50 types: the server's limit). */
export const DASHBOARD_EVENTS: readonly string[] = [...FIGURE_EVENTS, ...ROSTER_EVENTS];

const figureEvents = new Set(FIGURE_EVENTS);
const activityEvents = new Set(ACTIVITY_EVENTS);
const rosterEvents = new Set(ROSTER_EVENTS);

/**
 * What an event changes: the figures (analytics, load, stale claims), the roster, or both.
 * staleClaim says whether the event's conversation is listed as a stale claim now.
 */
export function eventTouches(type: string, staleClaim = false): { figures: boolean; roster: boolean } {
  const roster = rosterEvents.has(type);
  if (activityEvents.has(type)) return { figures: staleClaim, roster };
  // Capacities and who is active change the load table too.
  return { figures: figureEvents.has(type) || type === 'agent.updated' || type === 'agent.created', roster };
}

/**
 * Live load's rows: agents permitted on at least one channel (R1), by name. An admin or a
 * supervisor without a channel has no load to show (an all-zero row is noise).
 */
export function liveLoadRows<T extends { agent: { name: string }; load: readonly ChannelLoadLike[] }>(rows: readonly T[]): T[] {
  return rows.filter((r) => r.load.length > 0).sort((a, b) => a.agent.name.localeCompare(b.agent.name));
}

/**
 * The performance table's rows: every agent who works conversations (an AGENT, anyone with a
 * channel) or did anything in the period; supervisors and admins with no channel and nothing
 * done are left out.
 */
export function performanceRows<T extends PerformanceLike & { agent: { role?: string } }>(rows: readonly T[]): T[] {
  return rows.filter((r) => r.agent.role === 'AGENT' || r.load.length > 0 || r.claims > 0 || r.released > 0 || r.resolved > 0);
}
