import { describe, expect, it } from 'vitest';
import { idleWords, watchIdle, type IdleClock } from './idle';

/** A clock that moves only when told to, running the timers that come due. */
function fakeClock() {
  let now = 0;
  let nextId = 1;
  const timers = new Map<number, { at: number; run: () => void }>();
  const clock: IdleClock = {
    now: () => now,
    setTimeout: (run, ms) => {
      const id = nextId++;
      timers.set(id, { at: now + ms, run });
      return id;
    },
    clearTimeout: (id) => void timers.delete(id as number),
  };
  const advance = (ms: number) => {
    const end = now + ms;
    for (;;) {
      const due = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      timers.delete(due[0]);
      now = due[1].at;
      due[1].run();
    }
    now = end;
  };
  return { clock, advance, pending: () => timers.size };
}

describe('watchIdle', () => {
  it('calls onIdle once after the timeout without activity', () => {
    const { clock, advance } = fakeClock();
    let idle = 0;
    watchIdle(600_000, () => idle++, clock);
    advance(599_999);
    expect(idle).toBe(0);
    advance(1);
    expect(idle).toBe(1);
    advance(10 * 600_000);
    expect(idle).toBe(1);
  });

  it('starts again from each activity, with one timer', () => {
    const { clock, advance, pending } = fakeClock();
    let idle = 0;
    const w = watchIdle(1000, () => idle++, clock);
    for (let i = 0; i < 5; i++) {
      advance(900);
      w.activity();
      expect(pending()).toBe(1);
    }
    expect(idle).toBe(0);
    advance(999);
    expect(idle).toBe(0);
    advance(1);
    expect(idle).toBe(1);
  });

  it('fires again only after new activity and another full timeout', () => {
    const { clock, advance } = fakeClock();
    let idle = 0;
    const w = watchIdle(1000, () => idle++, clock);
    advance(1000);
    w.activity();
    advance(999);
    expect(idle).toBe(1);
    advance(1);
    expect(idle).toBe(2);
  });

  it('does nothing once stopped', () => {
    const { clock, advance, pending } = fakeClock();
    let idle = 0;
    const w = watchIdle(1000, () => idle++, clock);
    w.stop();
    expect(pending()).toBe(0);
    w.activity();
    advance(5000);
    expect(idle).toBe(0);
  });
});

describe('idleWords', () => {
  it('says the idle time as the notice does', () => {
    expect(idleWords(600)).toBe('10 min');
    expect(idleWords(3600)).toBe('1 h');
    expect(idleWords(45)).toBe('45 s');
    expect(idleWords(5400)).toBe('90 min');
  });
});
