// The agent's toolbox in the composer, each outcome read back through the server's APIs:
// saved replies (made from the composer, picked with `/` and the keyboard, placeholders filled,
// next action applied, undone with Ctrl+Z), unfilled placeholders blocking a send, signatures,
// @mentions in notes, and the nudges before a reply that follows a colleague's internal note
// or names an agent.
import AxeBuilder from '@axe-core/playwright';
import { test, expect, composer, messagesOnServer, outboxHolds } from './fixtures';
import type { APIRequestContext, Page } from '@playwright/test';

type Config = { api_base: string; organization_id: string; token: string; threadline_api: string };
type SavedReply = { id: string; title: string; body: string; next_action?: string; cc?: string[] };
type Stored = { id: number; content: string; is_visible_to_customer: boolean; next_action: string };

async function config(request: APIRequestContext) {
  return (await (await request.get('/config.json')).json()) as Config;
}

async function savedReplies(request: APIRequestContext): Promise<SavedReply[]> {
  const c = await config(request);
  const r = await request.get(`${c.threadline_api}/saved-replies`, { headers: { 'X-Initdesk-Token': c.token } });
  expect(r.status()).toBe(200);
  return (await r.json()).saved_replies;
}

async function deleteSavedReply(request: APIRequestContext, title: string) {
  const c = await config(request);
  for (const reply of (await savedReplies(request)).filter((r) => r.title === title)) {
    await request.delete(`${c.threadline_api}/saved-replies/${reply.id}`, { headers: { 'X-Initdesk-Token': c.token } });
  }
}

async function openTicket(page: Page, id: string) {
  await page.goto(`/tickets/${id}`);
  await expect(page.getByRole('feed', { name: 'Conversation' }).getByRole('article').first()).toBeVisible();
}

async function storedWith(request: APIRequestContext, ticket: string, marker: string) {
  await expect
    .poll(async () => (await messagesOnServer(request, ticket)).filter((m) => m.content.includes(marker)).length, { timeout: 20_000 })
    .toBe(1);
  return (await messagesOnServer(request, ticket)).find((m) => m.content.includes(marker)) as unknown as Stored;
}

test('a saved reply made from the composer is picked with / and the keyboard, filled and applied', async ({ page, request }) => {
  const title = `Shipping update ${Date.now()}`;
  const marker = `e2e-saved-${Date.now()}`;
  await deleteSavedReply(request, title);
  // Ticket 2 waits on someone (other tests may have changed on whom): a "wait on" action
  // that fits its status now, and its status to put back afterwards.
  const c = await config(request);
  const ticketUrl = `${c.api_base}/organizations/${c.organization_id}/tickets/2/`;
  const status = (await (await request.get(ticketUrl, { headers: { 'X-Initdesk-Token': c.token } })).json()).status as string;
  await openTicket(page, '2');
  const form = composer(page);
  const box = form.getByRole('textbox', { name: 'Reply text' });

  // Written once in the composer, then saved from it with a next action.
  await box.fill(`Hi {{customer.first_name}}, ticket #{{ticket.number}} is on its way. ${marker}`);
  const nextAction = form.getByRole('combobox', { name: 'Next action', exact: true });
  const offered = await nextAction.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
  const action = offered.find((v) => v.startsWith('reopen_waiting_'))!;
  expect(action).toBeTruthy();
  await nextAction.selectOption(action);
  await form.getByRole('button', { name: 'Saved replies' }).click();
  await form.getByRole('button', { name: 'Save as saved reply' }).click();
  const dialog = page.getByRole('dialog', { name: 'New saved reply' });
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog.getByText('Give the saved reply a title.')).toBeVisible();
  await dialog.getByLabel('Title').fill(title);
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toBeHidden();
  await expect(form.getByRole('status').filter({ hasText: `Saved reply “${title}” saved.` })).toBeVisible();
  const stored = (await savedReplies(request)).find((r) => r.title === title);
  expect(stored?.next_action).toBe(action);
  expect(stored?.body).toContain('{{customer.first_name}}');

  // A fresh reply: `/` at the start of the text opens the picker; typing filters; keys pick.
  await box.fill('');
  await nextAction.selectOption('');
  await box.press('/');
  const search = form.getByRole('combobox', { name: 'Search saved replies' });
  await expect(search).toBeFocused();
  await search.pressSequentially('shipping upd');
  const options = form.getByRole('listbox', { name: 'Saved replies' }).getByRole('option');
  await expect(options).toHaveCount(1);
  await expect(options.first()).toHaveAttribute('aria-selected', 'true');
  await search.press('Enter');
  await expect(box).toBeFocused();
  await expect(box).toHaveValue(`Hi Kenji, ticket #1002 is on its way. ${marker}`);
  await expect(nextAction).toHaveValue(action);

  // Ctrl+Z takes the text out again, and the next action with it.
  await box.press('Control+z');
  await expect(box).toHaveValue('/');
  await expect(form.getByRole('combobox', { name: 'Next action', exact: true })).toHaveValue('');
  await box.fill('');
  await box.press('/');
  await search.pressSequentially('shipping upd');
  await search.press('Enter');
  await expect(box).toHaveValue(`Hi Kenji, ticket #1002 is on its way. ${marker}`);
  await form.getByRole('button', { name: /^Send/ }).click();

  const message = await storedWith(request, '2', marker);
  expect(message.content).toContain('Hi Kenji, ticket #1002 is on its way.');
  expect(message.content).not.toContain('{{');
  expect(message.next_action).toBe(action);
  await deleteSavedReply(request, title);
  // Ticket 2 waits on whom it waited on before (other tests read it).
  if (status.startsWith('waiting_')) {
    const restore = await request.post(`${ticketUrl}messages/`, {
      headers: { 'X-Initdesk-Token': c.token },
      data: { content: 'e2e: status as it was', is_visible_to_customer: false, next_action: `reopen_${status}` },
    });
    expect(restore.status(), await restore.text()).toBe(201);
  }
});

