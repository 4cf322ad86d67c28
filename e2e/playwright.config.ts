// Run by `cargo xtask test`, which starts threadline-server on free ports with throw-away
// databases and passes their URLs: BASE_URL (the app speaks Initdesk), and the same app
// configured for the other dialects: BASE_URL_AIRCLOU, BASE_URL_INBOXOPS, BASE_URL_REQUESTOR;
// and BASE_URL_GATEWAY, a gateway in front of the Initdesk one, and BASE_URL_GATEWAY_<DIALECT>
// in front of each other one; BASE_URL_LIVE_A and BASE_URL_LIVE_B, two Initdesk servers sharing one
// database and one Redis.
// Browsers are never downloaded: Debian's Chromium.
import { defineConfig } from '@playwright/test';

// The whole suite (`cargo xtask test`, CI) may not be narrowed silently: a `test.only` left
// in a spec fails the run, and every server's URL must be there (a missing one would drop
// that project's tests without a word).
const wholeSuite = Boolean(process.env.CI || process.env.THREADLINE_WHOLE_SUITE);

const urls = {
  BASE_URL: process.env.BASE_URL,
  BASE_URL_AIRCLOU: process.env.BASE_URL_AIRCLOU,
  BASE_URL_INBOXOPS: process.env.BASE_URL_INBOXOPS,
  BASE_URL_REQUESTOR: process.env.BASE_URL_REQUESTOR,
  BASE_URL_GATEWAY: process.env.BASE_URL_GATEWAY,
  BASE_URL_GATEWAY_AIRCLOU: process.env.BASE_URL_GATEWAY_AIRCLOU,
  BASE_URL_GATEWAY_INBOXOPS: process.env.BASE_URL_GATEWAY_INBOXOPS,
  BASE_URL_GATEWAY_REQUESTOR: process.env.BASE_URL_GATEWAY_REQUESTOR,
  BASE_URL_LIVE_A: process.env.BASE_URL_LIVE_A,
  BASE_URL_LIVE_B: process.env.BASE_URL_LIVE_B,
};
const missing = Object.entries(urls).filter(([, url]) => !url).map(([name]) => name);
if (!urls.BASE_URL || (wholeSuite && missing.length > 0)) {
  throw new Error(
    `${missing.join(', ')} not set: the end-to-end tests run through \`cargo xtask test\` (or ` +
      '`cargo xtask e2e`), which starts a server for each dialect and the gateway and passes their URLs.',
  );
}
const baseURL = urls.BASE_URL;
const airclou = urls.BASE_URL_AIRCLOU;
const inboxops = urls.BASE_URL_INBOXOPS;
const requestor = urls.BASE_URL_REQUESTOR;
const gateway = urls.BASE_URL_GATEWAY;
// The portal's proxy vouches for the agent: its header on every request to a gateway.
const vouched = { 'X-Portal-User': 'e2e-agent@acme.example' };
const dialectGateways = (['airclou', 'inboxops', 'requestor'] as const).flatMap((dialect) => {
  const url = urls[`BASE_URL_GATEWAY_${dialect.toUpperCase()}` as keyof typeof urls];
  return url
    ? [{ name: `gateway-${dialect}`, testMatch: /gateway-dialects\.spec\.ts/, use: { baseURL: url, extraHTTPHeaders: vouched } }]
    : [];
});

export default defineConfig({
  testDir: './tests',
  forbidOnly: wholeSuite,
  projects: [
    { name: 'initdesk', testIgnore: /dialects\/|gateway(-dialects)?\.spec\.ts|embedded-session\.spec\.ts|live-instances\.spec\.ts/, use: { baseURL } },
    // Two servers sharing one database and one Redis: an agent on each.
    ...(urls.BASE_URL_LIVE_A && urls.BASE_URL_LIVE_B
      ? [{ name: 'live-instances', testMatch: /live-instances\.spec\.ts/, use: { baseURL: urls.BASE_URL_LIVE_A } }]
      : []),
    ...(airclou ? [{ name: 'airclou', testMatch: /dialects\/airclou\.spec\.ts/, use: { baseURL: airclou } }] : []),
    ...(inboxops ? [{ name: 'inboxops', testMatch: /dialects\/inboxops\.spec\.ts/, use: { baseURL: inboxops } }] : []),
    // The gateway admits what the portal's proxy vouches for: that proxy's header on every request.
    ...(gateway ? [{ name: 'gateway', testMatch: /gateway\.spec\.ts/, use: { baseURL: gateway, extraHTTPHeaders: vouched } }] : []),
    ...dialectGateways,
    // A portal on its own origin signs its agents' sessions: no proxy header, only the element's
    // `session-token` admits the agent at the gateway.
    ...(gateway ? [{ name: 'embedded-session', testMatch: /embedded-session\.spec\.ts/, use: { baseURL: gateway } }] : []),
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
