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

  // Scroll to the top: older messages load above, and what was on screen stays put.
  const anchor = thread.getByRole('article').first();
  const anchorId = await anchor.evaluate((el) => el.closest('li')?.dataset.messageId);
  // Measured in the same task as the scroll, before any scroll event can start a load.
  const anchorTopBefore = await page.locator(`li[data-message-id="${anchorId}"]`).evaluate((el) => {
    window.scrollTo(0, 0);
    return el.getBoundingClientRect().top;
  });
  await expect(thread.getByText('Please cancel my subscription')).toHaveCount(1);
  await expect(thread.getByRole('article')).toHaveCount(123);
  const anchorTopAfter = await page.locator(`li[data-message-id="${anchorId}"]`).evaluate((el) => el.getBoundingClientRect().top);
  expect(Math.abs(anchorTopAfter - anchorTopBefore)).toBeLessThan(5);
  await expect(page.getByRole('button', { name: 'Load older messages' })).toHaveCount(0);
});

test('a new message appears on its own, announced rather than scrolled to', async ({ page, request }) => {
  await page.goto('/tickets/2'); // taller than the viewport
  const thread = page.getByRole('list', { name: 'Conversation' });
  await expect(thread.getByRole('article').first()).toBeVisible();
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
  await expect(arrived).toHaveCount(1);
  expect(await page.evaluate(() => window.scrollY)).toBe(0);
  await expect(arrived).not.toBeInViewport();
  await pill.click();
  await expect(thread.getByRole('article').filter({ hasText: text })).toBeInViewport();
  await expect(page.getByRole('button', { name: /new message/ })).toHaveCount(0);
});
