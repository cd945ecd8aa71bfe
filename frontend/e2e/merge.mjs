// Browser test: merging customers (mergeCustomers). Three customers of the demo workspace write in
// through a channel connector: Merle Okafor by SMS, "Merle O." from Facebook (the same person,
// which the handles cannot tell) and "M. Okafor" by SMS with another number.
//   1. Sam (SUPERVISOR) opens Merle Okafor's conversation: no history yet. "Merge with another
//      customer…" searches and lists the two others (not Merle Okafor herself), with their handles.
//   2. M. Okafor first: both have a conversation open on SMS, and the server's refusal shows in
//      the dialog, which stays open.
//   3. Back, then Merle O.: the dialog closes, a notice says so, the customer has the Facebook
//      handle and the history holds the Facebook conversation; in the inbox, that conversation's
//      row has Merle Okafor's name.
//   4. Ana (AGENT) is offered no merge.

import { UI_TIMEOUT_MS, checkAccessibility, connector, log, newPage, screenshot, signIn } from './lib.mjs';

const PASSWORD = 'switchboard';

/** Three customers, one conversation each; returns Merle Okafor's conversation id. */
async function seedCustomers(base, tag) {
  const connected = await connector(base, 'admin@example.com', PASSWORD, 'e2e merge');
  const ingest = (channel, customerHandle, customerName, text) => connected.ingest({ channel, customerHandle, customerName, text });
  const into = await ingest('SMS', `+1555${tag}`, 'Merle Okafor', 'My order 5120 is late.');
  await ingest('FACEBOOK', `fb-merle-${tag}`, 'Merle O.', "Hi, it's Merle again, about order 5120.");
  await ingest('SMS', `+1556${tag}`, 'M. Okafor', 'Merle here from the office line: any news?');
  return into;
}

export async function mergeCustomers(base) {
  const tag = String(Date.now() % 1_000_000).padStart(6, '0');
  const conversationId = await seedCustomers(base, tag);
  const sam = await newPage();
  const ana = await newPage();
  try {
    // 1. Sam opens Merle Okafor's conversation and looks for the others.
    await signIn(sam.page, base, 'sam@example.com', PASSWORD);
    await sam.page.goto(`${base}/#conversation=${conversationId}`);
    const pane = sam.page.locator('.conversation-pane');
    const history = pane.getByTestId('history');
    await history.getByText('No other conversations with Merle Okafor.').waitFor({ timeout: UI_TIMEOUT_MS });
    await pane.getByRole('button', { name: 'Merge with another customer…' }).click();
    const dialog = sam.page.getByRole('dialog', { name: 'Merge Merle Okafor with another customer' });
    await dialog.getByLabel('Find the other customer').fill('Merle');
    const found = dialog.getByRole('list', { name: 'Customers found' });
    const facebook = found.getByRole('button', { name: /^Merle O\./ });
    const office = found.getByRole('button', { name: /^M\. Okafor/ });
    await facebook.getByText(`Facebook: fb-merle-${tag}`).waitFor({ timeout: UI_TIMEOUT_MS });
    await office.getByText(`SMS: +1556${tag}`).waitFor({ timeout: UI_TIMEOUT_MS });
    const listed = await found.getByRole('button').allTextContents();
    if (listed.length !== 2) throw new Error(`the search listed ${listed.length} customers, not the 2 others: ${listed.join(' | ')}`);
    await screenshot(sam.page, 'merge-search.png');
    await checkAccessibility(sam.page, 'the merge dialog');
    log('the merge dialog lists Merle O. and M. Okafor with their handles, not Merle Okafor');

    // 2. M. Okafor also has a conversation open on SMS: refused, in the server's words.
    await office.click();
    await dialog
      .getByText("Merge M. Okafor into Merle Okafor? Their handles and conversations become this customer's, and M. Okafor is removed.")
      .waitFor({ timeout: UI_TIMEOUT_MS });
    await dialog.getByRole('button', { name: 'Merge', exact: true }).click();
    await dialog.getByRole('alert').getByText(/^Each customer has a conversation open on SMS/).waitFor({ timeout: UI_TIMEOUT_MS });
    await screenshot(sam.page, 'merge-refused.png');
    await checkAccessibility(sam.page, "the merge dialog's confirmation with an error");
    log('merging M. Okafor was refused (both open on SMS), and the dialog stayed open');

    // 3. Back to the list, and Merle O. from Facebook.
    await dialog.getByRole('button', { name: 'Back' }).click();
    await facebook.click();
    await dialog
      .getByText("Merge Merle O. into Merle Okafor? Their handles and conversations become this customer's, and Merle O. is removed.")
      .waitFor({ timeout: UI_TIMEOUT_MS });
    await dialog.getByRole('button', { name: 'Merge', exact: true }).click();
    await dialog.waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
    await pane.getByTestId('pane-notice').getByText(/^Merged Merle O\. into Merle Okafor/).waitFor({ timeout: UI_TIMEOUT_MS });
    const customer = pane.locator('.side-section').filter({ has: sam.page.getByRole('heading', { name: 'Customer' }) });
    await customer.locator('dd.handle').filter({ hasText: `fb-merle-${tag}` }).waitFor({ timeout: UI_TIMEOUT_MS });
    const earlier = history.locator('li');
    await earlier.filter({ hasText: 'Facebook' }).waitFor({ timeout: UI_TIMEOUT_MS });
    if ((await earlier.count()) !== 1) throw new Error(`the history lists ${await earlier.count()} conversations, not Merle O.'s one`);
    const customers = sam.page.locator('.inbox-pane .conversation-customer');
    await sam.page.waitForFunction(
      () => [...document.querySelectorAll('.inbox-pane .conversation-customer')].filter((e) => e.textContent === 'Merle Okafor').length === 2,
      null,
      { timeout: UI_TIMEOUT_MS },
    );
    if ((await customers.allTextContents()).includes('Merle O.')) throw new Error('the inbox still names the removed customer Merle O.');
    await screenshot(sam.page, 'merged.png');
    log("merged: the customer has the Facebook handle, the history holds Merle O.'s conversation, and the inbox names it Merle Okafor's");

    // 4. An agent is offered no merge.
    await signIn(ana.page, base, 'ana@example.com', PASSWORD);
    await ana.page.goto(`${base}/#conversation=${conversationId}`);
    const anaPane = ana.page.locator('.conversation-pane');
    await anaPane.getByTestId('history').locator('li').filter({ hasText: 'Facebook' }).waitFor({ timeout: UI_TIMEOUT_MS });
    if ((await anaPane.getByRole('button', { name: 'Merge with another customer…' }).count()) !== 0) {
      throw new Error('an agent was offered "Merge with another customer…"');
    }
    log('Ana (agent) sees the merged history and no merge button');

    for (const { problems } of [sam, ana]) if (problems.length) throw new Error(problems.join('\n'));
  } catch (err) {
    await screenshot(sam.page, 'failure-merge.png').catch(() => {});
    const problems = [...sam.problems, ...ana.problems];
    if (problems.length) err.message += `\n${problems.join('\n')}`;
    throw err;
  } finally {
    await sam.context.close();
    await ana.context.close();
  }
}
