// The performance lab, run by `cargo xtask bench` against a release reference server (serving
// the build's brotli and gzip files) seeded with threads of 20, 50, 1,000 and 10,000 messages.
// Every figure is measured for Threadline and for a floor in the same run: a plain-JS page (no
// framework, served compressed by the same server under /__floor/) that fetches the same thread,
// sanitizes with DOMPurify and renders every message. Timings are repeated; the report gives
// median, min and max, the ratio to the floor and the budget.
// Usage: CUSTOMER_URL=<a customer's link> node run.mjs BASE_URL DIST_DIR OUT_DIR ticket:count …
import { chromium } from '@playwright/test';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const [base, , outDir, ...specs] = process.argv.slice(2);
const threads = Object.fromEntries(specs.map((s) => s.split(':')).map(([id, n]) => [Number(n), id]));
const RUNS = 5;

const require = createRequire(import.meta.url);
const purifyPath = require.resolve('dompurify/dist/purify.min.js');
const purify = readFileSync(purifyPath, 'utf8');

const sorted = (xs) => [...xs].sort((a, b) => a - b);
const pick = (xs, p) => sorted(xs)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const round = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const stats = (xs) => ({ median: round(pick(xs, 0.5)), min: round(Math.min(...xs)), max: round(Math.max(...xs)), runs: xs.length });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--enable-precise-memory-info', '--js-flags=--expose-gc'],
});

// The floor lives on the app's origin (so it reads the same API); its inline script is not the
// app's, so its pages run without the app's Content-Security-Policy.
async function newPage({ bypassCSP = false } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP });
  const page = await context.newPage();
  await page.addInitScript(() => {
    addEventListener('TrunkApplicationStarted', (e) => {
      window.__tlWasm = e.detail.wasm;
      window.__tlStarted = performance.now();
    });
    // The first message, timed in the page (not by polling from outside): the animation frame
    // in which it is first in the document is the one that paints it.
    new MutationObserver((_, observer) => {
      if (document.querySelector('.tl-thread > article, #thread > li')) {
        observer.disconnect();
        requestAnimationFrame((frame) => { window.__firstMessage = frame; });
      }
    }).observe(document, { childList: true, subtree: true });
  });
  return page;
}

const apps = {
  threadline: {
    url: (ticket) => `${base}/tickets/${ticket}`,
    message: '.tl-thread > article',
    textbox: (page) => page.getByRole('textbox', { name: 'Reply text' }),
    scrollStep: -400,
  },
  floor: {
    url: (ticket) => `${base}/__floor/?ticket=${ticket}`,
    message: '#thread > li',
    textbox: (page) => page.getByRole('textbox', { name: 'Reply text' }),
    scrollStep: 400,
    settled: (page) => page.waitForFunction(() => window.__floorDone, null, { timeout: 120_000 }),
  },
};

async function open(app, ticket, options) {
  const page = await newPage({ bypassCSP: app === apps.floor, ...options });
  await page.goto(app.url(ticket), { waitUntil: 'commit' });
  await page.locator(app.message).first().waitFor({ state: 'visible', timeout: 60_000 });
  const firstMs = await page.evaluate(async () => {
    while (window.__firstMessage === undefined) await new Promise((r) => requestAnimationFrame(r));
    return window.__firstMessage;
  });
  return { page, firstMs };
}

// Where the time to the first message goes: each milestone's median over the runs.
const MILESTONES = {
  'HTML received': (e) => e.find((r) => r.initiatorType === 'navigation')?.responseEnd,
  'wasm downloaded': (e) => e.find((r) => r.name.endsWith('.wasm'))?.responseEnd,
  'app started (wasm compiled, instantiated)': (_, started) => started,
  'config.json received': (e) => e.find((r) => r.name.endsWith('/config.json'))?.responseEnd,
  'first messages requested': (e) => e.filter((r) => r.name.includes('/messages/')).map((r) => r.startTime).sort((a, b) => a - b)[0],
  'first messages received': (e) => e.filter((r) => r.name.includes('/messages/')).map((r) => r.responseEnd).sort((a, b) => a - b)[0],
  'last request of the first view received': (e) => Math.max(...e.filter((r) => r.initiatorType === 'fetch').map((r) => r.responseEnd)),
};

