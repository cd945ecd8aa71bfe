import { describe, expect, it } from 'vitest';
import { CombinedError } from 'urql';
import { describeError, errorCode, type ApiError } from './errors';

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
    expect(describeError(withCode('UNAUTHENTICATED'))).toBe('Your session has ended. Please sign in again.');
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

  it('explains network failures and falls back for unknown codes', () => {
    expect(describeError({ networkError: new TypeError('Failed to fetch'), graphQLErrors: [] })).toMatch(
      /Can't reach Switchboard/,
    );
    expect(describeError(withCode('TEAPOT'))).toBe('Something went wrong. Try again.');
  });
});
