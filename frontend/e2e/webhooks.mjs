// Browser test: the webhooks admin screen (SPEC §12). A receiver listens on loopback (the e2e
// server allows private targets, WEBHOOKS_ALLOW_PRIVATE):
//   1. Avery (SUPER_ADMIN) registers the receiver in Administration; the secret shows once.
//   2. "Send test event": the receiver gets a webhook.test POST whose Switchboard-Signature
//      verifies with that secret; the delivery log shows it delivered and the endpoint healthy.
//   3. Redeliver replays it as a new delivery; Pause and Resume change the badge; a bad URL is
//      refused on its field; Delete removes the endpoint.
// Ana (AGENT) is offered no dashboard (the server refuses her webhooks query: internal/webhooks).

import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { UI_TIMEOUT_MS, checkAccessibility, log, newPage, screenshot, signIn } from './lib.mjs';

const PASSWORD = 'switchboard';
const DELIVERY_MS = 15_000;

/** A loopback endpoint that records what it is sent and answers 204. */
async function receiver() {
  const received = [];
  const waiters = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(204).end();
      for (const w of waiters.splice(0)) w();
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}/switchboard`,
    received,
    /** Waits until n requests arrived. */
    async count(n, what) {
      const deadline = Date.now() + DELIVERY_MS;
      while (received.length < n) {
        if (Date.now() > deadline) throw new Error(`the receiver got ${received.length} requests, not ${n}, waiting for ${what}`);
        await new Promise((r) => {
          waiters.push(r);
          setTimeout(r, 500);
        });
      }
      return received[n - 1];
    },
    close: () => new Promise((r) => server.close(r)),
  };
}

/** Checks Switchboard-Signature: t=…,v1=… is HMAC-SHA256 of "t.body" with the secret (docs/integrations.md). */
function verify(request, secret) {
  const header = String(request.headers['switchboard-signature'] ?? '');
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=', 2)));
  if (!parts.t || !parts.v1) throw new Error(`no signature header: ${JSON.stringify(request.headers)}`);
  const want = createHmac('sha256', secret).update(`${parts.t}.${request.body}`).digest('hex');
  if (want.length !== parts.v1.length || !timingSafeEqual(Buffer.from(want), Buffer.from(parts.v1))) {
    throw new Error(`the signature does not verify with the secret shown: ${header}`);
  }
}

export async function webhooksAdmin(base) {
  const hook = await receiver();
  const admin = await newPage({ width: 1280, height: 900 });
  const ana = await newPage();
  try {
    await signIn(ana.page, base, 'ana@example.com', PASSWORD);
    if ((await ana.page.getByRole('link', { name: 'Dashboard' }).count()) > 0) throw new Error('an agent is offered the dashboard');

    await signIn(admin.page, base, 'admin@example.com', PASSWORD);
    await admin.page.getByRole('link', { name: 'Dashboard' }).click();
    await admin.page.getByRole('tab', { name: 'Administration' }).click();
    const panel = admin.page.getByTestId('admin-webhooks');
    await panel.waitFor({ timeout: UI_TIMEOUT_MS });

    // A URL the form refuses before asking the server, then one the server refuses on its field.
    const form = panel.getByRole('form', { name: 'New webhook' });
    await form.getByLabel('URL').fill('ftp://crm.example.com/in');
    await form.getByRole('button', { name: 'Register endpoint' }).click();
    await form.getByText('Webhooks are delivered over https (or http) only.').waitFor({ timeout: UI_TIMEOUT_MS });
    await form.getByLabel('Event types').fill('conversation.claimed, nonsense');
    await form.getByLabel('URL').fill(hook.url);
    await form.getByRole('button', { name: 'Register endpoint' }).click();
    await form.getByText(/“nonsense” is not an event type/).waitFor({ timeout: UI_TIMEOUT_MS });

    // 1. Register: the secret shows once.
    await form.getByLabel('Event types').fill('');
    await form.getByLabel('Description').fill('e2e receiver');
    await form.getByRole('button', { name: 'Register endpoint' }).click();
    const notice = panel.getByTestId('webhook-secret');
    await notice.waitFor({ timeout: UI_TIMEOUT_MS });
    const secret = await notice.getByLabel('Signing secret').inputValue();
    if (secret.length < 32) throw new Error(`the secret shown is "${secret}"`);
    await checkAccessibility(admin.page, 'the webhooks section with a new secret');
    await notice.getByRole('button', { name: 'I have stored it' }).click();
    await notice.waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
    const item = panel.getByRole('listitem').filter({ has: admin.page.getByRole('heading', { name: hook.url }) });
    // Waiting, or already Healthy: the workspace's own events (webhook.created …) go to it too.
    await item.getByText(/^(Waiting|Healthy)$/).waitFor({ timeout: UI_TIMEOUT_MS });
    log(`registered ${hook.url}`);

    // 2. A test event arrives signed; the log and the health show it.
    const before = hook.received.length;
    await item.getByRole('button', { name: 'Send test event' }).click();
    const test = await hook.count(before + 1, 'the test event');
    verify(test, secret);
    const payload = JSON.parse(test.body);
    if (payload.type !== 'webhook.test') throw new Error(`the receiver got ${test.body}`);
    const delivered = async (n) => {
      const deadline = Date.now() + DELIVERY_MS;
      while ((await item.locator('tbody tr').filter({ hasText: 'webhook.test' }).filter({ hasText: 'Delivered' }).count()) < n) {
        if (Date.now() > deadline) throw new Error(`the delivery log does not show ${n} webhook.test delivered`);
        await panel.getByRole('button', { name: 'Refresh' }).click();
        await admin.page.waitForTimeout(300);
      }
    };
    await delivered(1);
    await item.getByText('Healthy', { exact: true }).waitFor({ timeout: UI_TIMEOUT_MS });
    log(`the test event arrived signed (delivery ${test.headers['switchboard-delivery']}) and the log shows it delivered`);

    // 3. Redeliver: a new delivery of the same event.
    await item.getByRole('button', { name: 'Redeliver webhook.test' }).first().click();
    const replay = await hook.count(before + 2, 'the redelivery');
    verify(replay, secret);
    if (JSON.parse(replay.body).eventId !== payload.eventId || replay.headers['switchboard-delivery'] === test.headers['switchboard-delivery']) {
      throw new Error(`the redelivery is not a new delivery of the same event: ${replay.body}`);
    }
    await delivered(2);
    await admin.page.setViewportSize({ width: 1280, height: 1800 });
    await item.scrollIntoViewIfNeeded();
    await screenshot(admin.page, 'dashboard-webhooks.png');
    await admin.page.setViewportSize({ width: 1280, height: 900 });
    await checkAccessibility(admin.page, 'the webhooks section with its delivery log');

    await item.getByRole('button', { name: 'Pause' }).click();
    await item.getByText('Paused', { exact: true }).waitFor({ timeout: UI_TIMEOUT_MS });
    await item.getByRole('button', { name: 'Resume' }).click();
    await item.getByText('Healthy', { exact: true }).waitFor({ timeout: UI_TIMEOUT_MS });

    await item.getByRole('button', { name: 'Delete…' }).click();
    await item.getByRole('button', { name: 'Delete endpoint' }).click();
    await item.waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
    log('paused, resumed and deleted the endpoint');

    const problems = [...admin.problems, ...ana.problems];
    if (problems.length) throw new Error(problems.join('\n'));
  } catch (err) {
    await screenshot(admin.page, 'failure-webhooks-admin.png').catch(() => {});
    throw err;
  } finally {
    await admin.context.close();
    await ana.context.close();
    await hook.close();
  }
}
