import { CHANNELS, channelName } from '../../format';
import { liveLoadRows, loadLevel, loadTotal } from './figures';
import { Panel, PresenceLabel } from './parts';
import type { Figures } from './useDashboard';

type Row = Figures['agentPerformance'][number];

const levelWords = { free: '', busy: ', nearly full', full: ', full' } as const;

function LoadCell({ count, capacity }: { count: number; capacity: number }) {
  const level = loadLevel(count, capacity);
  const percent = capacity > 0 ? Math.min(100, (count / capacity) * 100) : 100;
  return (
    <div className={`load-cell load-${level}`}>
      <span aria-hidden="true" className="load-figure">
        {count} / {capacity}
        {level === 'full' ? <span className="load-full"> full</span> : null}
      </span>
      <span className="visually-hidden">
        {count} of {capacity}
        {levelWords[level]}
      </span>
      <span className="load-track" aria-hidden="true">
        <span className="load-bar" style={{ width: `${percent}%` }} />
      </span>
    </div>
  );
}

/**
 * Live load (R2): what every agent owns now against its capacity on each permitted channel, with
 * presence. It follows the live feed: a claim elsewhere shows here within about a second. An
 * agent's row opens their drill-down (onAgent): their open conversations and recent activity.
 */
export function LoadSection({ rows, loaded, onAgent }: { rows: readonly Row[]; loaded: boolean; onAgent: (agentId: string) => void }) {
  const agents = liveLoadRows(rows);
  const channels = CHANNELS.filter((c) => agents.some((a) => a.load.some((l) => l.channel === c)));
  return (
    <Panel
      title="Live load"
      description="Conversations each agent owns now, against their capacity on each channel. Updates live. Choose an agent to see their conversations."
      testId="live-load"
      className="span-all"
    >
      {!loaded ? <p role="status">Loading…</p> : null}
      {loaded && agents.length === 0 ? <p className="empty-state">No agent is permitted on any channel yet.</p> : null}
      {agents.length > 0 ? (
        <div className="table-scroll">
          <table className="data-table load-table" aria-label="Live load">
            <thead>
              <tr>
                <th scope="col">Agent</th>
                <th scope="col">Presence</th>
                {channels.map((c) => (
                  <th scope="col" key={c} className="num">
                    {channelName(c)}
                  </th>
                ))}
                <th scope="col" className="num">
                  Total
                </th>
              </tr>
            </thead>
            <tbody>
              {agents.map((a) => {
                const total = loadTotal(a.load);
                return (
                  <tr key={a.agent.id} data-agent-id={a.agent.id} className="drillable" onClick={() => onAgent(a.agent.id)}>
                    <th scope="row">
                      <button
                        type="button"
                        className="link agent-drill"
                        onClick={(e) => {
                          e.stopPropagation();
                          onAgent(a.agent.id);
                        }}
                        aria-haspopup="dialog"
                      >
                        {a.agent.name}
                      </button>
                    </th>
                    <td>
                      <PresenceLabel presence={a.agent.presence} />
                    </td>
                    {channels.map((c) => {
                      const l = a.load.find((x) => x.channel === c);
                      return (
                        <td key={c} className="num" data-channel={c}>
                          {l ? (
                            <LoadCell count={l.count} capacity={l.capacity} />
                          ) : (
                            <>
                              <span aria-hidden="true" className="muted">
                                —
                              </span>
                              <span className="visually-hidden">not on this channel</span>
                            </>
                          )}
                        </td>
                      );
                    })}
                    <td className="num load-total">
                      <LoadCell count={total.count} capacity={total.capacity} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
    </Panel>
  );
}
