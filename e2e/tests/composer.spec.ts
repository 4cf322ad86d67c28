// The composer against the reference server, each outcome read back through the server's API.
import { test, expect, messagesOnServer, outboxHolds, savedDraft } from './fixtures';
import type { APIRequestContext, Page } from '@playwright/test';

type Config = { api_base: string; organization_id: string; token: string; undo_seconds: number };

async function api(request: APIRequestContext) {
  const config = (await (await request.get('/config.json')).json()) as Config;
  const headers = { 'X-Initdesk-Token': config.token };
  const org = `${config.api_base}/organizations/${config.organization_id}`;
  return {
    config,
    async ticket(id: string) {
      const r = await request.get(`${org}/tickets/${id}/`, { headers });
      expect(r.status()).toBe(200);
      return r.json();
    },
    async messages(id: string) {
      const r = await request.get(`${org}/tickets/${id}/messages/?page_size=500`, { headers });
      expect(r.status()).toBe(200);
      return (await r.json()).results as Array<Record<string, any>>;
    },
  };
}

/** Arms a fault on the reference server (test builds only). */
async function arm(request: APIRequestContext, fault: Record<string, unknown>) {
  const r = await request.post('/__test/faults', { data: fault });
  expect(r.status(), await r.text()).toBe(201);
}

async function clearFaults(request: APIRequestContext) {
  await request.delete('/__test/faults');
}

test.afterEach(async ({ request }) => clearFaults(request));

async function openTicket(page: Page, id: string) {
  await page.goto(`/tickets/${id}`);
  await expect(page.getByRole('feed', { name: 'Conversation' }).getByRole('article').first()).toBeVisible();
}

function composer(page: Page) {
  return page.getByRole('form', { name: 'Answer this ticket' });
}

function file(name: string, body: string, mimeType = 'text/plain') {
  return { name, mimeType, buffer: Buffer.from(body) };
}

test('a reply with CC, next action, assignee and two attachments stores exactly those', async ({ page, request }) => {
  const server = await api(request);
  const text = `Dark mode ships next week (e2e ${Date.now()})`;
  await openTicket(page, '5');
  const form = composer(page);
  await form.getByRole('textbox', { name: 'Reply text' }).fill(text);
  // A pasted list becomes chips; a duplicate in other case merges.
  const cc = form.getByRole('combobox', { name: 'Cc' });
  await cc.fill('Ann Lee <ann@x-corp.example>, bob@y-org.example; ANN@x-corp.example');
  const chips = form.getByRole('list', { name: 'Cc recipients' }).getByRole('listitem');
  await expect(chips).toHaveCount(2);
  await expect(form.getByText('Adding: ann@x-corp.example, bob@y-org.example')).toBeVisible();
  // Ticket 5 is closed: of the next actions, it offers to reopen.
  await form.getByLabel('Next action').selectOption({ label: 'Reopen, waiting on the customer' });
  await form.getByLabel('Next assignee').selectOption({ label: 'Priya Shah' });
  await form.locator('input[type=file]').setInputFiles([
    file('notes.txt', 'first file'),
    file('log.csv', 'a,b\n1,2\n', 'text/csv'),
  ]);
  const uploads = form.getByRole('list', { name: 'Files to send' });
  await expect(uploads.getByRole('button', { name: /^Remove / })).toHaveCount(2);
  await expect(form.getByRole('button', { name: 'Send and reopen, waiting on the customer' })).toBeVisible();
  await form.getByRole('button', { name: 'Send and reopen, waiting on the customer' }).click();

  // At once: shown as on its way, composer emptied.
  await expect(page.getByRole('list', { name: 'Messages being sent' }).getByText(text)).toBeVisible();
  await expect(form.getByRole('textbox', { name: 'Reply text' })).toHaveValue('');
  const conversation = page.getByRole('feed', { name: 'Conversation' });
  await expect(conversation.getByRole('article').filter({ hasText: text })).toHaveCount(1);

  const stored = (await server.messages('5')).filter((m) => m.content === text);
  expect(stored).toHaveLength(1);
  expect(stored[0].is_visible_to_customer).toBe(true);
  expect(stored[0].external_recipient_emails).toEqual(['ann@x-corp.example', 'bob@y-org.example']);
  expect(stored[0].next_action).toBe('reopen_waiting_customer');
  expect(stored[0].attachments.map((a: { name: string }) => a.name).sort()).toEqual(['log.csv', 'notes.txt']);
  expect(stored[0].content_html).toContain('Dark mode ships next week');
  const ticket = await server.ticket('5');
  expect(ticket.status).toBe('waiting_customer');
  expect(ticket.assignee?.name).toBe('Priya Shah');
  // The header shows the ticket as it is now.
  await expect(page.getByRole('definition').filter({ hasText: 'Waiting on customer' })).toBeVisible();
});

