// How a lock reads on screen (L1–L8): who is replying right now.

export interface LockLike {
  holder: { id: string; name: string; kind: string };
}

export type LockTone = 'mine' | 'other' | 'bot';

/** The badge for a lock, or null when nobody holds it. */
export function lockBadge(lock: LockLike | null | undefined, viewerId: string): { text: string; tone: LockTone } | null {
  if (!lock) return null;
  if (lock.holder.id === viewerId) return { text: "You're replying", tone: 'mine' };
  if (lock.holder.kind === 'VIRTUAL') return { text: `${lock.holder.name} (bot) is handling it`, tone: 'bot' };
  return { text: `${lock.holder.name} is replying`, tone: 'other' };
}

export interface ReadOnlyInput {
  viewerCanReply: boolean;
  status: string;
  state: string;
  ownership: string;
  lock: LockLike | null | undefined;
  owner: { id: string; name: string; kind: string } | null | undefined;
}

export interface ReadOnlyReason {
  message: string;
  /** What the Steal button says, when stealing is what would let the viewer reply (L5). */
  steal?: 'Steal' | 'Take over';
  /** Opening it again would give the viewer the lock (it is free now). */
  reopen?: boolean;
}

/** Why the viewer cannot reply (L4), and what would let them; null when they can. */
export function readOnlyReason(c: ReadOnlyInput, viewerId: string): ReadOnlyReason | null {
  if (c.viewerCanReply) return null;
  if (c.state === 'CLOSED') return { message: 'This conversation is closed. It is read-only.' };
  if (c.status === 'RESOLVED') return { message: 'This conversation is resolved. It is read-only until the customer writes again.' };
  const holder = c.lock?.holder;
  if (holder && holder.id !== viewerId) {
    if (holder.kind === 'VIRTUAL') {
      return { message: `${holder.name} (bot) is handling this conversation. You're viewing it read-only.`, steal: 'Take over' };
    }
    // L5: a steal moves the lock, not ownership; the robbed owner still owns it.
    if (c.ownership === 'CLAIMED_BY_ME') {
      return { message: `${holder.name} is replying to this conversation. You still own it; steal the lock back to reply.`, steal: 'Steal' };
    }
    return { message: `${holder.name} is replying to this conversation. You're viewing it read-only.`, steal: 'Steal' };
  }
  if (c.ownership === 'CLAIMED_BY_OTHER' && c.owner) {
    return { message: `${c.owner.name} owns this conversation. You're viewing it read-only.`, steal: 'Steal' };
  }
  if (c.ownership === 'CLAIMED_BY_ME') {
    return { message: "It's yours, but you aren't replying to it right now.", reopen: true };
  }
  return { message: 'Nobody is replying to this conversation right now.', reopen: true };
}

/**
 * The viewer's lock situation on a conversation: who holds the lock and whether the viewer may
 * reply. An error shown under one situation is stale under the next (a failed send before a steal
 * says nothing true after it), so the conversation view clears its error when this changes.
 */
export function lockState(c: { viewerCanReply: boolean; lock: LockLike | null | undefined }): string {
  return `${c.lock?.holder.id ?? 'nobody'}:${c.viewerCanReply ? 'replies' : 'reads'}`;
}
