// Two Threadline servers sharing one database and one Redis (`--redis`), as several instances
// behind a load balancer would: Alex on one, Priya on the other, see each other on a ticket,
// and each other's message, through Redis (polling is off in both apps).
import type { Browser, Page } from '@playwright/test';
import { composer, conversation, expect, test } from './fixtures';

const PRIYA_TOKEN = 'demo-token-acme-priya';

async function agentPage(browser: Browser, baseURL: string, token?: string): Promise<Page> {
  const context = await browser.newContext({ baseURL });
  await context.route('**/config.json', async (route) => {
    const response = await route.fetch();
    const config: Record<string, unknown> = { ...((await response.json()) as Record<string, unknown>), poll_seconds: 0 };
    if (token) {
      config.token = token;
    }
    await route.fulfill({ response, json: config });
  });
  return context.newPage();
}

function someone(page: Page, name: string) {
  return page.getByRole('list', { name: 'Also on this ticket' }).getByRole('listitem').filter({ hasText: name });
}

test('agents on two instances see each other and each other\'s message', async ({ browser, baseURL, request }) => {
  const other = process.env.BASE_URL_LIVE_B;
  expect(other, 'BASE_URL_LIVE_B').toBeTruthy();
  expect(other).not.toBe(baseURL);
  const created = await request.post('/__test/long-thread?count=3', { headers: { Connection: 'close' } });
  expect(created.status()).toBe(200);
  const ticket = ((await created.json()) as { id: string }).id;

  const a = await agentPage(browser, baseURL!);
  const b = await agentPage(browser, other!, PRIYA_TOKEN);
  for (const page of [a, b]) {
    await page.goto(`/tickets/${ticket}`);
    await expect(conversation(page).getByRole('article').first()).toBeVisible();
  }
  await expect(someone(a, 'Priya Shah')).toContainText('viewing');
  await expect(someone(b, 'Alex Morgan')).toContainText('viewing');

  const text = `Sent on the other instance ${Date.now()}`;
  await composer(b).getByRole('textbox', { name: 'Reply text' }).fill(text);
  await expect(someone(a, 'Priya Shah')).toContainText('replying…');
  await composer(b).getByRole('button', { name: 'Send reply', exact: true }).click();
  await expect(conversation(b).getByRole('article').filter({ hasText: text })).toHaveCount(1);
  await expect(conversation(a).getByRole('article').filter({ hasText: text })).toHaveCount(1);
  await a.context().close();
  await b.context().close();
});