test('an internal note never carries CC', async ({ page, request }) => {
  const server = await api(request);
  const text = `Billing confirmed the refund (e2e note ${Date.now()})`;
  await openTicket(page, '1');
  const form = composer(page);
  await form.getByRole('textbox', { name: 'Reply text' }).click();
  await form.getByRole('combobox', { name: 'Cc' }).fill('someone@else.example,');
  await form.getByRole('radio', { name: /Internal note/ }).check();
  await expect(form.getByRole('combobox', { name: 'Cc' })).toHaveCount(0);
  await form.getByRole('textbox', { name: 'Internal note text' }).fill(text);
  await form.getByRole('button', { name: 'Add note' }).click();
  await expect(page.getByRole('feed', { name: 'Conversation' }).getByRole('article', { name: /^Internal note/ }).filter({ hasText: text })).toHaveCount(1);
  const stored = (await server.messages('1')).filter((m) => m.content === text);
  expect(stored).toHaveLength(1);
  expect(stored[0].is_visible_to_customer).toBe(false);
  expect(stored[0].external_recipient_emails).toEqual([]);
});

test('an invalid CC address is a red chip that blocks sending', async ({ page, request }) => {
  const text = `Should not go out (e2e ${Date.now()})`;
  await openTicket(page, '3');
  const form = composer(page);
  await form.getByRole('textbox', { name: 'Reply text' }).fill(text);
  const cc = form.getByRole('combobox', { name: 'Cc' });
  await cc.fill('good@x.example');
  await cc.press('Enter');
  await cc.fill('not-an-address');
  await cc.press('Tab');
  const bad = form.getByRole('listitem').filter({ hasText: 'not-an-address' });
  await expect(bad).toHaveClass(/tl-chip--invalid/);
  await expect(bad).toContainText('An address needs one @.');
  await form.getByRole('button', { name: 'Send reply' }).click();
  await expect(form.getByRole('alert').filter({ hasText: 'Fix or remove the CC recipient "not-an-address"' })).toBeVisible();
  // Backspace in the empty field removes the last chip; then it sends.
  await cc.focus();
  await cc.press('Backspace');
  await expect(bad).toHaveCount(0);
  await form.getByRole('button', { name: 'Send reply' }).click();
  await expect(page.getByRole('feed', { name: 'Conversation' }).getByRole('article').filter({ hasText: text })).toHaveCount(1);
  const stored = (await messagesOnServer(request, '3')).filter((m) => m.content === text);
  expect(stored).toHaveLength(1);
});

