// Transfers (C11): to an agent, like a reassignment, or to a team (back to the queue with the team
// required). Only a SUPER_ADMIN may transfer to a CLIENT_USER; the server enforces it, this keeps
// the choice from being offered.

export interface TransferAgent {
  id: string;
  name: string;
  role: string;
  presence: string;
}

/** Who the viewer may pick: every active human but the viewer, client users only for a SUPER_ADMIN. */
export function transferAgents<A extends TransferAgent>(agents: readonly A[], viewer: { id: string; role: string }): A[] {
  return agents.filter((a) => a.id !== viewer.id && (a.role !== 'CLIENT_USER' || viewer.role === 'SUPER_ADMIN'));
}

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
