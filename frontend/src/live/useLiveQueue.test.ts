import { describe, expect, it } from 'vitest';
import { queueWhere } from './useLiveQueue';

describe('queueWhere', () => {
  it('asks for open conversations no human owns (C1: a bot-owned one is unclaimed)', () => {
    expect(queueWhere('unclaimed', '7')).toEqual({
      statusIn: ['NEW', 'PENDING'],
      stateNEQ: 'CLOSED',
      or: [{ hasOwner: false }, { hasOwnerWith: [{ kind: 'VIRTUAL' }] }],
    });
  });

  it("asks for the viewer's open conversations", () => {
    expect(queueWhere('mine', '7')).toEqual({ statusIn: ['NEW', 'PENDING'], stateNEQ: 'CLOSED', hasOwnerWith: [{ id: '7' }] });
  });
});
