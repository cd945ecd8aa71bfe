import { lockBadge, type LockLike } from '../lockText';

/**
 * "Ana Alvarez is replying": who holds a conversation's lock, live. compact (list rows) shows a
 * bot's as "Greeter bot (bot)", the rest of the sentence for screen readers only.
 */
export function LockBadge({ lock, viewerId, compact = false }: { lock: LockLike | null | undefined; viewerId: string; compact?: boolean }) {
  const badge = lockBadge(lock, viewerId);
  if (!badge) return null;
  const short = compact && badge.tone === 'bot' && lock ? `${lock.holder.name} (bot)` : null;
  return (
    <span className={`badge lock-badge lock-${badge.tone}`} data-testid="lock-badge" title={short ? badge.text : undefined}>
      <span aria-hidden="true" className="lock-dot" />
      {short ? (
        <>
          {short}
          <span className="visually-hidden">{badge.text.slice(short.length)}</span>
        </>
      ) : (
        badge.text
      )}
    </span>
  );
}
