// Browser test: two agents of the demo workspace, each in their own browser context.
//   1. Ana claims in bulk: per-item results (one claimed, one refused).
//   2. Ana opens a conversation (L3): Ben sees the lock badge within a second (E5) and, opening it,
//      a read-only view with the holder and a Steal button (L4). Each sees the other "is also
//      looking" within a few seconds (SPEC §12 viewers); Ben is offered no Monitor. Sam (SUPERVISOR)
//      monitors it from his inbox: read-only, Ana keeps the lock, and she sees "Sam Supervisor is
//      monitoring"; Sam and then Ben leave, and the line follows.
//   3. Ben steals (L5): Ana is told live and her view turns read-only; Ben replies, Ana sees it.
//   4. Ben reassigns it to Ana with a handoff note (C4): it appears in Ana's My Queue without a
//      refresh, and she is notified with the note.
//   5. The customer writes again (a channel connector): Ana's open view shows it, and she is told.
//   6. Keyboard shortcuts; closing a conversation releases its lock, live for the other (L6); a
//      smaller laptop screen.
// Screenshots of the main screens go to test-results/.

import { UI_TIMEOUT_MS, checkAccessibility, connector, log, newPage, overlaps, screenshot, signIn, staleSends } from './lib.mjs';

const PASSWORD = 'switchboard';
const LOCK_VISIBLE_MS = 1_000; // SPEC §7 E5
const VIEWERS_MS = 3_000; // "… is also looking" within a few seconds

/** Waits until the conversation view's viewers line reads exactly text ('' for nobody else). */
async function viewersLine(page, text, timeout = VIEWERS_MS) {
  const t0 = Date.now();
  try {
    await page.waitForFunction((t) => document.querySelector('[data-testid="viewers"]')?.textContent === t, text, { timeout });
  } catch {
    const now = await page.getByTestId('viewers').textContent().catch(() => null);
    throw new Error(`the viewers line stayed "${now}", not "${text}", for ${timeout} ms`);
  }
  return Date.now() - t0;
}

/** The shortcuts dialog opened at its top: its title in view, its list scrolled to the first row. */
async function openedAtTop(page) {
  const where = await page.evaluate(() => {
    const dialog = document.querySelector('dialog[open]');
    const body = dialog?.querySelector('[data-testid="shortcut-body"]');
    const title = dialog?.querySelector('h2')?.getBoundingClientRect();
    return { dialog: dialog?.scrollTop, body: body?.scrollTop, titleTop: title?.top, height: window.innerHeight };
  });
  if (where.dialog !== 0 || where.body !== 0 || !(where.titleTop >= 0 && where.titleTop < where.height)) {
    throw new Error(`the shortcuts dialog did not open at its top: ${JSON.stringify(where)}`);
  }
}

/** Every inbox tab is whole: nothing clipped, no label on two lines. */
export async function tabsWhole(page) {
  const problems = await page.evaluate(() => {
    const out = [];
    const list = document.querySelector('.inbox-tabs');
    const pane = document.querySelector('.inbox-pane')?.getBoundingClientRect();
    if (!list || !pane) return ['no inbox tabs'];
    if (list.scrollWidth > list.clientWidth + 1) out.push(`the tab list overflows (${list.scrollWidth} > ${list.clientWidth})`);
    for (const tab of list.querySelectorAll('.tab')) {
      const box = tab.getBoundingClientRect();
      const label = tab.querySelector('.tab-label');
      if (box.right > pane.right + 0.5 || box.left < pane.left - 0.5) out.push(`"${tab.textContent}" sticks out of the inbox`);
      if (tab.scrollWidth > tab.clientWidth + 1) out.push(`"${tab.textContent}" is clipped`);
      if (label && label.getClientRects().length !== 1) out.push(`"${label.textContent}" wraps`);
      if (label && label.getBoundingClientRect().height > parseFloat(getComputedStyle(label).lineHeight || '24') * 1.5) {
        out.push(`"${label.textContent}" takes two lines`);
      }
    }
    return out;
  });
  if (problems.length) throw new Error(`inbox tabs at ${page.viewportSize()?.width} px: ${problems.join('; ')}`);
}

