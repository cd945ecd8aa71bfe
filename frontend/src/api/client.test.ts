import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parse } from 'graphql';
import { closeEndsSession, createApiClient, queryHash, shouldReconnect, WS_CLOSE_UNAUTHENTICATED, type ApiClient } from './client';
import { errorCode } from './errors';

type Message = { id?: string; type: string; payload?: unknown };

/**
 * A WebSocket for graphql-ws that is also the server's end of it: the test reads what the client
 * sent and answers (graphql-transport-ws messages) or closes with a code.
 */
class FakeSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  static all: FakeSocket[] = [];
  /** What the server does with connection_init: accept it, or close with 4403. */
  static acceptInit = true;

  readyState = FakeSocket.CONNECTING;
  onopen: ((event: unknown) => void) | null = null;
  onclose: ((event: unknown) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  sent: Message[] = [];

  constructor(
    readonly url: string,
    readonly protocol: string,
  ) {
    FakeSocket.all.push(this);
    queueMicrotask(() => {
      this.readyState = FakeSocket.OPEN;
      this.onopen?.({});
    });
  }

  send(data: string) {
    const message = JSON.parse(data) as Message;
    this.sent.push(message);
    if (message.type === 'connection_init') {
      if (FakeSocket.acceptInit) this.answer({ type: 'connection_ack' });
      else this.serverClose(WS_CLOSE_UNAUTHENTICATED, 'the credential is not valid');
    }
  }

  close(code = 1000, reason = '') {
    this.serverClose(code, reason);
  }

  /** The server sends message: each one is a task of its own, as a browser dispatches them. */
  answer(message: Message) {
    setTimeout(() => this.onmessage?.({ data: JSON.stringify(message) }), 0);
  }

  /** The server closes the connection. */
  serverClose(code: number, reason: string) {
    if (this.readyState === FakeSocket.CLOSED) return;
    this.readyState = FakeSocket.CLOSED;
    setTimeout(() => this.onclose?.({ code, reason, wasClean: true }), 0);
  }

  subscriptions(): Array<{ id: string; variables: Record<string, unknown> }> {
    return this.sent
      .filter((m) => m.type === 'subscribe')
      .map((m) => ({ id: m.id ?? '', variables: ((m.payload as { variables?: Record<string, unknown> }).variables ?? {}) }));
  }
}

// parse, not gql: codegen reads gql documents, and these are the test's own.
const Feed = parse(`
  subscription Feed($after: String) {
    myQueue(after: $after) {
      kind
      cursor
    }
  }
`);

const flush = () => vi.advanceTimersByTimeAsync(0);

describe('closing the WebSocket', () => {
  it('ends the session on 4403 (the credential ended) and reconnects on anything else', () => {
    expect(closeEndsSession({ code: 4403, reason: 'session ended' })).toBe(true);
    expect(shouldReconnect({ code: 4403, reason: 'session ended' })).toBe(false);
    for (const code of [1000, 1001, 1006, 1011, 1012, 1013, 4400, 4401, 4499]) {
      expect(closeEndsSession({ code, reason: '' })).toBe(false);
      expect(shouldReconnect({ code, reason: '' })).toBe(true);
    }
    expect(closeEndsSession(new Error('boom'))).toBe(false);
    expect(closeEndsSession(undefined)).toBe(false);
  });
});

describe('createApiClient over a fake WebSocket', () => {
  let api: ApiClient | undefined;
  let ended: number;

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    FakeSocket.all = [];
    FakeSocket.acceptInit = true;
    ended = 0;
    api = createApiClient({
      getToken: () => 'token-1',
      onUnauthenticated: () => ended++,
      url: 'http://switchboard.test/query',
      wsUrl: 'ws://switchboard.test/query',
      webSocketImpl: FakeSocket,
    });
  });

  afterEach(() => {
    api?.dispose();
    vi.useRealTimers();
  });

  it('signs out, without retrying, when the server closes with 4403 mid-session', async () => {
    const results: unknown[] = [];
    api!.client.subscription(Feed, {}).subscribe((r) => results.push(r));
    await flush();
    const [socket] = FakeSocket.all;
    expect(socket.sent[0]).toEqual({ type: 'connection_init', payload: { authorization: 'Bearer token-1' } });
    expect(socket.subscriptions()).toHaveLength(1);
    expect(api!.connection.connected()).toBe(true);

    socket.serverClose(WS_CLOSE_UNAUTHENTICATED, 'logged out elsewhere');
    await vi.advanceTimersByTimeAsync(120_000); // graphql-ws would have retried by now
    expect(ended).toBe(1);
    expect(FakeSocket.all).toHaveLength(1);
    expect(api!.connection.connected()).toBe(false);
  });

  it('signs out when connection_init is refused with 4403', async () => {
    FakeSocket.acceptInit = false;
    api!.client.subscription(Feed, {}).subscribe(() => {});
    await vi.advanceTimersByTimeAsync(120_000);
    expect(ended).toBe(1);
    expect(FakeSocket.all).toHaveLength(1);
  });

  it('reconnects after another close (1013: try again later) and resumes from the cursor', async () => {
    let reconnected = 0;
    api!.onReconnected(() => reconnected++);
    const results: Array<{ data?: unknown }> = [];
    api!.client.subscription(Feed, {}).subscribe((r) => results.push(r));
    await flush();
    const [first] = FakeSocket.all;
    const [sub] = first.subscriptions();
    first.answer({ id: sub.id, type: 'next', payload: { data: { myQueue: { kind: 'ADDED', cursor: '41' } } } });
    await flush();

    first.serverClose(1013, 'try again later');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(ended).toBe(0);
    expect(reconnected).toBe(1);
    expect(FakeSocket.all).toHaveLength(2);
    expect(FakeSocket.all[1].subscriptions()[0].variables).toEqual({ after: '41' });
  });

  it('answers CURSOR_EXPIRED by subscribing live again and telling the view to reload', async () => {
    const results: Array<{ data?: { myQueue?: { cursor: string } }; error?: Parameters<typeof errorCode>[0] }> = [];
    api!.client.subscription(Feed, {}).subscribe((r) => results.push(r));
    await flush();
    const [first] = FakeSocket.all;
    first.answer({ id: first.subscriptions()[0].id, type: 'next', payload: { data: { myQueue: { kind: 'ADDED', cursor: '41' } } } });
    await flush();
    first.serverClose(1013, 'try again later');
    await vi.advanceTimersByTimeAsync(10_000);

    // The cursor is older than the audit log keeps: the server says so (gqlgen: next with errors, complete).
    const second = FakeSocket.all[1];
    const resumed = second.subscriptions()[0];
    expect(resumed.variables).toEqual({ after: '41' });
    second.answer({
      id: resumed.id,
      type: 'next',
      payload: { errors: [{ message: 'cursor 41 has expired', extensions: { code: 'CURSOR_EXPIRED' } }], data: null },
    });
    second.answer({ id: resumed.id, type: 'complete' });
    await flush();

    const subs = second.subscriptions();
    expect(subs).toHaveLength(2);
    expect(subs[1].variables).toEqual({}); // no after: live from now
    expect(errorCode(results.at(-1)?.error)).toBe('CURSOR_EXPIRED'); // the view reads its data again

    second.answer({ id: subs[1].id, type: 'next', payload: { data: { myQueue: { kind: 'UPDATED', cursor: '9000' } } } });
    await flush();
    expect(results.at(-1)?.data?.myQueue?.cursor).toBe('9000'); // the same urql subscription goes on
    expect(results.at(-1)?.error).toBeUndefined(); // and the expiry does not stick to later events
  });
});

