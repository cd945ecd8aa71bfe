// The agent form of administration: from an agent to the form's fields, what is wrong with them
// (the same bounds as the server's, so that most mistakes are caught before sending), and the
// createAgent / updateAgent inputs. An update sends only what changed, so that an admin editing a
// capacity does not also rewrite skills another admin changed meanwhile.

import { CHANNELS as ALL_CHANNELS } from '../../../format';
import type { AdminAgentFragment, Channel, CreateAgentInput, Role, UpdateAgentInput, VaRole } from '../../../gql/graphql';

export const CHANNELS: readonly Channel[] = ALL_CHANNELS;

/** The server's bounds (internal/directory). */
export const MAX_CAPACITY = 1000;
export const MIN_PASSWORD = 8;

export interface ChannelField {
  on: boolean;
  /** As typed. */
  capacity: string;
}

export interface AgentForm {
  kind: 'HUMAN' | 'VIRTUAL';
  name: string;
  email: string;
  /** Empty on edit: keep the password. */
  password: string;
  role: Role;
  vaRole: VaRole;
  active: boolean;
  /** Comma-separated, as typed. */
  skills: string;
  languages: string;
  channels: Record<Channel, ChannelField>;
  teamIds: string[];
  poolIds: string[];
}

export type AgentField = 'name' | 'email' | 'password' | 'skills' | 'languages' | 'channels';
export type AgentProblems = Partial<Record<AgentField, string>>;

function channelFields(agent?: Pick<AdminAgentFragment, 'channels'>): Record<Channel, ChannelField> {
  const fields = {} as Record<Channel, ChannelField>;
  for (const channel of CHANNELS) {
    const permitted = agent?.channels?.find((c) => c.channel === channel);
    fields[channel] = permitted ? { on: true, capacity: String(permitted.capacity) } : { on: false, capacity: '' };
  }
  return fields;
}

/** The form for a new agent (a human AGENT), or filled in from an existing one. */
export function formFromAgent(agent?: AdminAgentFragment): AgentForm {
  return {
    kind: agent?.kind ?? 'HUMAN',
    name: agent?.name ?? '',
    email: agent?.email ?? '',
    password: '',
    role: agent?.role ?? 'AGENT',
    vaRole: agent?.vaRole ?? 'DELEGATION',
    active: agent?.active ?? true,
    skills: (agent?.skills ?? []).join(', '),
    languages: (agent?.languages ?? []).join(', '),
    channels: channelFields(agent),
    teamIds: (agent?.teams ?? []).map((t) => t.id),
    poolIds: (agent?.pools ?? []).map((p) => p.id),
  };
}

/** Labels from a comma-separated list as the server keeps them: trimmed, lower case, once each. */
export function parseLabels(text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(',')) {
    const label = part.trim().toLowerCase();
    if (label && !out.includes(label)) out.push(label);
  }
  return out;
}

function labelProblem(what: string, text: string): string | undefined {
  const labels = parseLabels(text);
  if (labels.some((l) => l.length > 64)) return `Each of the ${what} must be at most 64 characters.`;
  if (labels.length > 50) return `Give at most 50 ${what}.`;
  return undefined;
}

/** A capacity as typed: a whole number from 0 to MAX_CAPACITY, or null. */
export function parseCapacity(text: string): number | null {
  if (!/^\s*\d+\s*$/.test(text)) return null;
  const n = Number(text);
  return n <= MAX_CAPACITY ? n : null;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** What is wrong with the form, field by field (empty when nothing is). */
export function agentProblems(form: AgentForm, mode: 'create' | 'edit'): AgentProblems {
  const problems: AgentProblems = {};
  const name = form.name.trim();
  if (!name) problems.name = 'Enter a name.';
  else if ([...name].length > 200) problems.name = 'Keep the name to 200 characters.';
  if (form.kind === 'HUMAN') {
    const email = form.email.trim();
    if (!email) problems.email = 'Enter the email address the agent signs in with.';
    else if (!EMAIL.test(email)) problems.email = 'Enter an email address like name@example.com.';
    if (mode === 'create' && !form.password) problems.password = `Enter a password of at least ${MIN_PASSWORD} characters.`;
    else if (form.password && (form.password.length < MIN_PASSWORD || form.password.length > 256)) {
      problems.password = `The password must be ${MIN_PASSWORD} to 256 characters.`;
    }
  }
  const skills = labelProblem('skills', form.skills);
  if (skills) problems.skills = skills;
  const languages = labelProblem('languages', form.languages);
  if (languages) problems.languages = languages;
  const bad = CHANNELS.filter((c) => form.channels[c].on && parseCapacity(form.channels[c].capacity) === null);
  if (bad.length > 0) problems.channels = `Give each permitted channel a capacity from 0 to ${MAX_CAPACITY}.`;
  return problems;
}

/** The permitted channels with their capacities (R1), in the usual channel order. */
export function channelInputs(form: AgentForm): Array<{ channel: Channel; capacity: number }> {
  return CHANNELS.filter((c) => form.channels[c].on).map((channel) => ({
    channel,
    capacity: parseCapacity(form.channels[channel].capacity) ?? 0,
  }));
}

/** createAgent's input (teams and pools are set afterwards with updateAgent: createAgent has none). */
export function createInput(form: AgentForm): CreateAgentInput {
  const common = {
    name: form.name.trim(),
    skills: parseLabels(form.skills),
    languages: parseLabels(form.languages),
    channels: channelInputs(form),
  };
  if (form.kind === 'VIRTUAL') return { ...common, kind: 'VIRTUAL', vaRole: form.vaRole };
  return { ...common, kind: 'HUMAN', email: form.email.trim(), password: form.password, role: form.role };
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

/** updateAgent's input: only the fields that differ from the agent as it was loaded. */
export function updateInput(agent: AdminAgentFragment, form: AgentForm): UpdateAgentInput {
  const input: UpdateAgentInput = {};
  const name = form.name.trim();
  if (name !== agent.name) input.name = name;
  if (agent.kind === 'HUMAN') {
    const email = form.email.trim();
    if (email !== (agent.email ?? '')) input.email = email;
    if (form.password) input.password = form.password;
    if (form.role !== agent.role) input.role = form.role;
  } else if (form.vaRole !== agent.vaRole) {
    input.vaRole = form.vaRole;
  }
  if (form.active !== agent.active) input.active = form.active;
  const skills = parseLabels(form.skills);
  if (!sameList(skills, agent.skills)) input.skills = skills;
  const languages = parseLabels(form.languages);
  if (!sameList(languages, agent.languages)) input.languages = languages;
  const channels = channelInputs(form);
  const before = channelInputs(formFromAgent(agent));
  if (!sameList(channels.map((c) => `${c.channel}:${c.capacity}`), before.map((c) => `${c.channel}:${c.capacity}`))) {
    input.channels = channels;
  }
  if (!sameSet(form.teamIds, (agent.teams ?? []).map((t) => t.id))) input.teamIds = form.teamIds;
  if (!sameSet(form.poolIds, (agent.pools ?? []).map((p) => p.id))) input.poolIds = form.poolIds;
  return input;
}

/** The channels of an agent in words: "SMS 3 · Live chat 2" (names come from the caller). */
export function channelSummary(
  channels: ReadonlyArray<{ channel: string; capacity: number }> | null | undefined,
  name: (channel: string) => string,
): string {
  const list = [...(channels ?? [])].sort((a, b) => CHANNELS.indexOf(a.channel as Channel) - CHANNELS.indexOf(b.channel as Channel));
  return list.length === 0 ? 'None' : list.map((c) => `${name(c.channel)} ${c.capacity}`).join(' · ');
}
