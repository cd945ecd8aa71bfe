// Browser test: the intervention queue (SPEC §5 I2–I4) and queue places (§12). In the demo data
// the bot asked for a human on Sofia Rossi's Instagram conversation (a refund outside its policy).
// Cleo (billing pool, on Instagram) sees it in the Interventions tab with the bot's summary and its
// place in line, takes it over with `t`, completes the takeover with topic and outcome (the form
// checks them first), and it leaves the tab: the bot owns it again. Cleo stays OFFLINE throughout,
// so routing gives her nothing (R5).

import { UI_TIMEOUT_MS, checkAccessibility, log, newPage, screenshot, signIn } from './lib.mjs';

const SUMMARY = "Customer asks for a refund of order 4471; outside the bot's policy.";

export async function interventionQueue(base) {
  const { context, page, problems } = await newPage();
  try {
    await signIn(page, base, 'cleo@example.com', 'switchboard');
    await page.getByRole('tab', { name: /Interventions/ }).click();
    const list = page.getByRole('list', { name: 'Interventions conversations' });
    const sofia = list.locator('.conversation').filter({ hasText: 'Sofia Rossi' });
    await sofia.getByTestId('intervention-summary').filter({ hasText: SUMMARY }).waitFor({ timeout: UI_TIMEOUT_MS });
    await sofia.locator('.queue-place').filter({ hasText: /#\d+ in line/ }).waitFor({ timeout: UI_TIMEOUT_MS });
    await screenshot(page, 'interventions-tab.png');
    await checkAccessibility(page, 'the Interventions tab');
    log('Sofia Rossi waits in the Interventions tab with the bot summary and her place in line');

    // Open it: the summary is in the view; `t` takes it over (I2).
    await sofia.getByRole('button').click();
    const pane = page.locator('.conversation-pane');
    await pane.getByTestId('intervention-section').getByText(SUMMARY).waitFor({ timeout: UI_TIMEOUT_MS });
    await pane.getByRole('button', { name: 'Take over' }).waitFor({ timeout: UI_TIMEOUT_MS });
    await page.locator('.conversation-pane h2').click(); // focus out of the list, where keys move rows
    await page.keyboard.press('t');
    const complete = pane.getByRole('button', { name: 'Complete takeover…' });
    await complete.waitFor({ timeout: UI_TIMEOUT_MS });
    await pane.getByRole('button', { name: 'Cancel takeover' }).waitFor({ timeout: UI_TIMEOUT_MS });
    await pane.getByRole('button', { name: 'Return to queue' }).waitFor({ timeout: UI_TIMEOUT_MS });
    await sofia.waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
    await screenshot(page, 'takeover.png');
    log('took over with t: Cancel / Return / Complete offered, and it left the Interventions tab');

    // Complete: topic and outcome are required; the first missing field gets the focus (I4).
    await complete.click();
    const dialog = page.getByRole('dialog', { name: 'Complete takeover of Sofia Rossi' });
    await dialog.getByRole('button', { name: 'Complete takeover' }).click();
    await dialog.getByText('Enter the topic: what the customer needed.').waitFor({ timeout: UI_TIMEOUT_MS });
    await dialog.getByText('Enter the outcome: what you did or decided.').waitFor({ timeout: UI_TIMEOUT_MS });
    const focused = await page.evaluate(() => document.activeElement?.getAttribute('aria-invalid') === 'true' && document.activeElement.id);
    const topic = dialog.getByLabel('Topic (required)');
    if (!focused || focused !== (await topic.getAttribute('id'))) throw new Error('the invalid Topic field did not get the focus');
    await topic.fill('Refund outside policy');
    await dialog.getByLabel('Outcome (required)').fill('Refund of order 4471 approved as a goodwill gesture.');
    await dialog.getByLabel('Tags (optional)').fill('refund, goodwill');
    await dialog.getByLabel('Bot step to send next (optional)').fill('satisfaction-survey');
    await screenshot(page, 'complete-takeover.png');
    await checkAccessibility(page, 'the complete-takeover form');
    await dialog.getByRole('button', { name: 'Complete takeover' }).click();
    await dialog.waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });

    // The bot owns it again: read-only for Cleo, not back in the Interventions tab, tagged.
    await pane.getByTestId('readonly-banner').getByText(/\(bot\) is handling this conversation/).waitFor({ timeout: UI_TIMEOUT_MS });
    await pane.getByText('#goodwill').waitFor({ timeout: UI_TIMEOUT_MS });
    await page.getByRole('tab', { name: /Interventions/ }).click();
    await page.getByRole('tabpanel').locator('.conversation').filter({ hasText: 'Sofia Rossi' }).waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
    log('completed: the bot owns it again and it is not in the Interventions tab');

    if (problems.length) throw new Error(problems.join('\n'));
  } catch (err) {
    await screenshot(page, 'failure-interventions.png').catch(() => {});
    if (problems.length) err.message += `\n${problems.join('\n')}`;
    throw err;
  } finally {
    await context.close();
  }
}
