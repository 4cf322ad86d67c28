// Shared test setup: every page fails its test on an uncaught error (a broken wasm build can
// load with HTTP 200 and never mount), and API helpers read the server the app talks to.
import { test as base, expect, type APIRequestContext } from '@playwright/test';

export const test = base.extend<{ pageErrors: Error[]; cspViolations: string[] }>({
  pageErrors: [
    async ({ page }, use) => {
      const errors: Error[] = [];
      page.on('pageerror', (e) => errors.push(e));
      await use(errors);
      expect(errors, 'uncaught errors in the page').toEqual([]);
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
    const response = await request.get(url, { headers });
    expect(response.status()).toBe(200);
    const page = await response.json();
    all.push(...page.results);
    url = page.next;
  }
  return all;
}
