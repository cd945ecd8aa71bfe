// Shared harness of the browser tests: starts the server binary (which embeds dist/app) on a free
// port with a fresh SQLite database in a temporary directory, with the e2e admin's workspace and the
// demo workspace (--demo), and drives Debian's Chromium with playwright-core.
//
//   SWITCHBOARD_BIN  server binary (default ../bin/switchboard, relative to frontend/)
//   CHROMIUM_PATH    browser (default /usr/bin/chromium)
//
// Screenshots and the server's log go to frontend/test-results/.

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { constants } from 'node:fs';
import { access, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';


export const frontendDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const resultsDir = join(frontendDir, 'test-results');
const serverBin = process.env.SWITCHBOARD_BIN
  ? resolve(process.env.SWITCHBOARD_BIN)
  : resolve(frontendDir, '../bin/switchboard');
const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export const ADMIN_EMAIL = 'admin@e2e.test';
export const ADMIN_PASSWORD = 'e2e-password-1';
const READY_TIMEOUT_MS = 30_000;
export const UI_TIMEOUT_MS = 10_000;

/** Everything to undo at the end, newest first. */
const cleanups = [];
let cleaning = null;

/** Undoes everything once; every caller waits for the same run. */
export function cleanup() {
  cleaning ??= (async () => {
    while (cleanups.length > 0) {
      const undo = cleanups.pop();
      try {
        await undo();
      } catch (err) {
        console.error(`cleanup: ${err?.message ?? err}`);
      }
    }
  })();
  return cleaning;
}

let reported = false;

/** Prints the summary line, once. */
export function report(passed, failed) {
  if (reported) return;
  reported = true;
  console.log(`${passed} passed, ${failed} failed`);
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    console.error(`\n${signal}: stopping the browser and the server`);
    await cleanup();
    report(0, 1);
    process.exit(130);
  });
}

