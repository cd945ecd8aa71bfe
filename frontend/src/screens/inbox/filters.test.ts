import { describe, expect, it } from 'vitest';
import { NO_FILTER, compareQueue, filterCount, isFiltered, matchesFilter, tagOptions } from './filters';

const c = (channel: string, status: string, tags: string[] = []) => ({ channel, status, tags });

describe('inbox filters', () => {
  it('matches on channel, status and tag together', () => {
    const sms = c('SMS', 'NEW', ['billing']);
    expect(matchesFilter(sms, NO_FILTER)).toBe(true);
    expect(matchesFilter(sms, { ...NO_FILTER, channel: 'SMS' })).toBe(true);
    expect(matchesFilter(sms, { ...NO_FILTER, channel: 'EMAIL' })).toBe(false);
    expect(matchesFilter(sms, { channel: 'SMS', status: 'NEW', tag: 'billing' })).toBe(true);
    expect(matchesFilter(sms, { channel: 'SMS', status: 'PENDING', tag: 'billing' })).toBe(false);
    expect(matchesFilter(sms, { ...NO_FILTER, tag: 'tech' })).toBe(false);
    expect(isFiltered(NO_FILTER)).toBe(false);
    expect(isFiltered({ ...NO_FILTER, tag: 'x' })).toBe(true);
    expect(filterCount(NO_FILTER)).toBe(0);
    expect(filterCount({ channel: 'SMS', status: '', tag: 'x' })).toBe(2);
  });

  it('offers the tags in use and keeps the selected one', () => {
    expect(tagOptions([c('SMS', 'NEW', ['b', 'a']), c('SMS', 'NEW', ['a'])])).toEqual(['a', 'b']);
    expect(tagOptions([], 'vip')).toEqual(['vip']);
  });

  it('orders by priority, then newest message', () => {
    const rows = [
      { id: '1', priority: 0, lastMessageAt: '2025-01-01T10:00:00Z' },
      { id: '2', priority: 5, lastMessageAt: '2025-01-01T09:00:00Z' },
      { id: '3', priority: 0, lastMessageAt: '2025-01-01T11:00:00Z' },
    ];
    expect([...rows].sort(compareQueue).map((r) => r.id)).toEqual(['2', '3', '1']);
  });
});
