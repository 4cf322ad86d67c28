// An admin portal on its own origin (http://localhost:PORTAL_PORT, a real HTTP server started
// here, standing in for the portal's backend) embeds a conversation from the gateway on
// http://127.0.0.1:P with the README's snippet and a session it signs for its logged-in agent
// with the README's Node lines and the secret it shares with the gateway (EMBED_SECRET, set by
// xtask). No proxy header reaches the gateway: only the session admits the agent. The page's
// own CSS is hostile; the conversation draws in its shadow root regardless.
import http from 'node:http';
import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { request as playwrightRequest } from '@playwright/test';
import { test, expect, messagesOnServer, bodyText } from './fixtures';

const port = Number(process.env.PORTAL_PORT ?? 0);
const secret = process.env.EMBED_SECRET ?? '';

/** A session for Priya, as the README tells a Node backend to sign one. */
function mint(ttlSeconds: number, org = '1'): { token: string; exp: number } {
  const exp = Math.floor(Date.now() / 1000) + ttlSeconds;
  const claims = Buffer.from(JSON.stringify({ org, email: 'priya@acme.example', name: 'Priya Shah', exp })).toString('base64url');
  const token = `${claims}.${crypto.createHmac('sha256', secret).update(claims).digest('base64url')}`;
  return { token, exp };
}

// Whatever the page does to everything it can reach, and a part it themes on purpose.
const hostileCss = `
  html { font-size: 62.5% }
  article, [role=feed] { display: none !important }
  * { font-size: 40px !important; font-family: "Comic Sans MS", cursive !important; color: red !important }
  threadline-conversation { display: block; height: 640px; border: 1px solid #ccc }
  threadline-conversation::part(send) { background: rgb(0, 128, 0) }`;

/** The portal's page: the README's snippet, a session signed for it, and a way to sign in
 *  again when Threadline says the session expired. */
function portalPage(app: string, token: string): string {
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>Portal with signed sessions</title>
    <style>${hostileCss}</style>
    <script type="module" src="${app}/public/embed.js"></script>
  </head>
  <body>
    <h1>Support inbox</h1>
    <section aria-label="Ticket 2">
      <threadline-conversation ticket-id="2" mode="agent" config-url="${app}/config.json"
                               session-token="${token}"></threadline-conversation>
    </section>
    <button type="button" id="renew" hidden>Sign in again</button>
    <ul id="activity" aria-label="Threadline events"></ul>
    <script type="module">
      const el = document.querySelector('threadline-conversation');
      const renew = document.getElementById('renew');
      for (const name of ['threadline:sent', 'threadline:error', 'threadline:session-expired']) {
        document.addEventListener(name, (e) => {
          const li = document.createElement('li');
          li.textContent = name + ' ticket ' + e.detail.ticketId;
          document.getElementById('activity').append(li);
        });
      }
      el.addEventListener('threadline:session-expired', () => { renew.hidden = false; });
      renew.addEventListener('click', async () => {
        el.setAttribute('session-token', await (await fetch('/session')).text());
        renew.hidden = true;
      });
    </script>
  </body>
</html>`;
}

let portal: http.Server;
/** How long the sessions the page is served with live (a test may shorten it). */
let pageTtl = 900;
let pageExp = 0;

test.beforeAll(async ({}, testInfo) => {
  expect(port, 'PORTAL_PORT (cargo xtask e2e sets it)').toBeGreaterThan(0);
  expect(secret.length, 'EMBED_SECRET (cargo xtask e2e sets it)').toBeGreaterThanOrEqual(32);
  const app = String(testInfo.project.use.baseURL).replace(/\/$/, '');
  portal = http.createServer((request, response) => {
    if (request.url === '/') {
      const { token, exp } = mint(pageTtl);
      pageExp = exp;
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      response.end(portalPage(app, token));
    } else if (request.url === '/session') {
      response.writeHead(200, { 'Content-Type': 'text/plain' });
      response.end(mint(900).token);
    } else {
      response.writeHead(404);
      response.end('not here');
    }
  });
  await new Promise<void>((resolve) => portal.listen(port, '127.0.0.1', resolve));
  expect((portal.address() as AddressInfo).port).toBe(port);
});

test.afterAll(async () => {
  await new Promise((resolve) => portal?.close(resolve));
});

/** The upstream the gateway forwards to (the reference server), and its token. */
async function upstream() {
  const request = await playwrightRequest.newContext({ baseURL: process.env.BASE_URL });
  const config = (await (await request.get('/config.json')).json()) as { token: string };
  return { request, token: config.token };
}

test('under hostile page CSS, the conversation shows and a reply goes upstream once with a signed session', async ({ page }) => {
  pageTtl = 900;
  const { request: up, token: upstreamToken } = await upstream();
  const seen: string[] = [];
  page.on('response', async (response) => {
    const headers = JSON.stringify(await response.allHeaders());
    const body = await bodyText(response);
    seen.push(`${response.url()} ${headers} ${body}`);
  });
  await page.goto(`http://localhost:${port}/`);
  const region = page.getByRole('region', { name: 'Ticket 2' });
  const feed = region.getByRole('feed', { name: 'Conversation' });
  await expect(feed.getByRole('article').last()).toBeVisible();
  // The page's rules stay the page's: its heading is as it styled it, the conversation is not.
  expect(await page.getByRole('heading', { name: 'Support inbox' }).evaluate((e) => getComputedStyle(e).fontSize)).toBe('40px');
  const body = feed.getByRole('article').last();
  expect(await body.evaluate((e) => getComputedStyle(e).fontSize)).toBe('16px');
  expect(await body.evaluate((e) => getComputedStyle(e).color)).not.toBe('rgb(255, 0, 0)');
  const text = `Signed and sent from another origin (e2e ${Date.now()})`;
  const form = region.getByRole('form', { name: 'Answer this ticket' });
  await form.getByRole('textbox', { name: 'Reply text' }).fill(text);
  const send = form.getByRole('button', { name: 'Send reply' });
  // The page themes the send button through its part, and nothing else.
  expect(await send.evaluate((e) => getComputedStyle(e).backgroundColor)).toBe('rgb(0, 128, 0)');
  await send.click();
  await expect(feed.getByRole('article').filter({ hasText: text })).toHaveCount(1);
  await expect(page.getByRole('list', { name: 'Threadline events' })).toContainText('threadline:sent ticket 2');
  expect((await messagesOnServer(up, '2')).filter((m) => m.content === text)).toHaveLength(1);
  expect(seen.length).toBeGreaterThan(3);
  expect(seen.filter((s) => s.includes(upstreamToken))).toEqual([]);
  await up.dispose();
});

