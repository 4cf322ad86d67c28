// Embedding: an admin-portal page (examples/admin-portal.html) holds two conversations from one
// script include. Each scrolls in its own box, takes its theme from its attribute and the
// host's custom properties, leaves the host's styles alone, and reports to the page.
import { test, expect, messagesOnServer } from './fixtures';

test('an admin portal embeds two conversations that live in their boxes and report to the page', async ({ page, request }) => {
  await page.goto('/examples/admin-portal.html');
  const billing = page.getByRole('region', { name: 'Ticket 2' });
  const login = page.getByRole('region', { name: 'Ticket 3' });
  for (const region of [billing, login]) {
    await expect(region.getByRole('feed', { name: 'Conversation' }).getByRole('article').last()).toBeVisible();
  }
  // The host keeps its own look.
  expect(await page.evaluate(() => getComputedStyle(document.body).fontFamily)).toContain('Georgia');
  // Each fills its box and scrolls inside it, opened on its newest message.
  const box = billing.locator('.tl-embed');
  expect((await billing.locator('threadline-conversation').boundingBox())!.height).toBeCloseTo(560, 0);
  expect(await box.evaluate((e) => e.scrollHeight > e.clientHeight && e.scrollTop > 0)).toBe(true);
  expect(await page.evaluate(() => document.documentElement.scrollHeight <= window.innerHeight * 2)).toBe(true);
  // Light by default here (the system's), dark by attribute; the host's accent colour applies.
  const background = (region: typeof billing) => region.locator('.tl-embed').evaluate((e) => getComputedStyle(e).backgroundColor);
  expect(await background(billing)).toBe('rgb(246, 247, 249)');
  expect(await background(login)).toBe('rgb(20, 23, 29)');
  expect(await billing.locator('.tl-avatar').first().evaluate((e) => getComputedStyle(e).backgroundColor)).toBe('rgb(138, 63, 252)');

  // A reply that resolves ticket 3 is reported to the page: sent, then the status change.
  const text = `Answered from the admin portal (e2e ${Date.now()})`;
  const statusCode = page.evaluate(() => new Promise((resolve) => document.addEventListener(
    'threadline:status-changed', (e) => resolve((e as CustomEvent).detail.statusCode), { once: true })));
  const form = login.getByRole('form', { name: 'Answer this ticket' });
  await form.getByRole('textbox', { name: 'Reply text' }).fill(text);
  await form.getByLabel('Next action').selectOption({ label: 'Close as resolved' });
  await form.getByRole('button', { name: 'Send and close as resolved' }).click();
  await expect(login.getByRole('feed', { name: 'Conversation' }).getByRole('article').filter({ hasText: text })).toHaveCount(1);
  const events = page.getByRole('list', { name: 'Threadline events' });
  await expect(events).toContainText('threadline:sent ticket 3');
  await expect(events).toContainText('threadline:status-changed ticket 3 → Closed: resolved');
  expect(await statusCode).toBe('closed_resolved');
  // Only that conversation changed, and the server has the reply once.
  await expect(billing.getByText(text)).toHaveCount(0);
  expect((await messagesOnServer(request, '3')).filter((m) => m.content.includes(text))).toHaveLength(1);
});

test('a portal that frames a conversation hears from it by postMessage', async ({ page, request }) => {
  await page.goto('/examples/iframe-portal.html');
  const frame = page.frameLocator('iframe[title="Ticket 2 conversation"]');
  await expect(frame.getByRole('feed', { name: 'Conversation' }).getByRole('article').last()).toBeVisible();
  // Framed, it has no way back to a list.
  await expect(frame.getByRole('link', { name: /All tickets/ })).toHaveCount(0);
  const text = `Answered in a frame (e2e ${Date.now()})`;
  const form = frame.getByRole('form', { name: 'Answer this ticket' });
  await form.getByRole('textbox', { name: 'Reply text' }).fill(text);
  await form.getByRole('button', { name: 'Send reply' }).click();
  await expect(page.getByRole('list', { name: 'Threadline events' })).toContainText('threadline:sent ticket 2');
  expect((await messagesOnServer(request, '2')).filter((m) => m.content.includes(text))).toHaveLength(1);
});

test('a framed read-only conversation has no composer', async ({ page }) => {
  await page.goto('/embed/3?mode=readonly');
  await expect(page.getByRole('feed', { name: 'Conversation' }).getByRole('article').last()).toBeVisible();
  await expect(page.getByRole('form', { name: 'Answer this ticket' })).toHaveCount(0);
});

test("a customer's embedded conversation stays a customer's, whatever the page asks", async ({ page, request }) => {
  const { link } = await (await request.get('/__test/portal-link/2')).json();
  await page.goto('/examples/admin-portal.html');
  await page.evaluate((link) => {
    const section = document.createElement('section');
    section.setAttribute('aria-label', 'Customer view');
    const el = document.createElement('threadline-conversation');
    el.setAttribute('ticket-id', link);
    el.setAttribute('config-url', `/portal-api/${link}/config.json`);
    el.setAttribute('mode', 'agent'); // asks for more than the link gives
    section.append(el);
    document.querySelector('main')!.append(section);
  }, link);
  const customer = page.getByRole('region', { name: 'Customer view' });
  await expect(customer.getByRole('feed', { name: 'Conversation' }).getByRole('article').first()).toBeVisible();
  await expect(customer.getByRole('article', { name: /^Internal note/ })).toHaveCount(0);
  await expect(customer.getByRole('form', { name: 'Reply to this conversation' })).toBeVisible();
  await expect(customer.getByRole('radio')).toHaveCount(0);
  await expect(customer.getByLabel('Next action')).toHaveCount(0);
});

