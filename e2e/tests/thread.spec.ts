import { test, expect, messagesOnServer } from './fixtures';

type Config = { api_base: string; organization_id: string; token: string };

test('a long thread opens on its newest messages and loads older ones without jumping', async ({ page, request }) => {
  // Make ticket 7 long, over the real API: 120 more messages, tagged with this run so that a
  // repeated run (same database) finds its own.
  const config = (await (await request.get('/config.json')).json()) as Config;
  const url = `${config.api_base}/organizations/${config.organization_id}/tickets/7/messages/`;
  const run = Date.now();
  for (let i = 1; i <= 120; i++) {
    const response = await request.post(url, {
      headers: { 'X-Initdesk-Token': config.token },
      data: { content: `Bulk message ${i} [run ${run}]`, is_visible_to_customer: false },
    });
    expect(response.status()).toBe(201);
  }
  // Which pages the app opens on (pages of 50, the last one and, when it is less than half
  // full, the one before), and so which message heads the list until older ones arrive.
  const all = await messagesOnServer(request, '7');
  const size = 50;
  const last = Math.ceil(all.length / size);
  const lastCount = all.length - (last - 1) * size;
  const firstLoadedPage = last > 1 && lastCount * 2 < size ? last - 1 : last;
  const headIndex = (firstLoadedPage - 1) * size;
  expect(headIndex).toBeGreaterThan(0);
  const head = all[headIndex].content;
  const aboveHead = all[headIndex - 1].content;
  expect(head).toContain(`[run ${run}]`);
  expect(aboveHead).toContain(`[run ${run}]`);

  await page.goto('/tickets/7');
  const thread = page.getByRole('feed', { name: 'Conversation' });
  const newest = thread.getByRole('article').filter({ hasText: `Bulk message 120 [run ${run}]` });
  await expect(newest).toBeInViewport();
  // Only the newest pages are loaded: the demo's first message is not in the page yet.
  await expect(thread.getByText('Please cancel my subscription')).toHaveCount(0);
  const loadedAtFirst = await thread.getByRole('article').count();
  expect(loadedAtFirst).toBeLessThan(all.length);
  await expect(page.getByRole('button', { name: 'Load older messages' })).toBeAttached();
  // Older pages still to load: the thread's size is unknown to the feed.
  await expect(thread.getByRole('article').first()).toHaveAttribute('aria-setsize', '-1');

  // Scroll to the top: the older page loads above, and what was on screen stays put. The
  // message heading the list sits at the list's top there; measured in the same task as the
  // scroll.
  const expectedTop = await page.evaluate(() => {
    window.scrollTo(0, 0);
    return document.querySelector('.tl-thread')!.getBoundingClientRect().top;
  });
  // The older page has arrived once the message just above the head is rendered (windowed:
  // only messages near the viewport are in the DOM, so the older page's first ones are not).
  await expect(thread.getByRole('article').filter({ hasText: aboveHead })).toBeAttached();
  expect(await thread.getByRole('article').count()).toBeLessThan(60);
  const anchor = thread.getByRole('article').filter({ hasText: head });
  await expect(anchor).toBeInViewport();
  const anchorTop = await anchor.evaluate((el) => el.getBoundingClientRect().top);
  expect(Math.abs(anchorTop - expectedTop)).toBeLessThan(5);
  // Scrolling up, page by page, reaches the oldest message.
  await expect(async () => {
    await page.evaluate(() => window.scrollTo(0, 0));
    await expect(thread.getByText('Please cancel my subscription')).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await expect(page.getByText('Beginning of the conversation')).toBeVisible();
  // All loaded: positions count from the oldest, over the whole thread (articles that were on
  // screen before the older pages came are numbered anew).
  const oldest = thread.getByRole('article').filter({ hasText: 'Please cancel my subscription' });
  await expect(oldest).toHaveAttribute('aria-posinset', '1');
  await expect(oldest).toHaveAttribute('aria-setsize', String(all.length));
});

test('a new message appears on its own, announced rather than scrolled to', async ({ page, request }) => {
  await page.goto('/tickets/2'); // taller than the viewport
  const thread = page.getByRole('feed', { name: 'Conversation' });
  // It opens on its newest message, beside the composer.
  await expect(thread.getByRole('article').last()).toBeInViewport();
  expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
  // Let the opening scroll finish before moving away from the bottom.
  await page.evaluate(() => new Promise((done) => {
    let frames = 10;
    const tick = () => (--frames > 0 ? requestAnimationFrame(tick) : done(null));
    requestAnimationFrame(tick);
  }));
  await page.evaluate(() => window.scrollTo(0, 0));

  const config = (await (await request.get('/config.json')).json()) as Config;
  const text = `A colleague's note arriving later (e2e ${Date.now()})`;
  const response = await request.post(`${config.api_base}/organizations/${config.organization_id}/tickets/2/messages/`, {
    headers: { 'X-Initdesk-Token': config.token },
    data: { content: text, is_visible_to_customer: false },
  });
  expect(response.status()).toBe(201);

  // The xtask server tells the app to poll every 2 s.
  const pill = page.getByRole('status').getByRole('button', { name: '1 new message' });
  await expect(pill).toBeVisible({ timeout: 15_000 });
  const arrived = thread.getByRole('article').filter({ hasText: text });
  expect(await page.evaluate(() => window.scrollY)).toBe(0);
  await pill.click();
  await expect(arrived).toBeInViewport();
  await expect(page.getByRole('button', { name: /new message/ })).toHaveCount(0);
});
