// The app behind a gateway, as a portal runs it: the portal's proxy vouches for the agent
// (the project sets its header on every request), the gateway adds the helpdesk token
// upstream, and the browser never receives that token.
import { test, expect } from './fixtures';
import { request as playwrightRequest } from '@playwright/test';

test('through the gateway an agent reads and replies, and the token never reaches the browser', async ({ page, request }) => {
  const upstreamUrl = process.env.BASE_URL;
  expect(upstreamUrl).toBeTruthy();
  const config = await (await request.get('/config.json')).json();
  expect(config.api_base).toBe('/gateway/initdesk');
  expect(config.token).toBeUndefined();

  const received: Promise<string>[] = [];
  page.on('response', (r) => received.push(r.text().catch(() => '')));
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