test('a session that expires mid-draft is renewed by the page, and the queued reply and the draft go out once', async ({ page }) => {
  pageTtl = 12;
  const { request: up } = await upstream();
  await page.goto(`http://localhost:${port}/`);
  const region = page.getByRole('region', { name: 'Ticket 2' });
  const feed = region.getByRole('feed', { name: 'Conversation' });
  await expect(feed.getByRole('article').last()).toBeVisible();
  const form = region.getByRole('form', { name: 'Answer this ticket' });
  const stamp = Date.now();
  const queued = `Typed while the session ran out (e2e ${stamp})`;
  await form.getByRole('textbox', { name: 'Reply text' }).fill(queued);
  // The session's last second passes while the agent writes.
  await page.waitForTimeout(Math.max(0, pageExp * 1000 - Date.now() + 1_500));
  await form.getByRole('button', { name: 'Send reply' }).click();
  const events = page.getByRole('list', { name: 'Threadline events' });
  await expect(events).toContainText('threadline:session-expired ticket 2');
  // Held, not lost; the agent goes on writing the next one meanwhile.
  await expect(region.getByText(queued).first()).toBeVisible();
  // The thread's reads (every 2 s here) are refused too: the page hears it once all the same.
  await page.waitForTimeout(5_000);
  await expect(events.getByText('threadline:session-expired ticket 2')).toHaveCount(1);
  const draft = `And a second thought, written before signing in again (e2e ${stamp})`;
  await form.getByRole('textbox', { name: 'Reply text' }).fill(draft);
  expect((await messagesOnServer(up, '2')).filter((m) => m.content === queued)).toHaveLength(0);
  // The portal signs a new session: the held reply goes by itself.
  await page.getByRole('button', { name: 'Sign in again' }).click();
  await expect(feed.getByRole('article').filter({ hasText: queued })).toHaveCount(1);
  await expect(events).toContainText('threadline:sent ticket 2');
  await expect(form.getByRole('textbox', { name: 'Reply text' })).toHaveValue(draft);
  await form.getByRole('button', { name: 'Send reply' }).click();
  await expect(feed.getByRole('article').filter({ hasText: draft })).toHaveCount(1);
  const stored = await messagesOnServer(up, '2');
  expect(stored.filter((m) => m.content === queued)).toHaveLength(1);
  expect(stored.filter((m) => m.content === draft)).toHaveLength(1);
  // Once per refused session.
  await expect(events.getByText('threadline:session-expired ticket 2')).toHaveCount(1);
  await up.dispose();
});

test('the gateway gives another origin nothing, and refuses a forged or foreign session', async ({ request }) => {
  const app = String(test.info().project.use.baseURL).replace(/\/$/, '');
  const stranger = `http://127.0.0.1:${port}`;
  const config = await request.get(`${app}/config.json`, { headers: { Origin: stranger } });
  expect(config.headers()['access-control-allow-origin']).toBeUndefined();
  const allowed = await request.get(`${app}/config.json`, { headers: { Origin: `http://localhost:${port}` } });
  expect(allowed.headers()['access-control-allow-origin']).toBe(`http://localhost:${port}`);
  const thread = `${app}/gateway/initdesk/organizations/1/tickets/2/messages/`;
  const { token } = mint(600);
  const forged = token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
  for (const bearer of [forged, mint(600, '2').token, mint(-5).token]) {
    const refused = await request.get(thread, { headers: { Authorization: `Bearer ${bearer}` } });
    expect(refused.status()).toBe(401);
  }
  const admitted = await request.get(thread, { headers: { Authorization: `Bearer ${token}` } });
  expect(admitted.status()).toBe(200);
});
