import { expect, test } from '@playwright/test';

test('the home page renders on the server and hydrates in the browser', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });

  await page.goto('/');
  await expect(page).toHaveTitle('Second opinion consultations | Second opinion');
  await expect(page.getByRole('heading', { level: 1, name: 'Second opinion consultations' })).toBeVisible();

  // The button is disabled in the server's HTML and enabled by hydration.
  const button = page.getByRole('button', { name: 'Show the dates if I send a request now' });
  await expect(button).toBeEnabled();
  const status = page.getByRole('status');
  await expect(status).toHaveText('');

  await button.click();
  // The rules ran in the browser: a receipt day and a 7–14 consultation-day window.
  await expect(status).toHaveText(
    /^Received on \w{3} \d{1,2} \w{3} \d{4}; appointment expected between \w{3} \d{1,2} \w{3} \d{4} and \w{3} \d{1,2} \w{3} \d{4}\.$/,
  );
  expect(errors).toEqual([]);
});

test('without JavaScript the page still reads, and the button waits for the script', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Second opinion consultations');
  await expect(page.getByText('33,000 yen including tax')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Show the dates if I send a request now' })).toBeDisabled();
  await context.close();
});
