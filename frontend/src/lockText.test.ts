import { describe, expect, it } from 'vitest';
import { lockBadge, lockState, readOnlyReason, type ReadOnlyInput } from './lockText';

const ana = { id: '1', name: 'Ana Alvarez', kind: 'HUMAN' };
const bot = { id: '9', name: 'Greeter bot', kind: 'VIRTUAL' };

describe('lockBadge', () => {
  it('says who is replying', () => {
    expect(lockBadge(null, '2')).toBeNull();
    expect(lockBadge({ holder: ana }, '2')).toEqual({ text: 'Ana Alvarez is replying', tone: 'other' });
    expect(lockBadge({ holder: ana }, '1')).toEqual({ text: "You're replying", tone: 'mine' });
    expect(lockBadge({ holder: bot }, '2')?.tone).toBe('bot');
  });
});

describe('readOnlyReason (L4, L5)', () => {
  const base: ReadOnlyInput = {
    viewerCanReply: false,
    status: 'NEW',
    state: 'ACTIVE',
    ownership: 'UNCLAIMED',
    lock: null,
    owner: null,
  };

  it('is null when the viewer can reply', () => {
    expect(readOnlyReason({ ...base, viewerCanReply: true }, '2')).toBeNull();
  });

  it('names the holder and offers Steal', () => {
    expect(readOnlyReason({ ...base, lock: { holder: ana } }, '2')).toEqual({
      message: "Ana Alvarez is replying to this conversation. You're viewing it read-only.",
      steal: 'Steal',
    });
  });

  it('tells an owner whose lock was stolen that they still own it (L5)', () => {
    const ben = { id: '3', name: 'Ben Brooks', kind: 'HUMAN' };
    const r = readOnlyReason({ ...base, ownership: 'CLAIMED_BY_ME', owner: ana, lock: { holder: ben } }, '1');
    expect(r?.message).toBe('Ben Brooks is replying to this conversation. You still own it; steal the lock back to reply.');
    expect(r?.steal).toBe('Steal');
  });

  it('offers a takeover from a bot', () => {
    expect(readOnlyReason({ ...base, lock: { holder: bot }, owner: bot }, '2')?.steal).toBe('Take over');
  });

  it('names the owner when nobody holds the lock', () => {
    const r = readOnlyReason({ ...base, ownership: 'CLAIMED_BY_OTHER', owner: ana }, '2');
    expect(r?.message).toMatch(/^Ana Alvarez owns this conversation/);
    expect(r?.steal).toBe('Steal');
  });

  it('offers nothing on resolved or closed conversations (L1)', () => {
    expect(readOnlyReason({ ...base, status: 'RESOLVED', lock: { holder: ana } }, '2')?.steal).toBeUndefined();
    expect(readOnlyReason({ ...base, state: 'CLOSED' }, '2')?.message).toMatch(/closed/);
  });

  it('offers to open it again when the lock is free', () => {
    expect(readOnlyReason(base, '2')?.reopen).toBe(true);
    const mine = readOnlyReason({ ...base, ownership: 'CLAIMED_BY_ME', owner: ana }, '1');
    expect(mine).toEqual({ message: "It's yours, but you aren't replying to it right now.", reopen: true });
  });
});

describe('lockState', () => {
  it('changes when the lock changes hands or the viewer loses the reply, and only then', () => {
    const ben = { id: '3', name: 'Ben Brooks', kind: 'HUMAN' };
    const mine = lockState({ viewerCanReply: true, lock: { holder: ana } });
    expect(lockState({ viewerCanReply: true, lock: { holder: { ...ana, name: 'Ana A.' } } })).toBe(mine);
    const stolen = lockState({ viewerCanReply: false, lock: { holder: ben } });
    expect(stolen).not.toBe(mine);
    expect(lockState({ viewerCanReply: false, lock: null })).not.toBe(stolen);
    expect(lockState({ viewerCanReply: false, lock: undefined })).toBe(lockState({ viewerCanReply: false, lock: null }));
  });
});
