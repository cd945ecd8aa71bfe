import { describe, expect, it } from 'vitest';
import { transferAgents, transferVariables } from './transfer';

const agents = [
  { id: '1', name: 'Ana', role: 'AGENT', presence: 'ONLINE' },
  { id: '2', name: 'Casey', role: 'CLIENT_USER', presence: 'ONLINE' },
  { id: '3', name: 'Sam', role: 'SUPERVISOR', presence: 'AWAY' },
];

describe('transfer (C11)', () => {
  it('offers client users only to a super admin, and never the viewer', () => {
    expect(transferAgents(agents, { id: '1', role: 'AGENT' }).map((a) => a.id)).toEqual(['3']);
    expect(transferAgents(agents, { id: '9', role: 'SUPER_ADMIN' }).map((a) => a.id)).toEqual(['1', '2', '3']);
  });

  it('sends either the agent or the team, and the note only when written', () => {
    expect(transferVariables('c1', { target: 'agent', agentId: '1', teamId: '5', note: '  ' })).toEqual({
      ok: true,
      variables: { id: 'c1', agentId: '1', teamId: null, note: null },
    });
    expect(transferVariables('c1', { target: 'team', agentId: '1', teamId: '5', note: ' Needs billing ' })).toEqual({
      ok: true,
      variables: { id: 'c1', agentId: null, teamId: '5', note: 'Needs billing' },
    });
  });

  it('says what is missing', () => {
    expect(transferVariables('c1', { target: 'agent', agentId: '', teamId: '', note: '' })).toEqual({
      ok: false,
      error: 'Choose the agent to transfer the conversation to.',
    });
    expect(transferVariables('c1', { target: 'team', agentId: '1', teamId: '', note: '' })).toMatchObject({ ok: false });
  });
});
