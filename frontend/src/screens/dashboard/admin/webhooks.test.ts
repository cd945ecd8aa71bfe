import { describe, expect, it } from 'vitest';
import { deliveryOutcome, parseEventTypes, urlProblem, webhookState } from './webhooks';

const now = new Date('2026-12-05T12:00:00Z');

describe('webhookState', () => {
  // Every combination of the health fields: the state is one tone, chosen in the order an admin
  // needs it (switched off first, then failing, then healthy), and never contradicts the fields.
  const cases = [true, false].flatMap((active) =>
    [null, 'failing for 24 hours'].flatMap((disabledReason) =>
      [0, 1, 7].flatMap((consecutiveFailures) =>
        [null, '2026-12-05T11:30:00Z'].map((lastSuccessAt) => ({
          active,
          health: { disabledReason, consecutiveFailures, lastSuccessAt, failingSince: consecutiveFailures ? '2026-12-05T11:40:00Z' : null },
        })),
      ),
    ),
  );
  it.each(cases)('%j', (w) => {
    const s = webhookState(w, now);
    if (!w.active) expect(s.tone).toBe(w.health.disabledReason ? 'disabled' : 'paused');
    else if (w.health.consecutiveFailures > 0) {
      expect(s.tone).toBe('failing');
      expect(s.detail).toContain(`${w.health.consecutiveFailures} failed attempt`);
    } else expect(s.tone).toBe(w.health.lastSuccessAt ? 'ok' : 'new');
    if (w.health.lastSuccessAt && s.tone !== 'new') expect(s.detail).toContain('30 min ago');
    if (s.tone === 'disabled') expect(s.detail).toContain(w.health.disabledReason);
  });
});

describe('parseEventTypes', () => {
  it('splits on commas and spaces, lower-cases and drops repeats', () => {
    expect(parseEventTypes(' conversation.claimed, Lock.Stolen  conversation.claimed\n')).toEqual({
      types: ['conversation.claimed', 'lock.stolen'],
    });
  });
  it('is every type when empty', () => {
    expect(parseEventTypes('  ,  ')).toEqual({ types: [] });
  });
  it.each(['claimed', 'conversation.', '.claimed', 'conversation.claimed!', 'conversation..claimed', `a.${'b'.repeat(120)}`])(
    'refuses %s as the server does',
    (bad) => {
      expect(parseEventTypes(`conversation.claimed ${bad}`).problem).toMatch(/is not an event type/);
    },
  );
  it('refuses more than 100', () => {
    const many = Array.from({ length: 101 }, (_, i) => `custom.t${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`);
    expect(parseEventTypes(many.join(',')).problem).toMatch(/at most 100/);
  });
});

describe('urlProblem', () => {
  it.each([
    ['https://crm.example.com/hooks', null],
    ['http://10.0.0.5:8080/in', null],
    ['', /Enter/],
    ['crm.example.com/hooks', /not a URL/],
    ['ftp://crm.example.com/in', /https/],
    ['https://user:pw@crm.example.com/in', /user name/],
    [`https://crm.example.com/${'a'.repeat(2000)}`, /longer than 2000/],
  ])('%s', (url, want) => {
    const got = urlProblem(url);
    if (want === null) expect(got).toBeNull();
    else expect(got).toMatch(want);
  });
});

describe('deliveryOutcome', () => {
  it('says what the endpoint answered', () => {
    expect(deliveryOutcome({ status: 'DELIVERED', attempts: 1, lastStatusCode: 204, latencyMs: 35 })).toBe('Accepted (HTTP 204, 35 ms).');
    expect(deliveryOutcome({ status: 'DELIVERED', attempts: 3, lastStatusCode: 200, latencyMs: 12 })).toBe('Accepted (HTTP 200, 12 ms) after 3 attempts.');
    expect(deliveryOutcome({ status: 'FAILED', attempts: 40, lastError: 'HTTP 500' })).toBe('Given up after 40 attempts: HTTP 500.');
    expect(deliveryOutcome({ status: 'PENDING', attempts: 0 })).toBe('Queued.');
    expect(deliveryOutcome({ status: 'PENDING', attempts: 2, lastError: 'connection refused', nextAttemptAt: '2026-12-05T12:05:00Z' }, now)).toMatch(
      /^2 attempts so far, last: connection refused\. Next try /,
    );
  });
});
