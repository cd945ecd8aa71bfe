import { lockBadge, type LockLike } from '../lockText';

/** "Ana Alvarez is replying": who holds a conversation's lock, live. */
export function LockBadge({ lock, viewerId }: { lock: LockLike | null | undefined; viewerId: string }) {
  const badge = lockBadge(lock, viewerId);
  if (!badge) return null;
  return (
    <span className={`badge lock-badge lock-${badge.tone}`} data-testid="lock-badge">
      <span aria-hidden="true" className="lock-dot" />
      {badge.text}
    </span>
  );
}
