import { describe, expect, it } from 'vitest';
import { checkSearch, matchCount, searchWhere, SEARCH_COUNT_CAP } from './search';
import { NO_FILTER } from './screens/inbox/filters';

describe('checkSearch', () => {
  it('sends the trimmed text', () => {
    expect(checkSearch('  refund 4471 ')).toEqual({ ok: true, text: 'refund 4471' });
    expect(checkSearch('café')).toEqual({ ok: true, text: 'café' });
    expect(checkSearch('+1 (555)')).toEqual({ ok: true, text: '+1 (555)' });
  });

  it('is no search when empty', () => {
    expect(checkSearch('   ')).toEqual({ ok: false, empty: true, problem: '' });
  });

  it('refuses what the server would (BAD_USER_INPUT): no letter or digit, too long', () => {
    expect(checkSearch('?!-')).toEqual({ ok: false, empty: false, problem: 'Type a letter or a number to search.' });
    expect(checkSearch('a'.repeat(201))).toEqual({ ok: false, empty: false, problem: 'Search for at most 200 characters.' });
    expect(checkSearch('a'.repeat(20), 10).ok).toBe(false);
  });
});

describe('searchWhere', () => {
  it("passes the inbox's channel and status filters to the server", () => {
    expect(searchWhere(NO_FILTER)).toEqual({});
    expect(searchWhere({ channel: 'SMS', status: 'PENDING', tag: 'billing' })).toEqual({ channel: 'SMS', status: 'PENDING' });
  });
});

describe('matchCount', () => {
  it('says the count, and "1,000+" from the server’s cap on', () => {
    expect(matchCount(0)).toBe('0');
    expect(matchCount(1)).toBe('1');
    expect(matchCount(SEARCH_COUNT_CAP - 1)).toBe('999');
    expect(matchCount(SEARCH_COUNT_CAP)).toBe('1,000+');
  });
});