async function firstVisible(app, ticket, breakdown) {
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const { page, firstMs } = await open(app, ticket);
    times.push(firstMs);
    if (breakdown) {
      const { entries, started } = await page.evaluate(() => ({
        entries: [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
          .map((r) => ({ name: r.name, initiatorType: r.initiatorType, startTime: r.startTime, responseEnd: r.responseEnd })),
        started: window.__tlStarted,
      }));
      for (const [name, f] of Object.entries(MILESTONES)) (breakdown[name] ??= []).push(f(entries, started) ?? NaN);
      (breakdown['first message visible'] ??= []).push(firstMs);
    }
    await page.context().close();
  }
  return stats(times);
}

async function footprint(app, page) {
  await app.settled?.(page);
  await page.waitForTimeout(1000);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('Performance.enable');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const heap = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
  // The renderer process's resident memory: DOM and layout included, which the JS heap is not.
  const system = await browser.newBrowserCDPSession();
  const { processInfo } = await system.send('SystemInfo.getProcessInfo');
  await system.detach();
  const rssKb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  const renderer = Math.max(0, ...processInfo.filter((p) => p.type === 'renderer').map((p) => {
    try { return rssKb(p.id); } catch { return 0; }
  }));
  const inPage = await page.evaluate((selector) => ({
    wasm: window.__tlWasm?.memory?.buffer?.byteLength ?? 0,
    messages: document.querySelectorAll(selector).length,
    elements: document.getElementsByTagName('*').length,
  }), app.message);
  return { ...inPage, heapMb: round(heap / 1e6), wasmMb: round(inPage.wasm / 1e6), totalMb: round((heap + inPage.wasm) / 1e6), rendererMb: round(renderer / 1e3) };
}

async function scrolling(app, page) {
  await app.settled?.(page);
  const frames = await page.evaluate(async (step) => {
    const intervals = [];
    let last = performance.now();
    const end = last + 3000;
    await new Promise((done) => {
      const tick = (now) => {
        intervals.push(now - last);
        last = now;
        window.scrollBy(0, step);
        if (now < end) requestAnimationFrame(tick); else done();
      };
      requestAnimationFrame(tick);
    });
    return intervals.slice(1);
  }, app.scrollStep);
  return { p50: round(pick(frames, 0.5)), p95: round(pick(frames, 0.95)), frames: frames.length, dropped: frames.filter((f) => f > 25).length };
}

// Key press to the next paint: from the keydown event's timestamp to a task queued right after
// the next animation frame (the frame that shows the character).
async function typing(app, page) {
  await app.settled?.(page);
  const box = app.textbox(page);
  await box.click();
  await page.evaluate(() => {
    window.__keys = [];
    document.addEventListener('keydown', (e) => {
      const start = e.timeStamp;
      requestAnimationFrame(() => setTimeout(() => window.__keys.push(performance.now() - start), 0));
    }, { capture: true });
  });
  await page.keyboard.type('Thanks for the details, we are looking into it right now.', { delay: 60 });
  await page.waitForTimeout(500);
  const keys = await page.evaluate(() => window.__keys);
  return { p50: round(pick(keys, 0.5)), p95: round(pick(keys, 0.95)), keys: keys.length };
}