test('Esc closes the picker and gives the text back its focus; an unfilled placeholder blocks sending', async ({ page, request }) => {
  const marker = `e2e-unfilled-${Date.now()}`;
  await openTicket(page, '2');
  const form = composer(page);
  const box = form.getByRole('textbox', { name: 'Reply text' });
  await box.click();
  await box.press('/');
  const search = form.getByRole('combobox', { name: 'Search saved replies' });
  await expect(search).toBeFocused();
  await search.press('Escape');
  await expect(search).toBeHidden();
  await expect(box).toBeFocused();
  await expect(box).toHaveValue('/');

  await box.fill(`Your order {{order.id}} left today. ${marker}`);
  await expect(form.getByRole('status').filter({ hasText: 'Fill in before sending: {{order.id}}' })).toBeVisible();
  await box.press('Control+Enter');
  await expect(form.getByRole('alert').filter({ hasText: 'Replace the highlighted placeholder' })).toBeVisible();
  // The placeholder is selected, so typing replaces it.
  await page.keyboard.type('A-1042');
  await expect(box).toHaveValue(`Your order A-1042 left today. ${marker}`);
  // Nothing went to the outbox: the text is still being written.
  expect(await outboxHolds(page, marker)).toBe(false);
  await box.press('Control+Enter');
  const message = await storedWith(request, '2', marker);
  expect(message.content).toContain('Your order A-1042 left today.');
});

test('a reply after a colleague\'s internal note is nudged, and Switch to note keeps the text', async ({ page, request }) => {
  const marker = `e2e-nudge-${Date.now()}`;
  // Sam writes a note through the InboxOps surface (his key): the newest entry of ticket 7.
  const note = await request.post('/api/inboxops/v1/tickets/7/messages', {
    headers: { Authorization: 'Bearer ixk_demo_acme' },
    data: { type: 'internal_note', body_text: 'Careful: this customer has a refund pending elsewhere.' },
  });
  expect(note.status(), await note.text()).toBe(201);
  await openTicket(page, '7');
  const form = composer(page);
  await form.getByRole('textbox', { name: 'Reply text' }).fill(`Thanks, I will look into it. ${marker}`);
  const nudge = form.getByRole('status').filter({ hasText: 'Sam Rivera’s last entry is an internal note' });
  await expect(nudge).toBeVisible();
  await nudge.getByRole('button', { name: 'Switch to note' }).click();
  const noteBox = form.getByRole('textbox', { name: 'Note text' });
  await expect(noteBox).toHaveValue(`Thanks, I will look into it. ${marker}`);
  await expect(noteBox).toBeFocused();
  await expect(nudge).toBeHidden();
  await noteBox.press('Control+Enter');
  const message = await storedWith(request, '7', marker);
  expect(message.is_visible_to_customer).toBe(false);
  // Now the agent's own note is the newest entry (shown in the thread): no nudge for the next reply.
  await expect(page.getByRole('feed', { name: 'Conversation' }).getByRole('article').last()).toContainText(marker);
  await form.getByRole('radio', { name: /Reply/ }).check();
  await form.getByRole('textbox', { name: 'Reply text' }).fill('Another reply');
  // The nudge shows as soon as the text is there (see above), so a moment is enough to know.
  await page.waitForTimeout(300);
  await expect(form.getByText('last entry is an internal note')).toHaveCount(0);
  await form.getByRole('textbox', { name: 'Reply text' }).fill('');
});

