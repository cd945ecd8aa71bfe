// Browser test: a shift at the desk (issue 20), in the demo workspace at 1366×768.
//   1. Avery (SUPER_ADMIN) adds a shared canned response in Administration; a shortcut taken
//      (CONFLICT) and an unknown placeholder (BAD_USER_INPUT) are said next to the form.
//   2. Ben signs in, goes online, and routing gives him a new Facebook conversation (R3–R5): it is
//      unread (bold, a dot, a count on My Queue) and counts down to its first-response SLA.
//   3. / searches for it; opening it reads it (markConversationRead).
//   4. He replies with a canned response typed as #shortcut (placeholders filled in by the server),
//      adds an internal note with the toggle; the counter stops a reply over the limit; a reply
//      over a change he has not seen (CONFLICT) keeps the draft; drafts survive moving away.
//   5. The customer writes while he looks elsewhere: the row turns unread again.
//   6. He pends it (C9: routing gives him the next one, queued until his capacity freed) and
//      resolves it.
//   7. An agent idle for the workspace's awayAfterIdleSeconds is set Away, with a notice.
// Screenshots of the main states go to e2e/screenshots/.

import { randomBytes } from 'node:crypto';
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
  screenshot,
  signIn,
  staleSends,
} from './lib.mjs';

const PASSWORD = 'switchboard';
const FB_CAPACITY = 4; // Ben's Facebook capacity in the demo workspace

const row = (page, customer) => page.locator('.conversation').filter({ hasText: customer });

