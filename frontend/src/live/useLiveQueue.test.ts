import { describe, expect, it } from 'vitest';
import { queueWhere } from './useLiveQueue';

describe('queueWhere', () => {
  it('asks for open conversations no human owns (C1: a bot-owned one is unclaimed)', () => {
    expect(queueWhere('unclaimed')).toEqual({
      statusIn: ['NEW', 'PENDING'],
      stateNEQ: 'CLOSED',
      or: [{ hasOwner: false }, { hasOwnerWith: [{ kind: 'VIRTUAL' }] }],
    });
  });
});
