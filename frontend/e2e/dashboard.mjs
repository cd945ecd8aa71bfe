// Browser test: the supervisor dashboard (SPEC §8, C8) and resuming subscriptions (§7 E3).
//   1. Sam (SUPERVISOR) opens the dashboard from the header; Ana (AGENT) has no way in, not even
//      by its address, and Sam gets no Administration tab.
//   2. Ana claims a new conversation in her own browser (bulk claim): Sam's claims figure and live load for Ana
//      change without a reload within a couple of seconds.
//   3. Sam's WebSocket drops; Ana releases the conversation meanwhile; once Sam's socket is back,
//      the dashboard resubscribes with `after: <its last cursor>` and shows the release once.
//   4. Sam force-releases a stale claim of the demo data (the sweeper flags them 30 s after the
//      server starts; skipped if none shows up).
//   5. Avery (SUPER_ADMIN) changes Ana's SMS capacity in Administration; Sam's live load shows it.
// Screenshots of the dashboard and its sections go to test-results/, and axe checks each view.

import { join } from 'node:path';
import { DESKTOP, UI_TIMEOUT_MS, checkAccessibility, connector, graphql, log, mainScreen, newPage, resultsDir, screenshot, signIn } from './lib.mjs';

const PASSWORD = 'switchboard';
const LIVE_MS = 2_000; // "within a couple of seconds"; the dashboard aims at about one
const STALE_WAIT_MS = 40_000; // the stale-claim sweeper runs every 30 s

const LAPTOP = { width: 1280, height: 720 };
const TALL = { width: 1280, height: 2600 }; // to photograph whole sections

/** Records the WebSockets the page opens, so that the test can drop one (see step 3). */
function trackSockets() {
  const Native = window.WebSocket;
  window.__e2eSockets = [];
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      window.__e2eSockets.push(this);
    }
  };
}

async function setPresence(page, value) {
  await page.getByLabel('Presence').selectOption(value);
  await page.waitForFunction(
    (v) => document.querySelector('.presence select')?.value === v && !document.querySelector('.presence select')?.disabled,
    value,
  );
}

