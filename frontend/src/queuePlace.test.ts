import { describe, expect, it } from 'vitest';
import { queuePlaceLabel, queuePlaceText, waitText, withPlace } from './queuePlace';

describe('queue place (SPEC §12)', () => {
  it.each([
    [0, 'under 1 min'],
    [59, 'under 1 min'],
    [60, '~1 min'],
    [130, '~2 min'],
    [3599, '~1 h'],
    [3900, '~1 h 5 min'],
    [3 * 3600, '~3 h'],
    [12 * 3600 + 600, '~12 h'],
  ])('words a wait of %i s as %s', (seconds, text) => {
    expect(waitText(seconds)).toBe(text);
  });

  it('reads "#3 in line · ~2 min", without the wait when there is no estimate', () => {
    expect(queuePlaceText({ position: 3, expectedWaitSeconds: 120 })).toBe('#3 in line · ~2 min');
    expect(queuePlaceText({ position: 1, expectedWaitSeconds: null })).toBe('#1 in line');
    expect(queuePlaceText(null)).toBe('');
    expect(queuePlaceLabel({ position: 2, expectedWaitSeconds: 300 })).toBe(
      'Number 2 in line on its channel; expected wait about 5 min.',
    );
    expect(queuePlaceLabel({ position: 2 })).toMatch(/no estimate yet/);
  });

  it('takes a later reading of the places unless the row changed since', () => {
    const row = { id: '1', version: 4, queuePosition: { position: 5, expectedWaitSeconds: 600 } };
    const readings = new Map([['1', { version: 4, queuePosition: { position: 2, expectedWaitSeconds: 240 } }]]);
    expect(withPlace(row, readings).queuePosition).toEqual({ position: 2, expectedWaitSeconds: 240 });
    expect(withPlace({ ...row, version: 5 }, readings)).toEqual({ ...row, version: 5 }); // the row is newer
    expect(withPlace(row, new Map())).toBe(row);
    const left = new Map([['1', { version: 4, queuePosition: null }]]);
    expect(withPlace(row, left).queuePosition).toBeNull(); // assigned meanwhile: no place
    const same = new Map([['1', { version: 4, queuePosition: { position: 5, expectedWaitSeconds: 600 } }]]);
    expect(withPlace(row, same)).toBe(row); // unchanged: the same object, no re-render
  });
});