test('the picker, the dialogs and the mention suggestions have no axe violations', async ({ page }) => {
  await openTicket(page, '3');
  const form = composer(page);
  await form.getByRole('textbox', { name: 'Reply text' }).click();
  await form.getByRole('button', { name: 'Saved replies' }).click();
  await expect(form.getByRole('listbox', { name: 'Saved replies' }).getByRole('option').first()).toBeVisible();
  const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];
  const check = async (state: string) => {
    const { violations } = await new AxeBuilder({ page }).withTags(tags).analyze();
    expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), state).toEqual([]);
  };
  await check('picker open');
  await form.getByRole('button', { name: 'Manage saved replies' }).click();
  const dialog = page.getByRole('dialog', { name: 'Saved replies' });
  await expect(dialog.getByRole('button', { name: 'Edit “Password reset link”' })).toBeVisible();
  await check('manage dialog');
  await dialog.getByRole('button', { name: 'Delete “Password reset link”' }).click();
  await expect(dialog.getByRole('alertdialog')).toBeVisible();
  await expect(dialog.getByRole('alertdialog').getByRole('button', { name: 'Delete' })).toBeFocused();
  await check('delete confirmation');
  await dialog.getByRole('button', { name: 'Keep it' }).click();
  await dialog.getByRole('button', { name: 'New saved reply' }).click();
  await expect(page.getByRole('dialog', { name: 'New saved reply' }).getByLabel('Title')).toBeVisible();
  await check('new saved reply form');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toBeHidden();
  await form.getByRole('button', { name: 'Signature' }).click();
  await expect(page.getByRole('dialog', { name: 'Signature' })).toBeVisible();
  await check('signature dialog');
  await page.keyboard.press('Escape');
  await form.getByRole('radio', { name: /Internal note/ }).check();
  await form.getByRole('textbox', { name: 'Note text' }).pressSequentially('@');
  await expect(form.getByRole('listbox', { name: 'Agents to mention' }).getByRole('option').first()).toBeVisible();
  await check('mention suggestions');
  await form.getByRole('textbox', { name: 'Note text' }).fill('');
});

test('the signature goes below a stored reply, never below a note, and can be left off one reply', async ({ page, request }) => {
  const c = await config(request);
  const headers = { 'X-Initdesk-Token': c.token };
  const run = Date.now();
  await openTicket(page, '1');
  const form = composer(page);
  const reply = form.getByRole('textbox', { name: 'Reply text' });
  await reply.click();
  await form.getByRole('button', { name: 'Signature' }).click();
  const dialog = page.getByRole('dialog', { name: 'Signature' });
  await dialog.getByLabel('Your signature').fill('Best,\n{{agent.first_name}} from Acme');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toBeHidden();
  await expect(form.getByRole('status').filter({ hasText: 'Signature saved.' })).toBeVisible();
  // Kept by the server, for this agent.
  const kept = await (await request.get(`${c.threadline_api}/signature`, { headers })).json();
  expect(kept.signature).toBe('Best,\n{{agent.first_name}} from Acme');

  // Shown under the reply as it will go, and in the preview.
  const line = form.getByRole('group', { name: 'Signature' });
  await expect(line).toContainText('Alex from Acme');
  await reply.fill(`The export is fixed. sig-reply-${run}`);
  await form.getByRole('button', { name: 'Preview' }).click();
  await expect(form.getByRole('region', { name: 'Preview' })).toContainText('Alex from Acme');
  await form.getByRole('button', { name: 'Preview' }).click();
  await reply.press('Control+Enter');
  const signed = await storedWith(request, '1', `sig-reply-${run}`);
  expect(signed.content).toBe(`The export is fixed. sig-reply-${run}\n\nBest,\nAlex from Acme`);

  // A note never carries it.
  await form.getByRole('radio', { name: /Internal note/ }).check();
  await expect(line).toBeHidden();
  await form.getByRole('textbox', { name: 'Note text' }).fill(`Checked with the team. sig-note-${run}`);
  await form.getByRole('textbox', { name: 'Note text' }).press('Control+Enter');
  const note = await storedWith(request, '1', `sig-note-${run}`);
  expect(note.content).not.toContain('Alex from Acme');

  // Left off one reply; the next one is signed again.
  await form.getByRole('radio', { name: /Reply/ }).check();
  await reply.fill(`Quick follow-up. sig-off-${run}`);
  await line.getByRole('button', { name: 'Remove signature from this reply' }).click();
  await expect(line.getByRole('button', { name: 'Add my signature' })).toBeVisible();
  await reply.press('Control+Enter');
  const unsigned = await storedWith(request, '1', `sig-off-${run}`);
  expect(unsigned.content).toBe(`Quick follow-up. sig-off-${run}`);
  await reply.click();
  await expect(line).toContainText('Alex from Acme');

  const cleared = await request.put(`${c.threadline_api}/signature`, { headers, data: { signature: '' } });
  expect(cleared.status()).toBe(200);
});

