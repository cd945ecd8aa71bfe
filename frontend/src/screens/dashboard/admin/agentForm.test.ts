import { describe, expect, it } from 'vitest';
import type { AdminAgentFragment } from '../../../gql/graphql';
import {
  agentProblems,
  channelSummary,
  createInput,
  formFromAgent,
  parseCapacity,
  parseLabels,
  updateInput,
  type AgentForm,
} from './agentForm';

const ana: AdminAgentFragment = {
  id: '7',
  name: 'Ana Alvarez',
  email: 'ana@example.com',
  role: 'AGENT',
  kind: 'HUMAN',
  vaRole: null,
  presence: 'ONLINE',
  active: true,
  skills: ['billing'],
  languages: ['en', 'es'],
  channels: [
    { id: 'c2', channel: 'LIVE_CHAT', capacity: 2 },
    { id: 'c1', channel: 'SMS', capacity: 3 },
  ],
  teams: [{ id: 't1', name: 'Billing' }],
  pools: [{ id: 'p1', name: 'Billing pool', tag: 'billing' }],
};

const edit = (change: (f: AgentForm) => void): AgentForm => {
  const form = formFromAgent(ana);
  change(form);
  return form;
};

describe('formFromAgent', () => {
  it('fills the form from the agent, channels included', () => {
    const form = formFromAgent(ana);
    expect(form.skills).toBe('billing');
    expect(form.languages).toBe('en, es');
    expect(form.channels.SMS).toEqual({ on: true, capacity: '3' });
    expect(form.channels.EMAIL).toEqual({ on: false, capacity: '' });
    expect(form.teamIds).toEqual(['t1']);
    expect(form.password).toBe('');
  });

  it('starts a new agent as an active human AGENT', () => {
    const form = formFromAgent();
    expect(form).toMatchObject({ kind: 'HUMAN', role: 'AGENT', active: true, name: '' });
  });
});

describe('updateInput', () => {
  it('sends nothing when nothing changed', () => {
    expect(updateInput(ana, formFromAgent(ana))).toEqual({});
  });

  it('sends only a changed capacity, as the whole channel list (it replaces them)', () => {
    const form = edit((f) => {
      f.channels.SMS.capacity = '5';
    });
    expect(updateInput(ana, form)).toEqual({
      channels: [
        { channel: 'SMS', capacity: 5 },
        { channel: 'LIVE_CHAT', capacity: 2 },
      ],
    });
  });

  it('sends role, activity, labels, teams and pools when they change', () => {
    const form = edit((f) => {
      f.role = 'SUPERVISOR';
      f.active = false;
      f.skills = 'Billing, tech, billing';
      f.teamIds = [];
      f.poolIds = ['p1', 'p2'];
      f.password = 'a-new-password';
    });
    expect(updateInput(ana, form)).toEqual({
      role: 'SUPERVISOR',
      active: false,
      skills: ['billing', 'tech'],
      teamIds: [],
      poolIds: ['p1', 'p2'],
      password: 'a-new-password',
    });
  });

  it("ignores the order of teams and a label's case", () => {
    const twoTeams = { ...ana, teams: [{ id: 't1', name: 'A' }, { id: 't2', name: 'B' }] };
    const form = formFromAgent(twoTeams);
    form.teamIds = ['t2', 't1'];
    form.skills = ' BILLING ';
    expect(updateInput(twoTeams, form)).toEqual({});
  });

  it('never sends a role to a bot', () => {
    const bot: AdminAgentFragment = { ...ana, kind: 'VIRTUAL', vaRole: 'DELEGATION', email: null, role: 'AGENT' };
    const form = formFromAgent(bot);
    form.vaRole = 'INCEPTION';
    expect(updateInput(bot, form)).toEqual({ vaRole: 'INCEPTION' });
  });
});

describe('createInput', () => {
  it('creates a human with email, password, role and channels', () => {
    const form = formFromAgent();
    Object.assign(form, { name: ' Dana Diaz ', email: 'dana@example.com', password: 'long-enough', role: 'SUPERVISOR', languages: 'en, PT' });
    form.channels.EMAIL = { on: true, capacity: '4' };
    expect(createInput(form)).toEqual({
      kind: 'HUMAN',
      name: 'Dana Diaz',
      email: 'dana@example.com',
      password: 'long-enough',
      role: 'SUPERVISOR',
      skills: [],
      languages: ['en', 'pt'],
      channels: [{ channel: 'EMAIL', capacity: 4 }],
    });
  });

  it('creates a bot without email, password or role', () => {
    const form = formFromAgent();
    Object.assign(form, { kind: 'VIRTUAL', name: 'Returns bot', vaRole: 'DELEGATION', email: 'x@y.z' });
    expect(createInput(form)).toEqual({ kind: 'VIRTUAL', vaRole: 'DELEGATION', name: 'Returns bot', skills: [], languages: [], channels: [] });
  });
});

describe('agentProblems', () => {
  it('asks a new human for name, email and a long enough password', () => {
    expect(agentProblems(formFromAgent(), 'create')).toEqual({
      name: 'Enter a name.',
      email: 'Enter the email address the agent signs in with.',
      password: 'Enter a password of at least 8 characters.',
    });
    const form = formFromAgent();
    Object.assign(form, { name: 'Dana', email: 'dana', password: 'short' });
    expect(agentProblems(form, 'create')).toEqual({
      email: 'Enter an email address like name@example.com.',
      password: 'The password must be 8 to 256 characters.',
    });
  });

  it('keeps the password on edit when it is left empty', () => {
    expect(agentProblems(formFromAgent(ana), 'edit')).toEqual({});
  });

  it('checks capacities of permitted channels only (0 to 1000)', () => {
    const form = edit((f) => {
      f.channels.SMS.capacity = '1001';
      f.channels.EMAIL = { on: false, capacity: 'x' };
    });
    expect(agentProblems(form, 'edit')).toEqual({ channels: 'Give each permitted channel a capacity from 0 to 1000.' });
    expect(parseCapacity(' 0 ')).toBe(0);
    expect(parseCapacity('2.5')).toBeNull();
    expect(parseCapacity('-1')).toBeNull();
  });

  it('bounds labels like the server', () => {
    expect(agentProblems(edit((f) => (f.skills = 'x'.repeat(65))), 'edit').skills).toMatch(/64 characters/);
    expect(parseLabels('a, ,B, a')).toEqual(['a', 'b']);
  });
});

describe('channelSummary', () => {
  it('lists channels in the usual order with their capacity', () => {
    expect(channelSummary(ana.channels, (c) => c.toLowerCase())).toBe('sms 3 · live_chat 2');
    expect(channelSummary([], (c) => c)).toBe('None');
  });
});
