// The app as a browser receives it: compressed, cached by its hashed names, with the
// configuration preloaded beside the wasm, and a customer's link never fetching the
// deployment's configuration (which in demo mode holds the token).
import type { Page, Response } from '@playwright/test';
import { test, expect, messagesOnServer, savedDraft } from './fixtures';

/** Every response the page receives, by path. */
function responses(page: Page): Map<string, Response[]> {
  const seen = new Map<string, Response[]>();
  page.on('response', (r) => {
    const path = new URL(r.url()).pathname;
    seen.set(path, [...(seen.get(path) ?? []), r]);
  });
  return seen;
}

/** What started each request for a path ending in `suffix`, as the browser records it. */
function initiators(page: Page, suffix: string): Promise<string[]> {
  return page.evaluate((end) => performance.getEntriesByType('resource')
    .filter((e) => new URL(e.name).pathname.endsWith(end))
    .map((e) => (e as PerformanceResourceTiming).initiatorType), suffix);
}

function only(seen: Map<string, Response[]>, pattern: RegExp): Response {
  const matches = [...seen].filter(([path]) => pattern.test(path)).flatMap(([, r]) => r);
  expect(matches, String(pattern)).toHaveLength(1);
  return matches[0];
}

test("the agent's page arrives compressed, cached by name, its configuration fetched once", async ({ page }) => {
  const seen = responses(page);
  await page.goto('/tickets/2');
  await expect(page.getByRole('feed', { name: 'Conversation' }).getByRole('article').last()).toBeVisible();
  const wasm = only(seen, /^\/threadline-[0-9a-f]+_bg\.wasm$/);
  const headers = await wasm.allHeaders();
  expect(headers['content-encoding']).toMatch(/^(br|gzip)$/);
  expect(headers['cache-control']).toBe('public, max-age=31536000, immutable');
  expect(headers['vary']).toContain('Accept-Encoding');
  // The browser's own account: far fewer bytes came than the module holds.
  const sizes = await page.evaluate(() => {
    const entry = performance.getEntriesByType('resource').find((e) => e.name.endsWith('_bg.wasm')) as PerformanceResourceTiming;
    return { encoded: entry.encodedBodySize, decoded: entry.decodedBodySize };
  });
  expect(sizes.encoded).toBeGreaterThan(0);
  expect(sizes.encoded * 2).toBeLessThan(sizes.decoded);
  // Preloaded (by the page, not by the app) and then used: one request, not two.
  only(seen, /^\/config\.json$/);
  expect(await initiators(page, '/config.json')).toEqual(['link']);
  expect((await only(seen, /^\/tickets\/2$/).allHeaders())['cache-control']).toBe('no-cache');
});

test("a customer's link preloads its own configuration and never the deployment's", async ({ page, request }) => {
  const { url } = await (await request.get('/__test/portal-link/2')).json();
  const seen = responses(page);
  await page.goto(url);
  await expect(page.getByRole('feed', { name: 'Conversation' }).getByRole('article').first()).toBeVisible();
  only(seen, /^\/portal-api\/[^/]+\/config\.json$/);
  expect(await initiators(page, '/config.json')).toEqual(['link']);
  expect(seen.has('/config.json')).toBe(false);
});

test('the embed loader keeps its address and names this build', async ({ page }) => {
  const seen = responses(page);
  await page.goto('/examples/admin-portal.html');
  await expect(page.getByRole('region', { name: 'Ticket 2' }).getByRole('article').last()).toBeVisible();
  const loader = only(seen, /^\/public\/embed\.js$/);
  expect((await loader.allHeaders())['cache-control']).toBe('no-cache');
  expect(await loader.text()).toMatch(/'threadline-[0-9a-f]+_bg\.wasm'/);
  only(seen, /^\/threadline-[0-9a-f]+_bg\.wasm$/);
  only(seen, /^\/main-[0-9a-f]+\.css$/);
});

// The release build keeps the composer (Markdown, uploads, saved replies) in a chunk of its own.
const CHUNK = /^\/threadline-[0-9a-f]+-chunks\/split_composer\.wasm$/;

