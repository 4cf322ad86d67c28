// The app configured for InboxOps: notes only, each verified through InboxOps' own API.
import { test, expect } from '../fixtures';
import type { APIRequestContext } from '@playwright/test';

type Config = { api_base: string; token: string; dialect: string };

async function inboxops(request: APIRequestContext) {
  const config = (await (await request.get('/config.json')).json()) as Config;
  expect(config.dialect).toBe('inboxops');
  const headers = { Authorization: `Bearer ${config.token}` };
  return {
    async notes(ticket: string) {
      const r = await request.get(`${config.api_base}/tickets/${ticket}/messages?types=internal_note`, { headers });
      expect(r.status()).toBe(200);
      return (await r.json()).data as Array<{ id: string; type: string; body_text: string; body_html: string }>;
    },
  };
}

test.afterEach(async ({ request }) => {
  await request.delete('/__test/faults');
});

test('InboxOps: the composer offers notes only, says why, and a note is stored once', async ({ page, request }) => {
  const api = await inboxops(request);
  const text = `Escalated to tier 2 (e2e inboxops ${Date.now()})`;
  await page.goto('/tickets/1');
  const conversation = page.getByRole('feed', { name: 'Conversation' });
  await expect(conversation.getByRole('article').first()).toBeVisible();
  const form = page.getByRole('form', { name: 'Answer this ticket' });
  await expect(form.getByRole('radio', { name: /Internal note/ })).toBeChecked();
  await expect(form.getByRole('radio', { name: 'Reply' })).toHaveCount(0);
  // Why, once the agent turns to the (docked, one-line) composer.
  await form.getByRole('textbox', { name: 'Internal note text' }).click();
  await expect(form.getByText("Replies to the customer cannot be sent through this helpdesk's API")).toBeVisible();
  await expect(form.getByRole('combobox', { name: 'Cc' })).toHaveCount(0);
  await expect(form.getByText('Attach files')).toHaveCount(0);
  await form.getByRole('textbox', { name: 'Internal note text' }).fill(`${text}\n\n**urgent**`);
  await form.getByRole('button', { name: 'Add note' }).click();
  await expect(conversation.getByRole('article', { name: /^Internal note/ }).filter({ hasText: text })).toHaveCount(1);
  const stored = (await api.notes('1')).filter((n) => n.body_text.startsWith(text));
  expect(stored).toHaveLength(1);
  expect(stored[0].body_html).toContain('<strong>urgent</strong>');
});

test('InboxOps: a read-only key is explained in plain words and the note is kept', async ({ page, request }) => {
  const api = await inboxops(request);
  const text = `Written with a read-only key (e2e inboxops ${Date.now()})`;
  await page.goto('/tickets/2');
  await expect(page.getByRole('feed', { name: 'Conversation' }).getByRole('article').first()).toBeVisible();
  // What InboxOps answers a read-only key on POST (problem+json, code insufficient_scope).
  const problem = {
    type: 'https://docs.inboxops.app/problems/insufficient_scope',
    title: 'Forbidden', status: 403, detail: 'This API key is read-only.', code: 'insufficient_scope',
  };
  const armed = await request.post('/__test/faults', { data: { kind: 'status', status: 403, body: problem, method: 'POST', path_contains: '/messages' } });
  expect(armed.status()).toBe(201);
  const form = page.getByRole('form', { name: 'Answer this ticket' });
  await form.getByRole('textbox', { name: 'Internal note text' }).fill(text);
  await form.getByRole('button', { name: 'Add note' }).click();
  const outgoing = page.getByRole('list', { name: 'Messages being sent' });
  await expect(outgoing.getByRole('alert')).toContainText('read-only');
  await expect(outgoing.getByText(text)).toBeVisible();
  expect((await api.notes('2')).filter((n) => n.body_text === text)).toHaveLength(0);
  // The same note with the same key cannot go: no Retry; Edit puts it back to be sent again
  // once the key is put right.
  await expect(outgoing.getByRole('button', { name: 'Retry' })).toHaveCount(0);
  await outgoing.getByRole('button', { name: 'Edit' }).click();
  await expect(form.getByRole('textbox', { name: 'Internal note text' })).toHaveValue(text);
  await form.getByRole('button', { name: 'Add note' }).click();
  await expect(page.getByRole('feed', { name: 'Conversation' }).getByRole('article').filter({ hasText: text })).toHaveCount(1);
  expect((await api.notes('2')).filter((n) => n.body_text === text)).toHaveLength(1);
});
