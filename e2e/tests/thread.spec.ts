import { test, expect } from './fixtures';

type Config = { api_base: string; organization_id: string; token: string };

test('a long thread opens on its newest messages and loads older ones without jumping', async ({ page, request }) => {
  // Make ticket 7 long, over the real API: 3 demo messages + 120 = 3 pages of 50.
  const config = (await (await request.get('/config.json')).json()) as Config;
  const url = `${config.api_base}/organizations/${config.organization_id}/tickets/7/messages/`;
  for (let i = 1; i <= 120; i++) {
    const response = await request.post(url, {
      headers: { 'X-Initdesk-Token': config.token },
      data: { content: `Bulk message ${i}`, is_visible_to_customer: false },
    });
    expect(response.status()).toBe(201);
  }

  await page.goto('/tickets/7');
  const thread = page.getByRole('list', { name: 'Conversation' });
  const newest = thread.getByRole('article').filter({ hasText: 'Bulk message 120' });
  await expect(newest).toBeInViewport();
  // Only the newest pages are loaded: the demo's first message is not in the page yet.
  await expect(thread.getByText('Please cancel my subscription')).toHaveCount(0);
  const loadedAtFirst = await thread.getByRole('article').count();
  expect(loadedAtFirst).toBeLessThan(123);
  await expect(page.getByRole('button', { name: 'Load older messages' })).toBeAttached();

  // Scroll to the top: older messages load above, and what was on screen stays put. The
  // oldest loaded message (page 2 starts at the 51st: "Bulk message 48") heads the list, so at
  // the top of the page it sits at the list's top; measured in the same task as the scroll.
  const expectedTop = await page.evaluate(() => {
    window.scrollTo(0, 0);
    return document.querySelector('.tl-thread')!.getBoundingClientRect().top;
  });
  // All 123 are loaded (no older page is left), but windowed: only those near the viewport are
  // in the DOM, so the oldest, some 50 messages above the view, is not.
  await expect(page.getByRole('button', { name: 'Load older messages' })).toHaveCount(0);
  expect(await thread.getByRole('article').count()).toBeLessThan(60);
  const anchor = thread.getByRole('article').filter({ hasText: /^.*Bulk message 48$/ });
  await expect(anchor).toBeInViewport();
  const anchorTop = await anchor.evaluate((el) => el.closest('li')!.getBoundingClientRect().top);
  expect(Math.abs(anchorTop - expectedTop)).toBeLessThan(5);
  // Scrolling up reaches the oldest message.
  await page.evaluate(() => window.scrollTo(0, 0));
  await expect(thread.getByText('Please cancel my subscription')).toBeVisible();
});

test('a new message appears on its own, announced rather than scrolled to', async ({ page, request }) => {
  await page.goto('/tickets/2'); // taller than the viewport
  const thread = page.getByRole('list', { name: 'Conversation' });
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
  await expect(thread.getByRole('article').filter({ hasText: text })).toBeInViewport();
  await expect(page.getByRole('button', { name: /new message/ })).toHaveCount(0);
});
