import { expect, test } from '@playwright/test';

test('the home page renders on the server, with the appointment window as of now', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });

  await page.goto('/');
  await expect(page).toHaveTitle('Second opinion outpatient service');
  await expect(page.getByRole('heading', { level: 1, name: 'Second opinion outpatient service' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Start a request' }).first()).toHaveAttribute('href', '/request');

  // The rules ran on the server as the page was rendered: a receipt day
  // and a 7–14 consultation-day window.
  await expect(page.getByTestId('window')).toHaveText(
    /^If you send a request now, it is received on \w{3} \d{1,2} \w{3} \d{4} and the appointment is expected between \w{3} \d{1,2} \w{3} \d{4} and \w{3} \d{1,2} \w{3} \d{4}\.$/,
  );
  expect(errors).toEqual([]);
});

test('without JavaScript the page reads the same', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Second opinion outpatient service');
  await expect(page.getByText('33,000 yen including consumption tax')).toBeVisible();
  await expect(page.getByTestId('window')).toContainText('If you send a request now');

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

  await expect(page.getByTestId('window')).toHaveText(/^今お申込みいただくと、受付日は\d{4}年\d{1,2}月\d{1,2}日\([月火水木金]\)、予約日の目安は/);

  await page.getByRole('link', { name: 'English' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Second opinion outpatient service');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Second opinion outpatient service');
  await context.close();
});
