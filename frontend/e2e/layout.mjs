// Browser test: the desk on a 1366×768 laptop and at 1024 px, in the e2e admin's own workspace (so
// that the demo workspace's tests are not disturbed).
//   1. The sign-in page and, after sign-in, a compact inbox: at least 8 conversations in view,
//      filters collapsed (one row when opened), "My Queue" on one line, no tab clipped at 1024 px.
//   2. A conversation: handles never broken inside a number; the side panel collapses and stays
//      collapsed after a reload; the shortcuts open at their top.
//   3. The customer writes to a conversation the admin owns: the notification covers neither the
//      composer nor the conversation's actions.
//   4. An agent with a channel signs in offline: "Go online to receive conversations", one click.
// Screenshots of the main screens go to e2e/screenshots/ (git-ignored).

import { randomBytes } from 'node:crypto';
import { tabsWhole } from './agents.mjs';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  DESKTOP,
  UI_TIMEOUT_MS,
  checkAccessibility,
  connector,
  graphql,
  log,
  mainScreen,
  newPage,
  overlaps,
  screenshot,
  signIn,
} from './lib.mjs';

const CONVERSATIONS = 12;
const MIN_VISIBLE = 8;

/** How many conversation rows are wholly inside the inbox's scrolling pane. */
function visibleRows(page) {
  return page.evaluate(() => {
    const pane = document.querySelector('.inbox-pane')?.getBoundingClientRect();
    if (!pane) return 0;
    return [...document.querySelectorAll('.conversation-list > .conversation')].filter((row) => {
      const r = row.getBoundingClientRect();
      return r.top >= pane.top - 0.5 && r.bottom <= pane.bottom + 0.5;
    }).length;
  });
}