test('the composer comes in a chunk of its own, after the thread, compressed and cached by name', async ({ page }) => {
  const seen = responses(page);
  await page.goto('/tickets/2');
  await expect(page.getByRole('form', { name: 'Answer this ticket' }).getByRole('textbox', { name: 'Reply text' })).toBeVisible();
  const chunk = only(seen, CHUNK);
  const headers = await chunk.allHeaders();
  expect(headers['content-encoding']).toMatch(/^(br|gzip)$/);
  expect(headers['cache-control']).toBe('public, max-age=31536000, immutable');
  // Asked for once the thread had come, not beside it.
  const order = await page.evaluate(() => {
    const entries = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
    const thread = entries.find((e) => new URL(e.name).pathname.endsWith('/tickets/2/messages/'));
    const chunk = entries.find((e) => e.name.endsWith('split_composer.wasm'));
    return { threadEnd: thread?.responseEnd ?? NaN, chunkStart: chunk?.startTime ?? NaN };
  });
  expect(order.chunkStart).toBeGreaterThanOrEqual(order.threadEnd);
});

test('a composer chunk that fails to load says so, loses no draft, and Retry brings the composer', async ({ page, request }) => {
  const text = `Written before the chunk failed (e2e ${Date.now()})`;
  await page.goto('/tickets/3');
  const form = page.getByRole('form', { name: 'Answer this ticket' });
  await form.getByRole('textbox', { name: 'Reply text' }).fill(text);
  await expect.poll(async () => (await savedDraft(page, '3', 'reply'))?.text).toBe(text);

  // The next visit cannot fetch the chunk (as on a dropped connection).
  let refused = 0;
  await page.route(/-chunks\/[^/]+\.wasm$/, (route) => {
    refused += 1;
    return route.abort('connectionreset');
  });
  await page.reload();
  const thread = page.getByRole('feed', { name: 'Conversation' });
  await expect(thread.getByRole('article').first()).toBeVisible();
  const problem = page.getByRole('alert').filter({ hasText: 'The reply box could not be loaded.' });
  await expect(problem).toBeVisible();
  expect(refused).toBeGreaterThan(0);
  await expect(form).toHaveCount(0);

  // Back online: Retry draws the composer with the draft in it, and it sends once.
  await page.unroute(/-chunks\/[^/]+\.wasm$/);
  await problem.getByRole('button', { name: 'Retry' }).click();
  await expect(form.getByRole('textbox', { name: 'Reply text' })).toHaveValue(text);
  await expect(problem).toHaveCount(0);
  await form.getByRole('button', { name: 'Send reply' }).click();
  await expect(thread.getByRole('article').filter({ hasText: text })).toHaveCount(1);
  await expect.poll(async () => (await messagesOnServer(request, '3')).filter((m) => m.content === text).length).toBe(1);
});

test("another build's chunk is missing (404), not answered with the page", async ({ request }) => {
  const gone = await request.get('/threadline-0123456789abcdef-chunks/split_composer.wasm');
  expect(gone.status()).toBe(404);
  expect(gone.headers()['content-type'] ?? '').not.toContain('text/html');
  // An app route that looks hashed is still the page.
  const route = await request.get('/tickets/123456789012');
  expect(route.status()).toBe(200);
  expect(route.headers()['content-type']).toContain('text/html');
});

test('a composer chunk that could not come while offline comes by itself once back online', async ({ page }) => {
  await page.route(/-chunks\/[^/]+\.wasm$/, (route) => route.abort('internetdisconnected'));
  await page.goto('/tickets/7');
  const problem = page.getByRole('alert').filter({ hasText: 'The reply box could not be loaded.' });
  await expect(problem).toBeVisible();
  await page.unroute(/-chunks\/[^/]+\.wasm$/);
  await page.context().setOffline(true);
  await page.context().setOffline(false);
  await expect(page.getByRole('form', { name: 'Answer this ticket' }).getByRole('textbox', { name: 'Reply text' })).toBeVisible();
  await expect(problem).toHaveCount(0);
});
