// Shared test setup. Every page of every test fails its test on an uncaught error or a Rust
// panic (a panic in wasm kills every conversation on the page, and a broken build can load
// with HTTP 200 and never mount), and API helpers read the server the app talks to.
import { test as base, expect, type APIRequestContext, type APIResponse, type Browser, type BrowserContext, type Page, type Response } from '@playwright/test';

/** Records what goes wrong in `page`: uncaught errors and panics reported on the console. */
function watchPage(page: Page, problems: string[]) {
  page.on('pageerror', (e) => problems.push(`uncaught ${e.name}: ${e.message} (on ${page.url()})`));
  page.on('console', (message) => {
    if (message.text().includes('panicked at')) {
      problems.push(`panic: ${message.text()} (on ${page.url()})`);
    }
  });
}

/** Watches every page of `context`, those open now and those opened later. */
function watchContext(context: BrowserContext, problems: string[]) {
  context.pages().forEach((page) => watchPage(page, problems));
  context.on('page', (page) => watchPage(page, problems));
}

/** Contexts a test makes itself (`browser.newContext`) are watched too, for that test. */
function watchNewContexts(browser: Browser, problems: string[]): () => void {
  const original = browser.newContext.bind(browser);
  browser.newContext = async (...args: Parameters<Browser['newContext']>) => {
    const context = await original(...args);
    watchContext(context, problems);
    return context;
  };
  return () => {
    browser.newContext = original;
  };
}

// Housekeeping requests leave no idle connection behind: the server closes a connection that
// sends no request for 10 s (its header timeout), and a test's next API call after a long wait
// could pick that socket just as it closes (ECONNRESET; browsers retry, this client does not).
const CLOSE = { Connection: 'close' };

export const test = base.extend<{ pageErrors: string[]; cspViolations: string[]; freshSeenMarks: void }>({
  // What the agent has seen is kept on the server too (it follows them across browsers): each
  // test starts as a fresh browser of a new agent does, with no ticket looked at before.
  freshSeenMarks: [
    async ({ request }, use) => {
      const response = await request.delete('/__test/seen', { headers: CLOSE });
      expect(response.status(), 'DELETE /__test/seen').toBe(204);
      await use();
    },
    { auto: true },
  ],
  pageErrors: [
    async ({ browser, context }, use) => {
      const problems: string[] = [];
      watchContext(context, problems);
      const restore = watchNewContexts(browser, problems);
      await use(problems);
      restore();
      expect(problems, 'page errors or panics in the test\'s pages').toEqual([]);
    },
    { auto: true },
  ],
  // The server sends a strict Content-Security-Policy: whatever the app does in a test, the
  // browser must never have to block something (a blocked loader or style is a broken app).
  cspViolations: [
    async ({ page }, use) => {
      const violations: string[] = [];
      await page.exposeFunction('__threadlineCspViolation', (v: string) => violations.push(v));
      await page.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (e) => {
          const report = (window as unknown as { __threadlineCspViolation: (v: string) => void }).__threadlineCspViolation;
          report(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`);
        });
      });
      await use(violations);
      expect(violations, 'Content-Security-Policy violations').toEqual([]);
    },
    { auto: true },
  ],
});
export { expect };

type Config = { api_base: string; organization_id: string; token: string };

/** Every message of a ticket, read from the server's API (following `next`). */
export async function messagesOnServer(request: APIRequestContext, ticketId: string) {
  const config = (await (await request.get('/config.json')).json()) as Config;
  const headers = { 'X-Initdesk-Token': config.token };
  let url: string | null = `${config.api_base}/organizations/${config.organization_id}/tickets/${ticketId}/messages/?page_size=100`;
  const all: Array<{ id: number; content: string; is_visible_to_customer: boolean }> = [];
  while (url) {
    const response: APIResponse = await request.get(url, { headers });
    expect(response.status()).toBe(200);
    const page = (await response.json()) as { results: typeof all; next: string | null };
    all.push(...page.results);
    url = page.next;
  }
  return all;
}

/** The stored draft of `ticketId` for `mode` (what the composer autosaved), or null. */
export async function savedDraft(page: Page, ticketId: string, mode: 'reply' | 'note') {
  const raw = await page.evaluate((key) => localStorage.getItem(key), `threadline.draft.v1.${ticketId}.${mode}`);
  if (!raw) {
    return null;
  }
  const stored = JSON.parse(raw) as { draft: { text: string; next_action: string; cc: Array<{ address: string }> | null } };
  return stored.draft;
}

/** Whether the browser's outbox (kept in localStorage) still holds a message with `text`. */
export async function outboxHolds(page: Page, text: string) {
  const raw = await page.evaluate(() => localStorage.getItem('threadline.outbox.v1'));
  return (raw ?? '').includes(JSON.stringify(text).slice(1, -1));
}

/** Arms a fault on the reference server (test builds only; cleared after each test that arms). */
export async function arm(request: APIRequestContext, fault: Record<string, unknown>) {
  const r = await request.post('/__test/faults', { data: fault, headers: CLOSE });
  expect(r.status(), await r.text()).toBe(201);
}

/**
 * A response's body as text, for looking through everything a page received. A ticket's
 * event stream never ends, so it reads as nothing (what it sends is events, never a token).
 */
export function bodyText(r: Response): Promise<string> {
  if ((r.headers()['content-type'] ?? '').startsWith('text/event-stream')) {
    return Promise.resolve('');
  }
  return r.text().catch(() => '');
}

/** The ticket page's answer form. */
export function composer(page: Page) {
  return page.getByRole('form', { name: 'Answer this ticket' });
}

/** The ticket page's thread. */
export function conversation(page: Page) {
  return page.getByRole('feed', { name: 'Conversation' });
}
