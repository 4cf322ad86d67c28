// Keyboard only: a whole reply (CC, next action, attachment) without the mouse, the shortcuts
// and their help overlay, the feed's keys, and shortcuts that leave typing alone.
import { test, expect, messagesOnServer } from './fixtures';
import type { Locator, Page } from '@playwright/test';

/** Presses Tab (or Shift+Tab) until `target` has the focus; fails after `max` presses. */
async function tabTo(page: Page, target: Locator, { back = false, max = 30 } = {}) {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((e) => e === document.activeElement)) return;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  await expect(target, 'reachable by Tab').toBeFocused();
}

async function openTicket(page: Page, id: string) {
  await page.goto(`/tickets/${id}`);
  const feed = page.getByRole('feed', { name: 'Conversation' });
  await expect(feed.getByRole('article').first()).toBeVisible();
  // Opened where it settles (its newest message in view): a key pressed while the page is
  // still scrolling there may focus a message the window then takes out.
  await expect(feed.getByRole('article').last()).toBeInViewport();
}

test('a reply with CC, next action and an attachment, by keyboard alone', async ({ page, request }) => {
  const text = `Keyboard-only reply (e2e ${Date.now()})`;
  // Listening for the file chooser from the start: Playwright intercepts the browser's
  // chooser only once a listener exists, and turning that on takes a round trip.
  const chooser = page.waitForEvent('filechooser', { timeout: 30_000 });
  await openTicket(page, '6');
  // Ticket 6 is spam: the composer waits behind a warning until the agent chooses to answer.
  await expect(page.getByRole('note').filter({ hasText: 'marked as spam' })).toBeVisible();
  const anyway = page.getByRole('button', { name: 'Answer anyway' });
  await tabTo(page, anyway);
  await page.keyboard.press('Enter');
  const form = page.getByRole('form', { name: 'Answer this ticket' });
  await expect(form).toBeVisible();
  // Answering anyway goes on in the composer's text, in reply mode.
  const reply = form.getByRole('textbox', { name: 'Reply text' });
  await expect(reply).toBeFocused();
  await page.keyboard.type(text);
  // Back to CC: type an address, Enter makes it a chip.
  const cc = form.getByRole('combobox', { name: 'Cc' });
  await tabTo(page, cc, { back: true });
  await page.keyboard.type('kim@x-corp.example');
  await page.keyboard.press('Enter');
  const chips = form.getByRole('list', { name: 'Cc recipients' }).getByRole('listitem');
  await expect(chips).toHaveCount(1);
  // A chip added by mistake: the arrow from the empty field reaches it, Delete removes it.
  await page.keyboard.type('oops@x-corp.example,');
  await expect(chips).toHaveCount(2);
  await page.keyboard.press('ArrowLeft');
  await expect(form.getByRole('button', { name: 'Remove oops@x-corp.example' })).toBeFocused();
  await page.keyboard.press('ArrowLeft');
  await expect(form.getByRole('button', { name: 'Remove kim@x-corp.example' })).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Delete');
  await expect(chips).toHaveCount(1);
  await expect(cc).toBeFocused();
  // The file picker opens from the keyboard.
  const attach = form.getByLabel('Attach files');
  await tabTo(page, attach);
  await page.keyboard.press('Enter');
  await (await chooser).setFiles([{ name: 'keys.txt', mimeType: 'text/plain', buffer: Buffer.from('typed, not clicked') }]);
  await expect(form.getByRole('list', { name: 'Files to send' }).getByRole('button', { name: 'Remove keys.txt' })).toBeVisible();
  // The next action by arrow keys on the focused picker.
  const next = form.getByRole('combobox', { name: 'Next action' });
  await tabTo(page, next);
  const before = await next.inputValue();
  await page.keyboard.press('ArrowDown');
  await expect(next).not.toHaveValue(before);
  const chosen = await next.evaluate((s: HTMLSelectElement) => s.selectedOptions[0].textContent);
  // Send with Ctrl+Enter from the text.
  await tabTo(page, reply, { back: true });
  await page.keyboard.press('Control+Enter');
  await expect(reply).toBeFocused();
  await expect(page.getByRole('feed', { name: 'Conversation' }).getByRole('article').filter({ hasText: text })).toHaveCount(1);
  // The send result is announced politely.
  await expect(page.getByRole('status').filter({ hasText: /^Reply sent/ })).toBeAttached();
  const stored = (await messagesOnServer(request, '6')).filter((m) => m.content === text) as Array<Record<string, any>>;
  expect(stored).toHaveLength(1);
  expect(stored[0].external_recipient_emails).toEqual(['kim@x-corp.example']);
  expect(stored[0].attachments.map((a: { name: string }) => a.name)).toEqual(['keys.txt']);
  expect(stored[0].next_action).not.toBe('none');
  expect(chosen).toBeTruthy();
});