describe('persisted queries in the workspace client', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('hashes the query text with SHA-256', async () => {
    const text = 'query Me { me { id } }';
    expect(await queryHash(text)).toBe(createHash('sha256').update(text).digest('hex'));
  });

  it('sends the query whole where Web Crypto is missing (an insecure origin)', async () => {
    vi.stubGlobal('crypto', undefined);
    expect(await queryHash('query Me { me { id } }')).toBe('');
  });

  it('sends queries as a hash by GET (the query once, after a miss) and mutations by POST', async () => {
    const requests: Array<{ method: string; url: URL; body?: Record<string, unknown>; authorization: string | null }> = [];
    const known = new Set<string>();
    const fakeFetch = async (input: RequestInfo | URL, init: RequestInit = {}) => {
      const url = new URL(String(input));
      const method = init.method ?? 'GET';
      const body = typeof init.body === 'string' ? (JSON.parse(init.body) as Record<string, unknown>) : undefined;
      requests.push({ method, url, body, authorization: new Headers(init.headers).get('Authorization') });
      const query = method === 'GET' ? url.searchParams.get('query') : (body?.query as string | undefined);
      const extensions = method === 'GET' ? JSON.parse(url.searchParams.get('extensions') ?? '{}') : body?.extensions;
      const hash = (extensions as { persistedQuery?: { sha256Hash: string } } | undefined)?.persistedQuery?.sha256Hash;
      const answer = (value: unknown) => new Response(JSON.stringify(value), { headers: { 'Content-Type': 'application/json' } });
      if (hash && !query && !known.has(hash)) {
        return answer({ errors: [{ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }] });
      }
      if (hash) known.add(hash);
      return answer({ data: method === 'POST' ? { setPresence: { id: '1', presence: 'AWAY', __typename: 'Agent' } } : { me: { id: '1', __typename: 'Agent' } } });
    };
    const api = createApiClient({
      getToken: () => 'token-1',
      url: 'http://switchboard.test/query',
      wsUrl: 'ws://switchboard.test/query',
      webSocketImpl: FakeSocket,
      fetch: fakeFetch as typeof fetch,
    });
    try {
      const Me = parse(`
        query Me {
          me {
            id
          }
        }
      `);
      const first = await api.client.query(Me, {}, { requestPolicy: 'network-only' }).toPromise();
      const again = await api.client.query(Me, {}, { requestPolicy: 'network-only' }).toPromise();
      expect(first.error).toBeUndefined();
      expect(again.data).toEqual({ me: { id: '1', __typename: 'Agent' } });
      expect(requests.map((r) => [r.method, r.url.searchParams.has('query')])).toEqual([
        ['GET', false], // the hash: a miss
        ['GET', true], // the query with its hash
        ['GET', false], // the hash: a hit
      ]);
      expect(requests.every((r) => r.authorization === 'Bearer token-1')).toBe(true);

      requests.length = 0;
      const Away = parse(`
        mutation Away {
          setPresence(presence: AWAY) {
            id
            presence
          }
        }
      `);
      const mutation = await api.client.mutation(Away, {}).toPromise();
      expect(mutation.error).toBeUndefined();
      expect(requests).toHaveLength(1);
      expect(requests[0].method).toBe('POST');
      expect(requests[0].body?.query).toContain('mutation Away');
      expect(requests[0].body?.extensions).toBeUndefined();
    } finally {
      api.dispose();
    }
  });
});
