import { firstResponseCountdown } from '../countdown';
import { useDesk } from '../desk';
import { fullTime } from '../format';
import { useSecond } from '../useSecond';

/**
 * The first-response SLA countdown ("Reply in 3:12", "Overdue 2 min"): neutral, amber near the
 * breach, red past it; nothing when no reply is due. Ticks with the one shared clock.
 */
export function Countdown({ dueAt }: { dueAt: string | null | undefined }) {
  const now = useSecond();
  const { slaSeconds } = useDesk();
  const c = firstResponseCountdown(dueAt, now, slaSeconds);
  if (!c || !dueAt) return null;
  return (
    <span className={`countdown countdown-${c.tone}`} data-testid="countdown" data-tone={c.tone} title={`First response due ${fullTime(dueAt)}`}>
      <span aria-hidden="true">{c.text}</span>
      <span className="visually-hidden">{c.label}</span>
    </span>
  );
}
