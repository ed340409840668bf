import { expect, test } from '@playwright/test';

test('the home page renders on the server and hydrates in the browser', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });

  await page.goto('/');
  await expect(page).toHaveTitle('Second opinion outpatient service');
  await expect(page.getByRole('heading', { level: 1, name: 'Second opinion outpatient service' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Start a request' }).first()).toHaveAttribute('href', '/request');

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
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Second opinion outpatient service');
  await expect(page.getByText('33,000 yen including consumption tax')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Show the dates if I send a request now' })).toBeDisabled();

  // The language switch works without JavaScript too, through the server.
  await page.getByRole('link', { name: '日本語' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('セカンドオピニオン外来');
  await expect(page.locator('html')).toHaveAttribute('lang', 'ja');
  await context.close();
});

test('a Japanese browser gets Japanese, and the switch to English is remembered', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'ja-JP' });
  const page = await context.newPage();
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('セカンドオピニオン外来');
  await expect(page.getByText('33,000円（消費税込み）')).toBeVisible();

  await page.getByRole('button', { name: '今申し込んだ場合の日程を表示する' }).click();
  await expect(page.getByRole('status')).toHaveText(/^受付日 \d{4}年\d{1,2}月\d{1,2}日\([月火水木金]\)、予約日の目安 /);

  await page.getByRole('link', { name: 'English' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Second opinion outpatient service');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Second opinion outpatient service');
  await context.close();
});
