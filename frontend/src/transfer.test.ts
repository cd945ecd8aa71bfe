import { describe, expect, it } from 'vitest';
import { handoverCandidates, searchCandidates, transferVariables } from './transfer';

describe('transfer (C11)', () => {
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

describe('hand-over candidates (C4, C11, R1, R2)', () => {
  const sms = (capacity: number) => [{ channel: 'SMS', capacity }];
  const people = [
    { id: '1', name: 'Ana Alvarez', role: 'AGENT', kind: 'HUMAN', presence: 'ONLINE', channels: sms(3) },
    { id: '2', name: 'Ben Brooks', role: 'AGENT', kind: 'HUMAN', presence: 'ONLINE', channels: [{ channel: 'EMAIL', capacity: 5 }] },
    { id: '3', name: 'Sam Supervisor', role: 'SUPERVISOR', kind: 'HUMAN', presence: 'ONLINE', channels: [] },
    { id: '4', name: 'Avery Admin', role: 'SUPER_ADMIN', kind: 'HUMAN', presence: 'ONLINE', channels: null },
    { id: '5', name: 'Cleo Chen', role: 'SUPERVISOR', kind: 'HUMAN', presence: 'AWAY', channels: sms(2) },
    { id: '6', name: 'Payments bot', role: 'AGENT', kind: 'VIRTUAL', presence: 'ONLINE', channels: sms(50) },
    { id: '7', name: 'Casey Client', role: 'CLIENT_USER', kind: 'HUMAN', presence: 'OFFLINE', channels: null },
    { id: '8', name: 'Dana Díaz', role: 'AGENT', kind: 'HUMAN', presence: 'ONLINE', channels: sms(2) },
  ];
  const names = (list: { agent: { name: string } }[]) => list.map((c) => c.agent.name);

  it('lists humans permitted on the channel only: no bots, no admins or supervisors without it, not the viewer', () => {
    const list = handoverCandidates(people, { viewerId: '8', channel: 'SMS' });
    expect(names(list)).toEqual(['Ana Alvarez', 'Cleo Chen']);
    expect(list[0]).toMatchObject({ available: true, capacity: 3, load: null, status: 'Online · capacity 3 on SMS' });
    expect(list[1]).toMatchObject({ available: false, status: 'Away · capacity 2 on SMS' });
  });

  it('adds client users for a super admin’s transfer only', () => {
    expect(names(handoverCandidates(people, { viewerId: '4', channel: 'SMS', clientUsers: true }))).toContain('Casey Client');
    expect(names(handoverCandidates(people, { viewerId: '4', channel: 'SMS' }))).not.toContain('Casey Client');
  });

  it('shows load against capacity (Agent.load, any role), the least loaded first, the full ones not available', () => {
    const loaded = people.map((p) => ({
      ...p,
      load: p.id === '1' ? [{ channel: 'SMS', count: 3, capacity: 3 }] : p.id === '8' ? [{ channel: 'SMS', count: 1, capacity: 2 }] : [],
    }));
    const list = handoverCandidates(loaded, { viewerId: '3', channel: 'SMS' });
    expect(list.map((c) => [c.agent.name, c.status, c.available])).toEqual([
      ['Dana Díaz', 'Online · 1 of 2 on SMS', true],
      ['Cleo Chen', 'Away · 0 of 2 on SMS', false],
      ['Ana Alvarez', 'Online · 3 of 3 on SMS, full', false],
    ]);
  });

  it('searches by name, ignoring case and accents', () => {
    const list = handoverCandidates(people, { viewerId: '3', channel: 'SMS' });
    expect(names(searchCandidates(list, 'dia'))).toEqual(['Dana Díaz']);
    expect(names(searchCandidates(list, ' ANA  alv '))).toEqual(['Ana Alvarez']);
    expect(names(searchCandidates(list, ''))).toHaveLength(3);
    expect(searchCandidates(list, 'nobody')).toEqual([]);
  });
});
