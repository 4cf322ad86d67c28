import { test, expect } from './fixtures';

const ORDER = '/tickets/4'; // the order email: a table, a cid: logo and a remote tracking pixel

test('remote images stay blocked until the agent shows them', async ({ page }) => {
  await page.goto(ORDER);
  const email = page.getByRole('article', { name: /^Message from Lukas Weber/ });
  await expect(email.getByRole('note')).toContainText('1 remote image blocked');
  await expect(email.locator('img[src^="https://tracking"]')).toHaveCount(0);

  await email.getByRole('button', { name: 'Show images', exact: true }).click();
  await expect(email.locator('img[src^="https://tracking.mailvendor.example/open.gif"]')).toHaveCount(1);
  await expect(email.getByRole('note')).toHaveCount(0);

  // Per message only: after a reload the pixel is blocked again.
  await page.reload();
  await expect(email.getByRole('note')).toContainText('blocked');
});

test('"always show images" is remembered for the sender', async ({ page }) => {
  await page.goto(ORDER);
  const email = page.getByRole('article', { name: /^Message from Lukas Weber/ });
  await email.getByRole('button', { name: 'Always show images from lukas@tailspin.example' }).click();
  await page.reload();
  await expect(email.locator('img[src^="https://tracking.mailvendor.example/"]')).toHaveCount(1);
  await expect(email.getByRole('note')).toHaveCount(0);
});

test('an inline cid: image shows its attachment', async ({ page }) => {
  await page.goto(ORDER);
  const logo = page.getByRole('article', { name: /^Message from Lukas Weber/ }).getByRole('img', { name: 'Tailspin Toys' });
  await expect(logo).toHaveAttribute('src', /^blob:/);
  await expect.poll(() => logo.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(32);
});

test('links show their real target and open safely', async ({ page }) => {
  await page.goto('/tickets/1');
  const link = page.getByRole('article', { name: /^Message from Sam Rivera/ }).getByRole('link', { name: 'acme.example/support' });
  await expect(link).toHaveAttribute('title', 'https://acme.example/support');
  await expect(link).toHaveAttribute('target', '_blank');
  await expect(link).toHaveAttribute('rel', 'noopener noreferrer');
});

test('an attachment downloads with the credentials it needs', async ({ page }) => {
  await page.goto('/tickets/1');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download invoice-4411.pdf' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('invoice-4411.pdf');
  const stream = await download.createReadStream();
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  expect(Buffer.concat(chunks).subarray(0, 5).toString()).toBe('%PDF-');
});

test('an image attachment gets a thumbnail and its size and type', async ({ page }) => {
  await page.goto('/tickets/3');
  const item = page.getByRole('list', { name: 'Attachments' }).getByRole('listitem').filter({ hasText: 'login-error.png' });
  await expect(item).toContainText('PNG image');
  // Thumbnails load as they come near the viewport (the thread opens at its newest message).
  await item.scrollIntoViewIfNeeded();
  await expect(item.locator('img.tl-attachment__thumb')).toHaveAttribute('src', /^blob:/);
});

test('a plain-text email keeps its line breaks and links its addresses', async ({ page }) => {
  await page.goto('/tickets/5');
  const reply = page.getByRole('article', { name: /^Message from Aisha Khan/ }).last();
  await expect(reply.locator('.tl-msg__body br').first()).toBeAttached();
  // The address is in the folded quote: open it first.
  await reply.getByRole('button', { name: 'Show quoted text' }).click();
  await expect(reply.getByRole('link', { name: 'alex@acme.example' })).toHaveAttribute('href', 'mailto:alex@acme.example');
});

test('quoted history of this thread folds, and a quote of anything new does not', async ({ page }) => {
  await page.goto('/tickets/1');
  const tom = page.getByRole('article', { name: /^Message from Tom Becker/ });
  await expect(tom).toContainText('Could you also send a corrected invoice');
  const toggle = tom.getByRole('button', { name: 'Show quoted text' });
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await expect(tom.getByText('I have refunded USD 49.00.')).toHaveCount(0);
  await toggle.click();
  await expect(tom.getByRole('button', { name: 'Hide quoted text' })).toHaveAttribute('aria-expanded', 'true');
  await expect(tom.getByText(/I have refunded USD 49\.00\./)).toBeVisible();

  // Maria quotes an email that is not in this thread: it stays in view.
  const maria = page.getByRole('article', { name: /^Message from Maria Lopez/ });
  await expect(maria.getByText('Your invoice #4411 for the Team plan is ready.')).toBeVisible();
  await expect(maria.getByRole('button', { name: 'Show quoted text' })).toHaveCount(0);
});

test('a long message is collapsed behind "Show more"', async ({ page }) => {
  await page.goto('/tickets/2');
  // The ticket opens on its newest message, the composer (a chunk) drawn below it: once it
  // is there, the page has stopped moving to the end.
  await expect(page.getByRole('textbox', { name: 'Reply text' })).toBeVisible();
  const log = page.getByRole('article').filter({ hasText: 'Here is the export log you asked for' });
  const more = log.getByRole('button', { name: 'Show more' });
  await expect(more).toHaveAttribute('aria-expanded', 'false');
  const clipped = await log.locator('.tl-msg__clip').evaluate((el) => el.clientHeight);
  await more.click();
  await expect(log.getByRole('button', { name: 'Show less' })).toHaveAttribute('aria-expanded', 'true');
  const full = await log.locator('.tl-msg__clip').evaluate((el) => el.clientHeight);
  expect(full).toBeGreaterThan(clipped);
  // Short messages get no such button.
  await expect(page.getByRole('article').first().getByRole('button', { name: 'Show more' })).toHaveCount(0);
});