test('two conversations on one page share no element id, and each label names its own field', async ({ page }) => {
  await page.goto('/examples/admin-portal.html');
  for (const name of ['Ticket 2', 'Ticket 3']) {
    const form = page.getByRole('region', { name }).getByRole('form', { name: 'Answer this ticket' });
    await form.getByRole('textbox', { name: 'Reply text' }).click();
    // Found by its label: the label's `for` points into this form, not the other one.
    await expect(form.getByRole('combobox', { name: 'Cc', exact: true })).toBeVisible();
  }
  // Each conversation draws in its own shadow root; ids stay unique across the page anyway
  // (a host may still look one up through a shadow root, and axe reads them all).
  const ids = await page.evaluate(() => {
    const all: string[] = [];
    const walk = (root: Document | ShadowRoot) => root.querySelectorAll('*').forEach((el) => {
      if (el.id) all.push(el.id);
      if (el.shadowRoot) walk(el.shadowRoot);
    });
    walk(document);
    return all;
  });
  expect(ids.filter((id) => id.startsWith('tl-')).length).toBeGreaterThan(4);
  expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
});

test('an element follows its attributes: another ticket, mode and theme in place, the first ticket\'s draft kept', async ({ page, request }) => {
  await page.goto('/examples/admin-portal.html');
  const region = page.getByRole('region', { name: 'Ticket 2' });
  const element = region.locator('threadline-conversation');
  const feed = region.getByRole('feed', { name: 'Conversation' });
  await expect(feed.getByRole('article').last()).toBeVisible();
  await expect(region.getByRole('heading', { level: 1 })).toContainText('#1002');
  // A reply sent just before the page moves the element to another ticket still goes, once,
  // and the page hears of it; a half-written one waits for the ticket's return.
  const queued = `Sent on the way to another ticket (e2e ${Date.now()})`;
  await region.getByRole('textbox', { name: 'Reply text' }).fill(queued);
  await region.getByRole('button', { name: 'Send reply' }).click();
  // Queued once the newest messages are checked (the box empties); typed before that, the next
  // words would join this reply.
  await expect(region.getByRole('textbox', { name: 'Reply text' })).toHaveValue('');
  const draft = `Half a thought for ticket 2 (e2e ${Date.now()})`;
  await region.getByRole('textbox', { name: 'Reply text' }).fill(draft);
  await element.evaluate((e) => e.setAttribute('ticket-id', '5'));
  await expect(region.getByRole('heading', { level: 1 })).toContainText('#1005');
  await expect(feed.getByRole('article').last()).toBeVisible();
  await expect(region.getByText(draft)).toHaveCount(0);
  await expect(page.getByRole('list', { name: 'Threadline events' })).toContainText('threadline:sent ticket 2');
  await expect.poll(async () => (await messagesOnServer(request, '2')).filter((m) => m.content === queued).length).toBe(1);
  // Read-only, then an agent's again.
  await element.evaluate((e) => e.setAttribute('mode', 'readonly'));
  await expect(region.getByRole('form', { name: 'Answer this ticket' })).toHaveCount(0);
  await element.evaluate((e) => e.setAttribute('mode', 'agent'));
  await expect(region.getByRole('form', { name: 'Answer this ticket' })).toBeVisible();
  // Dark by attribute, without drawing anything again.
  const background = () => region.locator('.tl-embed').evaluate((e) => getComputedStyle(e).backgroundColor);
  expect(await background()).toBe('rgb(246, 247, 249)');
  await element.evaluate((e) => e.setAttribute('theme', 'dark'));
  await expect.poll(background).toBe('rgb(20, 23, 29)');
  await element.evaluate((e) => e.setAttribute('ticket-id', '2'));
  await expect(region.getByRole('heading', { level: 1 })).toContainText('#1002');
  await expect(region.getByRole('textbox', { name: 'Reply text' })).toHaveValue(draft);
});

