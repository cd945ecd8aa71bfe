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
  | 'UNAVAILABLE'
  /** A live subscription's resume cursor is older than the audit log keeps (SPEC §7 E3, E6). */
  | 'CURSOR_EXPIRED'
  | 'INTERNAL_SERVER_ERROR'
  | 'NETWORK';

/** The shape of urql's CombinedError that matters here (kept structural for tests). */
export interface ApiError {
  networkError?: Error;
  graphQLErrors: ReadonlyArray<{ message: string; extensions?: Readonly<Record<string, unknown>> }>;
  /** The HTTP answer, when there was one (its status and Retry-After header). */
  response?: unknown;
}

/**
 * Where the error happened, when that changes what it means: signing in, replying (CONFLICT is a
 * stale version there), giving a conversation to someone else (reassign, transfer: limits are
 * theirs, not yours), taking a conversation over from the bot (takeover), or ending a takeover
 * (handback: cancel, return to the queue, complete).
 */
export type ErrorContext =
  | 'default'
  | 'login'
  | 'send'
  | 'reassign'
  | 'transfer'
  | 'takeover'
  | 'handback'
  /** A supervisor takes a (stale) claim back (C8). */
  | 'forceRelease'
  /** Administration forms: agents, teams, pools, settings (the server names the wrong field). */
  | 'admin'
  /** A supervisor opens a conversation to watch it without its lock (monitorConversation). */
  | 'monitor';

const messages: Record<ErrorCode, string> = {
  UNAUTHENTICATED: 'Your session ended: sign in again.',
  FORBIDDEN: "You don't have permission to do that.",
  NOT_FOUND: "That item no longer exists, or it isn't in your workspace.",
  BAD_USER_INPUT: "Something in the request wasn't valid. Check it and try again.",
  CONFLICT: 'Someone else changed this first. Look at the latest version and try again.',
  LOCKED: 'Another agent is working on this conversation right now.',
  CAPACITY_EXCEEDED: "You've reached your conversation limit. Finish or release one first.",
  INVALID_STATE: "That isn't possible in the conversation's current state.",
  RATE_LIMITED: 'Too many attempts. Wait a moment and try again.',
  UNAVAILABLE: 'Switchboard is briefly unavailable (a restart or a database outage). Try again in a few seconds.',
  CURSOR_EXPIRED: 'Live updates fell too far behind, so this view was read again from the start.',
  INTERNAL_SERVER_ERROR:
    'Switchboard hit an unexpected problem. Try again; if it keeps happening, tell your administrator.',
  NETWORK: "Can't reach Switchboard. Check your connection and try again.",
};

const loginMessages: Partial<Record<ErrorCode, string>> = {
  UNAUTHENTICATED: "That email and password don't match an active account.",
  BAD_USER_INPUT: 'Enter your email address and password.',
  RATE_LIMITED: 'Too many sign-in attempts. Wait a minute and try again.',
};

/** Sentences for codes the server sends without details, where the action says what they mean. */
const contextMessages: Partial<Record<ErrorContext, Partial<Record<ErrorCode, string>>>> = {
  takeover: {
    FORBIDDEN: "You can't take this conversation over: your workspace assigns by routing only, or your role doesn't allow it.",
    INVALID_STATE: "It can't be taken over now: it's resolved or closed.",
  },
  handback: {
    FORBIDDEN: 'Only the agent who took this conversation over, or a supervisor, can end the takeover.',
    INVALID_STATE:
      "The takeover isn't running any more, or the bot can't take the conversation back. Look at the latest state; if the bot is gone, return it to the queue.",
    BAD_USER_INPUT: 'Check the topic, outcome, tags and bot step: each is at most 200 characters.',
  },
  forceRelease: {
    INVALID_STATE: "It isn't claimed any more: its owner released, resolved or handed it on meanwhile.",
    FORBIDDEN: 'Only supervisors and admins can force-release a claim.',
    NOT_FOUND: 'That conversation no longer exists.',
  },
  monitor: {
    FORBIDDEN: "Your role can't monitor conversations: open it instead.",
    NOT_FOUND: "That conversation no longer exists, or it isn't in your workspace.",
  },
  admin: {
    FORBIDDEN: "Your role doesn't allow that change: admins manage agents below or at their own role.",
    NOT_FOUND: 'That agent, team or pool no longer exists. Reload the list.',
  },
  transfer: {
    FORBIDDEN:
      'Only the owner or a supervisor may transfer this conversation, and in a routing-only workspace agents transfer to a team.',
    NOT_FOUND: 'That agent or team no longer exists. Pick another.',
    INVALID_STATE: 'Only new and pending conversations can be transferred.',
    BAD_USER_INPUT: 'Choose an active human agent or a team, and keep the note under 5,000 characters.',
  },
};

const fallback = 'Something went wrong. Try again.';

function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(messages, code);
}

