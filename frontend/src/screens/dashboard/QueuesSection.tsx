import { CHANNELS, channelName } from '../../format';
import { duration } from './figures';
import { BarChart, Panel, count } from './parts';
import type { Figures } from './useDashboard';

interface QueuesSectionProps {
  figures: Figures | null;
  /** The period in words ("the last 7 days"), for SLA breaches. */
  period: string;
}

const order = (channel: string) => {
  const i = (CHANNELS as readonly string[]).indexOf(channel);
  return i < 0 ? CHANNELS.length : i;
};

/** Per queue (SPEC §8): depth and longest wait now, SLA breaches in the period. */
export function QueuesSection({ figures, period }: QueuesSectionProps) {
  const stats = [...(figures?.queueStats ?? [])].sort((a, b) => order(a.channel) - order(b.channel));
  const waiting = stats.reduce((n, s) => n + s.depth, 0);
  return (
    <Panel
      title="Queues"
      description={`Conversations waiting for an agent now, and first-response SLA breaches in ${period}.`}
      testId="queues"
    >
      {!figures ? <p role="status">Loading…</p> : null}
      {figures ? (
        <div className="dash-split">
          <div className="table-scroll">
            <table className="data-table" aria-label="Queues">
              <thead>
                <tr>
                  <th scope="col">Channel</th>
                  <th scope="col" className="num">
                    Waiting now
                  </th>
                  <th scope="col" className="num">
                    Longest wait
                  </th>
                  <th scope="col" className="num">
                    SLA breaches
                  </th>
                </tr>
              </thead>
              <tbody>
                {stats.map((s) => (
                  <tr key={s.channel}>
                    <th scope="row">{channelName(s.channel)}</th>
                    <td className="num queue-depth">{s.depth}</td>
                    <td className="num">{duration(s.longestWaitSeconds)}</td>
                    <td className={`num${s.slaBreaches > 0 ? ' figure-alert' : ''}`}>{s.slaBreaches}</td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row">All channels</th>
                  <td className="num">{waiting}</td>
                  <td className="num">{duration(Math.max(-1, ...stats.map((s) => s.longestWaitSeconds ?? -1)))}</td>
                  <td className="num">{stats.reduce((n, s) => n + s.slaBreaches, 0)}</td>
                </tr>
              </tfoot>
            </table>
          </div>
          <BarChart
            title="Waiting now and SLA breaches, per channel"
            rows={stats.map((s) => ({ id: s.channel, label: channelName(s.channel), values: { depth: s.depth, breaches: s.slaBreaches } }))}
            series={[
              { key: 'depth', label: 'Waiting now', tone: 'accent' },
              { key: 'breaches', label: `SLA breaches`, tone: 'red' },
            ]}
            format={(s, v) => (s.key === 'depth' ? `${v} waiting` : count(v, 'SLA breach', 'SLA breaches'))}
            empty="Nothing is waiting and no SLA was breached."
          />
        </div>
      ) : null}
    </Panel>
  );
}
