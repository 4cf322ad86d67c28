// The app configured for Airclou Helpdesk: a response with named CCs, an attachment, the
// email switch, a status and priority; a note; and Airclou's TICKET_CLOSED in plain words.
// Each verified through Airclou's own messages and tickets endpoints.
import { test, expect } from '../fixtures';
import type { APIRequestContext, Page } from '@playwright/test';

type Config = { api_base: string; token: string; workspace_id: string; dialect: string };
type Stored = {
  id: string; type: string; content: string; sendEmail: boolean | null;
  ccs: Array<{ email: string; name?: string }>; attachments: Array<{ token: string; name: string }>;
};

async function airclou(request: APIRequestContext) {
  const config = (await (await request.get('/config.json')).json()) as Config;
  expect(config.dialect).toBe('airclou');
  const headers = { Authorization: `Bearer ${config.token}`, 'X-Workspace-Id': config.workspace_id };
  return {
    async messages(ticket: string): Promise<Stored[]> {
      const r = await request.get(`${config.api_base}/messages?ticket_id=${ticket}&limit=100`, { headers });
      expect(r.status()).toBe(200);
      return (await r.json()).messages;
    },
    async ticket(ticket: string) {
      const r = await request.get(`${config.api_base}/v1/tickets/${ticket}`, { headers });
      expect(r.status()).toBe(200);
      return (await r.json()).ticket;
    },
  };
}

async function openTicket(page: Page, id: string) {
  await page.goto(`/tickets/${id}`);
  await expect(page.getByRole('feed', { name: 'Conversation' }).getByRole('article').first()).toBeVisible();
  // The composer's code follows the thread (a chunk): what the tests read of it is there.
  const form = page.getByRole('form', { name: 'Answer this ticket' });
  await expect(form.getByRole('textbox', { name: /text$/ }).first()).toBeVisible();
  return form;
}

test.afterEach(async ({ request }) => {
  await request.delete('/__test/faults');
});

test('Airclou: an emailed response with a named CC and a file, resolved at high priority, stored once', async ({ page, request }) => {
  const api = await airclou(request);
  const text = `Your refund is on its way (e2e airclou ${Date.now()})`;
  const form = await openTicket(page, 'tkt_2');
  // Only the statuses an agent may set, and of those what changes this open ticket; no
  // assignee (Airclou has no users list).
  const actions = await form.getByLabel('Next action').locator('option').allTextContents();
  expect(actions).toHaveLength(3);
  expect(actions).toEqual(expect.arrayContaining(['(none)', 'Close as resolved']));
  await expect(form.getByLabel('Next assignee')).toHaveCount(0);
  await form.getByRole('textbox', { name: 'Reply text' }).fill(text);
  await form.getByRole('combobox', { name: 'Cc', exact: true }).fill('Ann Lee <ann@x-corp.example>,');
  await expect(form.getByRole('checkbox', { name: 'Send as email' })).toBeChecked();
  await form.getByLabel('Next action').selectOption({ label: 'Close as resolved' });
  await form.getByLabel('Priority').selectOption({ label: 'High' });
  await form.locator('input[type=file]').setInputFiles([{ name: 'receipt.txt', mimeType: 'text/plain', buffer: Buffer.from('paid') }]);
  await expect(form.getByRole('list', { name: 'Files to send' }).getByRole('button', { name: /^Remove / })).toHaveCount(1);
  await form.getByRole('button', { name: 'Send and close as resolved' }).click();
  const conversation = page.getByRole('feed', { name: 'Conversation' });
  await expect(conversation.getByRole('article').filter({ hasText: text })).toHaveCount(1);

  const stored = (await api.messages('tkt_2')).filter((m) => m.content.includes(text));
  expect(stored).toHaveLength(1);
  expect(stored[0]).toMatchObject({ type: 'response', sendEmail: true });
  expect(stored[0].ccs).toContainEqual({ email: 'ann@x-corp.example', name: 'Ann Lee' });
  expect(stored[0].attachments.map((a) => a.name)).toEqual(['receipt.txt']);
  const ticket = await api.ticket('tkt_2');
  expect(ticket).toMatchObject({ status: 'resolved', priority: 'high' });
  // The header shows the ticket as it is now.
  await expect(page.locator('dt:visible', { hasText: 'Priority' }).locator('+ dd')).toHaveText('High');
});

test('Airclou: a response that is not emailed, and a note, copy no one', async ({ page, request }) => {
  const api = await airclou(request);
  const quiet = `Logged without emailing (e2e airclou ${Date.now()})`;
  const note = `Checked with billing (e2e airclou ${Date.now()})`;
  const form = await openTicket(page, 'tkt_3');
  // The docked composer shows its options once the agent turns to it.
  await form.getByRole('textbox', { name: 'Reply text' }).click();
  await form.getByRole('checkbox', { name: 'Send as email' }).uncheck();
  // Nobody is copied on a message that is not emailed.
  await expect(form.getByRole('combobox', { name: 'Cc', exact: true })).toHaveCount(0);
  await form.getByRole('textbox', { name: 'Reply text' }).fill(quiet);
  await form.getByRole('button', { name: 'Send reply' }).click();
  await expect(page.getByRole('feed', { name: 'Conversation' }).getByRole('article').filter({ hasText: quiet })).toHaveCount(1);
  const response = (await api.messages('tkt_3')).filter((m) => m.content.includes(quiet));
  expect(response).toHaveLength(1);
  expect(response[0]).toMatchObject({ type: 'response', sendEmail: false });
  await form.getByRole('radio', { name: /Internal note/ }).check();
  await expect(form.getByRole('checkbox', { name: 'Send as email' })).toHaveCount(0);
  await form.getByRole('textbox', { name: 'Internal note text' }).fill(note);
  await form.getByRole('button', { name: 'Add note' }).click();
  await expect(page.getByRole('feed', { name: 'Conversation' }).getByRole('article', { name: /^Internal note/ }).filter({ hasText: note })).toHaveCount(1);
  const stored = (await api.messages('tkt_3')).filter((m) => m.content.includes(note));
  expect(stored).toHaveLength(1);
  expect(stored[0]).toMatchObject({ type: 'note', ccs: [], sendEmail: null });
});

test('Airclou: a closed ticket says so in plain words and the reply is kept', async ({ page, request }) => {
  const api = await airclou(request);
  const text = `A reply to a closed ticket (e2e airclou ${Date.now()})`;
  const form = await openTicket(page, 'tkt_5');
  await form.getByRole('textbox', { name: 'Reply text' }).fill(text);
  await form.getByRole('button', { name: 'Send reply' }).click();
  const outgoing = page.getByRole('list', { name: 'Messages being sent' });
  await expect(outgoing.getByRole('alert')).toContainText('This ticket is closed');
  await expect(outgoing.getByText(text)).toBeVisible();
  expect((await api.messages('tkt_5')).filter((m) => m.content.includes(text))).toHaveLength(0);
});
