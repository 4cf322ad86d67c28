// Reading a long ticket: find in the conversation (through the windowing, older pages and
// folded quotes), what is new since the last visit, and links to one message.
import path from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, messagesOnServer } from './fixtures';

type Config = { api_base: string; organization_id: string; token: string };

/** A new ticket with a thread of `count` messages (the server's test route). */
async function longThread(page: Page, count: number): Promise<string> {
  const response = await page.request.post(`/__test/long-thread?count=${count}`);
  expect(response.status()).toBe(200);
  return ((await response.json()) as { id: string }).id;
}

/** What the find highlight named `name` covers, as text. */
async function highlighted(page: Page, name: string): Promise<string[]> {
  return page.evaluate((n: string) => {
    const h = (CSS as unknown as { highlights: Map<string, Set<Range>> }).highlights.get(n);
    return h ? [...h].map((r) => r.toString()) : [];
  }, name);
}

test('find: a phrase only on an old page, in a folded quote, is found, counted and shown; Esc returns focus', async ({ page }) => {
  const id = await longThread(page, 1000);
  const phrase = 'PLT-4417-QX';
  // One hit on the newest page too: the one shown first, kept while the earlier pages arrive.
  const config = (await (await page.request.get('/config.json')).json()) as Config;
  const posted = await page.request.post(`${config.api_base}/organizations/${config.organization_id}/tickets/${id}/messages/`, {
    headers: { 'X-Initdesk-Token': config.token },
    data: { content: `Has ${phrase} been picked up yet? (e2e)`, is_visible_to_customer: true },
  });
  expect(posted.status()).toBe(201);
  // What the server holds: the phrase in the second message, in the third one's quote and in
  // the newest.
  const all = await messagesOnServer(page.request, id);
  const expected = all.reduce((n, m) => n + (m.content.toLowerCase().split(phrase.toLowerCase()).length - 1), 0);
  expect(expected).toBe(3);

  await page.goto(`/tickets/${id}`);
  const feed = page.getByRole('feed', { name: 'Conversation' });
  const newest = feed.getByRole('article').filter({ hasText: 'been picked up yet?' });
  await expect(newest).toBeInViewport();
  const open = page.getByRole('button', { name: 'Find in conversation' });
  await open.focus();
  await page.keyboard.press('Control+f');
  const bar = page.getByRole('search', { name: 'Find in conversation' });
  const field = bar.getByRole('searchbox', { name: 'Find in conversation' });
  await expect(field).toBeFocused();
  // Lower case: the rule is case-insensitive.
  await field.fill(phrase.toLowerCase());
  // Only the newest pages are loaded: one hit so far, and a way to search the rest.
  await expect(bar.getByRole('status')).toHaveText('1 of 1');
  await bar.getByRole('button', { name: 'Search them too' }).click();
  await expect(field).toBeFocused();
  // Every page read: the count is the server's, and the hit shown is still the newest one.
  await expect(bar.getByRole('status')).toHaveText(`${expected} of ${expected}`, { timeout: 30_000 });
  await expect(bar.getByText(/Loading earlier messages/)).toHaveCount(0);
  await expect(newest).toBeInViewport();
  // Enter goes on, round the end: the second message, shown and painted.
  await field.press('Enter');
  await expect(bar.getByRole('status')).toHaveText(`1 of ${expected}`);
  const second = feed.getByRole('article').filter({ hasText: 'Your pallet reference is' }).first();
  await expect(second).toBeInViewport();
  await expect.poll(() => highlighted(page, 'tl-find-current')).toEqual([phrase]);
  // Next: inside the third message's folded quote, which opens.
  await field.press('Enter');
  await expect(bar.getByRole('status')).toHaveText(`2 of ${expected}`);
  const third = feed.getByRole('article').filter({ hasText: 'Thanks, I will pass it on.' });
  await expect(third.getByRole('button', { name: 'Hide quoted text' })).toHaveAttribute('aria-expanded', 'true');
  await expect(third.locator('.tl-msg__quote')).toBeInViewport();
  await expect.poll(() => highlighted(page, 'tl-find-current')).toEqual([phrase]);
  await expect.poll(async () => (await highlighted(page, 'tl-find')).length).toBe(1);
  // Enter on a button is that button's; Shift+Enter in the field goes back, round the start.
  await bar.getByRole('button', { name: 'Previous match' }).press('Enter');
  await expect(bar.getByRole('status')).toHaveText(`1 of ${expected}`);
  await field.press('Shift+Enter');
  await expect(bar.getByRole('status')).toHaveText(`${expected} of ${expected}`);
  await expect(newest).toBeInViewport();
  // Esc closes, clears the paint and gives the focus back.
  await field.press('Escape');
  await expect(bar).toHaveCount(0);
  await expect(open).toBeFocused();
  expect(await highlighted(page, 'tl-find-current')).toEqual([]);
});

