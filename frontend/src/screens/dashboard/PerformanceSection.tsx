import { useState, type ReactNode } from 'react';
import { duration, firstDirection, loadTotal, sortPerformance, type PerformanceKey, type SortDirection } from './figures';
import { BarChart, Panel, PresenceLabel, count } from './parts';
import type { Figures } from './useDashboard';

type Row = Figures['agentPerformance'][number];

const COLUMNS: ReadonlyArray<{ key: PerformanceKey; label: string; numeric: boolean }> = [
  { key: 'name', label: 'Agent', numeric: false },
  { key: 'claims', label: 'Claims', numeric: true },
  { key: 'avgTimeToClaim', label: 'Avg. time to claim', numeric: true },
  { key: 'avgFirstResponse', label: 'Avg. first response', numeric: true },
  { key: 'released', label: 'Released', numeric: true },
  { key: 'resolved', label: 'Resolved', numeric: true },
  { key: 'load', label: 'Load now', numeric: true },
];

interface PerformanceSectionProps {
  rows: readonly Row[] | null;
  /** The period in words ("the last 7 days"). */
  period: string;
  /** The figures shown are for another period than the one picked (the new ones are loading). */
  stale: boolean;
}

/** Per agent over the period (SPEC §8): claims, time to claim, first response, released vs resolved, load now. */
export function PerformanceSection({ rows, period, stale }: PerformanceSectionProps) {
  const [sort, setSort] = useState<{ key: PerformanceKey; direction: SortDirection }>({ key: 'claims', direction: 'descending' });
  const sorted = rows ? sortPerformance(rows, sort.key, sort.direction) : [];

  const sortBy = (key: PerformanceKey) =>
    setSort((s) =>
      s.key === key ? { key, direction: s.direction === 'ascending' ? 'descending' : 'ascending' } : { key, direction: firstDirection(key) },
    );

  const cell = (r: Row, key: PerformanceKey): ReactNode => {
    switch (key) {
      case 'name':
        return null;
      case 'claims':
        return r.claims;
      case 'avgTimeToClaim':
        return duration(r.avgTimeToClaimSeconds);
      case 'avgFirstResponse':
        return duration(r.avgFirstResponseSeconds);
      case 'released':
        return r.released;
      case 'resolved':
        return r.resolved;
      case 'load': {
        const t = loadTotal(r.load);
        return t.capacity > 0 ? `${t.count} / ${t.capacity}` : '—';
      }
    }
  };

  return (
    <Panel
      title="Agent performance"
      description={`Per agent over ${period}: claims (by the agent or routing), how long conversations waited for them, how fast they first replied, and how their claims ended.`}
      testId="agent-performance"
      className="span-all"
    >
      {!rows ? <p role="status">Loading…</p> : null}
      {stale ? (
        <p role="status" className="muted small-print">
          Loading the figures for {period}…
        </p>
      ) : null}
      {rows && rows.length === 0 ? <p className="empty-state">No agents yet.</p> : null}
      {sorted.length > 0 ? (
        <>
          <div className="table-scroll">
            <table className="data-table performance-table">
              <caption className="visually-hidden">
                Agent performance over {period}. Column headers sort the table.
              </caption>
              <thead>
                <tr>
                  {COLUMNS.map((c) => (
                    <th
                      key={c.key}
                      scope="col"
                      className={c.numeric ? 'num' : undefined}
                      aria-sort={sort.key === c.key ? sort.direction : undefined}
                    >
                      <button type="button" className="sort-button" onClick={() => sortBy(c.key)}>
                        {c.label}
                        <span aria-hidden="true" className="sort-mark">
                          {sort.key === c.key ? (sort.direction === 'ascending' ? '▲' : '▼') : '↕'}
                        </span>
                      </button>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {sorted.map((r) => (
                  <tr key={r.agent.id} data-agent-id={r.agent.id}>
                    <th scope="row">
                      <span className="agent-cell">
                        {r.agent.name}
                        <PresenceLabel presence={r.agent.presence} />
                      </span>
                    </th>
                    {COLUMNS.slice(1).map((c) => (
                      <td key={c.key} className={`num col-${c.key}`}>
                        {cell(r, c.key)}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="dash-charts">
            <BarChart
              title={`Claims per agent, ${period}`}
              rows={sorted.map((r) => ({ id: r.agent.id, label: r.agent.name, values: { claims: r.claims } }))}
              series={[{ key: 'claims', label: 'Claims', tone: 'accent' }]}
              format={(_, v) => count(v, 'claim')}
              empty={`No claims in ${period}.`}
            />
            <BarChart
              title={`Released vs resolved, ${period}`}
              rows={sorted.map((r) => ({ id: r.agent.id, label: r.agent.name, values: { released: r.released, resolved: r.resolved } }))}
              series={[
                { key: 'released', label: 'Released', tone: 'amber' },
                { key: 'resolved', label: 'Resolved', tone: 'green' },
              ]}
              format={(s, v) => `${v} ${s.key}`}
              empty={`Nothing released or resolved in ${period}.`}
            />
          </div>
        </>
      ) : null}
    </Panel>
  );
}