/** The parts of a fetch Response read here. */
interface ResponseLike {
  status?: unknown;
  headers?: { get?: (name: string) => string | null };
}

function responseOf(error: ApiError): ResponseLike | undefined {
  const response = error.response;
  return typeof response === 'object' && response !== null ? (response as ResponseLike) : undefined;
}

/** Codes of HTTP answers that have no GraphQL body (a proxy's, or a limiter's in front of the API). */
const statusCodes: Partial<Record<number, ErrorCode>> = { 429: 'RATE_LIMITED', 503: 'UNAVAILABLE' };

/**
 * The error's code: the first GraphQL error's extensions.code; for an answer without a GraphQL
 * body, RATE_LIMITED for HTTP 429 and UNAVAILABLE for 503, else NETWORK (the request got no
 * usable answer); undefined when there is no error or the code is unknown.
 */
export function errorCode(error: ApiError | null | undefined): ErrorCode | undefined {
  if (!error) return undefined;
  for (const e of error.graphQLErrors) {
    const code = e.extensions?.code;
    if (isErrorCode(code)) return code;
  }
  if (error.networkError) {
    const status = responseOf(error)?.status;
    return (typeof status === 'number' ? statusCodes[status] : undefined) ?? 'NETWORK';
  }
  return undefined;
}

/** Whole seconds from a delay in seconds (a number or its text); undefined unless positive. */
function seconds(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(n) && n > 0 ? Math.ceil(n) : undefined;
}

/**
 * How long the server asks the client to wait before trying again, in whole seconds: the error's
 * extensions.retryAfter, else the HTTP answer's Retry-After header (seconds, or a date); undefined
 * when it says nothing. now is for tests.
 */
export function retryAfterSeconds(error: ApiError | null | undefined, now: number = Date.now()): number | undefined {
  if (!error) return undefined;
  for (const e of error.graphQLErrors) {
    const fromExtensions = seconds(e.extensions?.retryAfter);
    if (fromExtensions !== undefined) return fromExtensions;
  }
  const header = responseOf(error)?.headers?.get?.('Retry-After');
  if (!header) return undefined;
  const fromHeader = seconds(header);
  if (fromHeader !== undefined) return fromHeader;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : seconds((date - now) / 1000);
}

/** An agent named in an error's extensions (CONFLICT's owner, LOCKED's holder). */
export interface AgentRef {
  id?: string;
  name?: string;
  kind?: string;
}

function extensionsOf(error: ApiError, code: ErrorCode): Readonly<Record<string, unknown>> {
  for (const e of error.graphQLErrors) {
    if (e.extensions?.code === code) return e.extensions;
  }
  return {};
}

function agentRef(value: unknown): AgentRef | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { id, name, kind } = value as Record<string, unknown>;
  return {
    id: typeof id === 'string' ? id : undefined,
    name: typeof name === 'string' && name !== '' ? name : undefined,
    kind: typeof kind === 'string' ? kind : undefined,
  };
}

/** Who the error names: the lock's holder (LOCKED, CONFLICT) or the owner (CONFLICT, LOCKED). */
export function errorAgents(error: ApiError | null | undefined): { holder?: AgentRef; owner?: AgentRef } {
  const code = errorCode(error);
  if (!error || !code) return {};
  const ext = extensionsOf(error, code);
  return { holder: agentRef(ext.holder), owner: agentRef(ext.owner) };
}

const channelWords: Record<string, string> = {
  SMS: 'SMS',
  LIVE_CHAT: 'live chat',
  WHATSAPP: 'WhatsApp',
  FACEBOOK: 'Facebook',
  INSTAGRAM: 'Instagram',
  EMAIL: 'email',
};

/** Words for the fields the server names in BAD_USER_INPUT and CONFLICT (camelCase or snake_case). */
const fieldWords: Record<string, string> = {
  name: 'the name',
  email: 'the email address',
  password: 'the password',
  role: 'the role',
  vaRole: 'the bot role',
  skills: 'the skills',
  languages: 'the languages',
  channels: 'the channels',
  teamIds: 'the teams',
  poolIds: 'the pools',
  memberIds: 'the members',
  tag: 'the tag',
  from: 'the period',
  days: 'the period',
  url: 'the URL',
  eventTypes: 'the event types',
};

function fieldLabel(field: string): string {
  const camel = field.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  return fieldWords[camel] ?? `the ${humanWords(camel)}`;
}

function humanWords(camel: string): string {
  return camel.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}

/** What the server says is wrong with a field ("must be 8 to 256 characters"), without the field. */
function fieldDetail(message: string, field: string): string {
  let detail = message.startsWith(`${field}: `) ? message.slice(field.length + 2) : message;
  if (detail.includes('validator failed')) detail = detail.slice(detail.lastIndexOf(': ') + 2);
  return detail.replace(/\.$/, '');
}

