import { createClient as createWSClient, type Client as WSClient } from 'graphql-ws';
import { Client, cacheExchange, fetchExchange, mapExchange, subscriptionExchange, type ExecutionResult, type Operation } from 'urql';
import { declaresAfter, resumable } from '../live/cursor';
import { errorCode } from './errors';

// The one urql client of the workspace. Queries and mutations go over HTTP POST to /query with
// `Authorization: Bearer <token>`; subscriptions go over one graphql-ws WebSocket to the same path,
// authenticated by connection_init's payload {"authorization": "Bearer <token>"} (SPEC §10).
// A client belongs to one session: signing in or out builds a new one, so that nothing cached
// for one agent is ever shown to the next.
// Subscriptions resume from their cursors (SPEC §7 E3): each one that declares `$after` keeps the
// last cursor it delivered, and when graphql-ws resubscribes after a reconnection it asks for
// `after: <that cursor>`; duplicates are dropped (live/cursor.ts).

/** The WebSocket close code the server uses for a missing or bad credential. */
export const WS_CLOSE_UNAUTHENTICATED = 4403;

export interface ApiClientOptions {
  /** The current session token, read at every request and every (re)connection. */
  getToken: () => string | null;
  /** Called when the server says the token is no longer good (expired, revoked, deactivated). */
  onUnauthenticated?: () => void;
  /** GraphQL over HTTP (default: /query on this origin). */
  url?: string;
  /** GraphQL over WebSocket (default: ws(s)://this host/query). */
  wsUrl?: string;
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
    lazy: true,
    connectionParams: () => ({ authorization: authorization() ?? '' }),
    retryAttempts: 20,
    // A rejected credential will be rejected again: stop and sign out instead of retrying.
    shouldRetry: (event) => !closedWith(event, WS_CLOSE_UNAUTHENTICATED),
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
        if (closedWith(event, WS_CLOSE_UNAUTHENTICATED)) onUnauthenticated?.();
      },
    },
  });

  const client = new Client({
    url: options.url ?? '/query',
    preferGetMethod: false,
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
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request, operation) {
          const input = { ...request, query: request.query ?? '' };
          if (!declaresAfter(operation.query)) {
            return {
              subscribe(sink) {
                return { unsubscribe: ws.subscribe(input, sink) };
              },
            };
          }
          return {
            subscribe(sink) {
              // One position per subscription: it outlives reconnections, not the subscription.
              const feed = resumable(input);
              const unsubscribe = ws.subscribe(feed.payload, {
                next(value) {
                  if (feed.accept(value)) sink.next(value as ExecutionResult);
                },
                error: (error) => sink.error(error),
                complete: () => sink.complete(),
              });
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