export async function shift(base) {
  const tag = randomBytes(3).toString('hex');
  const shortcut = `thanks-${tag}`;
  const { login, ...connected } = await connector(base, 'admin@example.com', PASSWORD, 'e2e shift');
  const ingest = (handle, name, text) => connected.ingest({ channel: 'FACEBOOK', customerHandle: handle, customerName: name, text });
  // A new conversation is the inception bot's (I1) until it asks for a human (I2): then routing
  // offers it (R3–R5).
  const arrive = async (handle, name, text) => {
    const id = await ingest(handle, name, text);
    await graphql(
      base,
      'mutation ($id: ID!, $summary: String!) { requestIntervention(id: $id, summary: $summary) { id } }',
      { id, summary: `${name} needs a human` },
      login.token,
    );
  };

  const admin = await newPage(DESKTOP);
  const ben = await newPage(DESKTOP);
  const idler = await newPage(DESKTOP);
  const pages = { admin: admin.page, ben: ben.page, idler: idler.page };
  try {
    // 1. A shared canned response, managed by an admin.
    await signIn(admin.page, base, 'admin@example.com', PASSWORD);
    await admin.page.goto(`${base}/#dashboard/admin`);
    const canned = admin.page.getByTestId('admin-canned');
    await canned.getByRole('button', { name: 'New canned response' }).click();
    await canned.getByLabel('Shortcut').fill(`#${shortcut}`);
    await canned.getByLabel('Title').fill('Thanks for waiting');
    await canned.getByLabel('Text').fill('Hi {{customer.firstName}}, thanks for waiting! {{agent.firstName}} here.');
    await canned.getByRole('button', { name: 'Save' }).click();
    await canned.locator(`li[data-shortcut="${shortcut}"]`).waitFor({ timeout: UI_TIMEOUT_MS });
    await canned.getByRole('button', { name: 'New canned response' }).click();
    await canned.getByLabel('Shortcut').fill(shortcut);
    await canned.getByLabel('Title').fill('Again');
    await canned.getByLabel('Text').fill('Same shortcut');
    await canned.getByRole('button', { name: 'Save' }).click();
    await canned.getByTestId('canned-error').getByText(`The shortcut #${shortcut} is taken: choose another.`).waitFor({ timeout: UI_TIMEOUT_MS });
    await canned.getByLabel('Shortcut').fill(`other-${tag}`);
    await canned.getByLabel('Text').fill('Hello {{customer.shoeSize}}');
    await canned.getByRole('button', { name: 'Save' }).click();
    await admin.page.waitForFunction(
      () => /placeholder/i.test(document.querySelector('[data-testid="admin-canned"] [data-testid="canned-error"]')?.textContent ?? ''),
      null,
      { timeout: UI_TIMEOUT_MS },
    );
    await canned.getByText('{{customer.firstName}}').first().waitFor({ timeout: UI_TIMEOUT_MS });
    await canned.getByTestId('canned-error').evaluate((el) => el.scrollIntoView({ block: 'end' }));
    await mainScreen(admin.page, 'admin-canned-responses');
    await checkAccessibility(admin.page, 'the canned responses administration');
    await canned.getByRole('button', { name: 'Cancel' }).click();
    log(`admin: #${shortcut} saved; a taken shortcut and an unknown placeholder were refused inline`);

    // 2. Ben goes online and routing gives him the customer's conversation.
    await signIn(ben.page, base, 'ben@example.com', PASSWORD);
    const page = ben.page;
    const prompt = page.getByTestId('presence-prompt');
    if (await prompt.count()) await prompt.getByRole('button', { name: 'Go online' }).click();
    else await page.getByLabel('Presence').selectOption('ONLINE');
    await page.waitForFunction(() => document.querySelector('.presence select')?.value === 'ONLINE', null, { timeout: UI_TIMEOUT_MS });
    const customer = `Shift ${tag} Customer`;
    await arrive(`fb-shift-${tag}`, customer, `Hello, my parcel ${tag} never arrived`);
    await page.getByRole('tab', { name: /My Queue/ }).click();
    const mine = row(page, customer);
    await mine.waitFor({ timeout: UI_TIMEOUT_MS });
    await mine.getByTestId('unread-mark').waitFor({ timeout: UI_TIMEOUT_MS });
    await page.getByRole('tab', { name: /My Queue/ }).getByTestId('tab-unread').waitFor({ timeout: UI_TIMEOUT_MS });
    const countdown = mine.getByTestId('countdown');
    const before = await countdown.textContent();
    if (!/^Reply in \d+:\d\d/.test(before ?? '')) throw new Error(`the row's countdown reads "${before}"`);
    await page.waitForFunction((b) => document.querySelector('.conversation [data-testid="countdown"]')?.textContent !== b, before, { timeout: 3_000 });
    log(`routing gave Ben "${customer}": unread, counted on My Queue, "${before}" ticking`);
    // Fill his Facebook capacity (R2), so that the next conversation waits in the queue.
    for (let i = 1; i < FB_CAPACITY; i++) await arrive(`fb-fill-${tag}-${i}`, `Shift ${tag} Filler ${i}`, `Filler ${i}`);
    await row(page, `Shift ${tag} Filler ${FB_CAPACITY - 1}`).waitFor({ timeout: UI_TIMEOUT_MS });
    const next = `Shift ${tag} Next`;
    await arrive(`fb-next-${tag}`, next, 'Next in line');

    // 3. Search with /.
    await page.locator('.placeholder').click();
    await page.keyboard.press('/');
    const box = page.getByLabel('Search conversations');
    if (!(await box.evaluate((el) => el === document.activeElement))) throw new Error('/ did not focus the search box');
    await page.keyboard.type('?!');
    await page.getByTestId('search-status').getByText('Type a letter or a number to search.').waitFor({ timeout: UI_TIMEOUT_MS });
    await box.fill(`zzqx${tag}`);
    await page.getByText(`No conversations match “zzqx${tag}”.`).waitFor({ timeout: UI_TIMEOUT_MS });
    await box.fill(`parcel ${tag}`);
    const results = page.getByRole('list', { name: 'Search results' });
    await results.locator('.conversation').filter({ hasText: customer }).waitFor({ timeout: UI_TIMEOUT_MS });
    await page.getByText(`1 conversation matches “parcel ${tag}”`).waitFor({ timeout: UI_TIMEOUT_MS });
    await mainScreen(page, 'search-results');
    await checkAccessibility(page, 'search results');
    await results.locator('.conversation').filter({ hasText: customer }).locator('.conversation-open').click();
    const pane = page.locator('.conversation-pane');
    await pane.getByRole('heading', { name: customer }).waitFor({ timeout: UI_TIMEOUT_MS });
    await box.press('Escape');
    await page.getByRole('list', { name: 'Search results' }).waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
    await page.getByRole('tab', { name: /My Queue/ }).click();
    await mine.getByTestId('unread-mark').waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
    await pane.locator('.pane-sub [data-testid="countdown"]').waitFor({ timeout: UI_TIMEOUT_MS });
    log('/ searched: a refusal, no match, then the conversation; opening it read it; the header counts down');

    // 4. A canned response with #.
    const reply = page.getByLabel(`Reply to ${customer}`);
    await page.waitForFunction(() => document.querySelector('.composer textarea')?.disabled === false, null, { timeout: UI_TIMEOUT_MS });
    await reply.click();
    await page.keyboard.type(`#thanks-${tag.slice(0, 2)}`);
    const suggestions = page.getByTestId('canned-suggestions');
    await suggestions.getByText(`#${shortcut}`).waitFor({ timeout: UI_TIMEOUT_MS });
    await mainScreen(page, 'composer-canned-suggestions');
    await checkAccessibility(page, 'the composer with canned suggestions');
    await page.keyboard.press('Enter');
    const inserted = 'Hi Shift, thanks for waiting! Ben here.';
    await page.waitForFunction((t) => document.querySelector('.composer textarea')?.value === t, inserted, { timeout: UI_TIMEOUT_MS });
    await page.getByTestId('composer-counter').getByText(`${inserted.length} / 10,000`).waitFor({ timeout: UI_TIMEOUT_MS });
    await page.locator('.composer').getByRole('button', { name: 'Send' }).click();
    await page.locator('.thread').getByText(inserted).waitFor({ timeout: UI_TIMEOUT_MS });
    if ((await reply.inputValue()) !== '') throw new Error('the reply stayed in the box after sending');
    log(`#${shortcut} inserted "${inserted}" and was sent`);

    // The limit, before sending.
    await reply.fill('x'.repeat(10_001));
    await page.locator('.composer-error').getByText('Too long: at most 10,000 characters').waitFor({ timeout: UI_TIMEOUT_MS });
    if (!(await page.locator('.composer').getByRole('button', { name: 'Send' }).isDisabled())) throw new Error('Send stays on over the limit');
    await page.locator('.composer-counter.counter-over').waitFor({ timeout: UI_TIMEOUT_MS });
    await reply.fill('');

    // A reply over a change he has not seen: CONFLICT, the draft kept, sent once he sends again.
    const stale = await staleSends(page);
    await reply.fill('Are you still there?');
    await page.locator('.composer').getByRole('button', { name: 'Send' }).click();
    await page.locator('.composer-error').getByText('The conversation changed — review before sending').waitFor({ timeout: UI_TIMEOUT_MS });
    await stale.stop();
    if ((await reply.inputValue()) !== 'Are you still there?') throw new Error('the draft went with the CONFLICT');
    await page.locator('.composer').getByRole('button', { name: 'Send' }).click();
    await page.locator('.thread').getByText('Are you still there?').waitFor({ timeout: UI_TIMEOUT_MS });
    log('the counter stopped a reply over 10,000 characters; a CONFLICT kept the draft');

    // An internal note with the toggle.
    await page.locator('.composer').getByRole('button', { name: 'Internal note' }).click();
    await page.getByTestId('note-hint').getByText('Internal note — only your team sees this').waitFor({ timeout: UI_TIMEOUT_MS });
    const noteBox = page.getByLabel(`Internal note on ${customer}`);
    await noteBox.fill('Parcel lost by the carrier; refund approved.');
    await mainScreen(page, 'composer-note-mode');
    await checkAccessibility(page, 'the composer in note mode');
    await page.locator('.composer').getByRole('button', { name: 'Add note' }).click();
    await page.getByTestId('thread-note').filter({ hasText: 'Parcel lost by the carrier; refund approved.' }).waitFor({ timeout: UI_TIMEOUT_MS });
    log('an internal note was added from the same box');

    // The picker: searchable, inserting at the caret; and an agent's own canned responses.
    await page.locator('.composer').getByRole('button', { name: 'Reply', exact: true }).click();
    await page.locator('.composer').getByRole('button', { name: 'Canned responses…' }).click();
    const picker = page.getByRole('dialog', { name: 'Canned responses' });
    await picker.getByLabel('Search by shortcut or title').fill(shortcut);
    await picker.getByRole('button', { name: new RegExp(`#${shortcut}`) }).waitFor({ timeout: UI_TIMEOUT_MS });
    await checkAccessibility(page, 'the canned responses picker');
    await picker.getByRole('button', { name: new RegExp(`#${shortcut}`) }).click();
    await picker.waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
    await page.waitForFunction((t) => document.querySelector('.composer textarea')?.value === t, inserted, { timeout: UI_TIMEOUT_MS });
    await page.locator('.composer').getByRole('button', { name: 'Canned responses…' }).click();
    await picker.getByRole('button', { name: 'Manage my canned responses…' }).click();
    const own = page.getByTestId('canned-mine');
    await own.getByRole('button', { name: 'New canned response' }).click();
    await own.getByLabel('Shortcut').fill(`mine-${tag}`);
    await own.getByLabel('Title').fill('My sign-off');
    await own.getByLabel('Text').fill('Cheers, {{agent.firstName}}');
    await own.getByRole('button', { name: 'Save' }).click();
    await own.locator(`li[data-shortcut="mine-${tag}"]`).waitFor({ timeout: UI_TIMEOUT_MS });
    await page.getByRole('button', { name: 'Back to the list' }).click();
    await page.locator('.canned-pick').filter({ hasText: `#mine-${tag}` }).filter({ hasText: 'Yours' }).waitFor({ timeout: UI_TIMEOUT_MS });
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
    await reply.fill('');
    log(`the picker inserted #${shortcut}; Ben saved his own #mine-${tag}`);

    // Drafts stay per conversation and mode across navigation.
    await page.locator('.composer').getByRole('button', { name: 'Internal note' }).click();
    await noteBox.fill('Half a note');
    await page.locator('.composer').getByRole('button', { name: 'Reply', exact: true }).click();
    await reply.fill('Half a reply');
    await row(page, `Shift ${tag} Filler 1`).locator('.conversation-open').click();
    await pane.getByRole('heading', { name: `Shift ${tag} Filler 1` }).waitFor({ timeout: UI_TIMEOUT_MS });
    // 5. The customer writes while he looks at another one: the row turns unread again.
    await ingest(`fb-shift-${tag}`, customer, 'Any news?');
    await mine.getByTestId('unread-mark').waitFor({ timeout: UI_TIMEOUT_MS });
    log('a customer message turned the row unread again');
    await mine.locator('.conversation-open').click();
    await pane.getByRole('heading', { name: customer }).waitFor({ timeout: UI_TIMEOUT_MS });
    await page.waitForFunction(() => document.querySelector('.composer textarea')?.value === 'Half a reply', null, { timeout: UI_TIMEOUT_MS });
    await page.locator('.composer').getByRole('button', { name: 'Internal note' }).click();
    if ((await noteBox.inputValue()) !== 'Half a note') throw new Error('the note draft was lost');
    await noteBox.fill('');
    await page.locator('.composer').getByRole('button', { name: 'Reply', exact: true }).click();
    await reply.fill('');
    await mine.getByTestId('unread-mark').waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
    log('drafts (reply and note) were kept across navigation; opening it read it again');
    // A customer message while it is open (and the window focused) is read at once.
    await ingest(`fb-shift-${tag}`, customer, 'Hello again?');
    await page.locator('.thread').getByText('Hello again?').waitFor({ timeout: UI_TIMEOUT_MS });
    await mine.getByTestId('unread-mark').waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
    await page.waitForFunction(
      (name) => [...document.querySelectorAll('.conversation')].some((r) => r.textContent?.includes(name) && r.getAttribute('data-unread') === 'false'),
      customer,
      { timeout: UI_TIMEOUT_MS },
    );

    // 6. Pend: capacity frees and routing gives him the next one (C9); then resolve.
    await pane.getByRole('button', { name: 'Pend' }).click();
    await pane.locator('.pane-sub').getByText('Pending').waitFor({ timeout: UI_TIMEOUT_MS });
    await row(page, next).waitFor({ timeout: UI_TIMEOUT_MS });
    const replyHere = pane.getByRole('button', { name: 'Reply here' });
    if (await replyHere.count()) await replyHere.click();
    await pane.getByRole('button', { name: 'Resolve' }).click();
    await pane.locator('.pane-sub').getByText('Resolved').waitFor({ timeout: UI_TIMEOUT_MS });
    await mine.waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
    await row(page, next).locator('.conversation-open').click();
    await pane.getByRole('heading', { name: next }).waitFor({ timeout: UI_TIMEOUT_MS });
    log(`pended and resolved; routing gave Ben "${next}"`);

    // Alerts: off by default, on at a click (the browser's permission asked only then), remembered.
    await ben.context.grantPermissions(['notifications'], { origin: base });
    await page.getByRole('button', { name: /^Notifications/ }).click();
    const alerts = page.getByLabel('Sound and desktop alerts');
    if (await alerts.isChecked()) throw new Error('alerts are on by default');
    await alerts.check();
    await page.waitForFunction(() => localStorage.getItem('switchboard.alerts') === 'on', null, { timeout: UI_TIMEOUT_MS });
    await page.keyboard.press('Escape');
    log('sound and desktop alerts turned on and remembered');

    // 7. Away after idle, in the e2e admin's workspace (so that the demo agents are not touched).
    const e2e = await graphql(
      base,
      'mutation ($email: String!, $password: String!) { login(email: $email, password: $password) { token } }',
      { email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
    );
    const email = `idle-${tag}@e2e.test`;
    await graphql(
      base,
      'mutation ($input: CreateAgentInput!) { createAgent(input: $input) { id } }',
      { input: { email, name: `Ida Idle ${tag}`, password: 'e2e-password-3', role: 'AGENT', channels: [{ channel: 'INSTAGRAM', capacity: 1 }] } },
      e2e.login.token,
    );
    const setIdle = (seconds) =>
      graphql(
        base,
        'mutation ($input: UpdateWorkspaceInput!) { updateWorkspaceSettings(input: $input) { id awayAfterIdleSeconds } }',
        { input: { awayAfterIdleSeconds: seconds } },
        e2e.login.token,
      );
    await setIdle(3);
    try {
      await signIn(idler.page, base, email, 'e2e-password-3');
      await idler.page.getByTestId('presence-prompt').getByRole('button', { name: 'Go online' }).click();
      const notice = idler.page.getByTestId('idle-notice');
      await notice.getByText('You were set to Away after 3 s idle.').waitFor({ timeout: 15_000 });
      await idler.page.waitForFunction(() => document.querySelector('.presence select')?.value === 'AWAY', null, { timeout: UI_TIMEOUT_MS });
      await screenshot(idler.page, 'idle-away.png');
      await checkAccessibility(idler.page, 'the away-after-idle notice');
      await notice.getByRole('button', { name: 'Go online' }).click();
      await notice.waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
      await idler.page.waitForFunction(() => document.querySelector('.presence select')?.value === 'ONLINE', null, { timeout: UI_TIMEOUT_MS });
    } finally {
      await setIdle(600);
    }
    log('an idle agent was set Away with a notice, and went online again from it');

    const problems = [...admin.problems, ...ben.problems, ...idler.problems];
    if (problems.length) throw new Error(problems.join('\n'));
  } catch (err) {
    for (const [who, p] of Object.entries(pages)) await screenshot(p, `failure-shift-${who}.png`).catch(() => {});
    const problems = [...admin.problems, ...ben.problems, ...idler.problems];
    if (problems.length) err.message += `\n${problems.join('\n')}`;
    throw err;
  } finally {
    await admin.context.close();
    await ben.context.close();
    await idler.context.close();
  }
}
