import { describe, expect, it } from 'vitest';
import { CombinedError } from 'urql';
import { describeError, describeItemError, errorAgents, errorCode, retryAfterSeconds, type ApiError } from './errors';

const withCode = (code: unknown, message = 'server message'): ApiError => ({
  graphQLErrors: [{ message, extensions: { code } }],
});

describe('errorCode', () => {
  it.each([
    'UNAUTHENTICATED',
    'FORBIDDEN',
    'NOT_FOUND',
    'BAD_USER_INPUT',
    'CONFLICT',
    'LOCKED',
    'CAPACITY_EXCEEDED',
    'INVALID_STATE',
    'RATE_LIMITED',
    'UNAVAILABLE',
    'CURSOR_EXPIRED',
    'INTERNAL_SERVER_ERROR',
  ])('reads %s from extensions.code', (code) => {
    expect(errorCode(withCode(code))).toBe(code);
  });

  it('is NETWORK when the request got no answer', () => {
    expect(errorCode({ networkError: new TypeError('Failed to fetch'), graphQLErrors: [] })).toBe('NETWORK');
  });

  it('prefers the server code over a network error (a 401 with a GraphQL body)', () => {
    expect(errorCode({ ...withCode('UNAUTHENTICATED'), networkError: new Error('Unauthorized') })).toBe(
      'UNAUTHENTICATED',
    );
  });

  it('is undefined without an error or with an unknown code', () => {
    expect(errorCode(undefined)).toBeUndefined();
    expect(errorCode(withCode('TEAPOT'))).toBeUndefined();
    expect(errorCode({ graphQLErrors: [{ message: 'no extensions' }] })).toBeUndefined();
  });

  it("reads urql's CombinedError", () => {
    const error = new CombinedError({
      graphQLErrors: [{ message: 'wrong email or password', extensions: { code: 'UNAUTHENTICATED' } }],
    });
    expect(errorCode(error)).toBe('UNAUTHENTICATED');
  });
});

