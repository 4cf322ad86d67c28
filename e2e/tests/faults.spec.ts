// The fault matrix: the app against the reference server's fault switch. In each scenario the
// agent is told what happened in plain words, the app recovers without a reload where it can,
// and the server ends with the message exactly once (none if the agent cancelled). Every
// scenario writes its row (expected, found) to FAULT_MATRIX_OUT; `cargo xtask test` prints
// the table and fails on anything lost or duplicated.
import { appendFileSync } from 'node:fs';
import { test, expect, arm, composer, conversation, messagesOnServer, outboxHolds } from './fixtures';
import type { APIRequestContext, Page } from '@playwright/test';

/** How many uses the armed faults have left (each request they answer takes one). */
async function faultsLeft(request: APIRequestContext) {
  const r = await request.get('/__test/faults');
  expect(r.status()).toBe(200);
  const { faults } = (await r.json()) as { faults: Array<{ remaining: number }> };
  return faults.reduce((sum, f) => sum + f.remaining, 0);
}

test.afterEach(async ({ request }) => {
  await request.delete('/__test/faults');
});

/** Runs one scenario on `ticket` with a unique text, then counts that text on the server. */
async function scenario(
  name: string,
  ticket: string,
  expected: number,
  body: (page: Page, request: APIRequestContext, text: string) => Promise<void>,
) {
  test(name, async ({ page, request }) => {
    const text = `${name} (fault matrix ${Date.now()})`;
    let failure: unknown = null;
    try {
      await body(page, request, text);
    } catch (e) {
      failure = e;
    }
    // Counted after the scenario, whatever happened in it: the row is the truth on the server.
    const found = (await messagesOnServer(request, ticket)).filter((m) => m.content === text).length;
    const out = process.env.FAULT_MATRIX_OUT;
    if (out) {
      appendFileSync(out, JSON.stringify({ scenario: name, expected, found }) + '\n');
    }
    if (failure) {
      throw failure;
    }
    expect(found, 'messages on the server').toBe(expected);
  });
}

function outgoing(page: Page) {
  return page.getByRole('list', { name: 'Messages being sent' });
}

async function openTicket(page: Page, id: string) {
  await page.goto(`/tickets/${id}`);
  await expect(conversation(page).getByRole('article').first()).toBeVisible();
  // The composer's code follows the thread (a chunk): the faults hit a page that has it.
  await expect(page.getByRole('textbox', { name: 'Reply text' })).toBeVisible();
}

/** Writes `text` and sends it; returns once it is in the thread. */
async function sendAndSee(page: Page, text: string, timeout = 15_000) {
  await composer(page).getByRole('textbox', { name: 'Reply text' }).fill(text);
  await composer(page).getByRole('button', { name: 'Send reply' }).click();
  await expectInThread(page, text, timeout);
}

async function expectInThread(page: Page, text: string, timeout = 15_000) {
  await expect(conversation(page).getByRole('article').filter({ hasText: text })).toHaveCount(1, { timeout });
  await expect(outgoing(page).getByRole('article')).toHaveCount(0, { timeout });
}

async function write(page: Page, text: string) {
  await composer(page).getByRole('textbox', { name: 'Reply text' }).fill(text);
  await composer(page).getByRole('button', { name: 'Send reply' }).click();
}