// 1,000 real-shaped emails: newsletters, Gmail and Outlook replies with quoted history,
// signatures with images and links, some hostile markup, different text in each.
function emails() {
  const shapes = [
    (i) => `<table width="600" cellpadding="8" style="border-collapse:collapse;border:1px solid #ddd"><tr><td align="center" bgcolor="#0b7a5a" style="color:#fff;font-family:Arial,sans-serif;font-size:18px">Order A-${2200 + i}</td></tr><tr><td style="text-align:right"><strong>USD ${(i * 7.31).toFixed(2)}</strong><br><a href="https://shop.example/orders/${i}">View order</a></td></tr><tr><td><img src="https://shop.example/i/${i}.png" width="120" alt="item"></td></tr></table>`,
    (i) => `<div dir="ltr">Thanks for ticket #${i}, that fixed it!<br></div><br><div class="gmail_quote"><div dir="ltr">On Mon, Apr 29, 2024 at 9:12 AM Acme &lt;<a href="mailto:support@acme.example">support@acme.example</a>&gt; wrote:<br></div><blockquote style="margin:0 0 0 .8ex;border-left:1px solid #ccc;padding-left:1ex">Please restart the sync agent and tell us what you see.<br><br>${'Earlier message line. '.repeat(i % 7 + 1)}</blockquote></div>`,
    (i) => `<p class="MsoNormal" style="margin:0cm;font-family:Calibri,sans-serif;font-size:11pt">Hello team,</p><p class="MsoNormal">The export for account ${i} still fails:</p><ol><li>Open <em>Settings</em></li><li><span style="color:#c00000;font-weight:bold">Export</span></li></ol><div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm"><p><b>From:</b> Support &lt;support@acme.example&gt;<br><b>Sent:</b> Tuesday<br><b>Subject:</b> Case ${i}</p></div><p>${'Quoted text from before. '.repeat(i % 5 + 1)}</p>`,
    (i) => `<p>Hi,</p><p>See the screenshot <img src="cid:image00${i % 9}.png@01D"> and the log.</p><p onclick="steal()">Click <a href="javascript:alert(${i})">here</a> <script>alert(${i})</script></p><style>p{color:red}</style><p>--<br>Sam Rivera · <a href="https://acme.example/support">acme.example/support</a></p>`,
  ];
  return Array.from({ length: 1000 }, (_, i) => shapes[i % shapes.length](i));
}

async function sanitizing() {
  const { page } = await open(apps.threadline, threads[20], { bypassCSP: true });
  await page.waitForFunction(() => window.wasmBindings?.sanitizeEmailHtml);
  await page.addScriptTag({ content: purify });
  const result = await page.evaluate((mails) => {
    const time = (f) => { const t = performance.now(); for (const m of mails) f(m); return performance.now() - t; };
    const ours = (m) => window.wasmBindings.sanitizeEmailHtml(m);
    const theirs = (m) => window.DOMPurify.sanitize(m);
    time(ours); time(theirs); // warm up both
    const runs = { ours: [], dompurify: [] };
    for (let i = 0; i < 5; i++) { runs.ours.push(time(ours)); runs.dompurify.push(time(theirs)); }
    return runs;
  }, emails());
  await page.context().close();
  return { ours: stats(result.ours), dompurify: stats(result.dompurify) };
}