test('a draft survives a reload', async ({ page }) => {
  const text = `Half-written answer (e2e ${Date.now()})`;
  await openTicket(page, '4');
  const form = composer(page);
  await form.getByRole('textbox', { name: 'Reply text' }).fill(text);
  await form.getByRole('combobox', { name: 'Cc' }).fill('keep@me.example;');
  await form.getByLabel('Next action').selectOption({ label: 'Reopen, waiting on the customer' });
  // Saved 400 ms after the last change: the reload comes once it is in storage.
  await expect
    .poll(async () => {
      const draft = await savedDraft(page, '4', 'reply');
      return draft && { text: draft.text, next_action: draft.next_action, cc: (draft.cc ?? []).map((c) => c.address) };
    })
    .toMatchObject({ text, next_action: 'reopen_waiting_customer', cc: expect.arrayContaining(['keep@me.example']) });
  await page.reload();
  await expect(form.getByRole('textbox', { name: 'Reply text' })).toHaveValue(text);
  await expect(form.getByRole('list', { name: 'Cc recipients' }).getByText('keep@me.example')).toBeVisible();
  await expect(form.getByLabel('Next action')).toHaveValue('reopen_waiting_customer');
  await expect(form.getByRole('button', { name: 'Send and reopen, waiting on the customer' })).toBeVisible();
});

