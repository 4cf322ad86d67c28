// Run by `cargo xtask test`, which starts threadline-server on free ports with throw-away
// databases and passes their URLs: BASE_URL (the app speaks Initdesk), and the same app
// configured for the other dialects: BASE_URL_AIRCLOU, BASE_URL_INBOXOPS, BASE_URL_REQUESTOR;
// and BASE_URL_GATEWAY, a gateway in front of the Initdesk one.
// Browsers are never downloaded: Debian's Chromium.
import { defineConfig } from '@playwright/test';

const baseURL = process.env.BASE_URL;
if (!baseURL) {
  throw new Error('BASE_URL is not set: run the e2e tests through `cargo xtask test`.');
}

const airclou = process.env.BASE_URL_AIRCLOU;
const inboxops = process.env.BASE_URL_INBOXOPS;
const requestor = process.env.BASE_URL_REQUESTOR;
const gateway = process.env.BASE_URL_GATEWAY;

export default defineConfig({
  testDir: './tests',
  projects: [
    { name: 'initdesk', testIgnore: /dialects\/|gateway\.spec\.ts/, use: { baseURL } },
    ...(airclou ? [{ name: 'airclou', testMatch: /dialects\/airclou\.spec\.ts/, use: { baseURL: airclou } }] : []),
    ...(inboxops ? [{ name: 'inboxops', testMatch: /dialects\/inboxops\.spec\.ts/, use: { baseURL: inboxops } }] : []),
    // The gateway admits what the portal's proxy vouches for: that proxy's header on every request.
    ...(gateway ? [{ name: 'gateway', testMatch: /gateway\.spec\.ts/, use: { baseURL: gateway, extraHTTPHeaders: { 'X-Portal-User': 'e2e-agent@acme.example' } } }] : []),
    ...(requestor ? [{ name: 'requestor', testMatch: /dialects\/requestor\.spec\.ts/, use: { baseURL: requestor } }] : []),
  ],
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL,
    trace: 'off',
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
