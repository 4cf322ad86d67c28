// An admin portal on an origin of its own (http://localhost:PORTAL_PORT, a real HTTP server
// started here) embeds a conversation with the README's snippet, absolute URLs and all, from
// the Threadline server on http://127.0.0.1:P, which allows that origin only
// (`--allowed-origins`, set by xtask). The same page served as http://127.0.0.1:PORTAL_PORT is
// another origin, and gets nothing.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, expect, messagesOnServer } from './fixtures';

const port = Number(process.env.PORTAL_PORT ?? 0);

/** The portal's page: its own look, and the README's snippet pointing at `app`. */
function portalPage(app: string): string {
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>Portal on its own origin</title>
    <style>body { font-family: Georgia, serif; margin: 1rem } threadline-conversation { display: block; height: 560px; border: 1px solid #ccc }</style>
    <script type="module" src="${app}/public/embed.js"></script>
  </head>
  <body>
    <h1>Support inbox</h1>
    <section aria-label="Ticket 2">
      <threadline-conversation ticket-id="2" mode="agent" config-url="${app}/config.json"></threadline-conversation>
    </section>
    <ul id="activity" aria-label="Threadline events"></ul>
    <script>
      for (const name of ['threadline:sent', 'threadline:error']) {
        document.addEventListener(name, (e) => {
          const li = document.createElement('li');
          li.textContent = name + ' ticket ' + e.detail.ticketId;
          document.getElementById('activity').append(li);
        });
      }
    </script>
  </body>
</html>`;
}

let portal: http.Server;

test.beforeAll(async ({}, testInfo) => {
  expect(port, 'PORTAL_PORT (cargo xtask e2e sets it)').toBeGreaterThan(0);
  const app = String(testInfo.project.use.baseURL).replace(/\/$/, '');
  portal = http.createServer((request, response) => {
    response.writeHead(request.url === '/' ? 200 : 404, { 'Content-Type': 'text/html; charset=utf-8' });
    response.end(request.url === '/' ? portalPage(app) : 'not here');
  });
  await new Promise<void>((resolve) => portal.listen(port, '127.0.0.1', resolve));
  expect((portal.address() as AddressInfo).port).toBe(port);
});

test.afterAll(async () => {
  await new Promise((resolve) => portal?.close(resolve));
});

test('a portal on another origin embeds a conversation and answers from it, stored once', async ({ page, request }) => {
  await page.goto(`http://localhost:${port}/`);
  const region = page.getByRole('region', { name: 'Ticket 2' });
  const feed = region.getByRole('feed', { name: 'Conversation' });
  await expect(feed.getByRole('article').last()).toBeVisible();
  // The host keeps its own look.
  expect(await page.evaluate(() => getComputedStyle(document.body).fontFamily)).toContain('Georgia');
  const text = `Answered from another origin (e2e ${Date.now()})`;
  const form = region.getByRole('form', { name: 'Answer this ticket' });
  await form.getByRole('textbox', { name: 'Reply text' }).fill(text);
  await form.getByRole('button', { name: 'Send reply' }).click();
  await expect(feed.getByRole('article').filter({ hasText: text })).toHaveCount(1);
  await expect(page.getByRole('list', { name: 'Threadline events' })).toContainText('threadline:sent ticket 2');
  expect((await messagesOnServer(request, '2')).filter((m) => m.content === text)).toHaveLength(1);
});

test('an origin that is not allowed gets nothing: the embed does not load', async ({ page, request }) => {
  const app = String(test.info().project.use.baseURL).replace(/\/$/, '');
  const stranger = `http://127.0.0.1:${port}`;
  // The server answers it, but without leave for that origin's page to use the answer.
  const direct = await request.get(`${app}/public/embed.js`, { headers: { Origin: stranger } });
  expect(direct.status()).toBe(200);
  expect(direct.headers()['access-control-allow-origin']).toBeUndefined();
  const blocked: string[] = [];
  page.on('requestfailed', (r) => blocked.push(`${r.url()} ${r.failure()?.errorText}`));
  // Same page, same server, but as http://127.0.0.1:PORT: another origin than the allowed one.
  // The browser fetched the script and kept it from the page (not a refused connection).
  await page.goto(`${stranger}/`);
  await expect.poll(() => blocked.find((b) => b.includes('/public/embed.js'))).toBe(`${app}/public/embed.js net::ERR_FAILED`);
  await expect(page.getByRole('region', { name: 'Ticket 2' }).getByRole('feed')).toHaveCount(0);
});
