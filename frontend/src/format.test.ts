import { describe, expect, it } from 'vitest';
import { channelName, elapsed, handleParts, humanize, shortTime } from './format';

describe('format', () => {
  it('turns enum values into words', () => {
    expect(humanize('SUPER_ADMIN')).toBe('Super admin');
    expect(humanize('ON_HOLD')).toBe('On hold');
    expect(humanize('NEW')).toBe('New');
    expect(channelName('WHATSAPP')).toBe('WhatsApp');
    expect(channelName('LIVE_CHAT')).toBe('Live chat');
    expect(channelName('CARRIER_PIGEON')).toBe('Carrier pigeon');
  });

  it('shortens times relative to now', () => {
    const now = new Date(2025, 5, 15, 14, 30);
    expect(shortTime(new Date(2025, 5, 15, 9, 5).toISOString(), now, 'en-GB')).toBe('09:05');
    expect(shortTime(new Date(2025, 5, 14, 23, 59).toISOString(), now, 'en-GB')).toBe('Yesterday');
    expect(shortTime(new Date(2025, 2, 3, 8, 0).toISOString(), now, 'en-GB')).toBe('3 Mar');
    expect(shortTime(new Date(2023, 0, 9).toISOString(), now, 'en-GB')).toBe('9 Jan 2023');
    expect(shortTime('not a time', now)).toBe('');
  });

  it('says how long something has waited', () => {
    const now = new Date(2025, 5, 15, 14, 30);
    const ago = (min: number) => new Date(now.getTime() - min * 60_000).toISOString();
    expect(elapsed(ago(0), now)).toBe('just now');
    expect(elapsed(ago(5), now)).toBe('5 min');
    expect(elapsed(ago(120), now)).toBe('2 h');
    expect(elapsed(ago(125), now)).toBe('2 h 5 min');
    expect(elapsed(ago(3 * 24 * 60), now)).toBe('3 d');
    expect(elapsed('nope', now)).toBe('');
  });

  it('never breaks a phone number, and breaks an email only between its words', () => {
    expect(handleParts('+15550100')).toEqual(['+15550100']);
    expect(handleParts('+1 (555) 010-0123')).toEqual(['+1 (555) 010-0123']);
    expect(handleParts('+44.7700.900123')).toEqual(['+44.7700.900123']);
    expect(handleParts('chat-91bc')).toEqual(['chat-91bc']);
    expect(handleParts('chen.wei@example.net')).toEqual(['chen.', 'wei@', 'example.', 'net']);
    expect(handleParts('ig-sofia.r').join('')).toBe('ig-sofia.r');
    for (const h of ['a@b.c', 'x..y', 'john@', '@x']) expect(handleParts(h).join('')).toBe(h);
  });
});