test.describe('fault matrix', () => {
  scenario('helpdesk API down when the app starts', '3', 1, async (page, request, text) => {
    // Every read of the ticket fails with a closed connection until these are used up
    // (Chromium itself repeats a GET a few times before the page hears of it).
    await arm(request, { kind: 'drop_before_store', count: 10, method: 'GET', path_contains: '/tickets/3/' });
    await page.goto('/tickets/3');
    await expect(page.getByRole('alert').filter({ hasText: 'The helpdesk could not be reached.' }).first()).toBeVisible();
    await expect(page.getByText('Trying again on its own…').first()).toBeVisible();
    // Recovers by itself: no reload.
    await expect(conversation(page).getByRole('article').first()).toBeVisible({ timeout: 30_000 });
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await sendAndSee(page, text);
  });

  scenario('thread read truncated mid-body', '3', 1, async (page, request, text) => {
    await arm(request, { kind: 'truncate', method: 'GET', path_contains: '/messages/' });
    await page.goto('/tickets/3');
    await expect(conversation(page).getByRole('article').first()).toBeVisible({ timeout: 20_000 });
    await sendAndSee(page, text);
  });

  scenario('send answered slowly (10 s)', '4', 1, async (page, request, text) => {
    await openTicket(page, '4');
    await arm(request, { kind: 'delay', delay_ms: 10_000, method: 'POST', path_contains: '/messages/' });
    await write(page, text);
    await expect(outgoing(page).getByText('Still sending: the helpdesk is slow to answer. Your message is kept.')).toBeVisible({ timeout: 15_000 });
    await expectInThread(page, text, 30_000);
  });

  scenario('send answer truncated after storing', '4', 1, async (page, request, text) => {
    await openTicket(page, '4');
    await arm(request, { kind: 'truncate', method: 'POST', path_contains: '/messages/' });
    await write(page, text);
    // The check that follows is slowed so the agent can be seen being told (polling takes
    // some of these).
    await arm(request, { kind: 'delay', delay_ms: 2500, count: 8, method: 'GET', path_contains: '/messages/' });
    await expect(outgoing(page).getByText(/The connection was lost before the helpdesk answered\. Checking whether it was stored/)).toBeVisible();
    await expectInThread(page, text);
  });

  scenario('HTML 502 page from a proxy', '5', 1, async (page, request, text) => {
    await openTicket(page, '5');
    await arm(request, {
      kind: 'status',
      status: 502,
      html: '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>',
      method: 'POST',
      path_contains: '/messages/',
    });
    await write(page, text);
    await expect(outgoing(page).getByText(/The helpdesk cannot be reached for a moment \(HTTP 502\)\. Retrying in \d s/)).toBeVisible();
    await expectInThread(page, text);
  });

  scenario('500 from the helpdesk, then Retry', '5', 1, async (page, request, text) => {
    await openTicket(page, '5');
    await arm(request, { kind: 'status', status: 500, method: 'POST', path_contains: '/messages/' });
    await write(page, text);
    await expect(outgoing(page).getByRole('alert')).toContainText('The helpdesk had a problem (HTTP 500). Your message is kept.');
    await outgoing(page).getByRole('button', { name: 'Retry' }).click();
    await expectInThread(page, text);
  });

  scenario('401 in the middle of a session', '1', 1, async (page, request, text) => {
    await openTicket(page, '1');
    // The session ends: reads (polling) and the send are refused until the agent signs in again.
    await arm(request, { kind: 'status', status: 401, count: 3, method: 'GET', path_contains: '/tickets/1/' });
    await arm(request, { kind: 'status', status: 401, method: 'POST', path_contains: '/messages/' });
    await write(page, text);
    await expect(outgoing(page).getByRole('alert')).toContainText('Your session expired. Sign in again, then retry: your message is kept.');
    await request.delete('/__test/faults');
    await outgoing(page).getByRole('button', { name: 'Retry' }).click();
    await expectInThread(page, text);
  });

  scenario('429 with Retry-After', '1', 1, async (page, request, text) => {
    await openTicket(page, '1');
    await arm(request, { kind: 'status', status: 429, retry_after: 2, method: 'POST', path_contains: '/messages/' });
    await write(page, text);
    await expect(outgoing(page).getByText(/The helpdesk is busy \(too many requests\)\. Retrying in \d s/)).toBeVisible();
    await expectInThread(page, text);
  });

  scenario('429 without Retry-After', '2', 1, async (page, request, text) => {
    await openTicket(page, '2');
    await arm(request, { kind: 'status', status: 429, count: 2, method: 'POST', path_contains: '/messages/' });
    await write(page, text);
    await expect(outgoing(page).getByText(/The helpdesk is busy \(too many requests\)\. Retrying in \d s/)).toBeVisible();
    await expectInThread(page, text, 20_000);
  });

  scenario('connection dropped before storing', '2', 1, async (page, request, text) => {
    await openTicket(page, '2');
    // Chromium repeats a POST whose connection closed unanswered (once for each idle
    // keep-alive connection it may try) before the page hears of it: enough faults for the
    // page to see the failure whatever its connection pool holds.
    await arm(request, { kind: 'drop_before_store', count: 6, method: 'POST', path_contains: '/messages/' });
    await write(page, text);
    await expect(outgoing(page).getByText(/The connection was lost before the message was stored\. Retrying in \d s/)).toBeVisible({ timeout: 30_000 });
    await expectInThread(page, text, 40_000);
  });

  scenario('connection dropped after storing', '3', 1, async (page, request, text) => {
    await openTicket(page, '3');
    await arm(request, { kind: 'drop_after_store', count: 10, method: 'POST', path_contains: '/messages/' });
    await write(page, text);
    await arm(request, { kind: 'delay', delay_ms: 2500, count: 8, method: 'GET', path_contains: '/messages/' });
    await expect(outgoing(page).getByText(/Checking whether it was stored/)).toBeVisible({ timeout: 20_000 });
    await expectInThread(page, text, 20_000);
  });

  scenario('browser offline, then back', '4', 1, async (page, _request, text) => {
    await openTicket(page, '4');
    await page.context().setOffline(true);
    await write(page, text);
    await expect(outgoing(page).getByText('You are offline. Your message is kept and goes out when the connection is back.')).toBeVisible({ timeout: 15_000 });
    await expect.poll(() => outboxHolds(page, text)).toBe(true);
    await page.context().setOffline(false);
    await expectInThread(page, text);
  });

  scenario('tab reloaded during a send', '5', 1, async (page, request, text) => {
    await openTicket(page, '5');
    await arm(request, { kind: 'delay', delay_ms: 4000, method: 'POST', path_contains: '/messages/' });
    await write(page, text);
    await expect(outgoing(page).getByText('Sending…')).toBeVisible({ timeout: 10_000 });
    await page.reload();
    // After the reload it is still there and goes (or is found) once.
    await expectInThread(page, text, 30_000);
  });

  scenario('agent takes back (Edit) a send the helpdesk failed', '1', 0, async (page, request, text) => {
    await openTicket(page, '1');
    await arm(request, { kind: 'status', status: 500, count: 3, method: 'POST', path_contains: '/messages/' });
    const form = composer(page);
    await form.getByRole('textbox', { name: 'Reply text' }).click();
    await form.getByRole('combobox', { name: 'Cc' }).fill('taken-back@x.example,');
    await write(page, text);
    // The send is really tried and really fails: the agent is told, the message is kept.
    await expect(outgoing(page).getByRole('alert')).toContainText('The helpdesk had a problem (HTTP 500). Your message is kept.');
    expect(await faultsLeft(request)).toBe(2);
    await outgoing(page).getByRole('button', { name: 'Edit' }).click();
    // The whole draft is back in the composer, and the message is out of the outbox, so
    // nothing sends it later; nothing else was posted.
    await expect(form.getByRole('textbox', { name: 'Reply text' })).toHaveValue(text);
    await expect(form.getByRole('list', { name: 'Cc recipients' }).getByText('taken-back@x.example')).toBeVisible();
    await expect(outgoing(page).getByRole('article')).toHaveCount(0);
    await expect.poll(() => outboxHolds(page, text)).toBe(false);
    expect(await faultsLeft(request)).toBe(2);
  });
});
