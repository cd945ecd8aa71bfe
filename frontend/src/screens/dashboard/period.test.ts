import { describe, expect, it } from 'vitest';
import { LAST_30_DAYS, LAST_7_DAYS, dateValue, describePeriod, periodVariables, rangeProblem, startOfDate } from './period';

const now = new Date(2026, 10, 23, 15, 30); // 23 Nov 2026, 15:30 local

describe('periodVariables', () => {
  it('asks agentPerformance for days and queueStats from that many days ago', () => {
    const v = periodVariables(LAST_7_DAYS, now);
    expect(v.days).toBe(7);
    expect(v.from).toBeUndefined();
    expect(new Date(v.queueFrom).getTime()).toBe(now.getTime() - 7 * 86_400_000);
    expect(periodVariables(LAST_30_DAYS, now).days).toBe(30);
  });

  it('turns a range of days into midnight to the midnight after the last day', () => {
    const v = periodVariables({ kind: 'range', from: '2026-11-01', to: '2026-11-10' }, now);
    expect(v.days).toBeUndefined();
    expect(new Date(v.from!)).toEqual(new Date(2026, 10, 1));
    expect(new Date(v.to!)).toEqual(new Date(2026, 10, 11));
    expect(v.queueFrom).toBe(v.from);
    expect(v.queueTo).toBe(v.to);
  });

  it('ends a range that includes today now', () => {
    const v = periodVariables({ kind: 'range', from: '2026-11-23', to: '2026-11-23' }, now);
    expect(new Date(v.from!)).toEqual(new Date(2026, 10, 23));
    expect(new Date(v.to!)).toEqual(now);
  });
});

describe('rangeProblem', () => {
  it('accepts a range of past days, one day included', () => {
    expect(rangeProblem('2026-11-01', '2026-11-10', now)).toBe('');
    expect(rangeProblem('2026-11-23', '2026-11-23', now)).toBe('');
  });

  it('explains what is wrong', () => {
    expect(rangeProblem('', '2026-11-10', now)).toBe('Enter both dates of the range.');
    expect(rangeProblem('2026-02-30', '2026-03-01', now)).toBe('Enter the dates as year, month and day.');
    expect(rangeProblem('2026-11-10', '2026-11-01', now)).toBe('The first day must not be after the last day.');
    expect(rangeProblem('2026-12-01', '2026-12-02', now)).toBe('The range must start today or earlier.');
  });
});

describe('dates', () => {
  it('reads and writes date inputs in local time', () => {
    expect(startOfDate('2026-11-05')).toEqual(new Date(2026, 10, 5));
    expect(startOfDate('nope')).toBeNull();
    expect(dateValue(new Date(2026, 0, 9, 23, 59))).toBe('2026-01-09');
  });

  it('describes a period', () => {
    expect(describePeriod(LAST_7_DAYS)).toBe('the last 7 days');
    expect(describePeriod({ kind: 'range', from: '2026-11-01', to: '2026-11-10' }, 'en-GB')).toBe('1 Nov 2026 – 10 Nov 2026');
    expect(describePeriod({ kind: 'range', from: '2026-11-01', to: '2026-11-01' }, 'en-GB')).toBe('1 Nov 2026');
  });
});
