// The app behind a gateway, as a portal runs it: the portal's proxy vouches for the agent
// (the project sets its header on every request), the gateway adds the helpdesk token
// upstream, and the browser never receives that token.
import { test, expect, bodyText } from './fixtures';
import { request as playwrightRequest } from '@playwright/test';

test('through the gateway an agent reads and replies, and the token never reaches the browser', async ({ page, request }) => {
  const upstreamUrl = process.env.BASE_URL;
  expect(upstreamUrl).toBeTruthy();
  const config = await (await request.get('/config.json')).json();
  expect(config.api_base).toBe('/gateway/initdesk');
  expect(config.token).toBeUndefined();

  const received: Promise<string>[] = [];
  page.on('response', (r) => received.push(bodyText(r)));
  await page.goto('/');
  await page.getByRole('link', { name: /Exported CSV is missing/ }).first().click();
  const thread = page.getByRole('feed', { name: 'Conversation' });
  await expect(thread.getByRole('article').first()).toBeVisible();
  const text = `Answered through the gateway (e2e ${Date.now()})`;
  const form = page.getByRole('form', { name: 'Answer this ticket' });
  await form.getByRole('textbox', { name: 'Reply text' }).fill(text);
  await form.getByRole('button', { name: 'Send reply' }).click();
  await expect(thread.getByRole('article').filter({ hasText: text })).toHaveCount(1);

  // Stored upstream, once, read with the upstream's own token.
  const upstream = await playwrightRequest.newContext({ baseURL: upstreamUrl });
  const upstreamConfig = await (await upstream.get('/config.json')).json();
  const ticketId = page.url().split('/tickets/')[1];
  const r = await upstream.get(`/api/initdesk/organizations/1/tickets/${ticketId}/messages/?page_size=100`, {
    headers: { 'X-Initdesk-Token': upstreamConfig.token },
  });
  const stored = (await r.json()).results.filter((m: { content: string }) => m.content.includes(text));
  expect(stored).toHaveLength(1);

  const bodies = (await Promise.all(received)).join('\n');
  expect(bodies).toContain(text);
  expect(bodies).not.toContain(upstreamConfig.token);

  // Without the portal's word (a plain request, outside the project's headers), the gateway
  // forwards nothing.
  const refused = await fetch(new URL('/gateway/initdesk/organizations/1/tickets/', page.url()));
  expect(refused.status).toBe(401);
  await upstream.dispose();
});

test('a customer reads their ticket through the gateway without the notes, and replies in their own name', async ({ page, request }) => {
  const upstream = await playwrightRequest.newContext({ baseURL: process.env.BASE_URL });
  const token = (await (await upstream.get('/config.json')).json()).token;
  const api = '/api/initdesk/organizations/1/tickets/2/messages/';
  // An agent's internal note upstream, which the customer must never receive.
  const note = `Internal only: refund approved up to 50 (e2e ${Date.now()})`;
  const noted = await upstream.post(api, {
    headers: { 'X-Initdesk-Token': token },
    data: { content: note, is_visible_to_customer: false },
  });
  expect(noted.status()).toBe(201);
  const { url } = await (await request.get('/__test/portal-link/2?org=1')).json();
  const received: Promise<string>[] = [];
  page.on('response', (r) => received.push(bodyText(r)));

  await page.goto(url);
  const thread = page.getByRole('feed', { name: 'Conversation' });
  await expect(thread.getByRole('article').first()).toBeVisible();
  await expect(thread.getByRole('article', { name: /^Internal note/ })).toHaveCount(0);
  const form = page.getByRole('form', { name: 'Reply to this conversation' });
  const text = `Thanks, through the gateway (e2e ${Date.now()})`;
  await form.getByRole('textbox', { name: 'Reply text' }).fill(text);
  await form.getByRole('button', { name: 'Send reply' }).click();
  await expect(thread.getByRole('article').filter({ hasText: text })).toHaveCount(1);

  // Stored upstream once, as the customer's message.
  const all = (await (await upstream.get(`${api}?page_size=100`, { headers: { 'X-Initdesk-Token': token } })).json()).results;
  const stored = all.filter((m: { content: string }) => m.content.includes(text));
  expect(stored).toHaveLength(1);
  expect(stored[0]).toMatchObject({ role: 'customer', is_visible_to_customer: true });

  const bodies = (await Promise.all(received)).join('\n');
  expect(bodies).toContain(text);
  expect(bodies).not.toContain(note);
  expect(bodies).not.toContain(token);
  await upstream.dispose();
});
