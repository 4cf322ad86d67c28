// The app behind a gateway for each of the other dialects (one project each): the agent reads
// a ticket and adds a note through the gateway, the note is stored once upstream (read with the
// upstream's own credential), and the credential never reaches the browser.
import { test, expect, bodyText } from './fixtures';
import { request as playwrightRequest } from '@playwright/test';
import type { APIRequestContext } from '@playwright/test';

type Upstream = { api_base: string; token: string; workspace_id?: string; auth_header?: string };

/// Per dialect: the upstream server, the ticket to open, and the stored notes' texts.
const dialects = {
  airclou: {
    upstream: process.env.BASE_URL_AIRCLOU,
    ticket: 'tkt_2',
    async texts(api: APIRequestContext, c: Upstream) {
      const r = await api.get(`${c.api_base}/messages?ticket_id=tkt_2&limit=100`, {
        headers: { Authorization: `Bearer ${c.token}`, 'X-Workspace-Id': c.workspace_id ?? '' },
      });
      expect(r.status()).toBe(200);
      return ((await r.json()).messages as { content: string }[]).map((m) => m.content);
    },
  },
  inboxops: {
    upstream: process.env.BASE_URL_INBOXOPS,
    ticket: '2',
    async texts(api: APIRequestContext, c: Upstream) {
      const r = await api.get(`${c.api_base}/tickets/2/messages?per_page=100`, { headers: { Authorization: `Bearer ${c.token}` } });
      expect(r.status()).toBe(200);
      return ((await r.json()).data as { body_text: string }[]).map((m) => m.body_text);
    },
  },
  requestor: {
    upstream: process.env.BASE_URL_REQUESTOR,
    ticket: '2',
    async texts(api: APIRequestContext, c: Upstream) {
      const r = await api.get(`${c.api_base}/Tickets/GetTicket/2`, { headers: { [c.auth_header ?? 'X-Requestor-Key']: c.token } });
      expect(r.status()).toBe(200);
      return ((await r.json()).Messages as { Message: string }[]).map((m) => m.Message);
    },
  },
};

test('through the gateway the agent reads and adds a note, stored once, and the credential stays on the server', async ({ page, request }) => {
  const name = test.info().project.name.replace('gateway-', '') as keyof typeof dialects;
  const dialect = dialects[name];
  expect(dialect, `a project named gateway-<dialect>, not ${name}`).toBeTruthy();
  const config = await (await request.get('/config.json')).json();
  expect(config).toMatchObject({ dialect: name, api_base: `/gateway/${name}` });
  expect(config.token).toBeUndefined();

  const upstream = await playwrightRequest.newContext({ baseURL: dialect.upstream });
  const upstreamConfig = (await (await upstream.get('/config.json')).json()) as Upstream;
  expect(JSON.stringify(config)).not.toContain(upstreamConfig.token);

  const received: Promise<string>[] = [];
  page.on('response', (r) => received.push(bodyText(r)));
  if (name !== 'requestor') {
    // The ticket list comes through the gateway too (Requestor has none).
    await page.goto('/');
    await expect(page.getByRole('link', { name: /Exported CSV is missing/ }).first()).toBeVisible();
  }
  await page.goto(`/tickets/${dialect.ticket}`);
  const conversation = page.getByRole('feed', { name: 'Conversation' });
  await expect(conversation.getByRole('article').first()).toBeVisible();
  const form = page.getByRole('form', { name: 'Answer this ticket' });
  const text = `Checked through the ${name} gateway (e2e ${Date.now()})`;
  await form.getByRole('radio', { name: /Internal note/ }).check();
  await form.getByRole('textbox', { name: 'Internal note text' }).fill(text);
  await form.getByRole('button', { name: 'Add note' }).click();
  await expect(conversation.getByRole('article', { name: /^Internal note/ }).filter({ hasText: text })).toHaveCount(1);

  const stored = (await dialect.texts(upstream, upstreamConfig)).filter((t) => t.includes(text));
  expect(stored).toHaveLength(1);
  const bodies = (await Promise.all(received)).join('\n');
  expect(bodies).toContain(text);
  expect(bodies).not.toContain(upstreamConfig.token);

  // Without the portal's word, nothing is forwarded.
  const refused = await fetch(new URL(`/gateway/${name}/x`, page.url()));
  expect(refused.status).toBe(401);
  await upstream.dispose();
});

/// What the customer may do through each gateway: reply where the vendor takes one.
const customerCanReply = { airclou: true, inboxops: false, requestor: true };

test('a customer link through the gateway reads without notes and replies once where the backend allows', async ({ page, request }) => {
  const name = test.info().project.name.replace('gateway-', '') as keyof typeof dialects;
  const dialect = dialects[name];
  const upstream = await playwrightRequest.newContext({ baseURL: dialect.upstream });
  const upstreamConfig = (await (await upstream.get('/config.json')).json()) as Upstream;
  // An internal note upstream, which the customer must never receive.
  const note = `Internal only: ${name} refund approved (e2e ${Date.now()})`;
  await page.goto(`/tickets/${dialect.ticket}`);
  const agentForm = page.getByRole('form', { name: 'Answer this ticket' });
  await agentForm.getByRole('radio', { name: /Internal note/ }).check();
  await agentForm.getByRole('textbox', { name: 'Internal note text' }).fill(note);
  await agentForm.getByRole('button', { name: 'Add note' }).click();
  await expect(page.getByRole('article', { name: /^Internal note/ }).filter({ hasText: note })).toHaveCount(1);
  await expect.poll(async () => (await dialect.texts(upstream, upstreamConfig)).filter((t) => t.includes(note)).length).toBe(1);

  const link = await request.get(`/__test/portal-link/${dialect.ticket}?org=1`);
  expect(link.status()).toBe(200);
  const { url } = await link.json();
  const received: Promise<string>[] = [];
  page.on('response', (r) => received.push(bodyText(r)));
  await page.goto(url);
  const thread = page.getByRole('feed', { name: 'Conversation' });
  await expect(thread.getByRole('article').first()).toBeVisible();
  await expect(thread.getByRole('article', { name: /^Internal note/ })).toHaveCount(0);

  if (customerCanReply[name]) {
    const form = page.getByRole('form', { name: 'Reply to this conversation' });
    const text = `Thanks, through the ${name} gateway (e2e ${Date.now()})`;
    await form.getByRole('textbox', { name: 'Reply text' }).fill(text);
    await form.getByRole('button', { name: 'Send reply' }).click();
    await expect(thread.getByRole('article').filter({ hasText: text })).toHaveCount(1);
    // Stored upstream once (read with the upstream's own credential).
    await expect
      .poll(async () => (await dialect.texts(upstream, upstreamConfig)).filter((t) => t.includes(text)).length)
      .toBe(1);
    await page.reload();
    await expect(thread.getByRole('article').filter({ hasText: text })).toHaveCount(1);
  } else {
    // Read-only, and it says where to answer instead.
    await expect(page.getByRole('form', { name: 'Reply to this conversation' })).toHaveCount(0);
    await expect(page.getByRole('note').filter({ hasText: 'reply to our latest email' })).toBeVisible();
  }
  const bodies = (await Promise.all(received)).join('\n');
  expect(bodies).not.toContain(note);
  expect(bodies).not.toContain(upstreamConfig.token);
  await upstream.dispose();
});