/** Waits until read() returns something other than before; returns it and how long it took. */
async function changes(read, before, timeoutMs, what) {
  const t0 = Date.now();
  for (;;) {
    const now = await read();
    if (now !== before) return { value: now, ms: Date.now() - t0 };
    if (Date.now() - t0 > timeoutMs) throw new Error(`${what} stayed "${before}" for ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function sectionShots(page, prefix) {
  await page.setViewportSize(TALL);
  await page.waitForTimeout(200);
  await screenshot(page, `${prefix}-full.png`);
  for (const [testId, name] of [
    ['live-load', 'live-load'],
    ['stale-claims', 'stale-claims'],
    ['queues', 'queues'],
    ['recent-activity', 'activity'],
    ['agent-performance', 'performance'],
  ]) {
    const section = page.getByTestId(testId);
    if (await section.count()) await section.screenshot({ path: join(resultsDir, `${prefix}-${name}.png`) });
  }
  await page.setViewportSize(LAPTOP);
}

export async function supervisorDashboard(base) {
  const sam = await newPage(LAPTOP);
  const ana = await newPage();
  const pages = { sam: sam.page, ana: ana.page };
  const subscribes = [];
  let admin = null;
  try {
    await sam.context.addInitScript(trackSockets);
    sam.page.on('websocket', (ws) =>
      ws.on('framesent', (frame) => {
        const text = String(frame.payload);
        if (text.includes('"subscribe"')) subscribes.push(JSON.parse(text).payload);
      }),
    );
    await Promise.all([signIn(sam.page, base, 'sam@example.com', PASSWORD), signIn(ana.page, base, 'ana@example.com', PASSWORD)]);
    // Ana stays OFFLINE here: routing gives ONLINE agents queued conversations (R5), which would
    // move her figures by itself.
    await setPresence(ana.page, 'OFFLINE');

    // 1. Who sees the dashboard.
    if (await ana.page.getByRole('link', { name: 'Dashboard' }).count()) throw new Error('an AGENT is offered the dashboard');
    await ana.page.evaluate(() => {
      window.location.hash = '#dashboard';
    });
    await ana.page.getByRole('heading', { name: 'Inbox' }).waitFor({ timeout: UI_TIMEOUT_MS });
    if (await ana.page.getByRole('heading', { name: 'Dashboard' }).count()) throw new Error('an AGENT reached the dashboard by its address');
    log('an agent has no Dashboard link, and #dashboard shows her the inbox');

    await sam.page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Dashboard' }).click();
    await sam.page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor({ timeout: UI_TIMEOUT_MS });
    if (await sam.page.getByRole('tab', { name: 'Administration' }).count()) throw new Error('a SUPERVISOR is offered Administration');
    const loadTable = sam.page.getByRole('table', { name: 'Live load' });
    const perfTable = sam.page.getByRole('table', { name: /Agent performance/ });
    const anaClaims = perfTable.getByRole('row', { name: /Ana Alvarez/ }).locator('td.col-claims');
    const anaSms = loadTable.getByRole('row', { name: /Ana Alvarez/ }).locator('td[data-channel="SMS"] .load-figure');
    await anaClaims.waitFor({ timeout: UI_TIMEOUT_MS });
    await anaSms.waitFor({ timeout: UI_TIMEOUT_MS });
    await sam.page.waitForTimeout(1_000); // let the presence change above settle on the dashboard
    await screenshot(sam.page, 'dashboard.png');
    await checkAccessibility(sam.page, 'the supervisor dashboard');

    // Recent activity is filled on load (a replay of the workspace's latest events), not empty.
    const activity = sam.page.getByRole('list', { name: 'Recent activity' });
    await activity.locator('li').first().waitFor({ timeout: 5_000 });
    log(`Recent activity shows ${await activity.locator('li').count()} events on load`);
    // Live load lists agents with channels only: no all-zero rows for Sam or Avery.
    for (const name of ['Sam Supervisor', 'Avery Admin']) {
      if (await loadTable.getByRole('row', { name: new RegExp(name) }).count()) throw new Error(`live load lists ${name}, who has no channel`);
    }
    await sam.page.setViewportSize(DESKTOP);
    await mainScreen(sam.page, 'dashboard');
    await sam.page.setViewportSize(LAPTOP);

    // A supervisor at #dashboard/admin is sent to Monitoring, told why, and the address follows.
    await sam.page.evaluate(() => {
      window.location.hash = '#dashboard/admin';
    });
    await sam.page.getByTestId('route-notice').getByText('Administration is for admins').waitFor({ timeout: UI_TIMEOUT_MS });
    await sam.page.waitForFunction(() => window.location.hash === '#dashboard', null, { timeout: UI_TIMEOUT_MS });
    await sam.page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor({ timeout: UI_TIMEOUT_MS });
    await sam.page.getByTestId('route-notice').getByRole('button', { name: 'Dismiss' }).click();
    log('#dashboard/admin sent Sam to Monitoring with a notice; the address reads #dashboard');

    // Drill-down: Ana's row opens her open conversations and recent activity.
    await loadTable.getByRole('row', { name: /Ana Alvarez/ }).locator('td').first().click();
    const drill = sam.page.getByRole('dialog', { name: 'Ana Alvarez' });
    const anaOpen = drill.getByRole('list', { name: "Ana Alvarez's open conversations" });
    await anaOpen.getByText('John Smith').waitFor({ timeout: UI_TIMEOUT_MS });
    await drill.getByRole('heading', { name: /Recent activity/ }).waitFor({ timeout: UI_TIMEOUT_MS });
    await screenshot(sam.page, 'dashboard-agent.png');
    await checkAccessibility(sam.page, "an agent's drill-down");
    await drill.getByRole('button', { name: 'Close' }).click();
    await drill.waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
    log("Ana's row opened her open conversations (John Smith among them)");

    // 2. A new conversation (a channel connector of the demo admin); Ana claims it in her browser.
    const customer = `Dana ${Date.now().toString(36)}`;
    const { ingest } = await connector(base, 'admin@example.com', PASSWORD, 'e2e dashboard');
    const conversation = {
      id: await ingest({ channel: 'SMS', customerHandle: `+1555${Date.now() % 1_000_000}`, customerName: customer, text: 'My parcel never came.' }),
    };
    // The bot greets it first (I1): Ana claims it from the inbox (a claim, C2; opening it would
    // offer a takeover instead).
    await ana.page.getByLabel(`Select ${customer} for bulk claim`).check({ timeout: UI_TIMEOUT_MS });
    const claim = ana.page.getByRole('button', { name: 'Claim selected (1)' });
    const claimsBefore = await anaClaims.textContent();
    const smsBefore = await anaSms.textContent();
    await claim.click();
    const claims = await changes(() => anaClaims.textContent(), claimsBefore, LIVE_MS, "Ana's claims on Sam's dashboard");
    const sms = await changes(() => anaSms.textContent(), smsBefore, LIVE_MS, "Ana's SMS load on Sam's dashboard");
    log(`Ana claimed: Sam's dashboard showed her claims ${claimsBefore} → ${claims.value} after ${claims.ms} ms, SMS load ${smsBefore} → ${sms.value} after ${sms.ms} ms`);
    if (Number(claims.value) !== Number(claimsBefore) + 1) throw new Error(`claims went from ${claimsBefore} to ${claims.value}, not up by one`);
    await activity.locator('li').filter({ hasText: 'Ana Alvarez claimed it' }).filter({ hasText: customer }).first().waitFor({ timeout: UI_TIMEOUT_MS });
    await sectionShots(sam.page, 'dashboard');

    // 3. Sam's connection drops; Ana releases meanwhile; Sam's feed resumes from its cursor (E3).
    await ana.page.getByText('Bulk claim: 1 claimed, 0 not claimed.').waitFor({ timeout: UI_TIMEOUT_MS });
    const anaToken = await ana.page.evaluate(() => localStorage.getItem('switchboard.token'));
    const subscribedBefore = subscribes.length;
    await sam.page.evaluate(() => window.__e2eSockets.at(-1).close(4499, 'e2e: the connection dropped'));
    await sam.page.getByText('Reconnecting: figures may be behind').waitFor({ timeout: UI_TIMEOUT_MS });
    await graphql(base, 'mutation ($id: ID!) { releaseConversation(id: $id) { id } }', { id: conversation.id }, anaToken);
    await sam.page.locator('.live-pill').getByText('Live').waitFor({ timeout: 15_000 });
    const released = activity.locator('li').filter({ hasText: 'Ana Alvarez released it to the queue' }).filter({ hasText: customer });
    await released.first().waitFor({ timeout: UI_TIMEOUT_MS });
    await changes(() => anaSms.textContent(), sms.value, UI_TIMEOUT_MS, "Ana's SMS load after the release");
    await sam.page.waitForTimeout(500);
    if ((await released.count()) !== 1) throw new Error(`the release shows ${await released.count()} times in Recent activity, not once`);
    const resumed = subscribes.slice(subscribedBefore).find((p) => p.query.includes('workspaceEvents'));
    if (!resumed?.variables?.after) throw new Error(`the dashboard resubscribed without a cursor: ${JSON.stringify(resumed?.variables)}`);
    log(`Sam's connection dropped; the dashboard resubscribed after cursor ${resumed.variables.after} and showed Ana's release once`);

    // 4. A stale claim of the demo data (C8): force-release it.
    const stale = sam.page.getByRole('table', { name: 'Stale claims' });
    try {
      await stale.waitFor({ timeout: STALE_WAIT_MS });
    } catch {
      log('no stale claim showed up: force-release skipped');
    }
    if (await stale.count()) {
      await sam.page.setViewportSize(TALL);
      await sam.page.getByTestId('stale-claims').screenshot({ path: join(resultsDir, 'dashboard-stale-claims.png') });
      await sam.page.setViewportSize(LAPTOP);
      const row = stale.locator('tbody tr').first();
      const who = (await row.locator('th').textContent()) ?? '';
      await row.getByRole('button', { name: /Force release/ }).click();
      const dialog = sam.page.getByRole('dialog', { name: `Force release ${who}?` });
      await dialog.waitFor({ timeout: UI_TIMEOUT_MS });
      await screenshot(sam.page, 'dashboard-force-release.png');
      await checkAccessibility(sam.page, 'the force-release dialog');
      await dialog.getByRole('button', { name: 'Force release' }).click();
      await dialog.waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
      await sam.page.getByText(`The conversation with ${who} is back in the queue`).waitFor({ timeout: UI_TIMEOUT_MS });
      await stale.locator('tbody tr').filter({ has: sam.page.locator('th', { hasText: who }) }).waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
      log(`force-released the stale claim on ${who}`);
    }

    // 5. An admin changes Ana's SMS capacity; Sam's live load follows.
    admin = await newPage(LAPTOP);
    pages.admin = admin.page;
    await signIn(admin.page, base, 'admin@example.com', PASSWORD);
    await admin.page.getByRole('link', { name: 'Dashboard' }).click();
    await admin.page.getByRole('tab', { name: 'Administration' }).click();
    await admin.page.setViewportSize(DESKTOP);
    await admin.page.getByTestId('admin-agents').getByRole('button', { name: 'Edit Ana Alvarez' }).waitFor({ timeout: UI_TIMEOUT_MS });
    await mainScreen(admin.page, 'admin');
    await admin.page.setViewportSize(LAPTOP);
    const agents = admin.page.getByTestId('admin-agents');
    await agents.getByRole('button', { name: 'Edit Ana Alvarez' }).click();
    const edit = admin.page.getByRole('dialog', { name: 'Edit Ana Alvarez' });
    const capacity = edit.getByLabel('SMS capacity');
    const oldCapacity = Number(await capacity.inputValue());
    const newCapacity = oldCapacity + 1;
    await capacity.fill(String(newCapacity));
    await screenshot(admin.page, 'dashboard-edit-agent.png');
    await checkAccessibility(admin.page, 'the edit-agent dialog');
    const smsNow = await anaSms.textContent();
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
    await admin.page.getByText('Saved Ana Alvarez.').waitFor({ timeout: UI_TIMEOUT_MS });
    await agents.getByRole('row', { name: /Ana Alvarez/ }).getByText(`SMS ${newCapacity}`).waitFor({ timeout: UI_TIMEOUT_MS });
    const live = await changes(() => anaSms.textContent(), smsNow, LIVE_MS, "Ana's SMS capacity on Sam's dashboard");
    if (!live.value?.includes(`/ ${newCapacity}`)) throw new Error(`Sam's live load shows "${live.value}", not the capacity ${newCapacity}`);
    log(`Avery raised Ana's SMS capacity to ${newCapacity}; Sam's live load showed "${live.value}" after ${live.ms} ms`);
    await admin.page.setViewportSize(TALL);
    await screenshot(admin.page, 'dashboard-admin.png');
    await admin.page.setViewportSize(LAPTOP);
    await checkAccessibility(admin.page, 'administration');

    const problems = [...sam.problems, ...ana.problems, ...(admin?.problems ?? [])];
    if (problems.length) throw new Error(problems.join('\n'));
  } catch (err) {
    for (const [who, page] of Object.entries(pages)) {
      await screenshot(page, `failure-dashboard-${who}.png`).catch(() => {});
    }
    const problems = [...sam.problems, ...ana.problems, ...(admin?.problems ?? [])];
    if (problems.length) err.message += `\n${problems.join('\n')}`;
    throw err;
  } finally {
    await sam.context.close();
    await ana.context.close();
    await admin?.context.close();
  }
}
