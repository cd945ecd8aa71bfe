// The dashboard's period (SPEC §8: 7 or 30 days, or any range) and the query variables it means.
// Ranges are whole days in the viewer's time zone, both ends included.

export type Period = { kind: 'days'; days: number } | { kind: 'range'; from: string; to: string };

export const LAST_7_DAYS: Period = { kind: 'days', days: 7 };
export const LAST_30_DAYS: Period = { kind: 'days', days: 30 };

export interface PeriodVariables {
  /** agentPerformance: days, or from and to. */
  days?: number;
  from?: string;
  to?: string;
  /** queueStats takes only from and to: the same period as times. */
  queueFrom: string;
  queueTo?: string;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Local midnight at the start of a YYYY-MM-DD date; null when it is no date. */
export function startOfDate(value: string): Date | null {
  const m = DATE.exec(value);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(year, month - 1, day);
  if (date.getFullYear() !== year || date.getMonth() !== month - 1 || date.getDate() !== day) return null;
  return date;
}

/** The YYYY-MM-DD of a date in the viewer's time zone (for date inputs). */
export function dateValue(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** What is wrong with a range, as a sentence; '' when nothing is. */
export function rangeProblem(from: string, to: string, now: Date): string {
  const start = startOfDate(from);
  const end = startOfDate(to);
  if (!from || !to) return 'Enter both dates of the range.';
  if (!start || !end) return 'Enter the dates as year, month and day.';
  if (start > end) return 'The first day must not be after the last day.';
  if (start > now) return 'The range must start today or earlier.';
  return '';
}

/**
 * The variables of a period, now. A range runs from the first day's midnight to the midnight
 * after the last day, or to now when that is later than now.
 */
export function periodVariables(period: Period, now: Date): PeriodVariables {
  if (period.kind === 'days') {
    const from = new Date(now.getTime() - period.days * 24 * 60 * 60 * 1000);
    return { days: period.days, queueFrom: from.toISOString() };
  }
  const start = startOfDate(period.from) ?? now;
  const afterLast = startOfDate(period.to) ?? now;
  afterLast.setDate(afterLast.getDate() + 1);
  const end = afterLast > now ? now : afterLast;
  const from = start.toISOString();
  const to = end.toISOString();
  return { from, to, queueFrom: from, queueTo: to };
}

/** The period in words: "the last 7 days", "1 Nov 2026 – 23 Nov 2026". */
export function describePeriod(period: Period, locale?: string): string {
  if (period.kind === 'days') return `the last ${period.days} days`;
  const format = (value: string) => {
    const date = startOfDate(value);
    return date ? new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(date) : value;
  };
  return period.from === period.to ? format(period.from) : `${format(period.from)} – ${format(period.to)}`;
}