export function log(message) {
  console.log(`e2e: ${message}`);
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolvePort(port));
    });
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Starts the server in a new temporary directory and returns its base URL once /readyz is 200. */
export async function startServer() {
  await mkdir(resultsDir, { recursive: true });
  try {
    await access(serverBin, constants.X_OK);
  } catch {
    throw new Error(
      `no server binary at ${serverBin}: run \`npm run build\` here, then \`go build -o bin/switchboard .\` at the root (or set SWITCHBOARD_BIN)`,
    );
  }
  const workDir = await mkdtemp(join(tmpdir(), 'switchboard-e2e-'));
  cleanups.push(() => rm(workDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 }));

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    ADDR: `127.0.0.1:${port}`,
    SWITCHBOARD_ADMIN_EMAIL: ADMIN_EMAIL,
    SWITCHBOARD_ADMIN_PASSWORD: ADMIN_PASSWORD,
    // The webhooks test's receiver listens on loopback.
    WEBHOOKS_ALLOW_PRIVATE: 'true',
  };
  delete env.DATABASE_URL; // the embedded SQLite file, in workDir

  const logPath = join(resultsDir, 'server.log');
  const logFile = createWriteStream(logPath);
  // --demo adds the demo workspace (ana@, ben@ … password `switchboard`) next to the admin's.
  const server = spawn(serverBin, ['--demo'], { cwd: workDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout.pipe(logFile, { end: false });
  server.stderr.pipe(logFile, { end: false });
  let exited = null;
  const exitedPromise = new Promise((r) =>
    server.once('exit', (code, signal) => {
      exited = { code, signal };
      r();
    }),
  );
  server.once('error', (err) => {
    exited = { error: err.message };
  });
  cleanups.push(async () => {
    if (exited === null && server.pid !== undefined) {
      server.kill('SIGTERM');
      const timeout = sleep(5_000).then(() => 'timeout');
      if ((await Promise.race([exitedPromise, timeout])) === 'timeout') {
        server.kill('SIGKILL');
        await exitedPromise;
      }
    }
    await new Promise((r) => logFile.end(r));
  });
  log(`server ${serverBin} on ${base} (database in ${workDir})`);

  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (exited) {
      const tail = (await readFile(logPath, 'utf8').catch(() => '')).split('\n').slice(-20).join('\n');
      throw new Error(`server exited before it was ready (${JSON.stringify(exited)}):\n${tail}`);
    }
    try {
      const res = await fetch(`${base}/readyz`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server not ready after ${READY_TIMEOUT_MS / 1000} s`);
    await sleep(100);
  }

  // The binary embeds dist/app when it is built; without it the server shows a placeholder page.
  const page = await (await fetch(`${base}/`)).text();
  if (!page.includes('id="root"')) {
    throw new Error(
      `${serverBin} serves no workspace at /: it was built without frontend/dist/app (run \`npm run build\`, then rebuild the server)`,
    );
  }
  return base;
}

/** Sends a GraphQL operation and returns data, throwing on any error. */
export async function graphql(base, query, variables, credential) {
  const headers = { 'Content-Type': 'application/json' };
  if (credential) headers.Authorization = `Bearer ${credential}`;
  const res = await fetch(`${base}/query`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`HTTP ${res.status} from /query: ${text.slice(0, 300)}`);
  }
  if (body.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
  if (!res.ok) throw new Error(`HTTP ${res.status} from /query: ${text.slice(0, 300)}`);
  return body.data;
}

/**
 * A channel connector, as an integration sets one up: the admin signs in (login: its token and
 * agent) and makes an API key named name for their own agent; ingest(input) reports a customer's
 * message with it and returns the conversation's id.
 */
export async function connector(base, email, password, name) {
  const { login } = await graphql(
    base,
    'mutation ($email: String!, $password: String!) { login(email: $email, password: $password) { token agent { id name } } }',
    { email, password },
  );
  const { createApiKey } = await graphql(
    base,
    'mutation ($agentId: ID!, $name: String!) { createApiKey(agentId: $agentId, name: $name) { key } }',
    { agentId: login.agent.id, name },
    login.token,
  );
  const ingest = async (input) => {
    const { ingestCustomerMessage } = await graphql(
      base,
      'mutation ($input: IngestMessageInput!) { ingestCustomerMessage(input: $input) { id } }',
      { input },
      createApiKey.key,
    );
    return ingestCustomerMessage.id;
  };
  return { login, ingest };
}

export async function seed(base, customerName) {
  const { login, ingest } = await connector(base, ADMIN_EMAIL, ADMIN_PASSWORD, 'e2e');
  const id = await ingest({ channel: 'WHATSAPP', customerHandle: '+15550001', customerName, text: 'Hello from e2e' });
  log(`seeded conversation ${id} for "${customerName}"`);
  return { adminName: login.agent.name };
}

/** Chromium, launched once; every test opens its own isolated contexts (one per agent). */
let browserPromise = null;
export function browser() {
  browserPromise ??= (async () => {
    const launching = chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      // This script's own handlers close the browser, then stop the server and remove the directories.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
    // Registered before the launch finishes, so that an interrupt during it still closes the browser.
    cleanups.push(async () => {
      const b = await launching.catch(() => null);
      await b?.close();
    });
    return launching;
  })();
  return browserPromise;
}

/**
 * A new browser context (its own storage: one signed-in agent) with one page, a laptop-sized
 * viewport by default, and the page's errors collected in problems.
 */
export async function newPage(viewport = { width: 1280, height: 800 }) {
  const context = await (await browser()).newContext({ viewport });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  return { context, page, problems };
}

/** Signs in through the form and waits for the workspace. */
export async function signIn(page, base, email, password) {
  await page.goto(`${base}/`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor({ timeout: UI_TIMEOUT_MS });
}

export function screenshot(page, name) {
  return page.screenshot({ path: join(resultsDir, name), fullPage: false });
}

/** The main screens, photographed at 1366×768 by the tests: frontend/e2e/screenshots/ (git-ignored). */
export const screenshotsDir = join(frontendDir, 'e2e', 'screenshots');
export const DESKTOP = { width: 1366, height: 768 };

/** Saves a screenshot of a main screen (login, inbox, conversation, dashboard, admin) at its viewport. */
export async function mainScreen(page, name) {
  await mkdir(screenshotsDir, { recursive: true });
  const size = page.viewportSize();
  if (size?.width !== DESKTOP.width || size?.height !== DESKTOP.height) {
    throw new Error(`main-screen screenshot ${name} at ${size?.width}×${size?.height}, not ${DESKTOP.width}×${DESKTOP.height}`);
  }
  await page.screenshot({ path: join(screenshotsDir, `${name}.png`), fullPage: false });
  log(`screenshot e2e/screenshots/${name}.png`);
}

/** Whether any element matching a overlaps any element matching b on screen. */
export function overlaps(page, a, b) {
  return page.evaluate(
    ([a, b]) => {
      const boxes = (sel) => [...document.querySelectorAll(sel)].map((e) => e.getBoundingClientRect()).filter((r) => r.width && r.height);
      return boxes(a).some((x) => boxes(b).some((y) => x.left < y.right && y.left < x.right && x.top < y.bottom && y.top < x.bottom));
    },
    [a, b],
  );
}

const axeSource = readFile(join(frontendDir, 'node_modules/axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core (WCAG 2.1 A and AA rules, contrast included) on the page as it is and fails on
 * any violation, naming the rule and the elements.
 */
export async function checkAccessibility(page, where) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: await axeSource });
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')}: ${n.failureSummary?.split('\n').slice(1).join(' ')}`),
    }));
  });
  if (violations.length) {
    const text = violations.map((v) => `  ${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.join('\n    ')}`).join('\n');
    throw new Error(`accessibility: ${violations.length} WCAG violation(s) on ${where}:\n${text}`);
  }
  log(`accessibility: no WCAG 2.1 AA violations on ${where}`);
}

/**
 * Makes the page's replies (SendMessage) go with an expectedVersion one older than it saw, as if
 * the conversation had changed meanwhile: the server answers CONFLICT (SPEC §9). stop() ends it.
 */
export async function staleSends(page) {
  const handler = async (route) => {
    const request = route.request();
    const body = request.method() === 'POST' ? request.postDataJSON() : null;
    if (body && /^\s*mutation SendMessage\b/.test(body.query ?? '') && typeof body.variables?.expectedVersion === 'number') {
      body.variables.expectedVersion -= 1;
      await route.continue({ postData: JSON.stringify(body) });
      return;
    }
    await route.continue();
  };
  await page.route('**/query', handler);
  return { stop: () => page.unroute('**/query', handler) };
}
