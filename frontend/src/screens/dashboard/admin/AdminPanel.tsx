import { useRef, useState } from 'react';
import { AdminDirectoryQuery } from '../../../api/operations';
import { describeError } from '../../../api/errors';
import { channelName, humanize } from '../../../format';
import type { AdminAgentFragment } from '../../../gql/graphql';
import { canEditAgent } from '../../../roles';
import { Outcome, Panel, PresenceLabel } from '../parts';
import { AgentDialog } from './AgentDialog';
import { channelSummary } from './agentForm';
import { GroupsSection } from './GroupsSection';
import { SettingsSection } from './SettingsSection';
import { useReloadingQuery } from './useReloadingQuery';
import { WebhooksSection } from './WebhooksSection';
import { CannedManager } from '../../../components/CannedManager';

interface AdminPanelProps {
  viewer: { id: string; role: string };
  /** Grows when the roster or the settings changed elsewhere (live events): read them again. */
  version: number;
}

/** Administration (admins): agents, teams, pools, canned responses, workspace settings and webhooks. */
export function AdminPanel({ viewer, version }: AdminPanelProps) {
  // Read again when the roster or the settings changed elsewhere (version grows).
  const directory = useReloadingQuery(AdminDirectoryQuery, {}, { key: version });
  const [editing, setEditing] = useState<AdminAgentFragment | 'new' | null>(null);
  const [outcome, setOutcome] = useState('');
  const agents = (directory.data?.agents.edges ?? []).flatMap((e) => (e?.node ? [e.node] : []));
  const teams = directory.data?.teams ?? [];
  const pools = directory.data?.pools ?? [];
  // Who can join a team or pool: the workspace's own active people (not client users, C11).
  const humans = agents.filter((a) => a.kind === 'HUMAN' && a.active && a.role !== 'CLIENT_USER');
  const opener = useRef<HTMLElement | null>(null);

  const open = (target: AdminAgentFragment | 'new') => {
    opener.current = document.activeElement as HTMLElement | null;
    setEditing(target);
  };
  const close = () => {
    setEditing(null);
    // Back to the button that opened the dialog.
    window.setTimeout(() => opener.current?.focus(), 0);
  };

  return (
    <div className="dash-grid">
      {directory.error ? (
        <p role="alert" className="error span-all">
          {describeError(directory.error)}{' '}
          <button type="button" className="link" onClick={directory.reload}>
            Try again
          </button>
        </p>
      ) : null}

      <Panel
        title="Agents"
        description="Who works in the workspace, what they may do, and where routing sends them conversations."
        className="span-all"
        testId="admin-agents"
        actions={
          <button type="button" className="small" onClick={() => open('new')}>
            New agent…
          </button>
        }
      >
        <Outcome text={outcome} onDismiss={() => setOutcome('')} />
        {!directory.data && !directory.error ? <p role="status">Loading…</p> : null}
        {agents.length > 0 ? (
          <div className="table-scroll">
            <table className="data-table admin-agents">
              <caption className="visually-hidden">Agents</caption>
              <thead>
                <tr>
                  <th scope="col">Agent</th>
                  <th scope="col">Role</th>
                  <th scope="col">Status</th>
                  <th scope="col">Channels and capacity</th>
                  <th scope="col">Skills and languages</th>
                  <th scope="col">Teams and pools</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {agents.map((a) => {
                  const editable = canEditAgent(viewer.role, a.role);
                  return (
                    <tr key={a.id} data-agent-id={a.id} className={a.active ? undefined : 'inactive'}>
                      <th scope="row">
                        <span className="agent-cell">
                          {a.name}
                          {a.email ? <span className="muted small-print">{a.email}</span> : null}
                        </span>
                      </th>
                      <td>{a.kind === 'VIRTUAL' ? `Bot (${humanize(a.vaRole ?? 'DELEGATION')})` : humanize(a.role)}</td>
                      <td>
                        {a.active ? <PresenceLabel presence={a.presence} /> : <span className="badge status-inactive">Deactivated</span>}
                      </td>
                      <td className="agent-channels">{channelSummary(a.channels, channelName)}</td>
                      <td>
                        {[...a.skills, ...a.languages.map((l) => l.toUpperCase())].join(', ') || <span className="muted">None</span>}
                      </td>
                      <td>
                        {[...(a.teams ?? []).map((t) => t.name), ...(a.pools ?? []).map((p) => `#${p.tag}`)].join(', ') || (
                          <span className="muted">None</span>
                        )}
                      </td>
                      <td className="row-actions">
                        {editable ? (
                          <button type="button" className="secondary small" onClick={() => open(a)} aria-label={`Edit ${a.name}`}>
                            Edit…
                          </button>
                        ) : (
                          <span className="muted small-print">Above your role</span>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        ) : null}
        {(directory.data?.agents.totalCount ?? 0) > agents.length ? (
          <p className="muted small-print">Showing the first {agents.length} agents by name.</p>
        ) : null}
      </Panel>

      <GroupsSection kind="team" groups={teams} agents={humans} onCreated={directory.reload} />
      <GroupsSection kind="pool" groups={pools} agents={humans} onCreated={directory.reload} />
      <Panel
        title="Canned responses"
        description="Shared replies for the whole workspace, with placeholders filled in for each conversation."
        className="span-all"
        testId="admin-canned"
      >
        <CannedManager shared />
      </Panel>
      {directory.data ? <SettingsSection settings={directory.data.workspace} onSaved={directory.reload} /> : null}
      <WebhooksSection />

      {editing ? (
        <AgentDialog
          agent={editing === 'new' ? undefined : editing}
          viewer={viewer}
          teams={teams}
          pools={pools}
          onClose={close}
          onSaved={(message) => {
            setOutcome(message);
            close();
            directory.reload();
          }}
        />
      ) : null}
    </div>
  );
}
