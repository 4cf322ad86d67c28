// Work that outlives a view: leaving a ticket early never crashes the app, a reply sent just
// before leaving still goes out (and the app says so on every page), uploads survive a mode
// switch, and rows keep their focus while their progress changes. Any page error or panic
// fails these tests (fixtures.ts).
import { test, expect, arm, composer, conversation, messagesOnServer, outboxHolds } from './fixtures';
import type { Page } from '@playwright/test';

test.afterEach(async ({ request }) => {
  await request.delete('/__test/faults');
});

function indicator(page: Page) {
  return page.getByRole('status', { name: 'Messages on their way' });
}

test('opening tickets and leaving each within 300 ms, ten times, never breaks the app', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Tickets', level: 1 })).toBeVisible();
  const tickets = ['1', '2', '3', '4', '5'];
  for (let i = 0; i < 10; i += 1) {
    await page.getByRole('list', { name: 'Tickets' }).getByRole('link').nth(i % tickets.length).click();
    await expect(page).toHaveURL(/\/tickets\/\d+$/);
    await page.waitForTimeout(100 + (i % 3) * 100);
    await page.getByRole('link', { name: /All tickets/ }).click();
    await expect(page.getByRole('heading', { name: 'Tickets', level: 1 })).toBeVisible();
  }
  // Past every timer the left pages had started (the 5 s "slow" notice, back-offs, polls).
  await page.waitForTimeout(8_000);
  await page.getByRole('list', { name: 'Tickets' }).getByRole('link').first().click();
  await expect(conversation(page).getByRole('article').first()).toBeVisible();
  await expect(composer(page).getByRole('textbox', { name: 'Reply text' })).toBeVisible();
});

test('a reply sent just before going back to the list is delivered, and the list says so', async ({ page, request }) => {
  const text = `Sent on the way out (e2e ${Date.now()})`;
  await page.goto('/tickets/3');
  await expect(conversation(page).getByRole('article').first()).toBeVisible();
  await composer(page).getByRole('textbox', { name: 'Reply text' }).fill(text);
  await composer(page).getByRole('button', { name: /^Send/ }).click();
  await page.getByRole('link', { name: /All tickets/ }).click();
  await expect(page.getByRole('heading', { name: 'Tickets', level: 1 })).toBeVisible();
  await expect(indicator(page)).toContainText('Sending 1 message…');
  await expect
    .poll(async () => (await messagesOnServer(request, '3')).filter((m) => m.content === text).length, { timeout: 15_000 })
    .toBe(1);
  // Delivered: nothing is on its way any more, so the indicator has nothing to say.
  await expect(page.getByText(/^Sending \d+ message/)).toHaveCount(0);
  await expect.poll(() => outboxHolds(page, text)).toBe(false);
});

test('Send pressed while the newest messages are still being checked goes out after leaving', async ({ page, request }) => {
  const text = `Sent during the check (e2e ${Date.now()})`;
  await page.goto('/tickets/1');
  await expect(conversation(page).getByRole('article').first()).toBeVisible();
  // The check for messages written since the draft began is slow.
  await arm(request, { kind: 'delay', delay_ms: 5000, count: 6, method: 'GET', path_contains: '/tickets/1/messages/' });
  await composer(page).getByRole('textbox', { name: 'Reply text' }).fill(text);
  await composer(page).getByRole('button', { name: /^Send/ }).click();
  await expect(composer(page).getByRole('button', { name: 'Checking for new messages…' })).toBeVisible();
  await page.getByRole('link', { name: /All tickets/ }).click();
  await expect(indicator(page)).toContainText('Sending 1 message…');
  await expect
    .poll(async () => (await messagesOnServer(request, '1')).filter((m) => m.content === text).length, { timeout: 20_000 })
    .toBe(1);
});

