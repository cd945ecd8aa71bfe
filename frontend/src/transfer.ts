// Transfers (C11): to an agent, like a reassignment, or to a team (back to the queue with the team
// required). Only a SUPER_ADMIN may transfer to a CLIENT_USER; the server enforces it, this keeps
// the choice from being offered (handoverCandidates below).

import { channelName } from './format';

export type TransferTarget = 'agent' | 'team';

export interface TransferForm {
  target: TransferTarget;
  agentId: string;
  teamId: string;
  note: string;
}

/** The mutation's variables from the form, or the sentence saying what is missing. */
export function transferVariables(
  id: string,
  form: TransferForm,
): { ok: true; variables: { id: string; agentId: string | null; teamId: string | null; note: string | null } } | { ok: false; error: string } {
  const note = form.note.trim() || null;
  if (form.target === 'agent') {
    if (!form.agentId) return { ok: false, error: 'Choose the agent to transfer the conversation to.' };
    return { ok: true, variables: { id, agentId: form.agentId, teamId: null, note } };
  }
  if (!form.teamId) return { ok: false, error: 'Choose the team to transfer the conversation to.' };
  return { ok: true, variables: { id, agentId: null, teamId: form.teamId, note } };
}

// Hand-over targets (reassign C4, transfer C11): who may take a conversation on its channel, how
// available they are, and a search by name. The server decides (R1, R2, C6, C11 in desk.handTo);
// this only keeps from offering what it would refuse, and says why someone cannot take it now.

export interface HandoverAgentLike {
  id: string;
  name: string;
  role: string;
  kind: string;
  presence: string;
  channels?: ReadonlyArray<{ channel: string; capacity: number }> | null;
  /** Its load now per permitted channel (Agent.load, readable by any member); absent: unknown. */
  load?: readonly ChannelLoadLike[] | null;
}

export interface ChannelLoadLike {
  channel: string;
  count: number;
  capacity: number;
}

export interface HandoverCandidate<A extends HandoverAgentLike> {
  agent: A;
  /** The agent's capacity on the conversation's channel (R1); null for a client user. */
  capacity: number | null;
  /** How many it owns there now (R2, Agent.load); null when unknown. */
  load: number | null;
  /** Whether the server would hand it to them now. */
  available: boolean;
  /** Presence, load or capacity in words: "Online · 1 of 3 on SMS". */
  status: string;
}

const presenceWords: Record<string, string> = { ONLINE: 'Online', AWAY: 'Away', OFFLINE: 'Offline' };

/**
 * The people a conversation on channel can be handed to, most available first: active humans
 * permitted on the channel (R1), whatever their role (an admin without the channel is not one),
 * never the viewer nor a bot; client users only when clientUsers (a SUPER_ADMIN's transfer, C11),
 * who need no channel nor presence. Someone not ONLINE, or full on the channel, is listed but not
 * available (the server refuses them without force). Load comes with each agent (Agent.load, R2),
 * so every role sees it against capacity.
 */
export function handoverCandidates<A extends HandoverAgentLike>(
  agents: readonly A[],
  options: {
    viewerId: string;
    channel: string;
    clientUsers?: boolean;
  },
): HandoverCandidate<A>[] {
  const label = channelName(options.channel);
  const out: HandoverCandidate<A>[] = [];
  for (const agent of agents) {
    if (agent.kind !== 'HUMAN' || agent.id === options.viewerId) continue;
    const presence = presenceWords[agent.presence] ?? agent.presence;
    if (agent.role === 'CLIENT_USER') {
      if (options.clientUsers) out.push({ agent, capacity: null, load: null, available: true, status: `${presence} · client user` });
      continue;
    }
    const permit = (agent.channels ?? []).find((c) => c.channel === options.channel);
    if (!permit) continue;
    const load = agent.load ? (agent.load.find((l) => l.channel === options.channel)?.count ?? 0) : null;
    const full = load !== null && load >= permit.capacity;
    const online = agent.presence === 'ONLINE';
    const room = load !== null ? `${load} of ${permit.capacity} on ${label}${full ? ', full' : ''}` : `capacity ${permit.capacity} on ${label}`;
    out.push({ agent, capacity: permit.capacity, load, available: online && !full, status: `${presence} · ${room}` });
  }
  const ratio = (c: HandoverCandidate<A>) => (c.load !== null && c.capacity ? c.load / c.capacity : 0);
  return out.sort(
    (a, b) => Number(b.available) - Number(a.available) || ratio(a) - ratio(b) || a.agent.name.localeCompare(b.agent.name),
  );
}

const fold = (s: string) => s.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase();

/** The candidates whose name contains every word of the search, ignoring case and accents. */
export function searchCandidates<C extends { agent: { name: string } }>(candidates: readonly C[], search: string): C[] {
  const words = fold(search).split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...candidates];
  return candidates.filter((c) => {
    const name = fold(c.agent.name);
    return words.every((w) => name.includes(w));
  });
}

