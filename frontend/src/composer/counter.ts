// The composer's character counter (issue 20): the server's limits (Query.limits: messageMaxLength
// for replies, noteMaxLength for notes) shown before sending. The server counts characters (code
// points) of the trimmed text, and so does this.

export type CounterTone = 'ok' | 'near' | 'over';

export interface CounterState {
  count: number;
  max: number | null;
  /** "120 / 10,000" ("120" while the limit is not known yet). */
  text: string;
  tone: CounterTone;
  /** Over the limit: Send is disabled. */
  over: boolean;
  /** Why Send is disabled, or ''. */
  message: string;
}

/** From this share of the limit the counter turns amber. */
export const NEAR_SHARE = 0.9;

const number = new Intl.NumberFormat('en-US');

/** The characters of text as the server counts them. */
export function characterCount(text: string): number {
  return [...text.trim()].length;
}

/** "Too long: at most 10,000 characters" — the same words for the counter and the server's refusal. */
export function tooLong(max: number): string {
  return `Too long: at most ${number.format(max)} characters`;
}

export function counterState(text: string, max: number | null | undefined): CounterState {
  const count = characterCount(text);
  if (!max || max <= 0) return { count, max: null, text: number.format(count), tone: 'ok', over: false, message: '' };
  const over = count > max;
  const tone: CounterTone = over ? 'over' : count >= max * NEAR_SHARE ? 'near' : 'ok';
  return {
    count,
    max,
    text: `${number.format(count)} / ${number.format(max)}`,
    tone,
    over,
    message: over ? `${tooLong(max)} (this one has ${number.format(count)}). Shorten it to send.` : '',
  };
}