test('a reply that fails after leaving is reported on the list and leads back to Retry', async ({ page, request }) => {
  const text = `Failed on the way out (e2e ${Date.now()})`;
  await page.goto('/tickets/4');
  await expect(conversation(page).getByRole('article').first()).toBeVisible();
  await arm(request, { kind: 'status', status: 500, method: 'POST', path_contains: '/messages/' });
  await composer(page).getByRole('textbox', { name: 'Reply text' }).fill(text);
  await composer(page).getByRole('button', { name: /^Send/ }).click();
  await page.getByRole('link', { name: /All tickets/ }).click();
  await expect(indicator(page)).toContainText('1 message could not be sent.', { timeout: 15_000 });
  await indicator(page).getByRole('link', { name: 'Open ticket 4' }).click();
  await expect(page).toHaveURL(/\/tickets\/4$/);
  const outgoing = page.getByRole('list', { name: 'Messages being sent' });
  await expect(outgoing.getByRole('alert')).toContainText('The helpdesk had a problem (HTTP 500).');
  await outgoing.getByRole('button', { name: 'Retry' }).click();
  await expect(conversation(page).getByRole('article').filter({ hasText: text })).toHaveCount(1);
  expect((await messagesOnServer(request, '4')).filter((m) => m.content === text)).toHaveLength(1);
});

test('an upload keeps running through Reply → Note → Reply and is sent', async ({ page, request }) => {
  const text = `With an upload across mode switches (e2e ${Date.now()})`;
  await page.goto('/tickets/5');
  await expect(conversation(page).getByRole('article').first()).toBeVisible();
  const form = composer(page);
  await arm(request, { kind: 'delay', delay_ms: 3000, method: 'POST', path_contains: '/attachments/' });
  await form.locator('input[type=file]').setInputFiles([
    { name: 'big.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(2_000_000, 7) },
  ]);
  const files = form.getByRole('list', { name: 'Files to send' });
  await expect(files.getByRole('progressbar', { name: 'Uploading big.bin' })).toBeVisible();
  await form.getByRole('radio', { name: /Internal note/ }).check();
  await form.getByRole('radio', { name: 'Reply', exact: true }).check();
  await expect(files.getByRole('button', { name: 'Remove big.bin' })).toBeVisible({ timeout: 20_000 });
  await form.getByRole('textbox', { name: 'Reply text' }).fill(text);
  await form.getByRole('button', { name: /^Send/ }).click();
  await expect(conversation(page).getByRole('article').filter({ hasText: text })).toHaveCount(1);
  const stored = (await messagesOnServer(request, '5')).filter((m) => m.content === text) as Array<{ attachments?: Array<{ name: string }> }>;
  expect(stored).toHaveLength(1);
  expect((stored[0].attachments ?? []).map((a) => a.name)).toEqual(['big.bin']);
});

test('focus stays on an upload\'s Cancel button while its progress advances', async ({ page }) => {
  await page.goto('/tickets/2');
  await expect(conversation(page).getByRole('article').first()).toBeVisible();
  // A slow uplink, so the progress bar moves in steps.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 256 * 1024 });
  const form = composer(page);
  await form.locator('input[type=file]').setInputFiles([
    { name: 'slow.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(3_000_000, 1) },
  ]);
  const bar = form.getByRole('progressbar', { name: 'Uploading slow.bin' });
  const cancel = form.getByRole('button', { name: 'Cancel upload of slow.bin' });
  await cancel.focus();
  const start = Number(await bar.getAttribute('value'));
  await expect.poll(async () => Number(await bar.getAttribute('value'))).toBeGreaterThan(start);
  const later = Number(await bar.getAttribute('value'));
  await expect.poll(async () => Number(await bar.getAttribute('value'))).toBeGreaterThan(later);
  await expect(cancel).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(form.getByRole('list', { name: 'Files to send' }).getByRole('listitem')).toHaveCount(0);
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
});

test('removing one of two embedded conversations while it loads leaves the other working', async ({ page }) => {
  // The config is slow (for both), so the first conversation is still loading when it is
  // removed.
  await page.route('**/config.json', async (route) => {
    await new Promise((done) => setTimeout(done, 1500));
    await route.continue();
  });
  await page.goto('/examples/admin-portal.html');
  await page.evaluate(() => document.querySelector('threadline-conversation')?.remove());
  const login = page.getByRole('region', { name: 'Ticket 3' });
  await expect(login.getByRole('feed', { name: 'Conversation' }).getByRole('article').last()).toBeVisible();
  const text = `Still working after a neighbour left (e2e ${Date.now()})`;
  const form = login.getByRole('form', { name: 'Answer this ticket' });
  await form.getByRole('textbox', { name: 'Reply text' }).fill(text);
  await form.getByRole('button', { name: 'Send reply' }).click();
  await expect(login.getByRole('feed', { name: 'Conversation' }).getByRole('article').filter({ hasText: text })).toHaveCount(1);
});
