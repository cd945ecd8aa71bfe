import { describe, expect, it } from 'vitest';
import {
  EMPTY_COMPLETION,
  awaitsHuman,
  completionInput,
  interventionText,
  parseTags,
  takeoverActions,
  validateCompletion,
  type InterventionLike,
  type TakeoverInput,
} from './intervention';

const me = { id: '7', role: 'AGENT' };
const bot = { id: '90', kind: 'VIRTUAL' };
const iv = (status: InterventionLike['status'], by?: string): InterventionLike => ({
  status,
  summary: 'Refund outside policy',
  takenOverBy: by ? { id: by, name: by === '7' ? 'Me' : 'Ben Brooks' } : null,
});
const conv = (over: Partial<TakeoverInput>): TakeoverInput => ({
  status: 'NEW',
  state: 'CREATED',
  ownership: 'UNCLAIMED',
  owner: null,
  intervention: null,
  ...over,
});

describe('the intervention queue (I2, I3)', () => {
  it('holds requested and returned interventions only', () => {
    expect(awaitsHuman({ intervention: iv('REQUESTED') })).toBe(true);
    expect(awaitsHuman({ intervention: iv('RETURNED') })).toBe(true);
    expect(awaitsHuman({ intervention: iv('TAKEN_OVER', '8') })).toBe(false);
    expect(awaitsHuman({ intervention: null })).toBe(false);
    expect(awaitsHuman({})).toBe(false);
  });

  it('words the status for the viewer', () => {
    expect(interventionText(iv('TAKEN_OVER', '7'), '7')).toBe('You took it over');
    expect(interventionText(iv('TAKEN_OVER', '8'), '7')).toBe('Taken over by Ben Brooks');
    expect(interventionText(iv('REQUESTED'), '7')).toBe('The bot asked for a human');
  });
});

describe('takeoverActions (I2–I4)', () => {
  it('offers Take over when a bot owns it or an intervention waits', () => {
    expect(takeoverActions(conv({ owner: bot }), me)).toEqual({ takeOver: true, manage: false });
    expect(takeoverActions(conv({ intervention: iv('REQUESTED') }), me).takeOver).toBe(true); // queued, unowned
    expect(takeoverActions(conv({ intervention: iv('RETURNED') }), me).takeOver).toBe(true);
    expect(takeoverActions(conv({}), me).takeOver).toBe(false); // plain queue: that is a claim
  });

  it('offers nothing on resolved or closed conversations, or ones a human owns', () => {
    expect(takeoverActions(conv({ owner: bot, status: 'RESOLVED' }), me).takeOver).toBe(false);
    expect(takeoverActions(conv({ owner: bot, state: 'CLOSED' }), me).takeOver).toBe(false);
    const other = conv({ ownership: 'CLAIMED_BY_OTHER', owner: { id: '8', kind: 'HUMAN' }, intervention: iv('TAKEN_OVER', '8') });
    expect(takeoverActions(other, me)).toEqual({ takeOver: false, manage: false });
  });

  it("lets the viewer manage their own running takeover, and a supervisor anyone's", () => {
    const mine = conv({ ownership: 'CLAIMED_BY_ME', owner: { id: '7', kind: 'HUMAN' }, intervention: iv('TAKEN_OVER', '7') });
    expect(takeoverActions(mine, me)).toEqual({ takeOver: false, manage: true });
    const bens = conv({ ownership: 'CLAIMED_BY_OTHER', owner: { id: '8', kind: 'HUMAN' }, intervention: iv('TAKEN_OVER', '8') });
    expect(takeoverActions(bens, { id: '1', role: 'SUPERVISOR' }).manage).toBe(true);
    // A plain claim (no takeover recorded) has nothing to cancel or complete.
    expect(takeoverActions({ ...mine, intervention: null }, me).manage).toBe(false);
  });
});

describe('the complete-takeover form (I4)', () => {
  it('parses comma-separated tags: trimmed, lower case, no repeats or empties', () => {
    expect(parseTags(' Refund, billing,,refund , #VIP ')).toEqual(['refund', 'billing', 'vip']);
    expect(parseTags('')).toEqual([]);
  });

  it('requires topic and outcome, and keeps to the limits', () => {
    expect(validateCompletion(EMPTY_COMPLETION)).toEqual({
      topic: expect.stringMatching(/topic/),
      outcome: expect.stringMatching(/outcome/),
    });
    expect(validateCompletion({ ...EMPTY_COMPLETION, topic: '  ', outcome: 'Refunded' })).toHaveProperty('topic');
    expect(validateCompletion({ ...EMPTY_COMPLETION, topic: 'Refund', outcome: 'Refunded' })).toEqual({});
    const long = 'x'.repeat(201);
    expect(validateCompletion({ topic: long, outcome: 'ok', tags: '', block: long })).toEqual({
      topic: expect.stringMatching(/200/),
      block: expect.stringMatching(/200/),
    });
    expect(validateCompletion({ topic: 'a', outcome: 'b', tags: 'y'.repeat(65), block: '' })).toHaveProperty('tags');
  });

  it('sends trimmed values, tags as a list and no block when empty', () => {
    expect(completionInput({ topic: ' Refund ', outcome: 'Refunded order 4471', tags: 'refund, billing', block: ' ' })).toEqual({
      topic: 'Refund',
      outcome: 'Refunded order 4471',
      tags: ['refund', 'billing'],
      block: null,
    });
    expect(completionInput({ topic: 'a', outcome: 'b', tags: '', block: 'survey' }).block).toBe('survey');
  });
});
