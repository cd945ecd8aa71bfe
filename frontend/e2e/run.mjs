// The end-to-end tests (npm run e2e): one server (see lib.mjs), one Chromium, the tests one after
// the other; the browser tests drive the workspace, the Node tests speak to the API directly.
// `npm run e2e -- word …` runs the tests whose name holds one of the words.
// The last line printed is "N passed, M failed"; the exit code is non-zero on failure.

import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { cleanup, log, report, resultsDir, startServer } from './lib.mjs';
import { loginShowsInbox } from './login-inbox.mjs';
import { deskLayout } from './layout.mjs';
import { twoAgents } from './agents.mjs';
import { interventionQueue } from './interventions.mjs';
import { supervisorDashboard } from './dashboard.mjs';
import { persistedQueries } from './persisted.mjs';
import { webhooksAdmin } from './webhooks.mjs';
import { mergeCustomers } from './merge.mjs';
import { shift } from './shift.mjs';
import { integrationExample } from './example.mjs';

const tests = [
  ['login shows the inbox', loginShowsInbox],
  [
    'the desk at 1366×768 and 1024 px: ≥ 8 conversations in view, collapsed filters, whole tabs, unbroken handles, a collapsible side panel, notifications off the composer, the go-online prompt',
    deskLayout,
  ],
  ['two agents and a supervisor: lock badge, read-only view, who else is looking, Monitor keeps the lock, steal, notification, bulk claim, reassign to My Queue', twoAgents],
  ['interventions: the queue with the summary, take over, complete with topic and outcome', interventionQueue],
  [
    'a supervisor sees the dashboard figures change after a claim; resume from the cursor; force-release; an admin edits capacity',
    supervisorDashboard,
  ],
  [
    'a shift: canned responses managed, online, routed, / search, #canned reply, internal note, counter and limit, conflict, drafts, unread, countdown, pend, resolve, the next one, alerts, away after idle',
    shift,
  ],
  ['webhooks: an admin registers a loopback receiver, the secret shows once, a test event arrives signed, redeliver, pause, delete', webhooksAdmin],
  [
    'merge customers: a supervisor finds the other customer, a refusal stays in the dialog, the merged history spans both; an agent is offered no merge',
    mergeCustomers,
  ],
  ["docs/integrations.md's graphql-ws example (no browser): live, resumed after a cut without a gap or a repeat, stopped by a revoked key", integrationExample],
  ['persisted queries with urql (no browser): a miss, the query with its hash, then a hit, by POST and by GET', persistedQueries],
];

// `npm run e2e -- shift layout` runs only the tests whose name contains one of the words.
const only = process.argv.slice(2).map((w) => w.toLowerCase());
const chosen = only.length ? tests.filter(([name]) => only.some((w) => name.toLowerCase().includes(w))) : tests;

const started = Date.now();
let passed = 0;
let failed = 0;
try {
  await mkdir(resultsDir, { recursive: true });
  for (const name of await readdir(resultsDir)) {
    if (name.startsWith('failure')) await rm(join(resultsDir, name), { force: true });
  }
  const base = await startServer();
  for (const [name, test] of chosen) {
    const t0 = Date.now();
    try {
      await test(base);
      passed++;
      log(`PASS ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    } catch (err) {
      failed++;
      console.error(`e2e: FAIL ${name}\n${err?.stack ?? err}`);
    }
  }
} catch (err) {
  failed++;
  console.error(`e2e: FAIL setting up\n${err?.stack ?? err}`);
} finally {
  await cleanup();
}
log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
report(passed, failed);
process.exitCode = failed ? 1 : 0;