export async function deskLayout(base) {
  const { login, ...connected } = await connector(base, ADMIN_EMAIL, ADMIN_PASSWORD, 'e2e layout');
  const ingest = (handle, name, text) => connected.ingest({ channel: 'SMS', customerHandle: handle, customerName: name, text });
  const tag = randomBytes(2).toString('hex');
  const customers = [];
  for (let i = 0; i < CONVERSATIONS; i++) {
    const name = `Layout ${tag} ${String(i + 1).padStart(2, '0')}`;
    // Long international numbers: in the side panel's narrow column they used to break mid-digits.
    const handle = `+5511${String(parseInt(tag, 16)).padStart(5, '0')}${String(1000 + i)}`;
    await ingest(handle, name, `Question number ${i + 1} about my order, with enough words to fill a preview line.`);
    customers.push({ name, handle });
  }
  log(`seeded ${CONVERSATIONS} conversations in the e2e workspace`);

  const admin = await newPage(DESKTOP);
  const agent = await newPage(DESKTOP);
  const pages = { admin: admin.page, agent: agent.page };
  try {
    const { page } = admin;
    await page.goto(`${base}/`);
    await page.getByLabel('Email').waitFor({ timeout: UI_TIMEOUT_MS });
    await mainScreen(page, 'login');
    await signIn(page, base, ADMIN_EMAIL, ADMIN_PASSWORD);

    // 1. A compact inbox.
    const last = customers[customers.length - 1];
    await page.locator('.conversation').filter({ hasText: last.name }).waitFor({ timeout: UI_TIMEOUT_MS });
    const filters = page.locator('fieldset.filters');
    if (await filters.isVisible()) throw new Error('the filters are open by default');
    const visible = await visibleRows(page);
    if (visible < MIN_VISIBLE) throw new Error(`only ${visible} conversations are in view at 1366×768, not ${MIN_VISIBLE}`);
    log(`${visible} conversations in view at 1366×768`);
    await tabsWhole(page);
    await mainScreen(page, 'inbox');
    await checkAccessibility(page, 'the compact inbox');

    await page.getByRole('button', { name: 'Filters' }).click();
    await filters.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    const tops = await filters.locator('select').evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().top)));
    if (new Set(tops).size !== 1) throw new Error(`the open filters take more than one row: ${tops.join(', ')}`);
    await filters.getByLabel('Channel').selectOption('SMS');
    await page.getByRole('button', { name: 'Filters (1)' }).waitFor({ timeout: UI_TIMEOUT_MS });
    await screenshot(page, 'inbox-filters.png');
    await checkAccessibility(page, 'the inbox with its filters open');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByRole('button', { name: 'Filters', exact: true }).click();
    await filters.waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS });
    log('filters: collapsed by default, one row when open');

    // 2. A conversation. The admin gets the SMS channel first, to take one over (R1); with a
    // channel and offline, she is asked to go online, and says "Not now".
    await graphql(
      base,
      'mutation ($id: ID!, $input: UpdateAgentInput!) { updateAgent(id: $id, input: $input) { id } }',
      { id: login.agent.id, input: { channels: [{ channel: 'SMS', capacity: 20 }] } },
      login.token,
    );
    await page.reload();
    await page.getByTestId('presence-prompt').getByRole('button', { name: 'Not now' }).click();
    await page.getByTestId('presence-prompt').waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
    const target = customers[0];
    await page.locator('.conversation').filter({ hasText: target.name }).locator('.conversation-open').click();
    const pane = page.locator('.conversation-pane');
    await pane.getByRole('heading', { name: target.name }).waitFor({ timeout: UI_TIMEOUT_MS });
    const takeOver = pane.getByRole('button', { name: /^(Claim|Take over)$/ }).first();
    await takeOver.click();
    await page.getByLabel(`Reply to ${target.name}`).waitFor({ timeout: UI_TIMEOUT_MS });
    await page.waitForFunction(() => document.querySelector('.composer textarea')?.disabled === false, null, { timeout: UI_TIMEOUT_MS });
    const handle = pane.locator('dd.handle');
    await handle.waitFor({ timeout: UI_TIMEOUT_MS });
    const broken = await handle.evaluate((dd) => {
      const side = dd.closest('aside')?.getBoundingClientRect();
      return [...dd.querySelectorAll('.handle-part')].some((part) => {
        const box = part.getBoundingClientRect();
        return part.getClientRects().length !== 1 || getComputedStyle(part).whiteSpace !== 'nowrap' || !side || box.right > side.right;
      });
    });
    if (broken) throw new Error(`the handle ${target.handle} breaks inside a number or sticks out of the side panel`);
    const digits = (t) => (t ?? '').replace(/\D/g, '');
    if (digits(await handle.textContent()) !== digits(target.handle)) throw new Error(`the handle reads "${await handle.textContent()}"`);
    await mainScreen(page, 'conversation');
    await checkAccessibility(page, 'a conversation at 1366×768');

    const side = pane.getByRole('complementary', { name: 'About this conversation' });
    await pane.getByRole('button', { name: 'Hide details' }).click();
    await side.waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS });
    await page.reload();
    await pane.getByRole('heading', { name: target.name }).waitFor({ timeout: UI_TIMEOUT_MS });
    await pane.getByRole('button', { name: 'Details', exact: true }).waitFor({ timeout: UI_TIMEOUT_MS });
    if (await side.isVisible()) throw new Error('the side panel opened again after a reload');
    await screenshot(page, 'conversation-side-collapsed.png');
    await pane.getByRole('button', { name: 'Details', exact: true }).click();
    await side.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    log('the side panel collapses and stays collapsed across a reload');

    // The shortcuts open at their top on a 768-px-high screen.
    await pane.getByRole('heading', { name: target.name }).click();
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor({ timeout: UI_TIMEOUT_MS });
    const at = await page.evaluate(() => ({
      dialog: document.querySelector('dialog[open]')?.scrollTop,
      body: document.querySelector('[data-testid="shortcut-body"]')?.scrollTop,
      title: document.querySelector('dialog[open] h2')?.getBoundingClientRect().top,
    }));
    if (at.dialog !== 0 || at.body !== 0 || !(at.title >= 0)) throw new Error(`the shortcuts did not open at the top: ${JSON.stringify(at)}`);
    await checkAccessibility(page, 'the shortcuts');
    await help.getByRole('button', { name: 'Close' }).click();

    // 3. The customer writes again: the notification stays off the composer and the actions.
    await ingest(target.handle, target.name, 'Any news about my order?');
    const toast = page.getByTestId('toast').filter({ hasText: `${target.name} replied.` });
    await toast.waitFor({ timeout: UI_TIMEOUT_MS });
    for (const part of ['.composer', '.composer button[type="submit"]', '.pane-actions']) {
      if (await overlaps(page, '[data-testid="toast"]', part)) throw new Error(`the notification covers ${part} at 1366×768`);
    }
    await page.setViewportSize({ width: 1024, height: 768 });
    await tabsWhole(page);
    for (const part of ['.composer', '.pane-actions']) {
      if (await overlaps(page, '[data-testid="toast"]', part)) throw new Error(`the notification covers ${part} at 1024 px`);
    }
    await screenshot(page, 'conversation-1024.png');
    await checkAccessibility(page, 'a conversation at 1024 px');
    log('the notification covers neither composer nor actions; the tabs are whole at 1024 px');

    // 4. An agent with a channel, offline at sign-in, is asked to go online.
    const email = `layout-${tag}@e2e.test`;
    await graphql(
      base,
      'mutation ($input: CreateAgentInput!) { createAgent(input: $input) { id } }',
      { input: { email, name: `Lee Layout ${tag}`, password: 'e2e-password-2', role: 'AGENT', channels: [{ channel: 'EMAIL', capacity: 2 }] } },
      login.token,
    );
    await signIn(agent.page, base, email, 'e2e-password-2');
    const prompt = agent.page.getByTestId('presence-prompt');
    await prompt.getByText('Go online to receive conversations').waitFor({ timeout: UI_TIMEOUT_MS });
    await checkAccessibility(agent.page, 'the go-online prompt');
    await screenshot(agent.page, 'presence-prompt.png');
    await prompt.getByRole('button', { name: 'Go online' }).click();
    await prompt.waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
    await agent.page.waitForFunction(() => document.querySelector('.presence select')?.value === 'ONLINE', null, { timeout: UI_TIMEOUT_MS });
    const { node } = await graphql(base, 'query ($id: ID!) { node(id: $id) { ... on Agent { presence } } }', { id: await meId(agent.page, base) }, login.token);
    if (node?.presence !== 'ONLINE') throw new Error(`Go online left the agent ${node?.presence}`);
    log('an offline agent was asked to go online, and one click did it (the header shows Online)');

    const problems = [...admin.problems, ...agent.problems];
    if (problems.length) throw new Error(problems.join('\n'));
  } catch (err) {
    for (const [who, p] of Object.entries(pages)) await screenshot(p, `failure-layout-${who}.png`).catch(() => {});
    const problems = [...admin.problems, ...agent.problems];
    if (problems.length) err.message += `\n${problems.join('\n')}`;
    throw err;
  } finally {
    await admin.context.close();
    await agent.context.close();
  }
}

/** The signed-in agent's id, read with the page's own session. */
async function meId(page, base) {
  const token = await page.evaluate(() => localStorage.getItem('switchboard.token'));
  const { me } = await graphql(base, '{ me { id } }', {}, token);
  return me.id;
}
