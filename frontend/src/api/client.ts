import { persistedExchange } from '@urql/exchange-persisted';
import { createClient as createWSClient, type Client as WSClient, type ClientOptions as WSClientOptions } from 'graphql-ws';
import { Client, cacheExchange, fetchExchange, mapExchange, subscriptionExchange, type ExecutionResult, type Operation } from 'urql';
import { declaresAfter, subscribeResumable } from '../live/cursor';
import { errorCode } from './errors';

// The one urql client of the workspace. Queries and mutations go over HTTP to /query with
// `Authorization: Bearer <token>`; subscriptions go over one graphql-ws WebSocket to the same path,
// authenticated by connection_init's payload {"authorization": "Bearer <token>"} (SPEC §10).
// A client belongs to one session: signing in or out builds a new one, so that nothing cached
// for one agent is ever shown to the next.
// Queries are automatic persisted queries: the client sends the SHA-256 of the query, by GET
// while the URL stays short; the server answers an unknown hash with PERSISTED_QUERY_NOT_FOUND
// and the client then sends the query with its hash once. So the polled and refetched queries
// (queue places, the dashboard's figures) cost a short GET instead of a body of a few kB.
// Mutations are never persisted and always go by POST (GET is for reading only).
// Subscriptions resume from their cursors (SPEC §7 E3): each one that declares `$after` keeps the
// last cursor it delivered, and when graphql-ws resubscribes after a reconnection it asks for
// `after: <that cursor>`; duplicates are dropped, and an expired cursor (CURSOR_EXPIRED) is
// dropped for a live-only subscription while the view reads its data again (live/cursor.ts).

/**
 * The WebSocket close code the server uses when the credential is missing, bad or has ended
 * (logout elsewhere, key revoked, agent deactivated, role changed).
 */
export const WS_CLOSE_UNAUTHENTICATED = 4403;

/**
 * What a closed WebSocket means for the session. graphql-ws retries 4403 (Forbidden: "might grant
 * access after a retry") like any other close; for Switchboard it means the credential ended,
 * which a retry cannot mend: sign out instead of reconnecting with the same token.
 */
export function closeEndsSession(event: unknown): boolean {
  return closedWith(event, WS_CLOSE_UNAUTHENTICATED);
}

/** Whether graphql-ws should reconnect after event (within its retry attempts). */
export function shouldReconnect(event: unknown): boolean {
  return !closeEndsSession(event);
}

/**
 * The SHA-256 of a query, in hex, for persisted queries: Web Crypto's, which browsers offer only
 * on secure origins (https:, localhost). Elsewhere it is '' and the query is sent whole, as if
 * persisted queries were off (the exchange's own fallback would try to import Node's crypto).
 */
export async function queryHash(query: string): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return '';
  const digest = await subtle.digest('SHA-256', new TextEncoder().encode(query));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

export interface ApiClientOptions {
  /** The current session token, read at every request and every (re)connection. */
  getToken: () => string | null;
  /** Called when the server says the token is no longer good (expired, revoked, deactivated). */
  onUnauthenticated?: () => void;
  /** GraphQL over HTTP (default: /query on this origin). */
  url?: string;
  /** GraphQL over WebSocket (default: ws(s)://this host/query). */
  wsUrl?: string;
  /** The WebSocket class (default: the browser's); tests pass a fake server. */
  webSocketImpl?: WSClientOptions['webSocketImpl'];
  /** fetch (default: the global one); tests record requests with it. */
  fetch?: typeof fetch;
}

export interface ApiClient {
  client: Client;
  /**
   * Calls listener each time the WebSocket connects again after losing its connection; returns a
   * function that stops it. Subscriptions resume from their last cursor by themselves; screens
   * built from a query read it again then, as a feed that had delivered nothing yet has no cursor
   * to resume from (it starts live again, and what happened meanwhile is only in the query).
   */
  onReconnected(listener: () => void): () => void;
  /** Whether the WebSocket is connected now, and a way to hear when that changes. */
  connection: { connected(): boolean; subscribe(listener: (connected: boolean) => void): () => void };
  /**
   * Sends a mutation that must leave even when the page is closing (fetch with keepalive), for
   * closeConversation on pagehide (L6). Fire and forget.
   */
  sendOnExit(query: string, variables: Record<string, unknown>): void;
  /** Closes the WebSocket and stops reconnecting. */
  dispose(): void;
}

