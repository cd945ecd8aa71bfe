import { describe, expect, it } from 'vitest';
import { cannedFormProblems, cannedTokenAt, insertAt, moveSuggestion, normalShortcut, replaceToken } from './canned';

describe('cannedTokenAt', () => {
  it('finds the #token the caret is in, lower-cased', () => {
    expect(cannedTokenAt('#thanks', 7)).toEqual({ start: 0, end: 7, query: 'thanks' });
    expect(cannedTokenAt('Hi #Ref', 7)).toEqual({ start: 3, end: 7, query: 'ref' });
    expect(cannedTokenAt('Hi #refund-policy and more', 10)).toEqual({ start: 3, end: 17, query: 'refund-policy' });
    expect(cannedTokenAt('line one\n#sig', 13)).toEqual({ start: 9, end: 13, query: 'sig' });
    expect(cannedTokenAt('(#thanks', 8)).toEqual({ start: 1, end: 8, query: 'thanks' });
  });

  it('needs a letter after the #, at a word start', () => {
    expect(cannedTokenAt('#', 1)).toBeNull();
    expect(cannedTokenAt('order #4471', 11)).toBeNull();
    expect(cannedTokenAt('a#b', 3)).toBeNull();
    expect(cannedTokenAt('no token here', 5)).toBeNull();
    expect(cannedTokenAt('#thanks done', 12)).toBeNull();
    expect(cannedTokenAt('text', 9)).toBeNull();
  });
});

describe('replaceToken', () => {
  it('replaces the #token and puts the caret after the insertion', () => {
    const text = 'Hi #tha, bye';
    const token = cannedTokenAt(text, 7)!;
    expect(replaceToken(text, token, 'Thanks, Maria!')).toEqual({ text: 'Hi Thanks, Maria!, bye', caret: 17 });
  });
});

describe('insertAt', () => {
  it('inserts at the caret, spaced from the word before', () => {
    expect(insertAt('', 0, 'Hello')).toEqual({ text: 'Hello', caret: 5 });
    expect(insertAt('Dear', 4, 'Hello')).toEqual({ text: 'Dear Hello', caret: 10 });
    expect(insertAt('Dear ', 5, 'Hello')).toEqual({ text: 'Dear Hello', caret: 10 });
  });
});

describe('moveSuggestion', () => {
  it('wraps around the list', () => {
    expect(moveSuggestion(-1, 3, 1)).toBe(0);
    expect(moveSuggestion(-1, 3, -1)).toBe(2);
    expect(moveSuggestion(2, 3, 1)).toBe(0);
    expect(moveSuggestion(0, 3, -1)).toBe(2);
    expect(moveSuggestion(0, 0, 1)).toBe(-1);
  });
});

describe('cannedFormProblems', () => {
  it('accepts a shortcut typed with # or capitals, as the server stores it', () => {
    expect(normalShortcut(' #Thanks ')).toBe('thanks');
    expect(cannedFormProblems({ shortcut: '#Refund-policy', title: 'Refunds', text: 'Hi {{customer.firstName}}' })).toEqual({});
  });

  it('says what the server would refuse', () => {
    const p = cannedFormProblems({ shortcut: 'two words', title: ' ', text: 'x'.repeat(11) }, 10);
    expect(p.shortcut).toMatch(/lower-case letters/);
    expect(p.title).toMatch(/title/);
    expect(p.text).toBe('Too long: at most 10 characters.');
    expect(cannedFormProblems({ shortcut: '', title: 't', text: '' }).text).toBe('Write the response.');
  });
});