test('@ in a note suggests agents, and the mention is stored marked; a reply naming an agent asks first', async ({ page, request }) => {
  const run = Date.now();
  // Sam mentions Alex (the demo token's agent) in a note: Alex sees it marked.
  const sams = await request.post('/api/inboxops/v1/tickets/4/messages', {
    headers: { Authorization: 'Bearer ixk_demo_acme' },
    data: { type: 'internal_note', body_text: `@Alex Morgan can you check the refund? mention-in-${run}` },
  });
  expect(sams.status(), await sams.text()).toBe(201);
  await openTicket(page, '4');
  const thread = page.getByRole('feed', { name: 'Conversation' });
  const mentioning = thread.getByRole('article', { name: 'Internal note from Sam Rivera' }).filter({ hasText: `mention-in-${run}` });
  await expect(mentioning.getByText('Mentions you')).toBeVisible();

  const form = composer(page);
  await form.getByRole('radio', { name: /Internal note/ }).check();
  const note = form.getByRole('textbox', { name: 'Note text' });
  await note.click();
  await note.pressSequentially('Over to @pri');
  const suggestions = form.getByRole('listbox', { name: 'Agents to mention' });
  await expect(suggestions.getByRole('option')).toHaveText([/Priya Shah/]);
  await expect(note).toHaveAttribute('aria-activedescendant', /.+/);
  await note.press('Enter');
  await expect(suggestions).toBeHidden();
  await note.pressSequentially(`please. mention-out-${run}`);
  await expect(note).toHaveValue(`Over to @Priya Shah please. mention-out-${run}`);
  await note.press('Control+Enter');
  const stored = await storedWith(request, '4', `mention-out-${run}`);
  expect(stored.is_visible_to_customer).toBe(false);
  const c = await config(request);
  const full = await (await request.get(`${c.api_base}/organizations/${c.organization_id}/tickets/4/messages/?page_size=500`, {
    headers: { 'X-Initdesk-Token': c.token },
  })).json();
  const html = (full.results as Array<{ content: string; content_html: string }>).find((m) => m.content.includes(`mention-out-${run}`))!.content_html;
  expect(html).toContain('<span data-mention="3">@Priya Shah</span>');

  // A public reply that names an agent asks before it goes; nothing is sent meanwhile.
  await form.getByRole('radio', { name: /Reply/ }).check();
  const reply = form.getByRole('textbox', { name: 'Reply text' });
  await reply.fill(`Thanks! @Sam Rivera will follow up. mention-reply-${run}`);
  await reply.press('Control+Enter');
  const ask = form.getByRole('alert').filter({ hasText: 'This reply goes to the customer and mentions Sam Rivera' });
  await expect(ask).toBeVisible();
  // Had it been queued, it would be in the outbox once the check for newer messages answered.
  await page.waitForTimeout(1000);
  expect(await outboxHolds(page, `mention-reply-${run}`)).toBe(false);
  await expect(reply).toHaveValue(`Thanks! @Sam Rivera will follow up. mention-reply-${run}`);
  await form.getByRole('button', { name: 'Send to the customer anyway' }).click();
  const sent = await storedWith(request, '4', `mention-reply-${run}`);
  expect(sent.is_visible_to_customer).toBe(true);
});
