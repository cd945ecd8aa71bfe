// The first-response SLA countdown (issue 20): Conversation.firstResponseDueAt is when the SLA runs
// out (null: nothing waits for a reply, or ON_HOLD stopped the clock). Every row of every list and
// the conversation's header show it the same way: neutral, amber when at most a quarter of the
// workspace's SLA is left (a minute when the SLA is unknown), red once it has passed.

export type CountdownTone = 'neutral' | 'warning' | 'breach';

export interface Countdown {
  /** What the row shows: "Reply in 3:12", "Overdue 2 min". */
  text: string;
  /** The same for screen readers, in words. */
  label: string;
  tone: CountdownTone;
}

/** When the SLA is unknown, amber starts this long before the breach. */
export const WARNING_FALLBACK_MS = 60_000;

const pad = (n: number) => String(n).padStart(2, '0');

/** A span of whole seconds, short: "3:12" under an hour, "1 h 5 min", "2 d". */
function span(seconds: number, clock: boolean): string {
  if (seconds < 3600) {
    if (clock) return `${Math.floor(seconds / 60)}:${pad(seconds % 60)}`;
    return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min`;
  }
  const hours = Math.floor(seconds / 3600);
  if (hours >= 24) return `${Math.floor(hours / 24)} d`;
  const minutes = Math.floor((seconds % 3600) / 60);
  return minutes ? `${hours} h ${minutes} min` : `${hours} h`;
}

/** The same span in words, for screen readers. */
function spanWords(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  if (seconds < 3600) {
    const m = Math.floor(seconds / 60);
    const s = seconds % 60;
    return `${m} minute${m === 1 ? '' : 's'}${s ? ` ${s} second${s === 1 ? '' : 's'}` : ''}`;
  }
  return span(seconds, false).replace(' h', ' hours').replace(' min', ' minutes').replace(' d', ' days');
}

/**
 * The countdown to dueAt at now (ms since the epoch), or null when nothing is due. slaSeconds is
 * the workspace's slaFirstResponseSeconds, when known: amber at ≤ 25 % of it left.
 */
export function firstResponseCountdown(dueAt: string | null | undefined, now: number, slaSeconds?: number | null): Countdown | null {
  if (!dueAt) return null;
  const due = Date.parse(dueAt);
  if (Number.isNaN(due)) return null;
  const left = due - now;
  if (left > 0) {
    const seconds = Math.ceil(left / 1000);
    const warnMs = slaSeconds && slaSeconds > 0 ? slaSeconds * 250 : WARNING_FALLBACK_MS;
    return {
      text: `Reply in ${span(seconds, true)}`,
      label: `First response due in ${spanWords(seconds)}`,
      tone: left <= warnMs ? 'warning' : 'neutral',
    };
  }
  const over = Math.floor(-left / 1000);
  return { text: `Overdue ${span(over, false)}`, label: `First response overdue by ${spanWords(over)}`, tone: 'breach' };
}
