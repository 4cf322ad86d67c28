// The suite's own gate: every page a test opens is watched for uncaught errors and Rust panics
// (fixtures.ts), and a test that saw one fails at its end. These tests make each kind of
// problem happen and check that it was recorded, then take it back so that they pass.
import { test, expect } from './fixtures';

test('a throw in an event handler is recorded, in any page of the test', async ({ page, context, browser, pageErrors }) => {
  const plant = async (target: typeof page) => {
    await target.goto('/');
    await expect(target.getByRole('heading', { name: 'Tickets', level: 1 })).toBeVisible();
    await target.evaluate(() => {
      const button = document.createElement('button');
      button.textContent = 'Planted';
      button.addEventListener('click', () => {
        throw new Error('planted in a click handler');
      });
      document.body.append(button);
    });
    await target.getByRole('button', { name: 'Planted' }).click();
  };
  await plant(page);
  await plant(await context.newPage());
  const own = await browser.newContext();
  await plant(await own.newPage());
  await expect.poll(() => pageErrors.length).toBe(3);
  expect(pageErrors.every((e) => e.includes('planted in a click handler'))).toBe(true);
  await own.close();
  pageErrors.length = 0;
});

test('a panic reported on the console is recorded', async ({ page, pageErrors }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Tickets', level: 1 })).toBeVisible();
  // What console_error_panic_hook writes when Rust panics.
  await page.evaluate(() => console.error('panicked at src/planted.rs:1:1:\nplanted panic'));
  await expect.poll(() => pageErrors.length).toBe(1);
  expect(pageErrors[0]).toContain('planted panic');
  pageErrors.length = 0;
});