test('undo restores the whole draft and nothing is sent', async ({ page, request }) => {
  const server = await api(request);
  const text = `Changed my mind (e2e ${Date.now()})`;
  await openTicket(page, '2');
  const form = composer(page);
  await form.getByRole('textbox', { name: 'Reply text' }).fill(text);
  await form.getByRole('combobox', { name: 'Cc' }).fill('undo@x.example,');
  await form.getByLabel('Next action').selectOption({ label: 'Close as invalid' });
  await form.getByLabel('Next assignee').selectOption({ label: 'Unassigned' });
  await form.locator('input[type=file]').setInputFiles([file('undo.txt', 'undo me')]);
  await expect(form.getByRole('button', { name: 'Remove undo.txt' })).toBeVisible();
  await form.getByRole('button', { name: 'Send and close as invalid' }).click();
  await page.getByRole('list', { name: 'Messages being sent' }).getByRole('button', { name: 'Undo' }).click();

  await expect(form.getByRole('textbox', { name: 'Reply text' })).toHaveValue(text);
  await expect(form.getByRole('list', { name: 'Cc recipients' }).getByText('undo@x.example')).toBeVisible();
  await expect(form.getByLabel('Next action')).toHaveValue('close_and_mark_invalid');
  await expect(form.getByLabel('Next assignee')).toHaveValue('none');
  await expect(form.getByRole('button', { name: 'Remove undo.txt' })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Messages being sent' }).getByRole('article')).toHaveCount(0);
  // Gone from the outbox, so nothing can send it later; and nothing reached the server.
  await expect.poll(() => outboxHolds(page, text)).toBe(false);
  expect((await server.messages('2')).filter((m) => m.content === text)).toHaveLength(0);
});

test('a 500 is explained, the message is kept, and Retry stores it exactly once', async ({ page, request }) => {
  const server = await api(request);
  const text = `Retry after a server error (e2e ${Date.now()})`;
  await openTicket(page, '4');
  await arm(request, { kind: 'status', status: 500, method: 'POST', path_contains: '/messages/' });
  const form = composer(page);
  await form.getByRole('textbox', { name: 'Reply text' }).fill(text);
  await form.getByRole('button', { name: 'Send reply' }).click();
  const outgoing = page.getByRole('list', { name: 'Messages being sent' });
  await expect(outgoing.getByRole('alert')).toContainText('The helpdesk had a problem (HTTP 500)');
  expect((await server.messages('4')).filter((m) => m.content === text)).toHaveLength(0);
  // It survives a reload, still failed, with its text.
  await page.reload();
  await expect(outgoing.getByText(text)).toBeVisible();
  await outgoing.getByRole('button', { name: 'Retry' }).click();
  await expect(page.getByRole('feed', { name: 'Conversation' }).getByRole('article').filter({ hasText: text })).toHaveCount(1);
  await expect(outgoing.getByRole('article')).toHaveCount(0);
  expect((await server.messages('4')).filter((m) => m.content === text)).toHaveLength(1);
});

test('a CC address the helpdesk refuses (400) becomes a red chip; without it the reply goes once', async ({ page, request }) => {
  const server = await api(request);
  const text = `One address bounced (e2e ${Date.now()})`;
  await openTicket(page, '1');
  const form = composer(page);
  await form.getByRole('textbox', { name: 'Reply text' }).fill(text);
  const chips = form.getByRole('list', { name: 'Cc recipients' }).getByRole('listitem');
  const before = await chips.count(); // the ticket's own CC list comes first
  await form.getByRole('combobox', { name: 'Cc' }).fill('keep@x.example, bounce@y.example,');
  await expect(chips).toHaveCount(before + 2);
  // The server's words about the second added address, keyed by its index in what was sent.
  const errors = { external_recipient_emails: { [String(before + 1)]: ['This mailbox does not accept mail.'] } };
  await arm(request, { kind: 'status', status: 400, body: errors, method: 'POST', path_contains: '/messages/' });
  await form.getByRole('button', { name: 'Send reply' }).click();
  const outgoing = page.getByRole('list', { name: 'Messages being sent' });
  await expect(outgoing.getByRole('alert')).toContainText('This mailbox does not accept mail.');
  await outgoing.getByRole('button', { name: 'Edit' }).click();

  const bounced = chips.filter({ hasText: 'bounce@y.example' });
  await expect(bounced).toHaveClass(/tl-chip--invalid/);
  await expect(bounced).toContainText('The helpdesk refused it: This mailbox does not accept mail.');
  await expect(chips.filter({ hasText: 'keep@x.example' })).not.toHaveClass(/tl-chip--invalid/);
  await expect(form.getByRole('textbox', { name: 'Reply text' })).toHaveValue(text);
  await form.getByRole('button', { name: 'Send reply' }).click();
  await expect(form.getByRole('alert').filter({ hasText: 'Fix or remove the CC recipient "bounce@y.example"' })).toBeVisible();
  expect((await server.messages('1')).filter((m) => m.content === text)).toHaveLength(0);

  await bounced.getByRole('button', { name: 'Remove bounce@y.example' }).click();
  await form.getByRole('button', { name: 'Send reply' }).click();
  await expect(page.getByRole('feed', { name: 'Conversation' }).getByRole('article').filter({ hasText: text })).toHaveCount(1);
  const stored = (await server.messages('1')).filter((m) => m.content === text);
  expect(stored).toHaveLength(1);
  expect(stored[0].external_recipient_emails).toContain('keep@x.example');
  expect(stored[0].external_recipient_emails).not.toContain('bounce@y.example');
});

test('an expired session (401) is retried; a refusal (403) offers no Retry, only Edit; sent once', async ({ page, request }) => {
  const server = await api(request);
  const text = `Sent after signing in again (e2e ${Date.now()})`;
  await openTicket(page, '5');
  // Consumed in order, one a request: the first post gets 401, the retry 403.
  await arm(request, { kind: 'status', status: 401, method: 'POST', path_contains: '/messages/' });
  await arm(request, { kind: 'status', status: 403, method: 'POST', path_contains: '/messages/' });
  const form = composer(page);
  await form.getByRole('textbox', { name: 'Reply text' }).fill(text);
  await form.getByRole('button', { name: /^Send/ }).click();
  const outgoing = page.getByRole('list', { name: 'Messages being sent' });
  await expect(outgoing.getByRole('alert')).toContainText('Your session expired');
  await expect(outgoing.getByText(text)).toBeVisible();
  await outgoing.getByRole('button', { name: 'Retry' }).click();
  await expect(outgoing.getByRole('alert')).toContainText('You are not allowed to answer this ticket');
  expect((await server.messages('5')).filter((m) => m.content === text)).toHaveLength(0);
  // A refusal is not fixed by sending the same again: no Retry, the message back to edit.
  await expect(outgoing.getByRole('button', { name: 'Retry' })).toHaveCount(0);
  await outgoing.getByRole('button', { name: 'Edit' }).click();
  await expect(form.getByRole('textbox', { name: 'Reply text' })).toHaveValue(text);
  await form.getByRole('button', { name: /^Send/ }).click();
  await expect(page.getByRole('feed', { name: 'Conversation' }).getByRole('article').filter({ hasText: text })).toHaveCount(1);
  expect((await server.messages('5')).filter((m) => m.content === text)).toHaveLength(1);
});

test('a 429 counts down from Retry-After and retries on its own, once', async ({ page, request }) => {
  const server = await api(request);
  const text = `Sent after a rate limit (e2e ${Date.now()})`;
  await openTicket(page, '3');
  await arm(request, { kind: 'status', status: 429, retry_after: 3, method: 'POST', path_contains: '/messages/' });
  const form = composer(page);
  await form.getByRole('textbox', { name: 'Reply text' }).fill(text);
  await form.getByRole('button', { name: 'Send reply' }).click();
  const outgoing = page.getByRole('list', { name: 'Messages being sent' });
  await expect(outgoing.getByText(/too many requests\)\. Retrying in \d s/)).toBeVisible();
  await expect(page.getByRole('feed', { name: 'Conversation' }).getByRole('article').filter({ hasText: text })).toHaveCount(1);
  expect((await server.messages('3')).filter((m) => m.content === text)).toHaveLength(1);
});

