// Accessibility: axe-core (WCAG 2.0, 2.1 and 2.2, levels A and AA) on every view and state,
// each reached the way a user reaches it; a state that fails names itself and its violations.
import AxeBuilder from '@axe-core/playwright';
import { test, expect } from './fixtures';
import type { APIRequestContext, Page } from '@playwright/test';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

/** Runs axe on the whole page (or `include`) and fails with a readable list of violations. */
async function noViolations(page: Page, state: string, include?: string) {
  let builder = new AxeBuilder({ page }).withTags(TAGS);
  if (include) builder = builder.include(include);
  const { violations } = await builder.analyze();
  const readable = violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n` +
    v.nodes.slice(0, 5).map((n) => `    ${n.target.join(' ')}: ${n.failureSummary?.replace(/\n/g, ' ')}`).join('\n'));
  expect(readable, `axe violations in state "${state}"`).toEqual([]);
}

async function openTicket(page: Page, id: string) {
  await page.goto(`/tickets/${id}`);
  await expect(page.getByRole('feed', { name: 'Conversation' }).getByRole('article').first()).toBeVisible();
}

function composer(page: Page) {
  return page.getByRole('form', { name: 'Answer this ticket' });
}

async function arm(request: APIRequestContext, fault: Record<string, unknown>) {
  const r = await request.post('/__test/faults', { data: fault });
  expect(r.status(), await r.text()).toBe(201);
}

test.afterEach(async ({ request }) => {
  await request.delete('/__test/faults');
});

test('the ticket list', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('link').first()).toBeVisible();
  await noViolations(page, 'ticket list');
});

test('a thread with the composer in reply mode, then note mode', async ({ page }) => {
  await openTicket(page, '1');
  await noViolations(page, 'thread, reply mode');
  await composer(page).getByRole('radio', { name: /Internal note/ }).check();
  await expect(composer(page).getByRole('textbox', { name: 'Internal note text' })).toBeVisible();
  await noViolations(page, 'thread, note mode');
});

test('the composer with chips, an invalid chip, open suggestions and errors', async ({ page }) => {
  await openTicket(page, '3');
  const form = composer(page);
  // The composer opens when the agent turns to it.
  await form.getByRole('textbox', { name: 'Reply text' }).click();
  const cc = form.getByRole('combobox', { name: 'Cc' });
  await cc.fill('good@x.example');
  await cc.press('Enter');
  await cc.fill('not-an-address');
  await cc.press('Tab');
  await expect(form.getByRole('listitem').filter({ hasText: 'not-an-address' })).toBeVisible();
  await noViolations(page, 'composer with a valid and an invalid CC chip');
  // The suggestions list open (people seen on the ticket).
  await cc.fill('a');
  await expect(form.getByRole('listbox', { name: 'Suggestions' })).toBeVisible();
  await cc.press('ArrowDown');
  await noViolations(page, 'CC suggestions open, one active');
  await cc.press('Escape');
  await cc.fill('');
  // Sending with the invalid chip: field errors.
  await form.getByRole('textbox', { name: 'Reply text' }).fill('Hello');
  await form.getByRole('button', { name: 'Send reply' }).click();
  await expect(form.getByRole('alert').first()).toBeVisible();
  await noViolations(page, 'composer with errors');
});

test('an upload in progress and a failed upload', async ({ page, request }) => {
  await openTicket(page, '4');
  const form = composer(page);
  const files = form.getByRole('list', { name: 'Files to send' });
  await arm(request, { kind: 'delay', delay_ms: 4000, method: 'POST', path_contains: '/attachments/' });
  await form.locator('input[type=file]').setInputFiles([{ name: 'slow.txt', mimeType: 'text/plain', buffer: Buffer.from('x'.repeat(20000)) }]);
  await expect(files.getByRole('progressbar', { name: 'Uploading slow.txt' })).toBeVisible();
  await noViolations(page, 'upload in progress');
  await request.delete('/__test/faults');
  await arm(request, { kind: 'status', status: 500, method: 'POST', path_contains: '/attachments/' });
  await form.locator('input[type=file]').setInputFiles([{ name: 'flaky.txt', mimeType: 'text/plain', buffer: Buffer.from('y') }]);
  await expect(files.getByRole('alert')).toBeVisible();
  await noViolations(page, 'upload failed');
});

test('a thread that cannot load', async ({ page, request }) => {
  await arm(request, { kind: 'status', status: 503, method: 'GET', path_contains: '/messages/', count: 100 });
  await page.goto('/tickets/2');
  await expect(page.getByRole('button', { name: 'Try again' })).toBeVisible();
  await noViolations(page, 'thread failed to load');
});

test('the customer view', async ({ page, request }) => {
  const { url } = await (await request.get('/__test/portal-link/2')).json();
  await page.goto(url);
  await expect(page.getByRole('feed', { name: 'Conversation' }).getByRole('article').first()).toBeVisible();
  await noViolations(page, 'customer view');
});

test('embedded conversations in an admin portal, and a framed read-only one', async ({ page }) => {
  await page.goto('/examples/admin-portal.html');
  await expect(page.getByRole('region', { name: 'Ticket 3' }).getByRole('article').last()).toBeVisible();
  await noViolations(page, 'embedded element');
  // The conversations draw in shadow roots (one light, one dark): axe looked inside them.
  const { passes } = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  const inShadow = passes.flatMap((p) => p.nodes).filter((n) => Array.isArray(n.target[0]));
  expect(inShadow.length, 'checks made inside the shadow roots').toBeGreaterThan(20);
  for (const name of ['Ticket 2', 'Ticket 3']) {
    await page.getByRole('region', { name }).getByRole('textbox', { name: 'Reply text' }).click();
  }
  await noViolations(page, 'embedded element, both composers open');
  await page.goto('/embed/3?mode=readonly');
  await expect(page.getByRole('feed', { name: 'Conversation' }).getByRole('article').last()).toBeVisible();
  await noViolations(page, 'framed read-only conversation');
});

test('the keyboard shortcuts overlay', async ({ page }) => {
  await openTicket(page, '1');
  await page.keyboard.press('Shift+?');
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
  await noViolations(page, 'shortcuts overlay open');
});

test('360 px wide (as 200% zoom on a small laptop): nothing scrolls sideways', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  for (const path of ['/', '/tickets/1']) {
    await page.goto(path);
    await expect(page.getByRole('link').or(page.getByRole('article')).first()).toBeVisible();
    if (path !== '/') await expect(page.getByRole('feed', { name: 'Conversation' }).getByRole('article').first()).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `${path} scrolls sideways by ${overflow}px at 360 px`).toBeLessThanOrEqual(0);
    await noViolations(page, `${path} at 360 px`);
  }
});

test('dark colour scheme, reduced motion and forced colours', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' });
  await openTicket(page, '1');
  await noViolations(page, 'thread in the dark scheme');
  await page.emulateMedia({ colorScheme: 'light', forcedColors: 'active' });
  await noViolations(page, 'thread with forced colours');
});

test('German: the ticket list, thread and composer, in German', async ({ page }) => {
  await page.goto('/?lang=de');
  await expect(page.getByRole('heading', { name: 'Tickets' })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.lang)).toBe('de');
  await noViolations(page, 'German ticket list');
  await page.goto('/tickets/3?lang=de');
  const feed = page.getByRole('feed', { name: 'Unterhaltung' });
  await expect(feed.getByRole('article').first()).toBeVisible();
  expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual(['de', 'ltr']);
  const form = page.getByRole('form', { name: 'Dieses Ticket beantworten' });
  await expect(form.getByRole('textbox', { name: 'Antworttext' })).toBeVisible();
  await noViolations(page, 'German thread and composer');
  // Open the shortcut list in German.
  await page.keyboard.press('Shift+?');
  await expect(page.getByRole('dialog', { name: 'Tastenkombinationen' })).toBeVisible();
  await expect(page.getByRole('dialog').getByText('Strg').first()).toBeVisible();
  await noViolations(page, 'German shortcut list');
});

test('Arabic: right to left, laid out as a mirror', async ({ page, request }) => {
  await page.goto('/?lang=ar');
  await expect(page.getByRole('heading', { name: 'التذاكر' })).toBeVisible();
  await noViolations(page, 'Arabic ticket list');
  const { url } = await (await request.get('/__test/portal-link/2')).json();
  await page.goto(`${url}?lang=ar`);
  await expect(page.getByRole('feed', { name: 'المحادثة' }).getByRole('article').first()).toBeVisible();
  await noViolations(page, 'Arabic customer view');
  await page.goto('/tickets/3?lang=ar');
  const feed = page.getByRole('feed', { name: 'المحادثة' });
  await expect(feed.getByRole('article').first()).toBeVisible();
  expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual(['ar', 'rtl']);
  // Mirrored: the composer's text starts at the right; the time sits at the left of a header.
  const form = page.getByRole('form', { name: 'الرد على هذه التذكرة' });
  expect(await form.evaluate((e) => getComputedStyle(e).direction)).toBe('rtl');
  const header = feed.getByRole('article').first().locator('.tl-msg__header');
  const [author, time] = await Promise.all([
    header.locator('.tl-msg__author').boundingBox(),
    header.locator('.tl-time').boundingBox(),
  ]);
  expect(time!.x).toBeLessThan(author!.x);
  // A message written in English keeps its own direction.
  const body = feed.getByRole('article').first().locator('.tl-msg__body').first();
  expect(await body.getAttribute('dir')).toBe('auto');
  await noViolations(page, 'Arabic thread and composer');
});

test('the workspace states: sidebar, collapsed and open composer, toast, spam warning, skeleton, a missing ticket', async ({ page, request }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await openTicket(page, '1');
  await expect(page.getByRole('complementary', { name: 'Details' })).toBeVisible();
  await noViolations(page, 'sidebar and collapsed composer');
  const box = composer(page).getByRole('textbox', { name: 'Reply text' });
  await box.click();
  await noViolations(page, 'open composer');
  await box.fill(`Axe check (e2e ${Date.now()})`);
  await composer(page).getByRole('button', { name: /^Send/ }).click();
  await expect(page.locator('.tl-toast')).toBeVisible();
  await noViolations(page, 'toast after a send');

  await page.setViewportSize({ width: 360, height: 740 });
  await page.getByRole('button', { name: 'Details' }).click();
  await noViolations(page, 'details open in the header');

  const { token } = await (await request.get('/config.json')).json();
  await request.post('/api/initdesk/organizations/1/tickets/6/messages/', {
    headers: { 'X-Initdesk-Token': token },
    data: { content: 'Spam again (e2e a11y)', is_visible_to_customer: false, next_action: 'report_spam' },
  });
  await openTicket(page, '6');
  await expect(page.getByRole('button', { name: 'Answer anyway' })).toBeVisible();
  await noViolations(page, 'spam warning');

  await arm(request, { kind: 'delay', delay_ms: 5000, method: 'GET', path_contains: '/tickets/?' });
  await page.goto('/');
  await expect(page.locator('.tl-skeleton')).toBeVisible();
  await noViolations(page, 'list skeleton');

  await page.goto('/tickets/999999');
  await expect(page.getByRole('link', { name: 'Back to all tickets' })).toBeVisible();
  await noViolations(page, 'missing ticket');
});

test('a folded run of events, open; a message\'s actions menu; View original', async ({ page }) => {
  await openTicket(page, '1');
  const run = page.getByRole('article', { name: /^3 events/ });
  await run.getByRole('button').click();
  await noViolations(page, 'folded events opened', '.tl-thread');
  await openTicket(page, '4');
  const email = page.getByRole('article', { name: /^Message from Lukas Weber/ });
  await email.getByRole('button', { name: 'Message actions' }).click();
  await noViolations(page, 'message actions menu', '.tl-thread');
  await email.getByRole('button', { name: 'View original' }).click();
  await expect(page.getByRole('dialog', { name: 'Original email' })).toBeVisible();
  await noViolations(page, 'View original');
});

test('find with hits, the new-since-last-visit divider with Jump to latest, the image viewer, a copied link', async ({ page }) => {
  // A long thread: the find bar with its offer to search earlier pages, then with hits.
  const created = await page.request.post('/__test/long-thread?count=120');
  const { id } = (await created.json()) as { id: string };
  await openTicket(page, id);
  await page.getByRole('button', { name: 'Find in conversation' }).click();
  const bar = page.getByRole('search', { name: 'Find in conversation' });
  await bar.getByRole('searchbox').fill('totals');
  await expect(bar.getByRole('status')).toHaveText(/^\d+ of \d+$/);
  await noViolations(page, 'find bar with hits');
  await bar.getByRole('searchbox').press('Escape');
  // Away, a message arrives; back, the divider.
  await page.goto('/');
  const config = await (await page.request.get('/config.json')).json();
  const posted = await page.request.post(`${config.api_base}/organizations/${config.organization_id}/tickets/${id}/messages/`, {
    headers: { 'X-Initdesk-Token': config.token },
    data: { content: 'A new question while you were away (e2e)', is_visible_to_customer: true },
  });
  expect(posted.status()).toBe(201);
  await openTicket(page, id);
  await expect(page.getByText('New since your last visit')).toBeVisible();
  await page.evaluate(() => window.scrollTo(0, 0));
  await expect(page.getByRole('button', { name: 'Jump to latest' })).toBeVisible();
  await noViolations(page, 'divider and Jump to latest');
  // A copied link's message; the viewer on an image.
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await openTicket(page, '3');
  // The screenshot is in the first message: at the top (the thread renders what is near).
  await page.evaluate(() => window.scrollTo(0, 0));
  const thumb = page.getByRole('button', { name: 'View image login-error.png' });
  await thumb.scrollIntoViewIfNeeded();
  const message = page.getByRole('article').filter({ has: thumb });
  await message.getByRole('button', { name: 'Message actions' }).click();
  await message.getByRole('button', { name: 'Copy link' }).click();
  await expect(message.getByRole('status')).toHaveText('Link copied');
  await noViolations(page, 'link copied', '.tl-thread');
  await thumb.click();
  await expect(page.getByRole('dialog', { name: 'login-error.png' })).toBeVisible();
  await noViolations(page, 'image viewer');
});
