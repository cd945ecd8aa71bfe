// Browser test: a customer writes in, an admin signs in through the form and sees the conversation
// in the inbox. Run by run.mjs (npm run e2e) against the server it starts.

import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ADMIN_EMAIL, ADMIN_PASSWORD, UI_TIMEOUT_MS, checkAccessibility, log, newPage, resultsDir, seed } from './lib.mjs';

export async function loginShowsInbox(base) {
  const customerName = `E2E Customer ${randomBytes(4).toString('hex')}`;
  const { adminName } = await seed(base, customerName);

  const { page, problems, context } = await newPage();
  // The workspace's GraphQL requests: queries as persisted queries by GET, mutations by POST.
  const requests = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname !== '/query' || request.resourceType() === 'websocket') return;
    requests.push({ method: request.method(), params: url.searchParams, body: request.postData() });
  });
  try {
    await page.goto(`${base}/`);
    const email = page.getByLabel('Email');
    const password = page.getByLabel('Password');
    const signIn = page.getByRole('button', { name: 'Sign in' });
    await email.waitFor({ timeout: UI_TIMEOUT_MS });

    // A wrong password is refused with a sentence, not a code.
    await email.fill(ADMIN_EMAIL);
    await password.fill('not-the-password');
    await signIn.click();
    await page
      .getByRole('alert')
      .filter({ hasText: "That email and password don't match an active account." })
      .waitFor({ timeout: UI_TIMEOUT_MS });
    log('wrong password refused');

    await password.fill(ADMIN_PASSWORD);
    await page.screenshot({ path: join(resultsDir, 'login.png'), fullPage: true });
    await checkAccessibility(page, 'the sign-in form');
    await signIn.click();

    await page.getByText(customerName, { exact: true }).waitFor({ timeout: UI_TIMEOUT_MS });
    await page.getByRole('button', { name: 'Sign out' }).waitFor({ timeout: UI_TIMEOUT_MS });
    await page.getByText(adminName, { exact: true }).first().waitFor({ timeout: UI_TIMEOUT_MS });
    const item = page.getByRole('listitem').filter({ hasText: customerName });
    for (const text of ['WhatsApp', 'Hello from e2e']) {
      await item.getByText(text).first().waitFor({ timeout: UI_TIMEOUT_MS });
    }
    const token = await page.evaluate(() => localStorage.getItem('switchboard.token'));
    if (!token) throw new Error('no session token in localStorage under switchboard.token');
    await page.screenshot({ path: join(resultsDir, 'inbox.png'), fullPage: true });
    log(`inbox shows "${customerName}"`);

    const persisted = requests.filter((r) => r.method === 'GET' && r.params.get('extensions')?.includes('"sha256Hash"'));
    if (!persisted.some((r) => !r.params.has('query'))) {
      throw new Error(`the workspace sent no persisted query by GET (hash only): ${JSON.stringify(requests.map((r) => r.method))}`);
    }
    // GET is for reading only: a mutation (the sign-in) goes by POST, whole, never persisted.
    const posted = requests.filter((r) => r.method === 'POST').map((r) => JSON.parse(r.body ?? '{}'));
    const login = posted.find((b) => /^\s*mutation Login\b/.test(b.query ?? ''));
    if (!login || login.extensions?.persistedQuery) throw new Error('the sign-in mutation did not go whole by POST');
    if (requests.some((r) => r.method === 'GET' && /^\s*mutation\b/.test(r.params.get('query') ?? ''))) {
      throw new Error('a mutation went by GET');
    }
    log(`${persisted.length} persisted queries by GET, ${posted.length} requests by POST (the sign-in among them)`);
    if (problems.length) throw new Error(problems.join('\n'));
  } catch (err) {
    await page.screenshot({ path: join(resultsDir, 'failure-login-inbox.png'), fullPage: true }).catch(() => {});
    if (problems.length) err.message += `\n${problems.join('\n')}`;
    throw err;
  } finally {
    await context.close();
  }
}
