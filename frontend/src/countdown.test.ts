import { describe, expect, it } from 'vitest';
import { firstResponseCountdown } from './countdown';

const due = '2026-01-01T12:00:00.000Z';
const at = (msBefore: number) => Date.parse(due) - msBefore;

describe('firstResponseCountdown', () => {
  it('is null when nothing waits (no due time, or ON_HOLD stopped the clock)', () => {
    expect(firstResponseCountdown(null, Date.now(), 300)).toBeNull();
    expect(firstResponseCountdown(undefined, Date.now())).toBeNull();
    expect(firstResponseCountdown('not a time', Date.now())).toBeNull();
  });

  it('counts down in minutes and seconds under an hour', () => {
    expect(firstResponseCountdown(due, at(192_000), 300)).toMatchObject({ text: 'Reply in 3:12', tone: 'neutral' });
    expect(firstResponseCountdown(due, at(5_000), 300)?.text).toBe('Reply in 0:05');
    // a part of a second left still reads as a second, never "0:00"
    expect(firstResponseCountdown(due, at(400), 300)?.text).toBe('Reply in 0:01');
    expect(firstResponseCountdown(due, at(192_000), 300)?.label).toBe('First response due in 3 minutes 12 seconds');
  });

  it('reads hours and days for long SLAs', () => {
    expect(firstResponseCountdown(due, at(3_900_000), 7200)?.text).toBe('Reply in 1 h 5 min');
    expect(firstResponseCountdown(due, at(2 * 86_400_000), 604800)?.text).toBe('Reply in 2 d');
  });

  it('turns amber at 25 % of the SLA left, or a minute when the SLA is unknown', () => {
    expect(firstResponseCountdown(due, at(76_000), 300)?.tone).toBe('neutral');
    expect(firstResponseCountdown(due, at(75_000), 300)?.tone).toBe('warning');
    expect(firstResponseCountdown(due, at(61_000))?.tone).toBe('neutral');
    expect(firstResponseCountdown(due, at(60_000), null)?.tone).toBe('warning');
    expect(firstResponseCountdown(due, at(60_000), 0)?.tone).toBe('warning');
  });

  it('is red and says by how much once the SLA has passed', () => {
    expect(firstResponseCountdown(due, at(0), 300)).toMatchObject({ text: 'Overdue 0 s', tone: 'breach' });
    expect(firstResponseCountdown(due, at(-45_000), 300)?.text).toBe('Overdue 45 s');
    expect(firstResponseCountdown(due, at(-125_000), 300)).toMatchObject({ text: 'Overdue 2 min', label: 'First response overdue by 2 minutes 5 seconds' });
    expect(firstResponseCountdown(due, at(-3_720_000), 300)?.text).toBe('Overdue 1 h 2 min');
  });
});
