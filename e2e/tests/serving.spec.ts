// The app as a browser receives it: compressed, cached by its hashed names, with the
// configuration preloaded beside the wasm, and a customer's link never fetching the
// deployment's configuration (which in demo mode holds the token).
import type { Page, Response } from '@playwright/test';
import { test, expect } from './fixtures';

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