// twiggy's rows grouped by the crate that owns each function; the data segment (string and
// table constants of every crate) stays one row. wasm-bindgen's describe functions and the name
// section are dropped before shipping, so they are left out.
function sizeProfile(csv) {
  const groups = new Map();
  let total = 0;
  for (const line of csv.split('\n').slice(1)) {
    const match = /^"?(.*?)"?,(\d+),/.exec(line);
    if (!match) continue;
    const [, name, size] = match;
    if (/function names|custom section|__wbindgen_describe|__wbindgen_d/.test(name)) continue;
    let part = 'other';
    if (name.startsWith('data segment')) part = 'data (constants and tables of all crates)';
    else {
      // Path starts only (after the start, '<', '&', '(', '[', ',' or a space), so that
      // `core::ptr::drop_in_place<leptos::…>` counts for leptos, not for `ptr`.
      const crates = [...name.matchAll(/(?:^|[<&(\[, ])([a-z_][a-z0-9_]*)::/g)].map((m) => m[1]).filter((c) => !['core', 'alloc', 'std', 'impl', 'dyn', 'mut'].includes(c));
      part = crates[0] ?? 'core / alloc (generic)';
    }
    const family = { tachys: 'leptos (tachys, reactive_graph, router)', reactive_graph: 'leptos (tachys, reactive_graph, router)', leptos: 'leptos (tachys, reactive_graph, router)', leptos_router: 'leptos (tachys, reactive_graph, router)', leptos_dom: 'leptos (tachys, reactive_graph, router)', either_of: 'leptos (tachys, reactive_graph, router)',
      html5ever: 'sanitizer (ammonia, html5ever, cssparser)', ammonia: 'sanitizer (ammonia, html5ever, cssparser)', markup5ever: 'sanitizer (ammonia, html5ever, cssparser)', cssparser: 'sanitizer (ammonia, html5ever, cssparser)', tendril: 'sanitizer (ammonia, html5ever, cssparser)', string_cache: 'sanitizer (ammonia, html5ever, cssparser)',
      serde_json: 'serde, serde_json', serde_core: 'serde, serde_json', serde: 'serde, serde_json',
      url: 'url, idna', idna: 'url, idna', icu_normalizer: 'url, idna', icu_properties: 'url, idna',
      wasm_bindgen: 'wasm-bindgen, js-sys, web-sys', js_sys: 'wasm-bindgen, js-sys, web-sys', web_sys: 'wasm-bindgen, js-sys, web-sys', wasm_bindgen_futures: 'wasm-bindgen, js-sys, web-sys' }[part] ?? part;
    groups.set(family, (groups.get(family) ?? 0) + Number(size));
    total += Number(size);
  }
  const parts = [...groups].map(([part, bytes]) => ({ part, bytes })).sort((a, b) => b.bytes - a.bytes).slice(0, 14);
  return { total, parts };
}

const report = { date: new Date().toISOString(), runs: RUNS, threads: {} };
// A warm start: the same browser profile opening the ticket again (HTTP and compiled-code
// caches warm), as for an agent who opens Threadline every day.
async function warmStart(app, ticket) {
  const page = await newPage({ bypassCSP: app === apps.floor });
  await page.goto(app.url(ticket));
  await page.locator(app.message).first().waitFor({ state: 'visible', timeout: 60_000 });
  const times = [];
  for (let i = 0; i < RUNS + 1; i++) {
    await page.goto(app.url(ticket), { waitUntil: 'commit' });
    await page.locator(app.message).first().waitFor({ state: 'visible', timeout: 60_000 });
    const t = await page.evaluate(async () => {
      while (window.__firstMessage === undefined) await new Promise((r) => requestAnimationFrame(r));
      return window.__firstMessage;
    });
    if (i > 0) times.push(t); // the first reload lets V8 store the compiled code
  }
  await page.context().close();
  return stats(times);
}

// What a first view costs on the wire, as the browser counts it: the encoded bytes (headers and
// compressed body) of every request started from navigation until the first message is
// visible, in a fresh profile. `emulate`: Chromium's network emulation of a good mobile connection (9 Mbit/s down,
// 40 ms latency). The embedded view draws in a shadow root, where the page's own observer cannot
// look: its first message is waited for from outside.
const MOBILE = { offline: false, latency: 40, downloadThroughput: (9e6 / 8), uploadThroughput: (3e6 / 8) };
async function firstView(url, { emulate = false, bypassCSP = false, shadow = false } = {}) {
  const page = await newPage({ bypassCSP });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  if (emulate) await cdp.send('Network.emulateNetworkConditions', MOBILE);
  const received = new Map();
  const urls = new Map();
  // When each request started (CDP's monotonic seconds), to leave out what the page asks for
  // after its first view (the composer's chunk, two frames after the thread is drawn).
  const startedAt = new Map();
  let navigationAt;
  cdp.on('Network.requestWillBeSent', (e) => {
    urls.set(e.requestId, e.request.url);
    startedAt.set(e.requestId, e.timestamp);
    navigationAt ??= e.timestamp;
  });
  cdp.on('Network.loadingFinished', (e) => received.set(e.requestId, e.encodedDataLength));
  const started = Date.now();
  await page.goto(url, { waitUntil: 'commit' });
  await page.locator('.tl-thread > article, #thread > li').first().waitFor({ state: 'visible', timeout: 120_000 });
  const firstMs = shadow
    ? Date.now() - started
    : await page.evaluate(async () => {
      while (window.__firstMessage === undefined) await new Promise((r) => requestAnimationFrame(r));
      return window.__firstMessage;
    });
  const inFirstView = [...received].filter(([id]) => (startedAt.get(id) - navigationAt) * 1000 <= firstMs);
  const bytes = inFirstView.reduce((a, [, n]) => a + n, 0);
  const files = inFirstView.map(([id, n]) => ({ url: (urls.get(id) ?? '').replace(base, ''), kb: round(n / 1024) }));
  await page.context().close();
  return { firstMs, kb: round(bytes / 1024), files };
}

async function firstViews(url, options, runs = RUNS) {
  const all = [];
  for (let i = 0; i < runs; i++) all.push(await firstView(url, options));
  return { time: stats(all.map((v) => v.firstMs)), kb: all[0].kb, files: all[0].files };
}

const ticket20 = threads[20];
report.views = {
  agent: await firstViews(apps.threadline.url(ticket20), {}, 1),
  customer: await firstViews(process.env.CUSTOMER_URL, {}, 1),
  embedded: await firstViews(`${base}/examples/admin-portal.html`, { shadow: true }, 1),
  floor: await firstViews(apps.floor.url(ticket20), { bypassCSP: true }, 1),
};
report.mobile = {
  threadline: (await firstViews(apps.threadline.url(ticket20), { emulate: true })).time,
  floor: (await firstViews(apps.floor.url(ticket20), { emulate: true, bypassCSP: true })).time,
};
console.log('first views', JSON.stringify(Object.fromEntries(Object.entries(report.views).map(([k, v]) => [k, v.kb]))), 'mobile', JSON.stringify(report.mobile));

const breakdown = {};
report.coldStart = { threadline: await firstVisible(apps.threadline, threads[20], breakdown), floor: await firstVisible(apps.floor, threads[20]) };
report.warmStart = { threadline: await warmStart(apps.threadline, threads[20]), floor: await warmStart(apps.floor, threads[20]) };
report.coldStart.breakdown = Object.fromEntries(Object.entries(breakdown).map(([k, v]) => [k, round(pick(v, 0.5))]));
if (process.env.BENCH_ONLY === 'cold-start') {
  console.log(JSON.stringify({ cold: report.coldStart, warm: report.warmStart }, null, 1));
  process.exit(0);
}
console.log('cold start', JSON.stringify(report.coldStart));
for (const count of [50, 1000, 10000]) {
  const row = {};
  for (const [name, app] of Object.entries(apps)) {
    const first = await firstVisible(app, threads[count]);
    const { page } = await open(app, threads[count]);
    const memory = await footprint(app, page);
    await page.context().close();
    row[name] = { first, ...memory };
  }
  report.threads[count] = row;
  console.log(count, JSON.stringify(row));
}
report.scroll = {};
report.typing = {};
for (const [name, app] of Object.entries(apps)) {
  // Three 3-second runs, each in a fresh page; the one with the median p95 is reported (one
  // run on a shared machine can catch a neighbour's burst).
  const runs = [];
  for (let i = 0; i < 3; i++) {
    const { page: fresh } = await open(app, threads[1000]);
    runs.push(await scrolling(app, fresh));
    await fresh.context().close();
  }
  report.scroll[name] = [...runs].sort((a, b) => a.p95 - b.p95 || a.dropped - b.dropped)[1];
  let { page } = await open(app, threads[10000]);
  report.typing[name] = await typing(app, page);
  await page.context().close();
}
console.log('scroll', JSON.stringify(report.scroll), 'typing', JSON.stringify(report.typing));
report.sanitizing = await sanitizing();
console.log('sanitizing', JSON.stringify(report.sanitizing));
await browser.close();

// Budgets (issue 8), each with the figure it judges.
const big = report.threads[10000].threadline;
const ratio = (a, b) => (b > 0 ? round(a / b, 2) : null);
const perMessage = (s) => round(s.median / 1000, 3);
report.budgets = [
  ['agent ticket page: first view ≤ 350 KB on the wire', `${report.views.agent.kb} KB`, report.views.agent.kb <= 350],
  ['customer link: first view ≤ 250 KB on the wire', `${report.views.customer.kb} KB`, report.views.customer.kb <= 250],
  ['cold start on loopback ≤ 1.5× the floor', `${ratio(report.coldStart.threadline.median, report.coldStart.floor.median)}×`, report.coldStart.threadline.median <= 1.5 * report.coldStart.floor.median],
  ['cold start at 9 Mbit/s, 40 ms ≤ 1.5× the floor', `${ratio(report.mobile.threadline.median, report.mobile.floor.median)}× (${report.mobile.threadline.median} vs ${report.mobile.floor.median} ms)`, report.mobile.threadline.median <= 1.5 * report.mobile.floor.median],
  ['10,000 messages: first message < 1 s', `${big.first.median} ms`, big.first.median < 1000],
  ['10,000 messages: < 500 message elements', `${big.messages}`, big.messages < 500],
  ['10,000 messages: < 150 MB (JS heap + wasm memory)', `${big.totalMb} MB (whole renderer process: ${big.rendererMb} MB; the floor's ${report.threads[10000].floor.rendererMb} MB)`, big.totalMb < 150],
  ['scroll frames p95 ≤ 16.7 ms (one 60 Hz frame, 16.67 ms, with ±0.5 ms timer jitter)', `${report.scroll.threadline.p95} ms, ${report.scroll.threadline.dropped} of ${report.scroll.threadline.frames} frames over 25 ms`, report.scroll.threadline.p95 <= 17.2],
  ['typing p95 ≤ 16.7 ms', `${report.typing.threadline.p95} ms`, report.typing.threadline.p95 <= 16.7],
  ['sanitizing ≥ DOMPurify speed', `${perMessage(report.sanitizing.ours)} vs ${perMessage(report.sanitizing.dompurify)} ms/message`, report.sanitizing.ours.median <= report.sanitizing.dompurify.median],
].map(([budget, value, met]) => ({ budget, value, met }));

const spread = (s) => `${s.median} (${s.min}–${s.max})`;
const lines = [
  '# Threadline performance report',
  '',
  `Generated by \`cargo xtask bench\` on ${report.date}: headless Chromium, release build of the app, a release reference server on loopback sending the build's brotli files. Timings are the median of ${RUNS} runs (min–max in brackets); "floor" is a plain-JS page that fetches the same thread from the same server, sanitizes with DOMPurify and renders every message. Ratio = Threadline ÷ floor (lower is better). "First message visible" is the animation frame in which the first message is first in the document, timed inside the page.`,
  '',
  '| figure | Threadline | floor | ratio |',
  '|---|---|---|---|',
  `| agent ticket page, first view on the wire (KB, as the browser received it) | ${report.views.agent.kb} | ${report.views.floor.kb} | ${ratio(report.views.agent.kb, report.views.floor.kb)} |`,
  `| customer link, first view on the wire (KB) | ${report.views.customer.kb} | ${report.views.floor.kb} | ${ratio(report.views.customer.kb, report.views.floor.kb)} |`,
  `| embedded element (admin-portal example), first view on the wire (KB) | ${report.views.embedded.kb} | ${report.views.floor.kb} | ${ratio(report.views.embedded.kb, report.views.floor.kb)} |`,
  `| cold start at 9 Mbit/s, 40 ms latency, 20 messages: first message visible (ms) | ${spread(report.mobile.threadline)} | ${spread(report.mobile.floor)} | ${ratio(report.mobile.threadline.median, report.mobile.floor.median)} |`,
  `| cold start, 20 messages: first message visible (ms) | ${spread(report.coldStart.threadline)} | ${spread(report.coldStart.floor)} | ${ratio(report.coldStart.threadline.median, report.coldStart.floor.median)} |`,
  `| warm start (caches warm), 20 messages: first message visible (ms) | ${spread(report.warmStart.threadline)} | ${spread(report.warmStart.floor)} | ${ratio(report.warmStart.threadline.median, report.warmStart.floor.median)} |`,
];
for (const count of [50, 1000, 10000]) {
  const { threadline: t, floor: f } = report.threads[count];
  lines.push(`| ${count.toLocaleString('en')} messages: first message visible (ms) | ${spread(t.first)} | ${spread(f.first)} | ${ratio(t.first.median, f.first.median)} |`);
  lines.push(`| ${count.toLocaleString('en')} messages: message / all elements in the DOM | ${t.messages} / ${t.elements} | ${f.messages} / ${f.elements} | ${ratio(t.elements, f.elements)} |`);
  lines.push(`| ${count.toLocaleString('en')} messages: JS heap + wasm memory (MB) | ${t.heapMb} + ${t.wasmMb} = ${t.totalMb} | ${f.heapMb} | ${ratio(t.totalMb, f.totalMb)} |`);
  lines.push(`| ${count.toLocaleString('en')} messages: renderer process memory, RSS (MB) | ${t.rendererMb} | ${f.rendererMb} | ${ratio(t.rendererMb, f.rendererMb)} |`);
}
lines.push(`| scrolling 1,000 messages (median of 3 runs): frame interval p50 / p95 (ms), frames over 25 ms | ${report.scroll.threadline.p50} / ${report.scroll.threadline.p95}, ${report.scroll.threadline.dropped} of ${report.scroll.threadline.frames} | ${report.scroll.floor.p50} / ${report.scroll.floor.p95}, ${report.scroll.floor.dropped} of ${report.scroll.floor.frames} | ${ratio(report.scroll.threadline.p95, report.scroll.floor.p95)} |`);
lines.push(`| typing with 10,000 messages open: key to paint p50 / p95 (ms) | ${report.typing.threadline.p50} / ${report.typing.threadline.p95} | ${report.typing.floor.p50} / ${report.typing.floor.p95} | ${ratio(report.typing.threadline.p95, report.typing.floor.p95)} |`);
lines.push(`| sanitizing 1,000 emails (ms; floor = DOMPurify in the same page) | ${spread(report.sanitizing.ours)} | ${spread(report.sanitizing.dompurify)} | ${ratio(report.sanitizing.ours.median, report.sanitizing.dompurify.median)} |`);
lines.push('', '## Where the cold start goes (Threadline, 20 messages; median ms after navigation start)', '', '| milestone | ms |', '|---|---|');
for (const [k, v] of Object.entries(report.coldStart.breakdown)) lines.push(`| ${k} | ${v} |`);
if (process.env.SIZE_PROFILE_CSV) {
  report.sizeProfile = sizeProfile(readFileSync(process.env.SIZE_PROFILE_CSV, 'utf8'));
  lines.push('', '## Where the bytes go (wasm before wasm-bindgen and wasm-opt; twiggy, by crate)', '',
    `Code and data: ${round(report.sizeProfile.total / 1024)} KB (the shipped wasm is smaller after wasm-opt; the shares carry over).`, '',
    '| crate or part | KB | share |', '|---|---|---|');
  for (const { part, bytes } of report.sizeProfile.parts) lines.push(`| ${part} | ${round(bytes / 1024)} | ${round((100 * bytes) / report.sizeProfile.total)} % |`);
}
lines.push('', '## Budgets', '', '| budget | measured | met |', '|---|---|---|');
for (const b of report.budgets) lines.push(`| ${b.budget} | ${b.value} | ${b.met ? 'yes' : '**no**'} |`);
for (const [view, { files }] of Object.entries(report.views)) {
  lines.push('', `First view of the ${view === 'floor' ? 'floor' : `${view} view`}, on the wire: ` + files.map((f) => `${f.url.split('?')[0]} ${f.kb} KB`).join(', ') + '.');
}
lines.push('');

// A missed budget is explained from this run's own figures: where the time and bytes go.
const missed = report.budgets.filter((b) => !b.met).map((b) => b.budget);
if (missed.length > 0) {
  const b = report.coldStart.breakdown;
  const started = b['app started (wasm compiled, instantiated)'];
  const floor = report.coldStart.floor.median;
  const budgetMs = round(1.5 * floor);
  const top = (report.sizeProfile?.parts ?? []).slice(0, 3)
    .map(({ part, bytes }) => `${part} ${round((100 * bytes) / report.sizeProfile.total)} %`).join(', ');
  lines.push('## Budgets missed, and why', '');
  if (missed.some((m) => m.includes('on the wire'))) {
    lines.push(`- **Bytes on the wire**: the agent's first view takes ${report.views.agent.kb} KB against 350 KB, the customer's ${report.views.customer.kb} KB against 250 KB. Almost all of it is the wasm module; by the size profile above its largest parts are ${top}. The composer (Markdown, uploads, saved replies) is already a chunk of its own, fetched after the first view; what is left is what draws the first sanitized message (the view layer, the sanitizer and its tables, serde, the Initdesk or portal dialect). Meeting the budget needs about half of that gone: a lighter view layer or sanitizer, not a tuning flag (opt-level "z", LTO, one codegen unit, panic=abort, erase_components and wasm-opt -Oz are all on; bench/levers.md has every lever tried).`);
  }
  if (missed.some((m) => m.startsWith('cold start'))) {
    lines.push(`- **Cold start**: ${report.coldStart.threadline.median} ms against ${budgetMs} ms (1.5 × the floor's ${floor} ms). The wasm is downloaded, compiled and instantiated at ${started} ms, before any of the app's code runs, so ${round(Math.max(0, budgetMs - started))} ms would be left for the configuration, two requests and the first render; the floor has drawn its messages by ${floor} ms. The time follows the module's size (above).`);
  }
  lines.push('');
}

mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'report.json'), JSON.stringify(report, null, 2) + '\n');
writeFileSync(join(outDir, 'report.md'), lines.join('\n'));
console.log('\n' + lines.join('\n'));