test('shortcuts move between messages, switch to a note, and never take keys from a field', async ({ page }) => {
  await openTicket(page, '7');
  const feed = page.getByRole('feed', { name: 'Conversation' });
  const focused = feed.locator('article:focus');
  const position = async () => Number(await focused.getAttribute('aria-posinset'));
  // "j" with no message focused: the first one on screen (the thread opens at its newest).
  await page.keyboard.press('j');
  await expect(focused).toHaveCount(1);
  const start = await position();
  const size = Number(await focused.getAttribute('aria-setsize'));
  expect(size === -1 || size > 1, `aria-setsize ${size}`).toBe(true);
  // Step away from whichever end the first message on screen is at, and back.
  const step = (await focused.evaluate((e) => e.nextElementSibling !== null)) ? 1 : -1;
  const [away, back, pageAway, pageBack] = step === 1 ? ['j', 'k', 'PageDown', 'PageUp'] : ['k', 'j', 'PageUp', 'PageDown'];
  await page.keyboard.press(away);
  await expect(focused).toHaveAttribute('aria-posinset', String(start + step));
  await page.keyboard.press(back);
  await expect(focused).toHaveAttribute('aria-posinset', String(start));
  // The feed pattern's own keys.
  await page.keyboard.press(pageAway);
  await expect(focused).toHaveAttribute('aria-posinset', String(start + step));
  await page.keyboard.press(pageBack);
  await expect(focused).toHaveAttribute('aria-posinset', String(start));
  // "n": an internal note; typing "j", "k", "r", "?" there writes them.
  await page.keyboard.press('n');
  const form = page.getByRole('form', { name: 'Answer this ticket' });
  const note = form.getByRole('textbox', { name: 'Internal note text' });
  await expect(note).toBeFocused();
  await page.keyboard.type('jkr?in');
  await expect(note).toHaveValue('jkr?in');
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toHaveCount(0);
});

test('"?" opens the shortcut list, Escape closes it and the focus goes back', async ({ page }) => {
  await openTicket(page, '1');
  await page.keyboard.press('j');
  const first = page.getByRole('feed', { name: 'Conversation' }).locator('article:focus');
  await expect(first).toHaveCount(1);
  const at = await first.getAttribute('aria-posinset');
  await page.keyboard.press('Shift+?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toBeVisible();
  await expect(help.getByRole('row')).toHaveCount(14);
  await expect(help.getByRole('row', { name: /Open saved replies/ })).toContainText('/');
  await expect(help.getByRole('row', { name: /Ctrl \+ Enter/ })).toContainText('Send');
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();
  await expect(first).toHaveAttribute('aria-posinset', at!);
  // The button opens it too.
  await page.getByRole('button', { name: 'Keyboard shortcuts' }).press('Enter');
  await expect(help).toBeVisible();
  await help.getByRole('button', { name: 'Close' }).press('Enter');
  await expect(page.getByRole('button', { name: 'Keyboard shortcuts' })).toBeFocused();
});

test('dates, times and sizes follow the locale; the browser language is the default', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'de-DE', timezoneId: 'Asia/Tokyo' });
  const page = await context.newPage();
  await page.goto('/tickets/3');
  const feed = page.getByRole('feed', { name: 'Unterhaltung' });
  await expect(feed.getByRole('article').first()).toBeVisible();
  // A relative time in German ("vor 3 Tagen", "gestern" …) and an exact one in Tokyo time.
  const time = feed.locator('time').first();
  const datetime = (await time.getAttribute('datetime'))!;
  const tokyo = new Intl.DateTimeFormat('de', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Tokyo' }).format(new Date(datetime));
  await expect(time).toHaveAttribute('aria-label', tokyo);
  await expect(time).toHaveText(/vor|gestern|heute|jetzt|morgen|in /);
  await context.close();
});

test("the customer's shortcut list has no internal notes, a read-only one no composer", async ({ page, request }) => {
  const { url } = await (await request.get('/__test/portal-link/2')).json();
  await page.goto(url);
  await expect(page.getByRole('feed', { name: 'Conversation' }).getByRole('article').first()).toBeVisible();
  await page.keyboard.press('Shift+?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toBeVisible();
  await expect(help.getByRole('row')).toHaveCount(11);
  await expect(help).not.toContainText('internal note');
  await expect(help).toContainText('Write a reply');
  await page.goto('/embed/3?mode=readonly');
  await expect(page.getByRole('feed', { name: 'Conversation' }).getByRole('article').first()).toBeVisible();
  await page.keyboard.press('Shift+?');
  await expect(help.getByRole('row')).toHaveCount(9);
  await expect(help).not.toContainText('Write a reply');
});
