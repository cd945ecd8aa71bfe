import { useId, type ReactNode } from 'react';
import { humanize } from '../../format';
import { barPercent } from './figures';

/** An agent's presence: a dot for the eye and the word for everyone. */
export function PresenceLabel({ presence }: { presence: string }) {
  return (
    <span className="presence-label">
      <span aria-hidden="true" className={`presence-dot presence-${presence.toLowerCase()}`} />
      {humanize(presence)}
    </span>
  );
}

interface PanelProps {
  title: string;
  /** One line under the title: what the section shows. */
  description?: ReactNode;
  /** Controls at the right of the title. */
  actions?: ReactNode;
  className?: string;
  children: ReactNode;
  testId?: string;
}

/** A dashboard section: a region named by its heading. */
export function Panel({ title, description, actions, className, children, testId }: PanelProps) {
  const id = useId();
  return (
    <section className={`dash-panel${className ? ` ${className}` : ''}`} aria-labelledby={`${id}-title`} data-testid={testId}>
      <div className="dash-panel-head">
        <div>
          <h2 id={`${id}-title`}>{title}</h2>
          {description ? <p className="muted dash-panel-description">{description}</p> : null}
        </div>
        {actions ? <div className="dash-panel-actions">{actions}</div> : null}
      </div>
      {children}
    </section>
  );
}

/** The result of the last action, read out politely, until dismissed. */
export function Outcome({ text, onDismiss }: { text: string; onDismiss: () => void }) {
  return (
    <div role="status" aria-live="polite" className="dash-outcome">
      {text ? (
        <p className="notice">
          {text}{' '}
          <button type="button" className="link" onClick={onDismiss}>
            Dismiss
          </button>
        </p>
      ) : null}
    </div>
  );
}

export interface BarSeries {
  key: string;
  label: string;
  tone: 'accent' | 'amber' | 'green' | 'red';
}

export interface BarRow {
  id: string;
  label: string;
  values: Readonly<Record<string, number>>;
}

interface BarChartProps {
  title: string;
  rows: readonly BarRow[];
  series: readonly BarSeries[];
  /** The value in words, e.g. "3 claims": every bar is read as text, so the chart needs no other alternative. */
  format: (series: BarSeries, value: number) => string;
  empty: string;
}

/**
 * Horizontal bars drawn with CSS. Each bar is followed by its value in words; the bars themselves
 * are decoration (aria-hidden), so the figure reads as a list of labelled values.
 */
export function BarChart({ title, rows, series, format, empty }: BarChartProps) {
  const id = useId();
  const max = Math.max(0, ...rows.flatMap((r) => series.map((s) => r.values[s.key] ?? 0)));
  return (
    <figure className="chart" aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`} className="chart-title">
        {title}
      </figcaption>
      {series.length > 1 ? (
        <ul className="chart-legend" aria-hidden="true">
          {series.map((s) => (
            <li key={s.key}>
              <span className={`chart-swatch tone-${s.tone}`} />
              {s.label}
            </li>
          ))}
        </ul>
      ) : null}
      {rows.length === 0 || max === 0 ? (
        <p className="muted chart-empty">{empty}</p>
      ) : (
        <ul className="chart-rows">
          {rows.map((r) => (
            <li key={r.id} className="chart-row">
              <span className="chart-label">{r.label}</span>
              <span className="chart-bars">
                {series.map((s) => {
                  const value = r.values[s.key] ?? 0;
                  return (
                    <span key={s.key} className="chart-line">
                      <span className="chart-track" aria-hidden="true">
                        <span className={`chart-bar tone-${s.tone}`} style={{ width: `${barPercent(value, max)}%` }} />
                      </span>
                      <span className="chart-value">{format(s, value)}</span>
                    </span>
                  );
                })}
              </span>
            </li>
          ))}
        </ul>
      )}
    </figure>
  );
}

/** "1 claim", "3 claims". */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
