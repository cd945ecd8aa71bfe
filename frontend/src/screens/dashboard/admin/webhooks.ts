// The webhooks admin screen's rules, kept apart from React: how an endpoint is doing in words, the
// event-type list an admin types, the URL checks the server makes first (SPEC §12), and a
// delivery's outcome for the log.

import { elapsed, shortTime } from '../../../format';

/** The event types integrations usually subscribe to; the field accepts any the server knows. */
export const COMMON_EVENT_TYPES = [
  'conversation.created',
  'conversation.claimed',
  'conversation.released',
  'conversation.reassigned',
  'conversation.transferred',
  'conversation.resolved',
  'conversation.reopened',
  'conversation.state_changed',
  'lock.acquired',
  'lock.released',
  'lock.stolen',
] as const;

/** What the server accepts as an event type: dotted lower-case names. */
const TYPE = /^[a-z][a-z_]*(\.[a-z][a-z_]*)+$/;

/** The server's limits (internal/webhooks). */
export const MAX_URL = 2000;
export const MAX_DESCRIPTION = 500;
export const MAX_EVENT_TYPES = 100;

export interface WebhookHealthView {
  active: boolean;
  health: {
    lastSuccessAt?: string | null;
    consecutiveFailures: number;
    failingSince?: string | null;
    disabledReason?: string | null;
  };
}

export type WebhookTone = 'ok' | 'new' | 'failing' | 'paused' | 'disabled';

/** How an endpoint is doing: a short label for its badge and a sentence with the details. */
export function webhookState(w: WebhookHealthView, now: Date = new Date()): { tone: WebhookTone; label: string; detail: string } {
  const h = w.health;
  const last = h.lastSuccessAt ? `Last accepted a delivery ${ago(h.lastSuccessAt, now)}.` : 'It has never accepted a delivery.';
  if (!w.active && h.disabledReason) {
    return { tone: 'disabled', label: 'Disabled', detail: `Switched off for failing: ${h.disabledReason}. ${last} Resume it to deliver again.` };
  }
  if (!w.active) return { tone: 'paused', label: 'Paused', detail: `Nothing is delivered until it is resumed. ${last}` };
  if (h.consecutiveFailures > 0) {
    const since = h.failingSince ? ` since ${shortTime(h.failingSince, now)}` : '';
    const attempts = h.consecutiveFailures === 1 ? '1 failed attempt' : `${h.consecutiveFailures} failed attempts`;
    return { tone: 'failing', label: 'Failing', detail: `Failing${since} (${attempts}); retried with backoff. ${last}` };
  }
  if (!h.lastSuccessAt) return { tone: 'new', label: 'Waiting', detail: 'No delivery yet: it receives the events committed from its registration on.' };
  return { tone: 'ok', label: 'Healthy', detail: last };
}

function ago(iso: string, now: Date): string {
  const e = elapsed(iso, now);
  return e === 'just now' ? e : `${e} ago`;
}

/**
 * The event types typed in a field (commas or spaces between them), lower-cased and without
 * repeats; an empty list means every type. problem names the first the server would refuse.
 */
export function parseEventTypes(text: string): { types: string[]; problem?: string } {
  const types: string[] = [];
  for (const raw of text.split(/[\s,]+/)) {
    const t = raw.trim().toLowerCase();
    if (!t) continue;
    if (t.length > 100 || !TYPE.test(t)) {
      return { types, problem: `“${t.length > 40 ? `${t.slice(0, 40)}…` : t}” is not an event type: use dotted names such as conversation.claimed.` };
    }
    if (!types.includes(t)) types.push(t);
  }
  if (types.length > MAX_EVENT_TYPES) return { types, problem: `Give at most ${MAX_EVENT_TYPES} event types, or none for every type.` };
  return { types };
}

/** Why a URL would be refused before asking the server (which also refuses private targets); null when it looks right. */
export function urlProblem(text: string): string | null {
  const url = text.trim();
  if (!url) return 'Enter the endpoint’s URL, e.g. https://crm.example.com/switchboard.';
  if (url.length > MAX_URL) return `The URL is longer than ${MAX_URL} characters.`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'That is not a URL: it starts with https:// (or http://).';
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'Webhooks are delivered over https (or http) only.';
  if (parsed.username || parsed.password) return 'Leave the user name and password out of the URL: deliveries are signed instead.';
  if (!parsed.hostname) return 'The URL has no host.';
  return null;
}

export interface DeliveryView {
  status: 'PENDING' | 'DELIVERED' | 'FAILED';
  attempts: number;
  lastError?: string | null;
  lastStatusCode?: number | null;
  latencyMs?: number | null;
  nextAttemptAt?: string | null;
}

/** A delivery's outcome in words: the answer it got, how long it took, what comes next. */
export function deliveryOutcome(d: DeliveryView, now: Date = new Date()): string {
  const answer = [d.lastStatusCode ? `HTTP ${d.lastStatusCode}` : '', d.latencyMs != null ? `${d.latencyMs} ms` : ''].filter(Boolean).join(', ');
  const tries = d.attempts === 1 ? '1 attempt' : `${d.attempts} attempts`;
  switch (d.status) {
    case 'DELIVERED':
      return `Accepted${answer ? ` (${answer})` : ''}${d.attempts > 1 ? ` after ${tries}` : ''}.`;
    case 'FAILED':
      return `Given up after ${tries}${d.lastError ? `: ${d.lastError}` : ''}.`;
    default: {
      if (d.attempts === 0) return 'Queued.';
      const next = d.nextAttemptAt ? ` Next try ${shortTime(d.nextAttemptAt, now)}.` : '';
      return `${tries} so far${d.lastError ? `, last: ${d.lastError}` : ''}.${next}`;
    }
  }
}
