// Node test (no browser): automatic persisted queries between urql's persistedExchange and the real
// server, over POST and over GET. The client first sends only the query's SHA-256 hash; the server
// answers a hash it does not know with PERSISTED_QUERY_NOT_FOUND (Apollo's protocol: the message
// PersistedQueryNotFound, extensions.code PERSISTED_QUERY_NOT_FOUND); the client then sends the
// query with its hash, and from then on the hash alone is a hit. Mutations are never persisted and
// always go by POST. Run by run.mjs (npm run e2e) against the server it starts.

import { createHash, randomBytes } from 'node:crypto';
import { Client, fetchExchange, gql } from '@urql/core';
import { persistedExchange } from '@urql/exchange-persisted';
import { log } from './lib.mjs';

const DEMO_EMAIL = 'ana@example.com';
const DEMO_PASSWORD = 'switchboard';

function check(condition, message, requests) {
  if (condition) return;
  const seen = requests ? `\nrequests:\n${requests.map((r) => `  ${JSON.stringify(r)}`).join('\n')}` : '';
  throw new Error(`${message}${seen}`);
}

/** What one request carried and what came back, as the server saw it. */
function describeRequest(method, url, body) {
  if (method === 'GET') {
    const params = new URL(url).searchParams;
    const extensions = params.get('extensions');
    return {
      method,
      query: params.get('query') ?? undefined,
      extensions: extensions ? JSON.parse(extensions) : undefined,
      urlLength: url.length,
    };
  }
  const parsed = JSON.parse(body);
  return { method, query: parsed.query, extensions: parsed.extensions };
}

/** A urql client with persistedExchange and a fetch that records every request and answer. */
function recordingClient(base, preferGetForPersistedQueries, token) {
  const requests = [];
  const recordingFetch = async (input, init = {}) => {
    const url = typeof input === 'string' ? input : input.url;
    const method = (init.method ?? 'GET').toUpperCase();
    const entry = describeRequest(method, url, init.body);
    const response = await fetch(input, init);
    const answer = await response.clone().json();
    entry.status = response.status;
    entry.codes = (answer.errors ?? []).map((e) => e.extensions?.code);
    entry.messages = (answer.errors ?? []).map((e) => e.message);
    entry.data = answer.data != null;
    requests.push(entry);
    return response;
  };
  const client = new Client({
    url: `${base}/query`,
    fetch: recordingFetch,
    requestPolicy: 'network-only',
    fetchOptions: () => (token.value ? { headers: { Authorization: `Bearer ${token.value}` } } : {}),
    exchanges: [persistedExchange({ preferGetForPersistedQueries }), fetchExchange],
  });
  return { client, requests };
}

const sha256 = (text) => createHash('sha256').update(text).digest('hex');

/**
 * Signs in through the client (a mutation: POST with the whole query, never persisted, whatever
 * the client prefers for queries) and returns the token.
 */
async function signIn(client, requests) {
  const result = await client
    .mutation(
      gql`
        mutation PersistedLogin($email: String!, $password: String!) {
          login(email: $email, password: $password) {
            token
          }
        }
      `,
      { email: DEMO_EMAIL, password: DEMO_PASSWORD },
    )
    .toPromise();
  check(!result.error && result.data?.login.token, `sign-in failed: ${result.error?.message}`, requests);
  const [request] = requests;
  check(requests.length === 1 && request.method === 'POST', 'the login mutation went once, by POST', requests);
  check(request.query?.includes('mutation PersistedLogin'), 'the login mutation carried its query', requests);
  check(!request.extensions?.persistedQuery, 'a mutation is not persisted', requests);
  return result.data.login.token;
}

/** A query no earlier run has sent (the server's cache lives as long as the process). */
function freshQuery() {
  const alias = `t${randomBytes(6).toString('hex')}`;
  return gql`
    query PersistedMe {
      me {
        id
        name
      }
      ${alias}: __typename
    }
  `;
}

/**
 * One mode of the exchange: a miss, the retry with the query, then a hit. method is what queries
 * must go by ('POST' or 'GET').
 */
async function missThenHit(base, preferGetForPersistedQueries, method) {
  const token = { value: null };
  const { client, requests } = recordingClient(base, preferGetForPersistedQueries, token);
  token.value = await signIn(client, requests);
  requests.length = 0;

  const query = freshQuery();
  const first = await client.query(query, {}).toPromise();
  check(!first.error, `the first run failed: ${first.error?.message}`, requests);
  check(first.data?.me?.id, 'the first run has data', requests);
  check(requests.length === 2, `the first run sends two requests (miss, then the query), not ${requests.length}`, requests);

  const [miss, register] = requests;
  const hash = miss.extensions?.persistedQuery?.sha256Hash;
  check(miss.method === method, `the miss went by ${method}`, requests);
  check(typeof hash === 'string' && /^[0-9a-f]{64}$/.test(hash), 'the first request carries a SHA-256 hash', requests);
  check(miss.query === undefined, 'the first request carries only the hash, not the query', requests);
  check(miss.codes.includes('PERSISTED_QUERY_NOT_FOUND'), 'an unknown hash is answered PERSISTED_QUERY_NOT_FOUND', requests);
  check(!miss.codes.includes('INTERNAL_SERVER_ERROR'), 'a miss is not an internal error', requests);
  check(miss.messages.includes('PersistedQueryNotFound'), 'the miss says PersistedQueryNotFound (what clients look for)', requests);

  check(register.method === method, `the retry went by ${method}`, requests);
  check(register.query?.includes('query PersistedMe'), 'the retry carries the query', requests);
  check(register.extensions?.persistedQuery?.sha256Hash === hash, 'the retry carries the same hash', requests);
  check(sha256(register.query) === hash, 'the hash is the SHA-256 of the query text sent', requests);
  check(register.status === 200 && register.codes.length === 0 && register.data, 'the retry is answered with data', requests);

  requests.length = 0;
  const second = await client.query(query, {}).toPromise();
  check(!second.error && second.data?.me?.id === first.data.me.id, `the second run has the same data: ${second.error?.message}`, requests);
  check(requests.length === 1, `the second run sends one request, not ${requests.length}`, requests);
  const [hit] = requests;
  check(hit.method === method, `the hit went by ${method}`, requests);
  check(hit.query === undefined && hit.extensions?.persistedQuery?.sha256Hash === hash, 'the second run sends only the hash', requests);
  check(hit.status === 200 && hit.codes.length === 0 && hit.data, 'the hash alone is a hit', requests);
  if (method === 'GET') check(hit.urlLength < register.urlLength, 'the hit is shorter than the query it stands for', requests);

  log(`persisted queries by ${method}: miss (${miss.status} PERSISTED_QUERY_NOT_FOUND), query + hash (200), then hash only (200)`);
}

export async function persistedQueries(base) {
  await missThenHit(base, false, 'POST');
  await missThenHit(base, true, 'GET');
  // The exchange's default: GET while the URL stays short (the retry may go by POST otherwise).
  await missThenHit(base, 'within-url-limit', 'GET');
}
