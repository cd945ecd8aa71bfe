// Turns the server's errors into sentences for people. The server decides what is allowed; the
// code in extensions.code (SPEC §9) tells the app which sentence fits.

/** The codes the server puts in extensions.code, plus NETWORK for a request that got no answer. */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'CONFLICT'
  | 'LOCKED'
  | 'CAPACITY_EXCEEDED'
  | 'INVALID_STATE'
  | 'RATE_LIMITED'
  | 'INTERNAL_SERVER_ERROR'
  | 'NETWORK';

/** The shape of urql's CombinedError that matters here (kept structural for tests). */
export interface ApiError {
  networkError?: Error;
  graphQLErrors: ReadonlyArray<{ message: string; extensions?: Readonly<Record<string, unknown>> }>;
}

/** Where the error happened, when that changes what it means. */
export type ErrorContext = 'default' | 'login';

const messages: Record<ErrorCode, string> = {
  UNAUTHENTICATED: 'Your session has ended. Please sign in again.',
  FORBIDDEN: "You don't have permission to do that.",
  NOT_FOUND: "That item no longer exists, or it isn't in your workspace.",
  BAD_USER_INPUT: "Something in the request wasn't valid. Check it and try again.",
  CONFLICT: 'Someone else changed this first. Look at the latest version and try again.',
  LOCKED: 'Another agent is working on this conversation right now.',
  CAPACITY_EXCEEDED: "You've reached your conversation limit. Finish or release one first.",
  INVALID_STATE: "That isn't possible in the conversation's current state.",
  RATE_LIMITED: 'Too many attempts. Wait a moment and try again.',
  INTERNAL_SERVER_ERROR:
    'Switchboard hit an unexpected problem. Try again; if it keeps happening, tell your administrator.',
  NETWORK: "Can't reach Switchboard. Check your connection and try again.",
};

const loginMessages: Partial<Record<ErrorCode, string>> = {
  UNAUTHENTICATED: "That email and password don't match an active account.",
  BAD_USER_INPUT: 'Enter your email address and password.',
  RATE_LIMITED: 'Too many sign-in attempts. Wait a minute and try again.',
};

const fallback = 'Something went wrong. Try again.';

function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(messages, code);
}

/**
 * The error's code: the first GraphQL error's extensions.code, NETWORK when the request got no
 * answer, undefined when there is no error or the code is unknown.
 */
export function errorCode(error: ApiError | null | undefined): ErrorCode | undefined {
  if (!error) return undefined;
  for (const e of error.graphQLErrors) {
    const code = e.extensions?.code;
    if (isErrorCode(code)) return code;
  }
  if (error.networkError) return 'NETWORK';
  return undefined;
}

/** A sentence for a person describing error; '' when there is no error. */
export function describeError(error: ApiError | null | undefined, context: ErrorContext = 'default'): string {
  if (!error) return '';
  const code = errorCode(error);
  if (!code) return fallback;
  return (context === 'login' ? loginMessages[code] : undefined) ?? messages[code];
}