test('a connection dropped after storing is checked, not re-posted: exactly one message', async ({ page, request }) => {
  const server = await api(request);
  const text = `Connection lost after storing (e2e ${Date.now()})`;
  await openTicket(page, '2');
  const form = composer(page);
  await form.getByRole('textbox', { name: 'Reply text' }).fill(text);
  await form.getByRole('button', { name: 'Send reply' }).click();
  const outgoing = page.getByRole('list', { name: 'Messages being sent' });
  await expect(outgoing.getByText(/Sending in \d s/)).toBeVisible();
  // Armed during the undo window, for several requests: Chromium itself repeats a POST
  // (here up to three times) when a connection closes without an answer, and the
  // Idempotency-Key makes those repeats store nothing; once Chromium gives up, the page does
  // not know whether the message was stored. The reads that follow are slowed
  // so the agent can be seen being told (polling may take some of them).
  await arm(request, { kind: 'drop_after_store', count: 10, method: 'POST', path_contains: '/messages/' });
  await arm(request, { kind: 'delay', delay_ms: 3000, count: 4, method: 'GET', path_contains: '/messages/' });
  await expect(outgoing.getByText('The connection was lost before the helpdesk answered. Checking whether it was stored…')).toBeVisible();
  await expect(page.getByRole('feed', { name: 'Conversation' }).getByRole('article').filter({ hasText: text })).toHaveCount(1);
  await expect(outgoing.getByRole('article')).toHaveCount(0);
  expect((await server.messages('2')).filter((m) => m.content === text)).toHaveLength(1);
});

test('someone else wrote since the draft began: the agent sees it before sending', async ({ page, request }) => {
  const server = await api(request);
  const text = `My answer (e2e ${Date.now()})`;
  const theirs = `A colleague answered first (e2e ${Date.now()})`;
  await openTicket(page, '3');
  const form = composer(page);
  await form.getByRole('textbox', { name: 'Reply text' }).fill(text);
  const config = server.config;
  const posted = await request.post(`${config.api_base}/organizations/${config.organization_id}/tickets/3/messages/`, {
    headers: { 'X-Initdesk-Token': config.token },
    data: { content: theirs, is_visible_to_customer: true },
  });
  expect(posted.status()).toBe(201);
  await form.getByRole('button', { name: 'Send reply' }).click();
  const guard = form.getByRole('alert').filter({ hasText: 'arrived since you started writing' });
  await expect(guard).toContainText(theirs);
  expect((await server.messages('3')).filter((m) => m.content === text)).toHaveLength(0);
  await guard.getByRole('button', { name: 'Send anyway' }).click();
  await expect(page.getByRole('feed', { name: 'Conversation' }).getByRole('article').filter({ hasText: text })).toHaveCount(1);
  expect((await server.messages('3')).filter((m) => m.content === text)).toHaveLength(1);
});