/** The WebSocket URL of path on the page's own host: ws: for http:, wss: for https:. */
export function webSocketURL(location: Pick<Location, 'protocol' | 'host'>, path = '/query'): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${path}`;
}

function closedWith(event: unknown, code: number): boolean {
  return typeof event === 'object' && event !== null && (event as { code?: unknown }).code === code;
}

/** The part of a subscription's sink used here (urql's ObserverLike, graphql-ws's Sink). */
interface ResultSink {
  next(value: ExecutionResult): void;
  error(error: unknown): void;
  complete(): void;
}

/**
 * urql merges each result of a subscription into the one before (incremental delivery): an error
 * of one result, a CURSOR_EXPIRED that the feed recovered from for one, would stay on every later
 * event. A result that follows one with errors therefore says it has none (errors: []).
 */
export function standalone(sink: ResultSink): ResultSink {
  let hadErrors = false;
  return {
    next(value) {
      const errors = Array.isArray(value.errors) && value.errors.length > 0;
      sink.next(hadErrors && !errors ? { ...value, errors: [] } : value);
      hadErrors = errors;
    },
    error: (error) => sink.error(error),
    complete: () => sink.complete(),
  };
}

function operationName(op: Operation): string | undefined {
  for (const def of op.query.definitions) {
    if (def.kind === 'OperationDefinition') return def.name?.value;
  }
  return undefined;
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const { getToken, onUnauthenticated } = options;
  const authorization = (): string | undefined => {
    const token = getToken();
    return token ? `Bearer ${token}` : undefined;
  };

  const reconnectListeners = new Set<() => void>();
  const connectionListeners = new Set<(connected: boolean) => void>();
  let connected = false;
  const setConnected = (value: boolean) => {
    if (connected === value) return;
    connected = value;
    for (const listener of connectionListeners) listener(value);
  };

  const ws: WSClient = createWSClient({
    url: options.wsUrl ?? webSocketURL(window.location),
    webSocketImpl: options.webSocketImpl,
    lazy: true,
    connectionParams: () => ({ authorization: authorization() ?? '' }),
    retryAttempts: 20,
    // A rejected credential will be rejected again: stop and sign out instead of retrying.
    shouldRetry: shouldReconnect,
    // A ping every 15 s keeps proxies from closing an idle socket: the open socket is what renews
    // the viewer's lock lease (L6).
    keepAlive: 15_000,
    on: {
      connected: (_socket, _payload, wasRetry) => {
        setConnected(true);
        if (wasRetry) for (const listener of reconnectListeners) listener();
      },
      closed: (event) => {
        setConnected(false);
        if (closeEndsSession(event)) onUnauthenticated?.();
      },
    },
  });

  const client = new Client({
    url: options.url ?? '/query',
    // Only persisted queries go by GET (persistedExchange asks for it per operation).
    preferGetMethod: false,
    fetch: options.fetch,
    fetchOptions: () => {
      const value = authorization();
      return value ? { headers: { Authorization: value } } : {};
    },
    exchanges: [
      cacheExchange,
      mapExchange({
        onError(error, operation) {
          // A failed sign-in is the login form's business; anything else means the session is gone.
          if (errorCode(error) === 'UNAUTHENTICATED' && operationName(operation) !== 'Login' && getToken()) {
            onUnauthenticated?.();
          }
        },
      }),
      persistedExchange({ preferGetForPersistedQueries: 'within-url-limit', generateHash: queryHash }),
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request, operation) {
          const input = { ...request, query: request.query ?? '' };
          if (!declaresAfter(operation.query)) {
            return {
              subscribe(sink) {
                return { unsubscribe: ws.subscribe(input, standalone(sink)) };
              },
            };
          }
          return {
            subscribe(sink) {
              const unsubscribe = subscribeResumable((payload, feed) => ws.subscribe(payload, feed), input, standalone(sink));
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });

  return {
    client,
    onReconnected(listener) {
      reconnectListeners.add(listener);
      return () => reconnectListeners.delete(listener);
    },
    connection: {
      connected: () => connected,
      subscribe(listener) {
        connectionListeners.add(listener);
        return () => connectionListeners.delete(listener);
      },
    },
    sendOnExit(query, variables) {
      const value = authorization();
      if (!value) return;
      void fetch(options.url ?? '/query', {
        method: 'POST',
        keepalive: true,
        headers: { 'Content-Type': 'application/json', Authorization: value },
        body: JSON.stringify({ query, variables }),
      }).catch(() => {
        // the page is going away; the lease expires on its own (L6)
      });
    },
    dispose() {
      reconnectListeners.clear();
      connectionListeners.clear();
      void ws.dispose();
    },
  };
}
