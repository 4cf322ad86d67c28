// The app configured for Requestor: emailed replies (From, CC, BCC), comments that are not
// emailed, private messages; each verified through Requestor's own GetTicket.
import { test, expect } from '../fixtures';
import type { APIRequestContext, Page } from '@playwright/test';

type Config = { api_base: string; token: string; auth_header: string; dialect: string; outbound_mailboxes: string[] };
type Stored = { TicketMessageId: number; Message: string; Html: boolean; IsPrivate: boolean; IsEmail: boolean; EmailFrom: string | null; EmailCc: string[]; EmailBcc: string[] };

async function requestor(request: APIRequestContext) {
  const config = (await (await request.get('/config.json')).json()) as Config;
  expect(config.dialect).toBe('requestor');
  return {
    config,
    async messages(ticket: string): Promise<Stored[]> {
      const r = await request.get(`${config.api_base}/Tickets/GetTicket/${ticket}`, { headers: { [config.auth_header]: config.token } });
      expect(r.status()).toBe(200);
      return (await r.json()).Messages;
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

test('Requestor: an emailed reply goes from the chosen mailbox with CC and BCC, once', async ({ page, request }) => {
  const api = await requestor(request);
  expect(api.config.outbound_mailboxes.length).toBeGreaterThan(1);
  const text = `We are sending a technician (e2e requestor ${Date.now()})`;
  const form = await openTicket(page, '1');
  // The docked composer shows its options once the agent turns to it.
  await form.getByRole('textbox', { name: 'Reply text' }).click();
  await expect(form.getByRole('checkbox', { name: 'Send as email' })).toBeChecked();
  await form.getByLabel('From').selectOption(api.config.outbound_mailboxes[1]);
  await form.getByRole('combobox', { name: 'Cc', exact: true }).fill('jane@x.example,');
  await form.getByRole('combobox', { name: 'Bcc' }).fill('audit@acme.example,');
  await expect(form.getByRole('list', { name: 'Bcc recipients' }).getByText('audit@acme.example')).toBeVisible();
  // No next action or assignee here: Requestor's API has neither.
  await expect(form.getByLabel('Next action')).toHaveCount(0);
  await form.getByRole('textbox', { name: 'Reply text' }).fill(text);
  await form.getByRole('button', { name: 'Send reply' }).click();
  await expect(page.getByRole('feed', { name: 'Conversation' }).getByRole('article').filter({ hasText: text })).toHaveCount(1);
  const stored = (await api.messages('1')).filter((m) => m.Message.includes(text));
  expect(stored).toHaveLength(1);
  expect(stored[0]).toMatchObject({ Html: true, IsPrivate: false, IsEmail: true, EmailFrom: api.config.outbound_mailboxes[1] });
  expect(stored[0].EmailCc).toEqual(['jane@x.example']);
  expect(stored[0].EmailBcc).toEqual(['audit@acme.example']);
});

test('Requestor: a comment that is not emailed, and a private message', async ({ page, request }) => {
  const api = await requestor(request);
  const comment = `Logged on the ticket only (e2e requestor ${Date.now()})`;
  const note = `Operators only (e2e requestor ${Date.now()})`;
  const form = await openTicket(page, '2');
  // The docked composer shows its options once the agent turns to it.
  await form.getByRole('textbox', { name: 'Reply text' }).click();
  await form.getByRole('checkbox', { name: 'Send as email' }).uncheck();
  await expect(form.getByText('Posted on the ticket; no email goes out.')).toBeVisible();
  await expect(form.getByRole('combobox', { name: 'Cc', exact: true })).toHaveCount(0);
  await expect(form.getByLabel('From')).toHaveCount(0);
  await form.getByRole('textbox', { name: 'Reply text' }).fill(comment);
  await form.getByRole('button', { name: 'Send reply' }).click();
  const conversation = page.getByRole('feed', { name: 'Conversation' });
  await expect(conversation.getByRole('article').filter({ hasText: comment })).toHaveCount(1);
  await form.getByRole('radio', { name: /Internal note/ }).check();
  await form.getByRole('textbox', { name: 'Internal note text' }).fill(note);
  await form.getByRole('button', { name: 'Add note' }).click();
  await expect(conversation.getByRole('article', { name: /^Internal note/ }).filter({ hasText: note })).toHaveCount(1);
  const stored = await api.messages('2');
  const c = stored.filter((m) => m.Message.includes(comment));
  expect(c).toHaveLength(1);
  expect(c[0]).toMatchObject({ IsEmail: false, IsPrivate: false });
  const n = stored.filter((m) => m.Message.includes(note));
  expect(n).toHaveLength(1);
  expect(n[0]).toMatchObject({ IsEmail: false, IsPrivate: true });
});

test('Requestor: its 400 message reaches the agent and the reply is kept', async ({ page, request }) => {
  const api = await requestor(request);
  const text = `Reply to a closed ticket (e2e requestor ${Date.now()})`;
  const form = await openTicket(page, '3');
  const armed = await request.post('/__test/faults', {
    data: { kind: 'status', status: 400, body: { Message: 'Ticket REQ-000003 is closed; reopen it first.' }, method: 'POST', path_contains: 'NewMessage' },
  });
  expect(armed.status()).toBe(201);
  await form.getByRole('textbox', { name: 'Reply text' }).fill(text);
  await form.getByRole('button', { name: 'Send reply' }).click();
  const outgoing = page.getByRole('list', { name: 'Messages being sent' });
  await expect(outgoing.getByRole('alert')).toContainText('Ticket REQ-000003 is closed; reopen it first.');
  await expect(outgoing.getByText(text)).toBeVisible();
  expect((await api.messages('3')).filter((m) => m.Message.includes(text))).toHaveLength(0);
  // Sending the same again cannot help: no Retry; Edit puts it back (here the ticket's state
  // is put right meanwhile) and it goes once.
  await expect(outgoing.getByRole('button', { name: 'Retry' })).toHaveCount(0);
  await outgoing.getByRole('button', { name: 'Edit' }).click();
  await expect(form.getByRole('textbox', { name: 'Reply text' })).toHaveValue(text);
  await form.getByRole('button', { name: 'Send reply' }).click();
  await expect(page.getByRole('feed', { name: 'Conversation' }).getByRole('article').filter({ hasText: text })).toHaveCount(1);
  expect((await api.messages('3')).filter((m) => m.Message.includes(text))).toHaveLength(1);
});

test('Requestor: with no ticket list, a ticket opens by its reference', async ({ page }) => {
  await page.goto('/');
  const form = page.getByRole('form', { name: 'Open a ticket' });
  const field = form.getByRole('textbox', { name: 'Ticket number or reference' });
  await field.fill('not a ref!');
  await form.getByRole('button', { name: 'Open ticket' }).click();
  await expect(form.getByRole('alert')).toContainText('Type a ticket number');
  await field.fill('REQ-001002');
  await form.getByRole('button', { name: 'Open ticket' }).click();
  await expect(page).toHaveURL(/\/tickets\/REQ-001002$/);
  await expect(page.getByRole('feed', { name: 'Conversation' }).getByRole('article').first()).toBeVisible();
});

test('Requestor: a From mailbox with its own signature signs replies from it; the others get the general one', async ({ page, request }) => {
  const api = await requestor(request);
  const [first, second] = api.config.outbound_mailboxes;
  const run = Date.now();
  const form = await openTicket(page, '2');
  await form.getByRole('textbox', { name: 'Reply text' }).click();
  const settings = async (which: string, text: string) => {
    await form.getByRole('button', { name: 'Signature' }).click();
    const dialog = page.getByRole('dialog', { name: 'Signature' });
    await dialog.getByLabel('Signature for').selectOption({ label: which });
    await dialog.getByLabel('Your signature').fill(text);
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect(dialog).toBeHidden();
  };
  await settings(`Replies from ${second}`, `Billing desk ${run}`);
  await settings('Every reply', `Support desk ${run}`);
  const send = async (from: string, marker: string) => {
    await form.getByRole('textbox', { name: 'Reply text' }).click();
    await form.getByLabel('From').selectOption(from);
    await form.getByRole('textbox', { name: 'Reply text' }).fill(`On it. ${marker}`);
    await form.getByRole('button', { name: 'Send reply' }).click();
    await expect.poll(async () => (await api.messages('2')).filter((m) => m.Message.includes(marker)).length, { timeout: 20_000 }).toBe(1);
    return (await api.messages('2')).find((m) => m.Message.includes(marker))!;
  };
  const billing = await send(second, `sig-billing-${run}`);
  expect(billing.EmailFrom).toBe(second);
  expect(billing.Message).toContain(`Billing desk ${run}`);
  expect(billing.Message).not.toContain(`Support desk ${run}`);
  const support = await send(first, `sig-support-${run}`);
  expect(support.Message).toContain(`Support desk ${run}`);
  expect(support.Message).not.toContain(`Billing desk ${run}`);
  const headers = { [api.config.auth_header]: api.config.token };
  const base = (await (await request.get('/config.json')).json()).threadline_api;
  for (const mailbox of [undefined, second]) {
    const cleared = await request.put(`${base}/signature`, { headers, data: { signature: '', mailbox } });
    expect(cleared.status()).toBe(200);
  }
});
