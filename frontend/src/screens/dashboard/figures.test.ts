import { describe, expect, it } from 'vitest';
import { barPercent, DASHBOARD_EVENTS, duration, eventTouches, firstDirection, liveLoadRows, loadLevel, loadTotal, performanceRows, sortPerformance, type PerformanceLike } from './figures';

const row = (name: string, claims: number, avg: number | null, load: Array<[number, number]> = []): PerformanceLike => ({
  agent: { id: name.toLowerCase(), name },
  claims,
  avgTimeToClaimSeconds: avg,
  avgFirstResponseSeconds: null,
  released: claims % 2,
  resolved: claims * 2,
  load: load.map(([count, capacity], i) => ({ channel: `C${i}`, count, capacity })),
});

const rows = [row('Cleo', 3, 40, [[1, 4]]), row('Ana', 5, null, [[3, 3]]), row('Ben', 3, 90, [[0, 2], [0, 2]]), row('Sam', 0, null)];
const names = (list: PerformanceLike[]) => list.map((r) => r.agent.name);

describe('sortPerformance', () => {
  it('sorts by name and by figures, ties by name', () => {
    expect(names(sortPerformance(rows, 'name', 'ascending'))).toEqual(['Ana', 'Ben', 'Cleo', 'Sam']);
    expect(names(sortPerformance(rows, 'claims', 'descending'))).toEqual(['Ana', 'Ben', 'Cleo', 'Sam']);
    expect(names(sortPerformance(rows, 'claims', 'ascending'))).toEqual(['Sam', 'Ben', 'Cleo', 'Ana']);
  });

  it('puts missing averages last in both directions', () => {
    expect(names(sortPerformance(rows, 'avgTimeToClaim', 'ascending'))).toEqual(['Cleo', 'Ben', 'Ana', 'Sam']);
    expect(names(sortPerformance(rows, 'avgTimeToClaim', 'descending'))).toEqual(['Ben', 'Cleo', 'Ana', 'Sam']);
  });

  it('sorts load by how full the agent is', () => {
    expect(names(sortPerformance(rows, 'load', 'descending'))).toEqual(['Ana', 'Cleo', 'Ben', 'Sam']);
  });

  it('does not change its input, and starts figures high, names A–Z', () => {
    const copy = [...rows];
    sortPerformance(rows, 'claims', 'ascending');
    expect(rows).toEqual(copy);
    expect(firstDirection('name')).toBe('ascending');
    expect(firstDirection('resolved')).toBe('descending');
  });
});

describe('figures in words', () => {
  it('writes durations', () => {
    expect(duration(null)).toBe('—');
    expect(duration(undefined)).toBe('—');
    expect(duration(44.6)).toBe('45 s');
    expect(duration(200)).toBe('3 min 20 s');
    expect(duration(180)).toBe('3 min');
    expect(duration(7500)).toBe('2 h 5 min');
    expect(duration(7200)).toBe('2 h');
    expect(duration(3 * 86400 + 4 * 3600)).toBe('3 d 4 h');
  });

  it('adds up load and says how full a channel is (R2)', () => {
    expect(loadTotal([{ channel: 'SMS', count: 1, capacity: 3 }, { channel: 'EMAIL', count: 2, capacity: 5 }])).toEqual({ count: 3, capacity: 8 });
    expect(loadLevel(0, 3)).toBe('free');
    expect(loadLevel(4, 5)).toBe('busy');
    expect(loadLevel(3, 3)).toBe('full');
    expect(loadLevel(0, 0)).toBe('full');
  });

  it('scales bars to the largest value', () => {
    expect(barPercent(5, 10)).toBe(50);
    expect(barPercent(0, 10)).toBe(0);
    expect(barPercent(1, 1000)).toBe(2); // still visible
    expect(barPercent(3, 0)).toBe(0);
  });
});

describe('live events', () => {
  it('follows at most 50 types (the server limit)', () => {
    expect(DASHBOARD_EVENTS.length).toBeLessThanOrEqual(50);
    expect(new Set(DASHBOARD_EVENTS).size).toBe(DASHBOARD_EVENTS.length);
  });

  it('knows what each event changes', () => {
    expect(eventTouches('conversation.claimed')).toEqual({ figures: true, roster: false });
    expect(eventTouches('claim.stale')).toEqual({ figures: true, roster: false });
    expect(eventTouches('agent.updated')).toEqual({ figures: true, roster: true });
    expect(eventTouches('team.created')).toEqual({ figures: false, roster: true });
    expect(eventTouches('note.added')).toEqual({ figures: false, roster: false });
  });

  it("reads again on an owner's activity only when it freshens a listed stale claim (C8)", () => {
    expect(eventTouches('message.sent')).toEqual({ figures: false, roster: false });
    expect(eventTouches('lock.acquired', false)).toEqual({ figures: false, roster: false });
    expect(eventTouches('lock.acquired', true)).toEqual({ figures: true, roster: false });
    expect(eventTouches('message.sent', true)).toEqual({ figures: true, roster: false });
    expect(eventTouches('conversation.claimed', false)).toEqual({ figures: true, roster: false });
  });
});

describe('who the tables list', () => {
  const row = (name: string, role: string, load: { channel: string; count: number; capacity: number }[], claims = 0) => ({
    agent: { id: name, name, role },
    claims,
    released: 0,
    resolved: 0,
    load,
  });
  const rows = [
    row('Sam Supervisor', 'SUPERVISOR', []),
    row('Ben Brooks', 'AGENT', [{ channel: 'EMAIL', count: 1, capacity: 5 }]),
    row('Avery Admin', 'SUPER_ADMIN', []),
    row('Ana Alvarez', 'AGENT', [{ channel: 'SMS', count: 0, capacity: 3 }]),
    row('Cleo Chen', 'SUPERVISOR', [{ channel: 'SMS', count: 0, capacity: 3 }]),
    row('Dana New', 'AGENT', []),
    row('Sid Admin', 'ADMIN', [], 2),
  ];

  it('live load: agents with a channel only, by name', () => {
    expect(liveLoadRows(rows).map((r) => r.agent.name)).toEqual(['Ana Alvarez', 'Ben Brooks', 'Cleo Chen']);
  });

  it('performance: no supervisor or admin without a channel and without work', () => {
    expect(performanceRows(rows).map((r) => r.agent.name)).toEqual(['Ben Brooks', 'Ana Alvarez', 'Cleo Chen', 'Dana New', 'Sid Admin']);
  });
});
