// Node test (no browser): the TypeScript graphql-ws example of docs/integrations.md, as written.
// It is type-checked, then run in its own Node process against the server through a loopback
// proxy the test can cut:
//   1. a new conversation shows up in its output live;
//   2. the connection is cut and refused for a while, two conversations arrive meanwhile: once it
//      is back, both show up, and no event is printed twice or out of order (cursors increase);
//   3. the API key is revoked: the socket closes with 4403 and the example stops, without
//      hammering the server with new connections.

import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';
import ts from 'typescript';
import { frontendDir, graphql, log, resultsDir, sleep } from './lib.mjs';

const WAIT_MS = 10_000;

/** The docs' TypeScript block (the first ```ts fence of docs/integrations.md). */
async function exampleSource() {
  const doc = await readFile(join(frontendDir, '..', 'docs', 'integrations.md'), 'utf8');
  const block = /```ts\n([\s\S]*?)```/.exec(doc);
  if (!block) throw new Error('docs/integrations.md has no ```ts block');
  return block[1];
}

/** Type-checks the example as a strict TypeScript module (its imports resolved from frontend/). */
function typecheck(path) {
  const program = ts.createProgram([path], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: ['node'],
    typeRoots: [join(frontendDir, 'node_modules', '@types')],
    skipLibCheck: true,
  });
  const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  if (problems.length) throw new Error(`the example does not type-check:\n${problems.join('\n')}`);
}

/** A TCP proxy to the server that the test can cut (drop every connection) and close (refuse new ones). */
async function proxy(target) {
  const { hostname, port } = new URL(target);
  const sockets = new Set();
  let open = true;
  let acks = 0;
  let connections = 0;
  const server = createServer((client) => {
    connections++;
    if (!open) {
      client.destroy();
      return;
    }
    const upstream = createConnection({ host: hostname, port: Number(port) });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    client.on('data', (chunk) => upstream.write(chunk));
    // The server's frames are not masked: its connection_ack can be read off the wire.
    upstream.on('data', (chunk) => {
      if (chunk.includes('connection_ack')) acks++;
      client.write(chunk);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `ws://127.0.0.1:${server.address().port}/query`,
    /** Connections acknowledged by the server (connection_ack). */
    acks: () => acks,
    connections: () => connections,
    cut() {
      for (const s of sockets) s.destroy();
    },
    setOpen(value) {
      open = value;
    },
    close: () => new Promise((r) => server.close(r)),
  };
}

export async function integrationExample(base) {
  const source = await exampleSource();
  const net = await proxy(base);
  const path = join(resultsDir, 'integration-example.ts');
  const url = "'wss://desk.example.com/query'";
  if (!source.includes(url)) throw new Error(`the example no longer connects to ${url}`);
  await writeFile(path, source);
  typecheck(path);
  const js = ts.transpileModule(source.replace(url, `'${net.url}'`), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  const script = join(resultsDir, 'integration-example.mjs');
  await writeFile(script, js);

  const { login } = await graphql(base, `mutation($e:String!,$p:String!){login(email:$e,password:$p){token agent{id}}}`, {
    e: 'admin@example.com',
    p: 'switchboard',
  });
  const { createApiKey } = await graphql(
    base,
    `mutation($id:ID!){createApiKey(agentId:$id,name:"docs example"){key apiKey{id}}}`,
    { id: login.agent.id },
    login.token,
  );
  const ingest = async (name) => {
    const { ingestCustomerMessage } = await graphql(
      base,
      `mutation($input: IngestMessageInput!){ingestCustomerMessage(input:$input){id}}`,
      { input: { channel: 'SMS', customerHandle: `+1555${Math.floor(Math.random() * 1e7)}`, customerName: name, text: `Hello from ${name}` } },
      createApiKey.key,
    );
    return ingestCustomerMessage.id;
  };

  // Node 20 has WebSocket behind a flag (the docs say so); 22 and later have it.
  const flags = Number(process.versions.node.split('.')[0]) < 22 ? ['--experimental-websocket', '--no-warnings'] : [];
  const child = spawn(process.execPath, [...flags, script], {
    cwd: resultsDir,
    env: { ...process.env, SWITCHBOARD_KEY: createApiKey.key },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines = [];
  let stderr = '';
  let exit = null;
  child.stdout.on('data', (d) => lines.push(...d.toString().split('\n').filter(Boolean)));
  child.stderr.on('data', (d) => (stderr += d.toString()));
  const exited = new Promise((r) => child.once('exit', (code) => r((exit = code))));
  const until = async (what, ok) => {
    const deadline = Date.now() + WAIT_MS;
    while (!ok()) {
      if (exit !== null) throw new Error(`the example exited (${exit}) waiting for ${what}:\n${stderr}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; output:\n${lines.join('\n')}\n${stderr}`);
      await sleep(50);
    }
  };
  const added = (id) => lines.filter((l) => l.split(' ')[1] === 'ADDED' && l.split(' ')[2] === id).length;

  try {
    // 1. Live.
    await until('the subscription', () => net.acks() >= 1);
    await sleep(300); // the subscribe message follows the ack
    const a = await ingest('Example A');
    await until(`conversation ${a} in the output`, () => added(a) === 1);
    log(`the docs' example printed conversation ${a} live`);

    // 2. Cut, refuse for a while, resume from the last cursor.
    net.setOpen(false);
    net.cut();
    const b = await ingest('Example B');
    const c = await ingest('Example C');
    await sleep(1_000);
    const acks = net.acks();
    net.setOpen(true);
    await until(`conversations ${b} and ${c} after the reconnect`, () => added(b) >= 1 && added(c) >= 1 && net.acks() > acks);
    await sleep(500);
    const cursors = lines.map((l) => BigInt(l.split(' ')[0]));
    for (let i = 1; i < cursors.length; i++) {
      if (cursors[i] <= cursors[i - 1]) throw new Error(`event printed twice or out of order after the reconnect:\n${lines.join('\n')}`);
    }
    if (added(a) !== 1 || added(b) !== 1 || added(c) !== 1) throw new Error(`a conversation was not printed exactly once:\n${lines.join('\n')}`);
    log(`after a cut, the example resumed: ${b} and ${c} once each, ${lines.length} events in cursor order`);

    // 3. Revoked: 4403, and it stops.
    const before = net.connections();
    await graphql(base, `mutation($id:ID!){revokeApiKey(id:$id){id}}`, { id: createApiKey.apiKey.id }, login.token);
    const code = await Promise.race([exited, sleep(WAIT_MS).then(() => 'running')]);
    if (code === 'running') throw new Error(`the example still runs ${WAIT_MS} ms after its key was revoked:\n${stderr}`);
    if (code !== 1 || !stderr.includes('revoked')) throw new Error(`the example exited with ${code}:\n${stderr}`);
    if (net.connections() - before > 2) throw new Error(`the example opened ${net.connections() - before} connections after its key was revoked`);
    log(`revoking the key stopped the example (exit ${code}, ${net.connections() - before} connection(s) after)`);
  } finally {
    if (exit === null) child.kill();
    await net.close();
  }
}