test('conversations on one page speak their own languages', async ({ page }) => {
  await page.goto('/examples/admin-portal.html');
  await page.evaluate(() => {
    for (const [lang, ticket] of [['de', '2'], ['ar', '3']]) {
      const section = document.createElement('section');
      section.setAttribute('aria-label', `In ${lang}`);
      const el = document.createElement('threadline-conversation');
      el.setAttribute('ticket-id', ticket);
      el.setAttribute('lang', lang);
      section.append(el);
      document.querySelector('main')!.append(section);
    }
  });
  const german = page.getByRole('region', { name: 'In de' });
  const arabic = page.getByRole('region', { name: 'In ar' });
  await expect(german.getByRole('feed', { name: 'Unterhaltung' }).getByRole('article').last()).toBeVisible();
  await expect(arabic.getByRole('feed', { name: 'المحادثة' }).getByRole('article').last()).toBeVisible();
  await expect(german.getByRole('form', { name: 'Dieses Ticket beantworten' })).toBeVisible();
  await expect(arabic.getByRole('form', { name: 'الرد على هذه التذكرة' })).toBeVisible();
  expect(await arabic.locator('.tl-embed').getAttribute('dir')).toBe('rtl');
  expect(await german.locator('.tl-embed').getAttribute('lang')).toBe('de');
  // The page's own two stay in its language.
  for (const name of ['Ticket 2', 'Ticket 3']) {
    await expect(page.getByRole('region', { name }).getByRole('form', { name: 'Answer this ticket' })).toBeVisible();
  }
  // And a language changed later is followed.
  await german.locator('threadline-conversation').evaluate((e) => e.setAttribute('lang', 'ar'));
  await expect(german.getByRole('form', { name: 'الرد على هذه التذكرة' })).toBeVisible();
});

test('inside its shadow root, shortcuts, focus and the live region work for that conversation only', async ({ page, request }) => {
  await page.goto('/examples/admin-portal.html');
  const billing = page.getByRole('region', { name: 'Ticket 2' });
  const login = page.getByRole('region', { name: 'Ticket 3' });
  const feed = billing.getByRole('feed', { name: 'Conversation' });
  await expect(feed.getByRole('article').last()).toBeVisible();
  await feed.getByRole('article').last().focus();
  const focused = feed.locator('article:focus');
  const at = Number(await focused.getAttribute('aria-posinset'));
  await page.keyboard.press('k');
  await expect(focused).toHaveAttribute('aria-posinset', String(at - 1));
  // "?" lists the shortcuts; Escape closes the list and gives the focus back.
  await page.keyboard.press('Shift+?');
  const help = billing.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();
  await expect(focused).toHaveAttribute('aria-posinset', String(at - 1));
  // "n" writes a note here, not in the other conversation; Ctrl+Enter sends it.
  await page.keyboard.press('n');
  const note = billing.getByRole('textbox', { name: 'Internal note text' });
  await expect(note).toBeFocused();
  await expect(login.getByRole('textbox', { name: 'Internal note text' })).toHaveCount(0);
  const text = `A note by keyboard in a shadow root (e2e ${Date.now()})`;
  await page.keyboard.type(text);
  await page.keyboard.press('Control+Enter');
  await expect(feed.getByRole('article').filter({ hasText: text })).toHaveCount(1);
  await expect(billing.getByRole('status').filter({ hasText: /note/i }).first()).toBeAttached();
  await expect(login.getByRole('status').filter({ hasText: /note/i })).toHaveCount(0);
  expect((await messagesOnServer(request, '2')).filter((m) => m.content === text)).toHaveLength(1);
});

test('an element opens on the message its message-id names, follows a new one, and tells the page of a copied link', async ({ page }) => {
  const created = await page.request.post('/__test/long-thread?count=120');
  const { id } = (await created.json()) as { id: string };
  const all = await messagesOnServer(page.request, id);
  const fifth = all.find((m) => m.content.startsWith('Message 5 of 120'))!;
  const tenth = all.find((m) => m.content.startsWith('Message 10 of 120'))!;
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('/examples/admin-portal.html');
  await page.evaluate(({ id, message }) => {
    const w = window as unknown as { links: unknown[] };
    w.links = [];
    document.addEventListener('threadline:message-link', (e) => w.links.push((e as CustomEvent).detail));
    const section = document.createElement('section');
    section.setAttribute('aria-label', 'Linked');
    const el = document.createElement('threadline-conversation');
    el.setAttribute('ticket-id', id);
    el.setAttribute('message-id', message);
    section.append(el);
    document.querySelector('main')!.prepend(section);
  }, { id, message: String(fifth.id) });
  const region = page.getByRole('region', { name: 'Linked' });
  const target = region.getByRole('article').filter({ hasText: 'Message 5 of 120.' });
  await expect(target).toBeInViewport();
  await expect(target).toHaveClass(/tl-msg--target/);
  // The page hears of a copied link, to make one of its own.
  await target.getByRole('button', { name: 'Message actions' }).click();
  await target.getByRole('button', { name: 'Copy link' }).click();
  await expect(target.getByRole('status')).toHaveText('Link copied');
  const links = await page.evaluate(() => (window as unknown as { links: unknown[] }).links);
  expect(links).toEqual([expect.objectContaining({ ticketId: id, messageId: String(fifth.id) })]);
  // Another message named: the conversation goes there.
  await region.locator('threadline-conversation').evaluate((e, m) => e.setAttribute('message-id', m), String(tenth.id));
  await expect(region.getByRole('article').filter({ hasText: 'Message 10 of 120.' })).toHaveClass(/tl-msg--target/);
  await expect(region.getByRole('article').filter({ hasText: 'Message 10 of 120.' })).toBeInViewport();
});