describe('describeError', () => {
  it('is empty without an error', () => {
    expect(describeError(null)).toBe('');
  });

  it('says a failed sign-in does not match, without telling which part was wrong', () => {
    const sentence = describeError(withCode('UNAUTHENTICATED', 'wrong email or password'), 'login');
    expect(sentence).toBe("That email and password don't match an active account.");
  });

  it('says a session ended outside the login form', () => {
    expect(describeError(withCode('UNAUTHENTICATED'))).toBe('Your session ended: sign in again.');
  });

  it('has a sentence for every code, not the raw server message', () => {
    for (const code of ['FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'LOCKED', 'CAPACITY_EXCEEDED', 'INVALID_STATE']) {
      const sentence = describeError(withCode(code, 'raw detail'));
      expect(sentence).not.toContain('raw detail');
      expect(sentence).toMatch(/^[A-Z].*\.$/);
    }
  });

  it('explains rate limiting at sign-in', () => {
    expect(describeError(withCode('RATE_LIMITED'), 'login')).toMatch(/Too many sign-in attempts/);
  });

  it('says an expired cursor made the view read everything again', () => {
    expect(describeError(withCode('CURSOR_EXPIRED'))).toMatch(/^Live updates fell too far behind/);
  });

  it('explains network failures and falls back for unknown codes', () => {
    expect(describeError({ networkError: new TypeError('Failed to fetch'), graphQLErrors: [] })).toMatch(
      /Can't reach Switchboard/,
    );
    expect(describeError(withCode('TEAPOT'))).toBe('Something went wrong. Try again.');
  });
});

describe('rate limiting (HTTP 429 with Retry-After and extensions.retryAfter)', () => {
  const limited = (extensions: Record<string, unknown>, headers: Record<string, string> = {}): ApiError => ({
    graphQLErrors: [{ message: 'raw', extensions: { code: 'RATE_LIMITED', ...extensions } }],
    response: { status: 429, headers: new Headers(headers) },
  });

  it('says how long to wait, from extensions.retryAfter', () => {
    expect(describeError(limited({ retryAfter: 30 }))).toBe('Too many requests: wait 30 s and try again.');
    expect(describeError(limited({ retryAfter: '2.5' }))).toBe('Too many requests: wait 3 s and try again.');
    expect(describeError(limited({ retryAfter: 12 }), 'login')).toBe('Too many sign-in attempts: wait 12 s and try again.');
    expect(describeError(limited({ retryAfter: 5 }), 'send')).toBe('Too many requests: wait 5 s and try again.');
  });

  it('reads the Retry-After header when the extensions say nothing (seconds or a date)', () => {
    expect(retryAfterSeconds(limited({}, { 'Retry-After': '7' }))).toBe(7);
    const now = Date.parse('2026-01-01T10:00:00Z');
    expect(retryAfterSeconds(limited({}, { 'Retry-After': 'Thu, 01 Jan 2026 10:01:00 GMT' }), now)).toBe(60);
    expect(retryAfterSeconds(limited({ retryAfter: 4 }, { 'Retry-After': '7' }))).toBe(4);
  });

  it('keeps the plain sentence without a usable delay', () => {
    expect(describeError(limited({}))).toBe('Too many attempts. Wait a moment and try again.');
    for (const retryAfter of [0, -3, 'soon', null]) {
      expect(retryAfterSeconds(limited({ retryAfter }, { 'Retry-After': 'garbage' }))).toBeUndefined();
    }
    expect(retryAfterSeconds(null)).toBeUndefined();
  });

  it("reads urql's CombinedError for a 429 with a GraphQL body", () => {
    const error = new CombinedError({
      graphQLErrors: [{ message: 'slow down', extensions: { code: 'RATE_LIMITED', retryAfter: 9 } }],
      response: new Response('{}', { status: 429, headers: { 'Retry-After': '9' } }),
    });
    expect(errorCode(error)).toBe('RATE_LIMITED');
    expect(describeError(error)).toBe('Too many requests: wait 9 s and try again.');
  });

  it('knows a 429 or a 503 without a GraphQL body (a proxy in front of the API)', () => {
    const bare = (status: number, headers: Record<string, string> = {}): ApiError => ({
      networkError: new Error('Too Many Requests'),
      graphQLErrors: [],
      response: { status, headers: new Headers(headers) },
    });
    expect(errorCode(bare(429))).toBe('RATE_LIMITED');
    expect(describeError(bare(429, { 'Retry-After': '20' }))).toBe('Too many requests: wait 20 s and try again.');
    expect(errorCode(bare(503))).toBe('UNAVAILABLE');
    expect(errorCode(bare(502))).toBe('NETWORK');
  });

  it('keeps UNAVAILABLE (an outage: 503 with Retry-After)', () => {
    expect(describeError(withCode('UNAVAILABLE'))).toMatch(/^Switchboard is briefly unavailable/);
  });
});

describe('describeError with what the server names', () => {
  const ext = (code: string, extensions: Record<string, unknown>): ApiError => ({
    graphQLErrors: [{ message: 'raw', extensions: { code, ...extensions } }],
  });

  it('names the lock holder (L4, LOCKED with holder)', () => {
    const error = ext('LOCKED', { holder: { id: '7', name: 'Ana Alvarez', kind: 'HUMAN' } });
    expect(describeError(error)).toBe('Ana Alvarez is replying to this conversation. Steal the lock to act on it.');
    expect(errorAgents(error).holder?.name).toBe('Ana Alvarez');
  });

  it('names the owner of a lost claim race (C2, CONFLICT with owner)', () => {
    const error = ext('CONFLICT', { owner: { id: '8', name: 'Ben Brooks' } });
    expect(describeError(error)).toBe('Ben Brooks already claimed this conversation.');
    expect(errorAgents(error).owner?.id).toBe('8');
  });

  it('explains a stale version when replying', () => {
    expect(describeError(ext('CONFLICT', { currentVersion: 9 }), 'send')).toMatch(/^The conversation changed — review before sending\./);
  });

  it('says the limit of a text that is too long (BAD_USER_INPUT with extensions.maxLength)', () => {
    const long: ApiError = {
      graphQLErrors: [{ message: 'text is 10001 characters long; the limit is 10000', extensions: { code: 'BAD_USER_INPUT', field: 'text', maxLength: 10000 } }],
    };
    expect(describeError(long, 'send')).toBe('Too long: at most 10,000 characters.');
    expect(describeError(long)).toBe('Too long: at most 10,000 characters.');
    // an empty text carries the limit too, and is not "too long"
    const empty: ApiError = { graphQLErrors: [{ message: 'text is empty: write 1 to 5000 characters', extensions: { code: 'BAD_USER_INPUT', maxLength: 5000 } }] };
    expect(describeError(empty)).not.toMatch(/Too long/);
  });

  it('says which limit was hit, for the viewer or for the agent it is given to', () => {
    const channel = ext('CAPACITY_EXCEEDED', { limit: 'channel', channel: 'LIVE_CHAT', capacity: 2, current: 2 });
    expect(describeError(channel)).toBe("You're at capacity on live chat. Resolve or pend one of those conversations first.");
    expect(describeError(channel, 'reassign')).toMatch(/^That agent is at capacity on live chat\./);
    expect(describeError(ext('CAPACITY_EXCEEDED', { limit: 'maxClaimsPerAgent' }))).toMatch(/as many open conversations/);
  });

  it('explains pools, channels and presence', () => {
    expect(describeError(ext('FORBIDDEN', { pool: 'Billing pool' }))).toBe(
      'Only members of “Billing pool” may take this conversation.',
    );
    expect(describeError(ext('FORBIDDEN', { channel: 'INSTAGRAM' }))).toMatch(/aren't permitted on Instagram/);
    expect(describeError(ext('INVALID_STATE', { presence: 'OFFLINE' }), 'reassign')).toMatch(/offline/);
  });

  it('never shows the raw message, with or without extensions', () => {
    for (const code of ['LOCKED', 'CONFLICT', 'CAPACITY_EXCEEDED', 'FORBIDDEN', 'INVALID_STATE', 'RATE_LIMITED']) {
      for (const context of ['default', 'send', 'reassign'] as const) {
        expect(describeError(ext(code, {}), context)).not.toContain('raw');
      }
    }
  });
});

describe('describeError for interventions and transfers', () => {
  const ext = (code: string, extensions: Record<string, unknown> = {}): ApiError => ({
    graphQLErrors: [{ message: 'raw', extensions: { code, ...extensions } }],
  });

  it('names who took a conversation over first (I2: the first wins)', () => {
    expect(describeError(ext('CONFLICT', { owner: { id: '8', name: 'Ben Brooks' } }), 'takeover')).toBe(
      'Ben Brooks took this conversation over first.',
    );
  });

  it('explains a takeover that is no longer running (I3, I4)', () => {
    expect(describeError(ext('INVALID_STATE'), 'handback')).toMatch(/^The takeover isn't running any more/);
    expect(describeError(ext('FORBIDDEN'), 'handback')).toMatch(/agent who took this conversation over/);
  });

  it("says the limits are the receiver's in a transfer (C11)", () => {
    const full = ext('CAPACITY_EXCEEDED', { limit: 'channel', channel: 'SMS', capacity: 3, current: 3 });
    expect(describeError(full, 'transfer')).toMatch(/^That agent is at capacity on SMS\./);
    expect(describeError(ext('INVALID_STATE', { presence: 'AWAY' }), 'transfer')).toMatch(/away/);
    expect(describeError(ext('FORBIDDEN'), 'transfer')).toMatch(/transfer to a team/);
    expect(describeError(ext('NOT_FOUND'), 'transfer')).toMatch(/agent or team/);
  });

  it('keeps pool and channel reasons for the taker (takeover is a claim)', () => {
    expect(describeError(ext('FORBIDDEN', { channel: 'INSTAGRAM' }), 'takeover')).toMatch(/aren't permitted on Instagram/);
    expect(describeError(ext('FORBIDDEN'), 'takeover')).toMatch(/routing only/);
  });

  it('never shows the raw message', () => {
    for (const context of ['takeover', 'handback', 'transfer'] as const) {
      for (const code of ['CONFLICT', 'FORBIDDEN', 'INVALID_STATE', 'NOT_FOUND', 'BAD_USER_INPUT', 'CAPACITY_EXCEEDED']) {
        expect(describeError(ext(code), context)).not.toContain('raw');
      }
    }
  });
});

describe('describeError for the dashboard', () => {
  const error = (code: string, message = 'raw', extensions: Record<string, unknown> = {}): ApiError => ({
    graphQLErrors: [{ message, extensions: { code, ...extensions } }],
  });

  it('explains a refused force-release (C8)', () => {
    expect(describeError(error('INVALID_STATE'), 'forceRelease')).toMatch(/isn't claimed any more/);
    expect(describeError(error('FORBIDDEN'), 'forceRelease')).toBe('Only supervisors and admins can force-release a claim.');
    expect(describeError(error('NOT_FOUND'), 'forceRelease')).toBe('That conversation no longer exists.');
  });

  it('names the field an admin form got wrong, with what the server says about it', () => {
    expect(describeError(error('BAD_USER_INPUT', 'password: must be 8 to 256 characters', { field: 'password' }), 'admin')).toBe(
      'Check the password: must be 8 to 256 characters.',
    );
    expect(
      describeError(
        error('BAD_USER_INPUT', 'max_claims_per_agent: ent: validator failed for field "Workspace.max_claims_per_agent": value out of range', {
          field: 'max_claims_per_agent',
        }),
        'admin',
      ),
    ).toBe('Check the max claims per agent: value out of range.');
    expect(describeError(error('CONFLICT', 'an agent with the email "a@b.c" already exists', { field: 'email' }), 'admin')).toBe(
      'Another agent already has that email address. Use a different one.',
    );
  });

  it('falls back to the sentences of the codes', () => {
    expect(describeError(error('FORBIDDEN'), 'admin')).toMatch(/Your role doesn't allow that change/);
    expect(describeError(error('BAD_USER_INPUT'), 'admin')).toMatch(/wasn't valid/);
    expect(describeError(error('BAD_USER_INPUT', 'password: short', { field: 'password' }))).not.toContain('short'); // not outside forms
  });
});

describe('describeItemError', () => {
  it('has a sentence for each bulk-claim outcome', () => {
    expect(describeItemError(null)).toBe('');
    expect(describeItemError({ code: 'CONFLICT', message: 'Ben Brooks already claimed this conversation' })).toBe(
      'Someone else claimed it first.',
    );
    expect(describeItemError({ code: 'CAPACITY_EXCEEDED', message: 'x' })).toMatch(/capacity/);
    expect(describeItemError({ code: 'RATE_LIMITED', message: 'x' })).toMatch(/Too many attempts/);
    expect(describeItemError({ code: 'TEAPOT', message: 'x' })).toBe('Something went wrong. Try again.');
  });
});