test('two tabs on one ticket never silently overwrite each other\'s draft', async ({ page, context }) => {
  await openTicket(page, '4');
  const mine = composer(page).getByRole('textbox', { name: 'Reply text' });
  await mine.fill('Written in the first tab');
  await expect.poll(async () => (await savedDraft(page, '4', 'reply'))?.text).toBe('Written in the first tab');
  const other = await context.newPage();
  await openTicket(other, '4');
  const theirs = composer(other).getByRole('textbox', { name: 'Reply text' });
  await expect(theirs).toHaveValue('Written in the first tab');
  await theirs.fill('Rewritten in the second tab');
  // The first tab is told at once and keeps its text until the agent chooses.
  const conflict = composer(page).getByRole('alert').filter({ hasText: 'This draft was changed in another tab.' });
  await expect(conflict).toBeVisible();
  await expect(mine).toHaveValue('Written in the first tab');
  await conflict.getByRole('button', { name: "Use the other tab's version" }).click();
  await expect(mine).toHaveValue('Rewritten in the second tab');
  await expect(conflict).toHaveCount(0);
  // Both tabs now agree; the second tab's next edit is not a conflict for it.
  await theirs.fill('Rewritten in the second tab, then finished');
  await expect.poll(async () => (await savedDraft(other, '4', 'reply'))?.text).toBe('Rewritten in the second tab, then finished');
  await expect(composer(other).getByText('This draft was changed in another tab.')).toHaveCount(0);
  await other.close();
});

test('uploads show progress, can fail and be retried, and Send waits for them', async ({ page, request }) => {
  const server = await api(request);
  const text = `With a slow attachment (e2e ${Date.now()})`;
  await openTicket(page, '3');
  const form = composer(page);
  const files = form.getByRole('list', { name: 'Files to send' });
  // Refused before any upload.
  await form.locator('input[type=file]').setInputFiles([file('empty.txt', '')]);
  await expect(form.getByRole('alert').filter({ hasText: 'empty.txt is empty, so it was not attached.' })).toBeVisible();
  await expect(files.getByRole('listitem')).toHaveCount(0);
  // A failed upload is said and retried.
  await arm(request, { kind: 'status', status: 500, method: 'POST', path_contains: '/attachments/' });
  await form.locator('input[type=file]').setInputFiles([file('flaky.txt', 'second time lucky')]);
  await expect(files.getByRole('alert')).toBeVisible();
  await files.getByRole('button', { name: 'Retry upload of flaky.txt' }).click();
  await expect(files.getByRole('button', { name: 'Remove flaky.txt' })).toBeVisible();
  // A slow upload shows its progress; Send waits for it and says so.
  await arm(request, { kind: 'delay', delay_ms: 2500, method: 'POST', path_contains: '/attachments/' });
  await form.locator('input[type=file]').setInputFiles([file('slow.txt', 'x'.repeat(20000))]);
  await expect(files.getByRole('progressbar', { name: 'Uploading slow.txt' })).toBeVisible();
  await form.getByRole('textbox', { name: 'Reply text' }).fill(text);
  await form.getByRole('button', { name: 'Send reply' }).click();
  await expect(form.getByRole('button', { name: 'Sending when the upload finishes…' })).toBeVisible();
  await expect(page.getByRole('feed', { name: 'Conversation' }).getByRole('article').filter({ hasText: text })).toHaveCount(1);
  const stored = (await server.messages('3')).filter((m) => m.content === text);
  expect(stored).toHaveLength(1);
  expect(stored[0].attachments.map((a: { name: string }) => a.name).sort()).toEqual(['flaky.txt', 'slow.txt']);
});