/** The queue row of a customer. */
const row = (page, customer) => page.locator('.conversation').filter({ hasText: customer });

async function setPresence(page, value) {
  await page.getByLabel('Presence').selectOption(value);
  await page.waitForFunction((v) => document.querySelector('.presence select')?.value === v && !document.querySelector('.presence select')?.disabled, value);
}

export async function twoAgents(base) {
  const ana = await newPage();
  const ben = await newPage();
  const sam = await newPage();
  const pages = { ana: ana.page, ben: ben.page, sam: sam.page };
  try {
    await Promise.all([
      signIn(ana.page, base, 'ana@example.com', PASSWORD),
      signIn(ben.page, base, 'ben@example.com', PASSWORD),
      signIn(sam.page, base, 'sam@example.com', PASSWORD),
    ]);
    // Both see the shared inbox. Both stay OFFLINE for now: ONLINE agents are given queued
    // conversations by routing (R5), which would empty the inbox this test works on.
    for (const p of [ana.page, ben.page]) await row(p, 'Lucas Silva').waitFor({ timeout: UI_TIMEOUT_MS });
    await screenshot(ana.page, 'agent-inbox.png');
    await checkAccessibility(ana.page, 'the inbox');

    // 1. Bulk claim with per-item results: Gabriel (WhatsApp) is Ana's to take, Sofia (Instagram) not.
    await ana.page.getByLabel('Select Gabriel Souza for bulk claim').check();
    await ana.page.getByLabel('Select Sofia Rossi for bulk claim').check();
    await ana.page.getByRole('button', { name: 'Claim selected (2)' }).click();
    const results = ana.page.getByRole('list', { name: 'Bulk claim results' });
    await results.getByText('Gabriel Souza').waitFor({ timeout: UI_TIMEOUT_MS });
    await ana.page.getByText('Bulk claim: 1 claimed, 1 not claimed.').waitFor({ timeout: UI_TIMEOUT_MS });
    await results.locator('li.failed').filter({ hasText: 'Sofia Rossi' }).waitFor({ timeout: UI_TIMEOUT_MS });
    await screenshot(ana.page, 'bulk-claim.png');
    // Gabriel left the shared inbox for Ana's My Queue, live, on both screens.
    await row(ben.page, 'Gabriel Souza').waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
    log('bulk claim: 1 claimed, 1 refused with a reason');

    // 2. Ana opens Lucas Silva and gets the lock; Ben sees the badge within a second.
    const clicked = Date.now();
    await row(ana.page, 'Lucas Silva').getByRole('button').click();
    await row(ben.page, 'Lucas Silva').getByText('Ana Alvarez is replying').waitFor({ timeout: LOCK_VISIBLE_MS });
    const badgeMs = Date.now() - clicked;
    log(`Ben saw "Ana Alvarez is replying" ${badgeMs} ms after Ana clicked`);
    const anaReply = ana.page.getByLabel('Reply to Lucas Silva');
    await anaReply.waitFor({ timeout: UI_TIMEOUT_MS });
    if (await anaReply.isDisabled()) throw new Error("Ana opened an unlocked conversation but can't reply (L3)");
    await screenshot(ana.page, 'conversation.png');
    await checkAccessibility(ana.page, 'a conversation the viewer replies to');

    // Ben opens it: read-only, with the holder and a Steal button (L4).
    await row(ben.page, 'Lucas Silva').getByRole('button').click();
    const banner = ben.page.getByTestId('readonly-banner');
    await banner.getByText('Ana Alvarez is replying to this conversation.').waitFor({ timeout: UI_TIMEOUT_MS });
    if (!(await ben.page.getByLabel('Reply to Lucas Silva').isDisabled())) throw new Error("Ben's view is not read-only (L4)");
    await screenshot(ben.page, 'read-only.png');
    await checkAccessibility(ben.page, 'the read-only view');
    log('Ben sees a read-only view naming Ana');

    // Who else is looking (SPEC §12): each sees the other, live.
    const joinedMs = await viewersLine(ana.page, 'Ben Brooks is also looking');
    await viewersLine(ben.page, 'Ana Alvarez is also looking');
    log(`Ana saw "Ben Brooks is also looking" ${joinedMs} ms after Ben's view opened`);
    if (await ben.page.getByRole('button', { name: /^Monitor/ }).count()) throw new Error('an AGENT is offered Monitor');

    // Sam (SUPERVISOR) monitors it from his inbox: read-only, and the lock stays Ana's.
    await row(sam.page, 'Lucas Silva').getByRole('button', { name: 'Monitor Lucas Silva', exact: true }).click();
    await sam.page.getByTestId('monitoring-badge').waitFor({ timeout: UI_TIMEOUT_MS });
    await sam.page.getByTestId('readonly-banner').getByText('Ana Alvarez is replying to this conversation.').waitFor({ timeout: UI_TIMEOUT_MS });
    if (!(await sam.page.getByLabel('Reply to Lucas Silva').isDisabled())) throw new Error("Sam's monitoring view is not read-only");
    if (!sam.page.url().includes('#monitor=')) throw new Error(`Sam's address ${sam.page.url()} does not say he monitors`);
    const monitorMs = await viewersLine(ana.page, 'Ben Brooks is also looking, and Sam Supervisor is monitoring');
    await viewersLine(sam.page, 'Ana Alvarez and Ben Brooks are also looking');
    if (await anaReply.isDisabled()) throw new Error("Sam's Monitor took Ana's lock: she can't reply");
    if (await ana.page.getByTestId('readonly-banner').count()) throw new Error("Ana's view turned read-only when Sam monitored");
    await row(ben.page, 'Lucas Silva').getByText('Ana Alvarez is replying').waitFor({ timeout: UI_TIMEOUT_MS });
    await row(sam.page, 'Lucas Silva').getByText('Ana Alvarez is replying').waitFor({ timeout: UI_TIMEOUT_MS });
    log(`Sam monitors Lucas Silva: Ana saw "Sam Supervisor is monitoring" after ${monitorMs} ms and still holds the lock`);
    await screenshot(sam.page, 'monitoring.png');
    await checkAccessibility(sam.page, 'a conversation a supervisor monitors');
    await screenshot(ana.page, 'viewers.png');

    // Sam leaves, then Ben: the line follows on Ana's screen; Ben comes back to steal.
    await sam.page.locator('.pane-actions').getByRole('button', { name: 'Close' }).click();
    await viewersLine(ana.page, 'Ben Brooks is also looking');
    await ben.page.locator('.pane-actions').getByRole('button', { name: 'Close' }).click();
    const leftMs = await viewersLine(ana.page, '');
    log(`Sam and Ben closed the view: Ana's viewers line emptied (${leftMs} ms after Ben left)`);
    await row(ben.page, 'Lucas Silva').getByRole('button').click();
    await banner.getByText('Ana Alvarez is replying to this conversation.').waitFor({ timeout: UI_TIMEOUT_MS });

    // Ana's reply over the 10,000 characters a reply may have: the counter says the limit and Send
    // is off before anything is sent.
    await anaReply.fill('x'.repeat(10_001));
    await ana.page.locator('.composer-error').getByText('Too long: at most 10,000 characters').waitFor({ timeout: UI_TIMEOUT_MS });
    if (!(await ana.page.locator('.composer').getByRole('button', { name: 'Send' }).isDisabled())) throw new Error('Send stays on over the limit');
    await anaReply.fill('');
    // A reply written over a change Ana has not seen (an older expectedVersion, SPEC §9): CONFLICT,
    // said in her composer, the draft kept.
    const stale = await staleSends(ana.page);
    await anaReply.fill('One moment please');
    await ana.page.locator('.composer').getByRole('button', { name: 'Send' }).click();
    await ana.page.locator('.composer-error').getByText('The conversation changed — review before sending').waitFor({ timeout: UI_TIMEOUT_MS });
    await stale.stop();
    if ((await anaReply.inputValue()) !== 'One moment please') throw new Error('the draft went with the CONFLICT');
    log(`Ana's too-long reply was stopped by the counter; a stale one said "${(await ana.page.locator('.composer-error').textContent())?.trim()}"`);

    // 3. Ben steals; Ana is told and her view turns read-only, naming Ben (L5).
    await banner.getByRole('button', { name: 'Steal' }).click();
    await ben.page.getByTestId('readonly-banner').waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
    const benReply = ben.page.getByLabel('Reply to Lucas Silva');
    if (await benReply.isDisabled()) throw new Error("Ben stole the lock but can't reply");
    // L5: the steal moved the lock, not ownership, and the notification says so.
    const stolenToast = ana.page
      .getByTestId('toast')
      .filter({ hasText: 'Ben Brooks took the reply lock on your conversation with Lucas Silva' });
    await stolenToast.waitFor({ timeout: UI_TIMEOUT_MS });
    if (await ana.page.getByTestId('toast').filter({ hasText: 'took over' }).count()) throw new Error('the steal notification says "took over"');
    await ana.page.getByTestId('readonly-banner').getByText('Ben Brooks is replying to this conversation.').waitFor({ timeout: UI_TIMEOUT_MS });
    // The old error went with the lock: nothing stale under the new read-only banner.
    await ana.page.waitForFunction(() => !document.querySelector('.composer-error')?.textContent?.trim(), null, {
      timeout: UI_TIMEOUT_MS,
    });
    // The notification never covers the composer, Send or the conversation's actions.
    for (const part of ['.composer', '.pane-actions']) {
      if (await overlaps(ana.page, '[data-testid="toast"]', part)) throw new Error(`a notification covers ${part}`);
    }
    log('the steal toast names the lock, not ownership; the stale error cleared; the toast covers neither composer nor actions');
    await screenshot(ana.page, 'lock-stolen.png');
    log('Ana was notified of the steal; her view is read-only');

    // Ben replies (which claims it, C3); Ana's open view shows the reply live.
    await benReply.fill('Hi Lucas, Ben here. Sorry for the wait!');
    await ben.page.keyboard.press('Control+Enter');
    await ana.page.locator('.thread').getByText('Hi Lucas, Ben here. Sorry for the wait!').waitFor({ timeout: UI_TIMEOUT_MS });
    await row(ben.page, 'Lucas Silva').waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS }); // claimed: left the inbox
    log("Ben's reply reached Ana's screen live");

    // 4. Ben reassigns to Ana with a handoff note; Ana's My Queue gains it live. Reassignment needs
    // the receiver ONLINE (SPEC §12).
    await setPresence(ana.page, 'ONLINE');
    await ana.page.getByRole('tab', { name: /My Queue/ }).click();
    await row(ana.page, 'Gabriel Souza').waitFor({ timeout: UI_TIMEOUT_MS });
    await ben.page.getByRole('button', { name: 'Reassign…' }).click();
    const dialog = ben.page.getByRole('dialog', { name: 'Reassign Lucas Silva' });
    // Only humans permitted on Live chat (R1): no supervisor or admin without it, no bot, not Ben.
    const options = dialog.getByRole('radio');
    await options.first().waitFor({ timeout: UI_TIMEOUT_MS });
    const offered = await dialog.locator('.agent-option-name').allTextContents();
    if (offered.join(',') !== 'Ana Alvarez,Cleo Chen') throw new Error(`the reassign dialog offers ${offered.join(', ')}, not Ana Alvarez and Cleo Chen`);
    await dialog.locator('.agent-option').filter({ hasText: 'Ana Alvarez' }).getByText(/^Online · \d+ of 2 on Live chat/).waitFor({ timeout: UI_TIMEOUT_MS });
    await dialog.getByLabel('Search by name').fill('cle');
    await dialog.locator('.agent-option-name').filter({ hasText: 'Ana Alvarez' }).waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
    await dialog.getByLabel('Search by name').fill('ana');
    await dialog.getByRole('radio', { name: /Ana Alvarez/ }).check();
    log(`the reassign dialog offers ${offered.join(' and ')} with presence and load against capacity (Agent.load, an agent's view), searchable`);
    const note = 'Needs the refund form in Spanish, already verified.';
    await dialog.getByLabel('Handoff note (optional)').fill(note);
    await screenshot(ben.page, 'reassign.png');
    await checkAccessibility(ben.page, 'the reassign dialog');
    await dialog.getByRole('button', { name: 'Reassign' }).click();
    await dialog.waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
    await row(ana.page, 'Lucas Silva').waitFor({ timeout: UI_TIMEOUT_MS });
    await ana.page
      .getByTestId('toast')
      .filter({ hasText: 'Ben Brooks assigned you the conversation with Lucas Silva.' })
      .filter({ hasText: note })
      .waitFor({ timeout: UI_TIMEOUT_MS });
    await screenshot(ana.page, 'my-queue.png');
    await checkAccessibility(ana.page, 'My Queue with notifications');
    log("reassigned: Lucas Silva is in Ana's My Queue with the note, no refresh");

    // 5. The customer writes again through a channel connector (an API key of the demo admin).
    const { ingest } = await connector(base, 'admin@example.com', PASSWORD, 'e2e connector');
    await ingest({ channel: 'LIVE_CHAT', customerHandle: 'chat-91bc', text: 'Thanks! Is the form coming today?' });
    await ana.page.locator('.thread').getByText('Thanks! Is the form coming today?').waitFor({ timeout: UI_TIMEOUT_MS });
    await ana.page.getByTestId('toast').filter({ hasText: 'Lucas Silva replied.' }).waitFor({ timeout: UI_TIMEOUT_MS });
    log("the customer's new message reached Ana's open view, with a notification");

    // Keyboard: ? opens the shortcuts, Escape closes them.
    await ana.page.locator('body').click({ position: { x: 5, y: 300 } });
    await ana.page.keyboard.press('?');
    await ana.page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor({ timeout: UI_TIMEOUT_MS });
    await openedAtTop(ana.page);
    await screenshot(ana.page, 'shortcuts.png');
    await ana.page.keyboard.press('Escape');
    await ana.page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
    // Escape closes the conversation (closeConversation, L6); 1, j and o open the first unclaimed one.
    await ana.page.keyboard.press('Escape');
    await ana.page.getByRole('heading', { name: 'No conversation open' }).waitFor({ timeout: UI_TIMEOUT_MS });
    await ana.page.keyboard.press('1');
    await ana.page.getByRole('tab', { name: /Unclaimed/, selected: true }).waitFor({ timeout: UI_TIMEOUT_MS });
    await ana.page.keyboard.press('j');
    const first = (await ana.page.locator('.conversation-customer').first().textContent()) ?? '';
    await ana.page.keyboard.press('o');
    await ana.page.locator('.conversation-pane h2').filter({ hasText: first }).waitFor({ timeout: UI_TIMEOUT_MS });
    log(`keyboard: ?, Escape, 1, j, o opened "${first}"`);
    // Ben sees Ana's lock on it; closing the view (Escape) releases it, live on Ben's screen (L6).
    const badge = row(ben.page, first).getByText('Ana Alvarez is replying');
    await badge.waitFor({ timeout: UI_TIMEOUT_MS });
    await ana.page.keyboard.press('Escape');
    await badge.waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
    log(`Ana closed "${first}": Ben's badge went away (L6)`);

    // The page stays usable at a small laptop size.
    await ana.page.setViewportSize({ width: 1024, height: 640 });
    await ana.page.keyboard.press('o');
    await ana.page.locator('.conversation-pane h2').filter({ hasText: first }).waitFor({ timeout: UI_TIMEOUT_MS });
    await screenshot(ana.page, 'laptop-1024.png');
    await tabsWhole(ana.page);
    // Leave no lock for the next test: Escape closes the view and releases it (L6), not the page's
    // pagehide request, which a closing browser context does not always get to send.
    await badge.waitFor({ timeout: UI_TIMEOUT_MS });
    await ana.page.keyboard.press('Escape');
    await badge.waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });

    const problems = [...ana.problems, ...ben.problems, ...sam.problems];
    if (problems.length) throw new Error(problems.join('\n'));
  } catch (err) {
    for (const [who, page] of Object.entries(pages)) {
      await screenshot(page, `failure-${who}.png`).catch(() => {});
    }
    const problems = [...ana.problems, ...ben.problems, ...sam.problems];
    if (problems.length) err.message += `\n${problems.join('\n')}`;
    throw err;
  } finally {
    await ana.context.close();
    await ben.context.close();
    await sam.context.close();
  }
}
