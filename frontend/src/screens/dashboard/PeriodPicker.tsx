import { useId, useState, type FormEvent } from 'react';
import { LAST_30_DAYS, LAST_7_DAYS, dateValue, rangeProblem, type Period } from './period';

interface PeriodPickerProps {
  period: Period;
  onChange: (period: Period) => void;
}

type Choice = '7' | '30' | 'range';

function choiceOf(period: Period): Choice {
  if (period.kind === 'range') return 'range';
  return period.days === 30 ? '30' : '7';
}

/** 7 days, 30 days, or a range of days (SPEC §8); a range applies when it is complete and valid. */
export function PeriodPicker({ period, onChange }: PeriodPickerProps) {
  const id = useId();
  const [choice, setChoice] = useState<Choice>(choiceOf(period));
  const today = dateValue(new Date());
  const weekAgo = dateValue(new Date(Date.now() - 6 * 86_400_000));
  const [from, setFrom] = useState(period.kind === 'range' ? period.from : weekAgo);
  const [to, setTo] = useState(period.kind === 'range' ? period.to : today);
  const [problem, setProblem] = useState('');

  const pick = (next: Choice) => {
    setChoice(next);
    setProblem('');
    if (next === '7') onChange(LAST_7_DAYS);
    if (next === '30') onChange(LAST_30_DAYS);
  };

  const apply = (event: FormEvent) => {
    event.preventDefault();
    const wrong = rangeProblem(from, to, new Date());
    setProblem(wrong);
    if (!wrong) onChange({ kind: 'range', from, to });
  };

  return (
    <form className="period-picker" onSubmit={apply}>
      <fieldset className="period-choice">
        <legend>Period</legend>
        {(
          [
            ['7', 'Last 7 days'],
            ['30', 'Last 30 days'],
            ['range', 'Date range'],
          ] as const
        ).map(([value, label]) => (
          <label key={value}>
            <input type="radio" name={`${id}-period`} value={value} checked={choice === value} onChange={() => pick(value)} />
            {label}
          </label>
        ))}
      </fieldset>
      {choice === 'range' ? (
        <div className="period-range">
          <label>
            <span>From</span>
            <input
              type="date"
              value={from}
              max={today}
              onChange={(e) => setFrom(e.target.value)}
              aria-invalid={problem ? true : undefined}
              aria-describedby={problem ? `${id}-problem` : undefined}
              required
            />
          </label>
          <label>
            <span>To</span>
            <input
              type="date"
              value={to}
              onChange={(e) => setTo(e.target.value)}
              aria-invalid={problem ? true : undefined}
              aria-describedby={problem ? `${id}-problem` : undefined}
              required
            />
          </label>
          <button type="submit" className="small">
            Show
          </button>
        </div>
      ) : null}
      <p id={`${id}-problem`} role="alert" className={problem ? 'field-error' : 'visually-hidden'}>
        {problem}
      </p>
    </form>
  );
}