test('new messages since the last visit land the agent on the first of them; a link opens an old message', async ({ page, context, baseURL }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const id = await longThread(page, 120);
  const feed = page.getByRole('feed', { name: 'Conversation' });
  await page.goto(`/tickets/${id}`);
  await expect(feed.getByRole('article').filter({ hasText: 'Message 120 of 120' })).toBeInViewport();
  // A first visit has nothing "new".
  await expect(page.getByText('New since your last visit')).toHaveCount(0);

  // Away (the list), two messages arrive through the API.
  await page.goto('/');
  const config = (await (await page.request.get('/config.json')).json()) as Config;
  const run = Date.now();
  for (const n of [1, 2]) {
    const response = await page.request.post(`${config.api_base}/organizations/${config.organization_id}/tickets/${id}/messages/`, {
      headers: { 'X-Initdesk-Token': config.token },
      data: { content: `Arrived while away ${n} [${run}]`, is_visible_to_customer: true },
    });
    expect(response.status()).toBe(201);
  }
  await page.goto(`/tickets/${id}`);
  const first = feed.getByRole('article').filter({ hasText: `Arrived while away 1 [${run}]` });
  await expect(first.getByText('New since your last visit')).toBeInViewport();
  await expect(page.getByText('New since your last visit')).toHaveCount(1);
  // Seen now: the next visit has no divider.
  await page.goto('/');
  await page.goto(`/tickets/${id}`);
  await expect(feed.getByRole('article').filter({ hasText: `Arrived while away 2 [${run}]` })).toBeInViewport();
  await expect(page.getByText('New since your last visit')).toHaveCount(0);

  // A link to a message on an old page (not loaded when the ticket opens) opens it in view.
  const all = await messagesOnServer(page.request, id);
  const old = all.find((m) => m.content.startsWith('Message 5 of 120'))!;
  await page.goto('/');
  await page.goto(`/tickets/${id}#message-${old.id}`);
  const target = feed.getByRole('article').filter({ hasText: 'Message 5 of 120.' });
  await expect(target).toBeInViewport();
  await expect(target).toHaveClass(/tl-msg--target/);
  // Its menu copies the same link.
  await target.getByRole('button', { name: 'Message actions' }).click();
  await target.getByRole('button', { name: 'Copy link' }).click();
  await expect(target.getByRole('status')).toHaveText('Link copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`${baseURL}/tickets/${id}#message-${old.id}`);
  // Far from the end: "Jump to latest" goes there.
  await page.getByRole('button', { name: 'Jump to latest' }).click();
  await expect(feed.getByRole('article').filter({ hasText: `Arrived while away 2 [${run}]` })).toBeInViewport();
  await expect(page.getByRole('button', { name: 'Jump to latest' })).toHaveCount(0);
  // A link to a message that is not there says so.
  await page.goto('/');
  await page.goto(`/tickets/${id}#message-999999999`);
  await expect(page.getByText('The linked message is not in this conversation.')).toBeVisible();
});

test('the image viewer by keyboard alone: open, next, focus kept inside, Esc, focus back on the thumbnail', async ({ page }) => {
  // Ticket 3 has a screenshot; a reply adds a second image.
  await page.goto('/tickets/3');
  const form = page.getByRole('form', { name: 'Answer this ticket' });
  const box = form.getByRole('textbox', { name: 'Reply text' });
  await expect(box).toBeVisible();
  await box.fill(`Our logo, as asked (e2e ${Date.now()})`);
  await form.locator('input[type=file]').setInputFiles(path.join(__dirname, '../../server/demo/logo.png'));
  await expect(form.getByRole('button', { name: 'Remove logo.png' })).toBeVisible();
  await form.getByRole('button', { name: 'Send reply' }).click();
  const feed = page.getByRole('feed', { name: 'Conversation' });
  await expect(feed.getByRole('button', { name: 'View image logo.png' }).last()).toBeVisible();

  // The screenshot is in the first message: at the top (the thread renders what is near).
  await page.evaluate(() => window.scrollTo(0, 0));
  const thumb = feed.getByRole('button', { name: 'View image login-error.png' });
  await thumb.scrollIntoViewIfNeeded();
  await thumb.focus();
  await page.keyboard.press('Enter');
  const first = page.getByRole('dialog', { name: 'login-error.png' });
  await expect(first).toBeVisible();
  await expect(first).toContainText(/^.*1 of [2-9]/);
  const image = first.getByRole('img', { name: 'login-error.png' });
  await expect.poll(() => image.evaluate((i: HTMLImageElement) => i.naturalWidth)).toBeGreaterThan(1);
  // The arrow key goes on to the next image of the ticket.
  await page.keyboard.press('ArrowRight');
  const second = page.getByRole('dialog', { name: 'logo.png' });
  await expect(second).toBeVisible();
  await expect.poll(() => second.getByRole('img', { name: 'logo.png' }).evaluate((i: HTMLImageElement) => i.naturalWidth)).toBeGreaterThan(1);
  // Download saves the image shown, and again (the viewer keeps its copy while it shows it).
  for (let i = 0; i < 2; i++) {
    const saving = page.waitForEvent('download');
    await second.getByRole('button', { name: 'Download image' }).press('Enter');
    const saved = await saving;
    expect(saved.suggestedFilename()).toBe('logo.png');
    expect(await saved.failure()).toBeNull();
  }
  await expect.poll(() => second.getByRole('img', { name: 'logo.png' }).evaluate((i: HTMLImageElement) => i.naturalWidth)).toBeGreaterThan(1);
  // Zoom by key, and back.
  await page.keyboard.press('+');
  await expect(second).toContainText('150 %');
  await page.keyboard.press('0');
  await expect(second).toContainText('Fit');
  // Tab (either way) never leaves the viewer.
  for (const key of ['Tab', 'Tab', 'Tab', 'Tab', 'Tab', 'Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab']) {
    await page.keyboard.press(key);
    expect(await page.evaluate(() => Boolean(document.activeElement?.closest('dialog.tl-viewer'))), `focus after ${key}`).toBe(true);
  }
  await page.keyboard.press('Escape');
  await expect(page.locator('dialog.tl-viewer')).toBeHidden();
  await expect(thumb).toBeFocused();
});

test('Print conversation puts every message on paper: earlier pages read, quotes unfolded, notes marked', async ({ page }) => {
  const id = await longThread(page, 120);
  const config = (await (await page.request.get('/config.json')).json()) as Config;
  const note = await page.request.post(`${config.api_base}/organizations/${config.organization_id}/tickets/${id}/messages/`, {
    headers: { 'X-Initdesk-Token': config.token },
    data: { content: 'Carrier confirmed the pickup (e2e note)', is_visible_to_customer: false },
  });
  expect(note.status()).toBe(201);
  const all = await messagesOnServer(page.request, id);
  // The browser's print dialog is the browser's: counted, not shown.
  await page.addInitScript(() => {
    const w = window as unknown as { __printed: number; print: () => void };
    w.__printed = 0;
    w.print = () => { w.__printed += 1; };
  });
  await page.goto(`/tickets/${id}`);
  const feed = page.getByRole('feed', { name: 'Conversation' });
  await expect(feed.getByText('Carrier confirmed the pickup (e2e note)')).toBeVisible();
  await page.getByRole('button', { name: 'Print conversation' }).click();
  await expect.poll(() => page.evaluate(() => (window as unknown as { __printed: number }).__printed)).toBe(1);
  const paper = page.locator('.tl-print');
  await expect(paper.locator('article')).toHaveCount(all.length);
  // On paper: the view for paper alone.
  await page.emulateMedia({ media: 'print' });
  await expect(paper).toBeVisible();
  await expect(feed).toBeHidden();
  await expect(page.getByRole('form', { name: 'Answer this ticket' })).toBeHidden();
  await expect(paper.getByRole('heading', { level: 1 })).toContainText('Benchmark thread with 120 messages');
  // The third message's quote, folded on screen, is on paper.
  await expect(paper.locator('article').nth(2)).toContainText('Your pallet reference is PLT-4417-QX');
  await expect(paper.locator('article').nth(2).locator('blockquote')).toBeVisible();
  await expect(paper.locator('.tl-print__msg--note')).toContainText('Internal note');
  await expect(paper.locator('.tl-print__msg--note')).toContainText('Carrier confirmed the pickup (e2e note)');
  // After printing, the screen is as it was.
  await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
  await expect(paper).toHaveCount(0);
  await page.emulateMedia({ media: 'screen' });
  await expect(feed).toBeVisible();
});

test('what the agent has seen follows them to another browser (kept on Threadline\'s server)', async ({ browser, baseURL }) => {
  const laptop = await browser.newContext({ baseURL });
  const page = await laptop.newPage();
  const id = await longThread(page, 60);
  const config = (await (await page.request.get('/config.json')).json()) as Config & { threadline_api: string };
  const headers = { 'X-Initdesk-Token': config.token };
  await page.goto(`/tickets/${id}`);
  await expect(page.getByRole('article').filter({ hasText: 'Message 60 of 60' })).toBeInViewport();
  // The server holds the newest message seen.
  const all = await messagesOnServer(page.request, id);
  await expect.poll(async () => (await (await page.request.get(`${config.threadline_api}/seen/${id}`, { headers })).json()).mark?.id)
    .toBe(String(all[all.length - 1].id));
  await laptop.close();

  // Two messages arrive; the agent opens the ticket in another browser (nothing stored in it).
  const run = Date.now();
  const desktop = await browser.newContext({ baseURL });
  const other = await desktop.newPage();
  for (const n of [1, 2]) {
    const response = await other.request.post(`${config.api_base}/organizations/${config.organization_id}/tickets/${id}/messages/`, {
      headers, data: { content: `Arrived meanwhile ${n} [${run}]`, is_visible_to_customer: true },
    });
    expect(response.status()).toBe(201);
  }
  await other.goto(`/tickets/${id}`);
  const first = other.getByRole('article').filter({ hasText: `Arrived meanwhile 1 [${run}]` });
  await expect(first.getByText('New since your last visit')).toBeInViewport();
  await desktop.close();
});
