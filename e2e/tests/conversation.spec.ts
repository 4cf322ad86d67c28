import { test, expect, messagesOnServer } from './fixtures';

const SUBJECT = 'Invoice #4411 charged twice';

test('the ticket list opens a ticket and shows its conversation', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Tickets', level: 1 })).toBeVisible();
  await page.getByRole('link', { name: SUBJECT }).click();

  await expect(page).toHaveURL(/\/tickets\/1$/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText(SUBJECT);
  const conversation = page.getByRole('feed', { name: 'Conversation' });
  await expect(conversation.getByRole('article').first()).toBeVisible();
  expect(await conversation.getByRole('article').count()).toBeGreaterThanOrEqual(4);
  // Notes are announced as notes and look different.
  const note = conversation.getByRole('article', { name: /^Internal note from / }).first();
  await expect(note).toBeVisible();
  await expect(note).toContainText('Internal note');
  await expect(conversation.getByRole('article', { name: /^Message from Maria Lopez/ }).first()).toBeVisible();
});

test('a reply is posted, shown, and still there after a reload', async ({ page, request }) => {
  const text = `Refund of the duplicate charge is on its way (e2e ${Date.now()})`;
  await page.goto('/tickets/1');
  await expect(page.getByRole('heading', { level: 1 })).toContainText(SUBJECT);

  await page.getByRole('textbox', { name: 'Reply text' }).fill(text);
  await page.getByRole('button', { name: 'Send reply' }).click();

  const conversation = page.getByRole('feed', { name: 'Conversation' });
  await expect(conversation.getByRole('article').filter({ hasText: text })).toHaveCount(1);
  await expect(page.getByRole('textbox', { name: 'Reply text' })).toHaveValue('');

  await page.reload();
  await expect(conversation.getByRole('article').filter({ hasText: text })).toHaveCount(1);

  // Read back from the server's API: stored exactly once, as a customer-visible reply.
  const stored = (await messagesOnServer(request, '1')).filter((m) => m.content === text);
  expect(stored).toHaveLength(1);
  expect(stored[0].is_visible_to_customer).toBe(true);
});

test('an internal note is posted as a note', async ({ page, request }) => {
  const text = `Checked with billing (e2e note ${Date.now()})`;
  await page.goto('/tickets/1');
  await page.getByRole('radio', { name: 'Internal note' }).check();
  await page.getByRole('textbox', { name: 'Internal note text' }).fill(text);
  await page.getByRole('button', { name: 'Add note' }).click();

  const conversation = page.getByRole('feed', { name: 'Conversation' });
  await expect(conversation.getByRole('article', { name: /^Internal note from / }).filter({ hasText: text })).toHaveCount(1);
  const stored = (await messagesOnServer(request, '1')).filter((m) => m.content === text);
  expect(stored).toHaveLength(1);
  expect(stored[0].is_visible_to_customer).toBe(false);
});

test('hostile email HTML is shown without running anything', async ({ page }) => {
  let dialogs = 0;
  page.on('dialog', async (d) => {
    dialogs += 1;
    await d.dismiss();
  });
  await page.goto('/');
  const spamLinks = page.getByRole('listitem').filter({ hasText: 'Spam' }).getByRole('link');
  await spamLinks.first().click();
  // The hostile message itself is there (its words and its link's text, made harmless), so
  // the checks below look at a rendered attack, not at an empty thread.
  const hostile = page.getByRole('feed', { name: 'Conversation' }).getByRole('article').filter({ hasText: 'Your account will be suspended in 24 hours' });
  await expect(hostile).toHaveCount(1);
  await expect(hostile).toContainText('verify your account now');
  await expect(hostile.locator('.tl-msg__body')).toHaveCount(1);
  expect(await page.locator('.tl-msg__body script, .tl-msg__body style, .tl-msg__body [onerror]').count()).toBe(0);
  expect(await page.locator('.tl-msg__body a[href^="javascript:"]').count()).toBe(0);
  await expect(page.locator('body')).toBeVisible();
  expect(dialogs).toBe(0);
});

test('three events in a row fold into one row that says what they were and opens in place', async ({ page }) => {
  await page.goto('/tickets/1');
  const feed = page.getByRole('feed', { name: 'Conversation' });
  const run = feed.getByRole('article', { name: '3 events: assigned, priority changed, tags changed' });
  await expect(run).toBeVisible();
  const toggle = run.getByRole('button', { name: /^3 events: assigned, priority changed, tags changed/ });
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  const texts = [
    'Sam Rivera assigned the ticket to themselves',
    'Sam Rivera changed the priority from Normal to High',
    'Sam Rivera added the tags billing, vip',
  ];
  for (const text of texts) {
    await expect(run.getByText(text)).toBeHidden();
  }
  // Each event is one row no more: the run is one article between the email and the note.
  await expect(feed.getByRole('article').filter({ hasText: 'Sam Rivera assigned' })).toHaveCount(1);
  // By keyboard: open, every event with its time, then closed again.
  await toggle.focus();
  await page.keyboard.press('Enter');
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  for (const text of texts) {
    await expect(run.getByRole('listitem').filter({ hasText: text })).toBeVisible();
  }
  await expect(run.getByRole('listitem').locator('time')).toHaveCount(3);
  await page.keyboard.press('Space');
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await expect(run.getByText(texts[0])).toBeHidden();
});