test('a file dropped on the composer and an image pasted into the text are attached', async ({ page }) => {
  await openTicket(page, '4');
  const form = composer(page);
  const files = form.getByRole('list', { name: 'Files to send' });
  await form.evaluate((el) => {
    const dt = new DataTransfer();
    dt.items.add(new File(['dropped body'], 'dropped.txt', { type: 'text/plain' }));
    el.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    el.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
  await expect(files.getByRole('button', { name: 'Remove dropped.txt' })).toBeVisible();
  await form.getByRole('textbox', { name: 'Reply text' }).evaluate((el) => {
    const dt = new DataTransfer();
    // A 1×1 PNG, as a screenshot tool would put on the clipboard.
    const png = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=='), (c) => c.charCodeAt(0));
    dt.items.add(new File([png], 'pasted.png', { type: 'image/png' }));
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  });
  await expect(files.getByRole('button', { name: 'Remove pasted.png' })).toBeVisible();
  await expect(form.getByRole('textbox', { name: 'Reply text' })).toHaveValue('');
});

test('undo while writing the next message keeps both, the undone one first', async ({ page, request }) => {
  const server = await api(request);
  const text = `First thoughts (e2e ${Date.now()})`;
  await openTicket(page, '5');
  const form = composer(page);
  const area = form.getByRole('textbox', { name: 'Reply text' });
  await area.fill(text);
  await form.getByRole('button', { name: /^Send/ }).click();
  await expect(area).toHaveValue('');
  await area.fill('Second thoughts');
  await page.getByRole('list', { name: 'Messages being sent' }).getByRole('button', { name: 'Undo' }).click();
  await expect(area).toHaveValue(`${text}\n\nSecond thoughts`);
  await expect(form.getByText('Your message is back above what you were writing since.')).toBeVisible();
  await expect.poll(() => outboxHolds(page, text)).toBe(false);
  expect((await server.messages('5')).filter((m) => m.content.startsWith(text))).toHaveLength(0);
});

test('a sent message does not move the page: the agent stays where they were', async ({ page }) => {
  const text = `Stay put (e2e ${Date.now()})`;
  await openTicket(page, '2');
  const form = composer(page);
  await form.getByRole('textbox', { name: 'Reply text' }).fill(text);
  const before = await page.evaluate(() => window.scrollY);
  const height = () => form.evaluate((e) => e.getBoundingClientRect().height);
  const composerBefore = await height();
  expect(before).toBeGreaterThan(0); // a long ticket opens scrolled to its newest message
  // The header is read again after a send; it used to vanish meanwhile and reset the scroll.
  const headerRead = page.waitForResponse(
    (r) => r.request().method() === 'GET' && /\/tickets\/2\/$/.test(new URL(r.url()).pathname),
  );
  await form.getByRole('button', { name: 'Send reply' }).click();
  await expect(page.getByRole('feed', { name: 'Conversation' }).getByRole('article').filter({ hasText: text })).toHaveCount(1);
  await headerRead;
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  // Two frames after the header's answer: it has been rendered and laid out.
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  // The docked composer folds up after a send, and the page's end comes up by as much; beyond
  // that, nothing moves.
  const folded = composerBefore - (await height());
  expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(before - folded - 100);
});

test('words typed while Send checks for newer messages stay for the next message, not in the sent one', async ({ page, request }) => {
  const marker = `e2e-checking-${Date.now()}`;
  await openTicket(page, '3');
  const form = composer(page);
  const box = form.getByRole('textbox', { name: 'Reply text' });
  await box.fill(`The fix is live. ${marker}`);
  // The check for newer messages answers slowly.
  // (Polls may take some of the delays too.)
  await arm(request, { kind: 'delay', delay_ms: 2500, method: 'GET', path_contains: '/tickets/3/messages/', count: 4 });
  await box.press('Control+Enter');
  await expect(form.getByRole('button', { name: 'Checking for new messages…' })).toBeVisible();
  await box.press('End');
  await box.pressSequentially(' Also, one more thing');
  await expect(form.getByRole('button', { name: 'Checking for new messages…' })).toBeHidden();
  await expect(box).toHaveValue('Also, one more thing');
  await expect
    .poll(async () => (await messagesOnServer(request, '3')).filter((m) => m.content.includes(marker)).map((m) => m.content), { timeout: 20_000 })
    .toEqual([`The fix is live. ${marker}`]);
  await box.fill('');
});
