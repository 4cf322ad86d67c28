// Live: new messages pushed by the server's event stream instead of polled, and who else is on
// the ticket. Two browser contexts are two agents of the demo organisation (Alex, the demo
// token, and Priya, a token of her own); polling is off for both, so whatever arrives came
// through the stream.
import type { APIRequestContext, Browser, BrowserContext, Page } from '@playwright/test';
import { composer, conversation, expect, test } from './fixtures';

const PRIYA_TOKEN = 'demo-token-acme-priya';

type Config = { api_base: string; organization_id: string; token: string; poll_seconds: number };

/** A new ticket of three messages (no other test looks at it). */
async function freshTicket(request: APIRequestContext): Promise<string> {
  const response = await request.post('/__test/long-thread?count=3', { headers: { Connection: 'close' } });
  expect(response.status()).toBe(200);
  return ((await response.json()) as { id: string }).id;
}

/** A context whose app is configured with `changes` (another agent's token, no polling). */
async function agent(browser: Browser, baseURL: string, changes: Partial<Config>): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL });
  await context.route('**/config.json', async (route) => {
    const response = await route.fetch();
    const config = { ...((await response.json()) as Config), ...changes };
    await route.fulfill({ response, json: config });
  });
  return context;
}

async function open(page: Page, ticket: string) {
  await page.goto(`/tickets/${ticket}`);
  await expect(conversation(page).getByRole('article').first()).toBeVisible();
}

function someone(page: Page, name: string) {
  return page.getByRole('list', { name: 'Also on this ticket' }).getByRole('listitem').filter({ hasText: name });
}

async function post(request: APIRequestContext, ticket: string, text: string, token?: string) {
  const config = (await (await request.get('/config.json')).json()) as Config;
  const response = await request.post(
    `${config.api_base}/organizations/${config.organization_id}/tickets/${ticket}/messages/`,
    {
      headers: { 'X-Initdesk-Token': token ?? config.token, Connection: 'close' },
      data: { content: text, is_visible_to_customer: true },
    },
  );
  expect(response.status()).toBe(201);
}

test('two agents on one ticket see each other viewing and replying, and the message at once', async ({ browser, baseURL, request }) => {
  const ticket = await freshTicket(request);
  const alex = await agent(browser, baseURL!, { poll_seconds: 0 });
  const priya = await agent(browser, baseURL!, { poll_seconds: 0, token: PRIYA_TOKEN });
  const a = await alex.newPage();
  const b = await priya.newPage();
  await open(a, ticket);
  await open(b, ticket);

  await expect(someone(a, 'Priya Shah')).toContainText('viewing');
  await expect(someone(b, 'Alex Morgan')).toContainText('viewing');
  // Nobody sees themself.
  await expect(someone(a, 'Alex Morgan')).toHaveCount(0);

  const text = `Live reply from Priya ${Date.now()}`;
  await composer(b).getByRole('textbox', { name: 'Reply text' }).pressSequentially('Looking into this now', { delay: 20 });
  await expect(someone(a, 'Priya Shah')).toContainText('replying…');
  // Alex's composer says so before Alex starts.
  await expect(composer(a).getByRole('status').filter({ hasText: 'Priya Shah is replying' })).toBeVisible();

  // Alex starts too and presses Send: the guard asks first, and keeps the draft on request.
  await composer(a).getByRole('textbox', { name: 'Reply text' }).fill('My own answer');
  await composer(a).getByRole('button', { name: 'Send reply', exact: true }).click();
  const asked = composer(a).getByRole('alert').filter({ hasText: 'Priya Shah is replying. Send yours as well?' });
  await expect(asked).toBeVisible();
  await asked.getByRole('button', { name: 'Keep my draft' }).click();
  await expect(asked).toHaveCount(0);
  await expect(composer(a).getByRole('textbox', { name: 'Reply text' })).toHaveValue('My own answer');

  // Alex's draft stands, so Priya is asked in turn, and sends anyway.
  await composer(b).getByRole('textbox', { name: 'Reply text' }).fill(text);
  await composer(b).getByRole('button', { name: 'Send reply', exact: true }).click();
  const askedPriya = composer(b).getByRole('alert').filter({ hasText: 'Alex Morgan is replying. Send yours as well?' });
  await askedPriya.getByRole('button', { name: 'Send anyway' }).click();
  // Stored once Priya's own thread shows it (after the undo window): from then on, Alex has
  // it from the stream within 2 s (polling is off).
  await expect(conversation(b).getByRole('article').filter({ hasText: text })).toHaveCount(1);
  await expect(conversation(a).getByRole('article').filter({ hasText: text })).toHaveCount(1, { timeout: 2_000 });

  // Priya goes back to the list: she is gone from Alex's header (a leaving beat; at most 90 s
  // without one).
  await b.goto('/');
  await expect(someone(a, 'Priya Shah')).toHaveCount(0);
  await alex.close();
  await priya.close();
});

test('a cut stream falls back to polling, then resumes and catches up exactly once', async ({ page, request }) => {
  const ticket = await freshTicket(request);
  const messageReads: string[] = [];
  page.on('request', (r) => {
    if (r.method() === 'GET' && r.url().includes(`/tickets/${ticket}/messages/`)) {
      messageReads.push(r.url());
    }
  });
  const streamOpened = () =>
    page.waitForResponse((r) => r.url().includes('/threadline-api/events') && r.status() === 200);
  const opened = streamOpened();
  await open(page, ticket);
  await opened;
  // The stream's opening is followed by one read (what was stored just before it opened);
  // after that, with the stream open, nothing is polled (the e2e servers poll every 2 s).
  await page.waitForTimeout(1_500);
  const before = messageReads.length;
  await page.waitForTimeout(5_000);
  expect(messageReads.length, 'reads while the stream is open').toBe(before);

  // A proxy drops the stream and refuses it for 20 s: the app polls meanwhile, so the message
  // shows long before the stream is back.
  let streamsOpened = 0;
  page.on('response', (r) => {
    if (r.url().includes('/threadline-api/events') && r.status() === 200) {
      streamsOpened += 1;
    }
  });
  const reopened = streamOpened();
  const cut = await request.post('/__test/live/cut?ms=20000', { headers: { Connection: 'close' } });
  expect(cut.status()).toBe(204);
  const during = `Posted while the stream was cut ${Date.now()}`;
  await post(request, ticket, during, PRIYA_TOKEN);
  await expect(conversation(page).getByRole('article').filter({ hasText: during })).toHaveCount(1, { timeout: 10_000 });
  expect(streamsOpened, 'the stream was still cut').toBe(0);
  expect(messageReads.length, 'polled while cut').toBeGreaterThan(before);

  // Back: it resumes where it was (Last-Event-ID) and reads again; the message stays single.
  const resumed = await reopened;
  expect(resumed.request().headers()['last-event-id']).toBeTruthy();
  const after = `Posted after the stream came back ${Date.now()}`;
  await post(request, ticket, after, PRIYA_TOKEN);
  await expect(conversation(page).getByRole('article').filter({ hasText: after })).toHaveCount(1);
  await page.waitForTimeout(1_000);
  await expect(conversation(page).getByRole('article').filter({ hasText: during })).toHaveCount(1);
  await expect(conversation(page).getByRole('article').filter({ hasText: after })).toHaveCount(1);
});
