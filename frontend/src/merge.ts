// Merging customers (mergeCustomers): one person known as two customers, because their handles do
// not tell it by themselves (a Facebook id and a phone number). A supervisor finds the other
// customer through the conversation search; the server moves its handles and conversations.

import { describeError, errorCode, messageOf, type ApiError, type ErrorCode } from './api/errors';

/** A customer as the merge dialog shows it. */
export interface MergeCustomer {
  id: string;
  name: string;
  identities?: readonly { channel: string; handle: string }[] | null;
}

/**
 * The customers of search results, each once, in the order of the results (the newest
 * conversation first), without the customer merged into: a person writes in many times, and the
 * search finds each of their conversations.
 */
export function mergeCandidates<C extends MergeCustomer>(conversations: readonly { customer: C }[], intoId: string): C[] {
  const seen = new Set<string>([intoId]);
  const out: C[] = [];
  for (const { customer } of conversations) {
    if (seen.has(customer.id)) continue;
    seen.add(customer.id);
    out.push(customer);
  }
  return out;
}

/** How a customer is named: its name, else its first handle (a channel may give no name). */
export function customerLabel(customer: MergeCustomer): string {
  return customer.name.trim() || customer.identities?.[0]?.handle || 'Unnamed customer';
}

/** The refusals whose message the server writes for people (which channel is open twice, …). */
const worded: ReadonlySet<ErrorCode> = new Set(['FORBIDDEN', 'NOT_FOUND', 'BAD_USER_INPUT', 'INVALID_STATE']);

/** Why a merge failed, in words: the server's own message for its refusals, as a sentence. */
export function mergeError(error: ApiError | null | undefined): string {
  const code = errorCode(error);
  const message = error && code && worded.has(code) ? messageOf(error, code).trim() : '';
  if (!message) return describeError(error);
  const sentence = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`;
}
