import { describe, expect, it } from 'vitest';
import { characterCount, counterState, tooLong } from './counter';

describe('counterState', () => {
  it('shows n / max and stays neutral well under the limit', () => {
    expect(counterState('Hello', 10000)).toMatchObject({ count: 5, text: '5 / 10,000', tone: 'ok', over: false, message: '' });
  });

  it('counts characters as the server does: code points of the trimmed text', () => {
    expect(characterCount('  hé 👋  ')).toBe(4);
    expect(counterState('👋'.repeat(5), 5).over).toBe(false);
  });

  it('turns amber from 90 % of the limit and red over it, disabling Send with the limit in words', () => {
    expect(counterState('x'.repeat(89), 100).tone).toBe('ok');
    expect(counterState('x'.repeat(90), 100).tone).toBe('near');
    expect(counterState('x'.repeat(100), 100)).toMatchObject({ tone: 'near', over: false });
    const over = counterState('x'.repeat(5001), 5000);
    expect(over).toMatchObject({ tone: 'over', over: true, text: '5,001 / 5,000' });
    expect(over.message).toBe('Too long: at most 5,000 characters (this one has 5,001). Shorten it to send.');
  });

  it('shows the count alone while the limit is unknown', () => {
    expect(counterState('abc', null)).toMatchObject({ text: '3', over: false, max: null });
  });

  it('words the limit like the server refusal', () => {
    expect(tooLong(10000)).toBe('Too long: at most 10,000 characters');
  });
});
