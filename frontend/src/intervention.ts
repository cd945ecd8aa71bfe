// Interventions (SPEC §5 I2–I4) as the workspace shows them: which conversations wait for a human,
// what the viewer may do about a takeover, and the complete-takeover form. The server decides;
// this only chooses which buttons to offer and checks the form before sending it.

import type { InterventionStatus } from './gql/graphql';

export interface InterventionLike {
  status: InterventionStatus;
  summary: string;
  takenOverBy?: { id: string; name: string } | null;
}

/** Waiting for a human: the bot asked (REQUESTED) or a human gave it back (RETURNED) (I2, I3). */
export function awaitsHuman(c: { intervention?: InterventionLike | null }): boolean {
  const status = c.intervention?.status;
  return status === 'REQUESTED' || status === 'RETURNED';
}

export interface TakeoverInput {
  status: string;
  state: string;
  ownership: string;
  owner?: { id: string; kind: string } | null;
  intervention?: InterventionLike | null;
}

export interface TakeoverActions {
  /** Take it from the bot or the intervention queue (I2). */
  takeOver: boolean;
  /** Cancel, return to the queue, complete (I3, I4): the viewer's takeover is running. */
  manage: boolean;
}

const supervisors = new Set(['SUPERVISOR', 'ADMIN', 'SUPER_ADMIN']);

/**
 * What the viewer may do about a takeover. Take over: the conversation is open and no human owns
 * it, and a bot owns it or an intervention waits. Manage: a takeover is running and it is the
 * viewer's (a supervisor may manage anyone's, as the server allows).
 */
export function takeoverActions(c: TakeoverInput, viewer: { id: string; role: string }): TakeoverActions {
  const open = (c.status === 'NEW' || c.status === 'PENDING') && c.state !== 'CLOSED';
  const iv = c.intervention;
  const takeOver = open && c.ownership === 'UNCLAIMED' && (c.owner?.kind === 'VIRTUAL' || awaitsHuman(c));
  const running = iv?.status === 'TAKEN_OVER' && c.ownership !== 'UNCLAIMED';
  const manage = open && running && (iv?.takenOverBy?.id === viewer.id || c.ownership === 'CLAIMED_BY_ME' || supervisors.has(viewer.role));
  return { takeOver, manage };
}

/** The intervention's state in words, for the row and the conversation view. */
export function interventionText(iv: InterventionLike, viewerId: string): string {
  switch (iv.status) {
    case 'REQUESTED':
      return 'The bot asked for a human';
    case 'RETURNED':
      return 'Returned to the queue: waiting for a human';
    case 'TAKEN_OVER':
      return iv.takenOverBy?.id === viewerId ? 'You took it over' : `Taken over by ${iv.takenOverBy?.name ?? 'an agent'}`;
    case 'COMPLETED':
      return 'Completed: back with the bot';
    case 'CANCELLED':
      return 'Cancelled: back with the bot';
  }
}

/** The complete-takeover form as typed (I4). */
export interface CompletionForm {
  topic: string;
  outcome: string;
  tags: string;
  block: string;
}

export const EMPTY_COMPLETION: CompletionForm = { topic: '', outcome: '', tags: '', block: '' };

/** What completeTakeover receives. */
export interface CompletionInput {
  topic: string;
  outcome: string;
  tags: string[];
  block: string | null;
}

/** The server's limits (internal/desk): topic, outcome and block 1–200 characters. */
export const COMPLETION_MAX = 200;
/** Tags: 1–64 characters each, at most 50 (directory.Labels). */
const TAG_MAX = 64;
const TAGS_MAX = 50;

/** "billing, Refund ,,refund" → ["billing", "refund"]: trimmed, lower case, no empties or repeats. */
export function parseTags(text: string): string[] {
  const tags: string[] = [];
  for (const part of text.split(',')) {
    const tag = part.trim().toLowerCase().replace(/^#/, '');
    if (tag && !tags.includes(tag)) tags.push(tag);
  }
  return tags;
}

export type CompletionErrors = Partial<Record<keyof CompletionForm, string>>;

/** The form's problems, by field, in the order the fields appear; empty when it can be sent. */
export function validateCompletion(form: CompletionForm): CompletionErrors {
  const errors: CompletionErrors = {};
  const topic = form.topic.trim();
  const outcome = form.outcome.trim();
  if (!topic) errors.topic = 'Enter the topic: what the customer needed.';
  else if (topic.length > COMPLETION_MAX) errors.topic = `Keep the topic to ${COMPLETION_MAX} characters.`;
  if (!outcome) errors.outcome = 'Enter the outcome: what you did or decided.';
  else if (outcome.length > COMPLETION_MAX) errors.outcome = `Keep the outcome to ${COMPLETION_MAX} characters.`;
  const long = parseTags(form.tags).find((t) => t.length > TAG_MAX);
  const tags = parseTags(form.tags);
  if (long) errors.tags = `Tags are at most ${TAG_MAX} characters (“${long.slice(0, 20)}…”).`;
  else if (tags.length > TAGS_MAX) errors.tags = `Give at most ${TAGS_MAX} tags.`;
  if (form.block.trim().length > COMPLETION_MAX) errors.block = `Keep the bot step to ${COMPLETION_MAX} characters.`;
  return errors;
}

/** The mutation's input from a valid form. */
export function completionInput(form: CompletionForm): CompletionInput {
  const block = form.block.trim();
  return { topic: form.topic.trim(), outcome: form.outcome.trim(), tags: parseTags(form.tags), block: block || null };
}