/** The first message of an error with code. */
export function messageOf(error: ApiError, code: ErrorCode): string {
  return error.graphQLErrors.find((e) => e.extensions?.code === code)?.message ?? '';
}

/** The sentence for a code, made precise by what the server put in extensions. */
function specific(code: ErrorCode, ext: Readonly<Record<string, unknown>>, context: ErrorContext, message = ''): string | undefined {
  if (context === 'admin' && typeof ext.field === 'string') {
    const label = fieldLabel(ext.field);
    if (code === 'CONFLICT' && ext.field === 'email') return 'Another agent already has that email address. Use a different one.';
    if (code === 'CONFLICT') return `Check ${label}: another one already has it.`;
    if (code === 'BAD_USER_INPUT' && message) return `Check ${label}: ${fieldDetail(message, ext.field)}.`;
  }
  const holder = agentRef(ext.holder)?.name;
  const owner = agentRef(ext.owner)?.name;
  const channel = typeof ext.channel === 'string' ? (channelWords[ext.channel] ?? ext.channel) : undefined;
  const them = context === 'reassign' || context === 'transfer';
  // A text over the server's limit (a reply, a note, a canned response): the limit, in words.
  if (code === 'BAD_USER_INPUT' && typeof ext.maxLength === 'number' && /\blimit is\b|too long|characters long/i.test(message)) {
    return `Too long: at most ${ext.maxLength.toLocaleString('en-US')} characters.`;
  }
  switch (code) {
    case 'LOCKED':
      if (holder) return `${holder} is replying to this conversation. Steal the lock to act on it.`;
      if (owner) return `${owner} owns this conversation. Steal the lock to reply.`;
      return undefined;
    case 'CONFLICT':
      if (context === 'send') {
        return 'The conversation changed — review before sending. Your draft is kept: read the latest messages, then send again.';
      }
      if (owner && context === 'takeover') return `${owner} took this conversation over first.`;
      if (owner) return `${owner} already claimed this conversation.`;
      if (holder) return `${holder} took this conversation first.`;
      return undefined;
    case 'CAPACITY_EXCEEDED':
      if (ext.limit === 'channel' && channel) {
        return them
          ? `That agent is at capacity on ${channel}. Pick someone else, or ask them to resolve or pend one first.`
          : `You're at capacity on ${channel}. Resolve or pend one of those conversations first.`;
      }
      if (ext.limit === 'maxClaimsPerAgent') {
        return them
          ? 'That agent already owns as many open conversations as the workspace allows. Pick someone else.'
          : 'You already own as many open conversations as the workspace allows. Resolve or release one first.';
      }
      return them ? 'That agent has no room for another conversation. Pick someone else.' : undefined;
    case 'FORBIDDEN':
      if (typeof ext.pool === 'string') {
        return them
          ? `Only members of “${ext.pool}” may take this conversation. Pick one of them.`
          : `Only members of “${ext.pool}” may take this conversation.`;
      }
      if (channel) {
        return them
          ? `That agent isn't permitted on ${channel}. Pick someone who is.`
          : `You aren't permitted on ${channel}. An admin can add the channel for you.`;
      }
      return undefined;
    case 'INVALID_STATE':
      if (typeof ext.presence === 'string') {
        return `That agent is ${ext.presence.toLowerCase()} and receives no new conversations. Pick someone who is online.`;
      }
      return undefined;
  }
  return undefined;
}

/** A sentence for a person describing error; '' when there is no error. */
export function describeError(error: ApiError | null | undefined, context: ErrorContext = 'default'): string {
  if (!error) return '';
  const code = errorCode(error);
  if (!code) return fallback;
  if (code === 'RATE_LIMITED') {
    const wait = retryAfterSeconds(error);
    if (wait !== undefined) {
      return context === 'login'
        ? `Too many sign-in attempts: wait ${wait} s and try again.`
        : `Too many requests: wait ${wait} s and try again.`;
    }
  }
  if (context === 'login') return loginMessages[code] ?? messages[code];
  return specific(code, extensionsOf(error, code), context, messageOf(error, code)) ?? contextMessages[context]?.[code] ?? messages[code];
}

const itemMessages: Partial<Record<ErrorCode, string>> = {
  CONFLICT: 'Someone else claimed it first.',
  LOCKED: 'Another agent is replying to it right now.',
  CAPACITY_EXCEEDED: "You're at capacity for its channel, or at your limit of open conversations.",
  FORBIDDEN: "You can't take this one: it belongs to a pool you're not in, or a channel you're not on.",
  INVALID_STATE: "It's resolved or closed, so it can't be claimed.",
  NOT_FOUND: 'It no longer exists.',
};

/** The sentence for one item of a result that reports several outcomes (bulk claim's Error). */
export function describeItemError(error: { code: string; message: string } | null | undefined): string {
  if (!error) return '';
  const code = isErrorCode(error.code) ? error.code : undefined;
  if (!code) return fallback;
  return itemMessages[code] ?? messages[code];
}
