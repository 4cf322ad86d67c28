// Long-thread benchmark, run by `cargo xtask bench` against a server seeded with threads of
// 50, 1,000 and 10,000 messages. For each: time from navigation start to the first message
// being visible (median of 5 loads), messages and DOM elements in the page, then frame
// intervals while the agent scrolls up through older pages for 3 s.
// Usage: node thread.mjs BASE_URL ticketId:count [ticketId:count ...]
import { chromium } from '@playwright/test';

const [base, ...threads] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const percentile = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

const rows = [];
for (const spec of threads) {
  const [ticket, count] = spec.split(':');
  const firstVisible = [];
  let page;
  for (let run = 0; run < 5; run++) {
    await page?.close();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${base}/tickets/${ticket}`, { waitUntil: 'commit' });
    // The first message visible, whichever it is: one-page threads open at the top, longer
    // ones on their newest message.
    await page.locator('.tl-thread > li').first().waitFor({ state: 'visible', timeout: 30_000 });
    firstVisible.push(await page.evaluate(() => performance.now()));
  }
  const inDom = await page.evaluate(() => ({
    messages: document.querySelectorAll('.tl-thread > li').length,
    elements: document.getElementsByTagName('*').length,
  }));
  // Scroll up steadily for 3 s (loading older pages on the way) and record frame intervals.
  const frames = await page.evaluate(async () => {
    const intervals = [];
    let last = performance.now();
    const end = last + 3000;
    await new Promise((done) => {
      const step = (now) => {
        intervals.push(now - last);
        last = now;
        window.scrollBy(0, -400);
        if (now < end) requestAnimationFrame(step); else done();
      };
      requestAnimationFrame(step);
    });
    return intervals;
  });
  const after = await page.evaluate(() => ({
    messages: document.querySelectorAll('.tl-thread > li').length,
    elements: document.getElementsByTagName('*').length,
  }));
  rows.push({
    thread: Number(count),
    firstMs: Math.round(median(firstVisible)),
    domMessages: inDom.messages,
    domElements: inDom.elements,
    p95FrameMs: Math.round(percentile(frames, 0.95) * 10) / 10,
    longFrames: frames.filter((f) => f > 50).length,
    frames: frames.length,
    messagesAfterScroll: after.messages,
    elementsAfterScroll: after.elements,
  });
  await page.close();
}
await browser.close();

const pad = (v, n) => String(v).padStart(n);
console.log('\nLong threads (headless Chromium, release build; first = median of 5 loads):');
console.log(`${'messages'.padEnd(10)}${pad('first msg', 11)}${pad('msgs in DOM', 13)}${pad('elements', 10)}${pad('scroll p95', 12)}${pad('>50ms', 7)}${pad('msgs after 3s scroll', 22)}${pad('elements', 10)}`);
for (const r of rows) {
  console.log(`${String(r.thread).padEnd(10)}${pad(r.firstMs + ' ms', 11)}${pad(r.domMessages, 13)}${pad(r.domElements, 10)}${pad(r.p95FrameMs + ' ms', 12)}${pad(r.longFrames + '/' + r.frames, 7)}${pad(r.messagesAfterScroll, 22)}${pad(r.elementsAfterScroll, 10)}`);
}
const big = rows.find((r) => r.thread === 10000);
if (big) {
  console.log(`Budget: 10,000 messages open to the first message in under 1 s: ${big.firstMs} ms, ${big.firstMs < 1000 ? 'within budget' : 'OVER BUDGET'}.`);
  console.log(`Budget: a few hundred message elements in the DOM at most: ${big.domMessages} on open, ${big.messagesAfterScroll} after scrolling, ${big.messagesAfterScroll <= 300 ? 'within budget' : 'OVER BUDGET (no windowing yet)'}.`);
}
