// The customer's own view, reached by a signed link: only customer-visible messages reach the
// browser (checked on every network response, not only the page), the customer replies and
// the reply is stored as theirs, and an expired or altered link gets a clear page.
import { test, expect, messagesOnServer, bodyText } from './fixtures';

type Stored = { content: string; is_visible_to_customer: boolean; role?: string };

test('the customer view shows only what the customer may see, and their reply is stored as theirs', async ({ page, request }) => {
  const before = (await messagesOnServer(request, '2')) as Stored[];
  const notes = before.filter((m) => !m.is_visible_to_customer).map((m) => m.content).filter((c) => c.trim() !== '');
  expect(notes.length).toBeGreaterThan(0);
  const { url } = await (await request.get('/__test/portal-link/2')).json();
  const received: Promise<string>[] = [];
  page.on('response', (r) => received.push(bodyText(r)));

  await page.goto(url);
  const thread = page.getByRole('feed', { name: 'Conversation' });
  await expect(thread.getByRole('article').first()).toBeVisible();
  // Exactly the customer-visible messages come (the thread is windowed, so the DOM holds only
  // those near the view: count what the link's own API gave the page).
  const visible = before.filter((m) => m.is_visible_to_customer && m.role !== 'system').length;
  const { link } = /\/portal\/(?<link>[^/]+)$/.exec(url)!.groups!;
  const doc = await (await request.get(`/portal-api/${link}`)).json();
  expect(doc.messages).toHaveLength(visible);
  await expect(thread.getByRole('article', { name: /^Internal note/ })).toHaveCount(0);
  // None of the agent's controls.
  await expect(page.getByRole('link', { name: /All tickets/ })).toHaveCount(0);
  const form = page.getByRole('form', { name: 'Reply to this conversation' });
  await expect(form.getByRole('radio')).toHaveCount(0);
  await expect(form.getByLabel('Next action')).toHaveCount(0);
  await expect(form.getByRole('combobox', { name: 'Cc' })).toHaveCount(0);

  const text = `Thanks, that fixed it (e2e portal ${Date.now()})`;
  await form.getByRole('textbox', { name: 'Reply text' }).fill(text);
  await form.getByRole('button', { name: 'Send reply' }).click();
  await expect(thread.getByRole('article').filter({ hasText: text })).toHaveCount(1);
  const stored = ((await messagesOnServer(request, '2')) as Stored[]).filter((m) => m.content.includes(text));
  expect(stored).toHaveLength(1);
  expect(stored[0]).toMatchObject({ role: 'customer', is_visible_to_customer: true });

  // Nothing the browser received holds a note, or the deployment's token.
  const bodies = (await Promise.all(received)).join('\n');
  expect(bodies).toContain(text);
  for (const note of notes) {
    expect(bodies).not.toContain(note.slice(0, 40));
  }
  const config = await (await request.get('/config.json')).json();
  expect(bodies).not.toContain(config.token);
});

test('an expired or altered link gets a clear page and no conversation', async ({ page, request }) => {
  const expired = await (await request.get('/__test/portal-link/2?ttl=-1')).json();
  await page.goto(expired.url);
  await expect(page.getByRole('alert')).toContainText('This link has expired');
  await expect(page.getByRole('feed', { name: 'Conversation' })).toHaveCount(0);

  const valid = await (await request.get('/__test/portal-link/2')).json();
  const altered = valid.url.replace(/^\/portal\/v1\.(\d+)\.2\./, '/portal/v1.$1.3.');
  expect(altered).not.toBe(valid.url);
  await page.goto(altered);
  await expect(page.getByRole('alert')).toContainText('This link is not valid');
  await expect(page.getByRole('feed', { name: 'Conversation' })).toHaveCount(0);
});
