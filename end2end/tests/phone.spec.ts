// The request on a phone (Chromium at 390 px): the verdict bar in view and
// following the answers, a refusing answer's reason under its question, a
// refused panel with what to do instead, questions revealed and hidden with
// their answers left out of what is sent, the date of birth in an era; axe
// on every state at 390 px and 1280 px, in both languages.
import { expect, test, type Page } from '@playwright/test';
import { expectNoAxeViolations, fillBirthDate, fillEnglishRequest, waitForHydration } from './helpers';

const PHONE = { width: 390, height: 844 };
const DESK = { width: 1280, height: 900 };

async function openRequest(page: Page): Promise<void> {
  await page.goto('/request');
  await waitForHydration(page);
}

test.use({ viewport: PHONE });

// A hydration mismatch or a panic in the island shows as an uncaught error
// or a console error: none may happen in any of these journeys.
const pageErrors: string[] = [];
test.beforeEach(({ page }) => {
  pageErrors.length = 0;
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
});
test.afterEach(() => {
  expect(pageErrors, 'errors in the page').toEqual([]);
});

test('on a phone the bar keeps the verdict in view and follows the answers', async ({ page }) => {
  await openRequest(page);
  const bar = page.locator('.panel-bar');
  await expect(bar).toBeInViewport();
  await expect(bar).toContainText('Not decided yet');
  await expect(bar).toContainText(/\d+ questions left/);
  // Only one live region speaks for the panel, whatever the width.
  await expect(page.locator('.panel [aria-live]')).toHaveCount(1);
  await expectNoAxeViolations(page, '/request at 390 px, empty');

  await fillEnglishRequest(page);
  await expect(bar).toContainText('We can accept this request');
  await expect(page.getByRole('status').filter({ hasText: 'We can accept this request' })).toHaveCount(1);
  // Still in view at the bottom, wherever the form is scrolled to.
  await page.getByLabel('What do you want to ask the specialist?').scrollIntoViewIfNeeded();
  await expect(bar).toBeInViewport();

  // Litigation: refused, with the reason under the question and in the bar.
  await page.locator('#purpose-litigation').check();
  await expect(bar).toContainText('We cannot accept this request');
  await expect(bar).toContainText('1 reason');
  await expect(page.getByTestId('purpose-decided')).toContainText('With this answer we cannot accept the request');
  await expect(page.getByTestId('purpose-decided')).toContainText('We do not accept a second opinion for a dispute or a lawsuit.');
  await expectNoAxeViolations(page, '/request at 390 px, refused');

  // The panel opens and closes with its button; refused, it shows what to do instead.
  const toggle = page.getByRole('button', { name: 'Show details' });
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await expect(page.getByTestId('verdict')).toBeHidden();
  await toggle.click();
  await expect(page.getByRole('button', { name: 'Hide details' })).toHaveAttribute('aria-expanded', 'true');
  await expect(page.getByTestId('verdict')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'What you can do instead' })).toBeVisible();
  await expect(page.getByTestId('documents')).toHaveCount(0);
  await expect(page.getByTestId('window')).toHaveCount(0);
  await expectNoAxeViolations(page, '/request at 390 px, refused panel open');

  // "Other" purpose: contact first, said first, with the counter's hours, then the rest.
  await page.locator('#purpose-other').check();
  await expect(bar).toContainText('Please contact reception first');
  await expect(page.getByTestId('purpose-decided')).toContainText('please contact reception counter 1 first');
  const body = page.locator('#panel-body');
  await expect(body.locator('.reception-hours')).toContainText('9:00–16:45');
  await expect(page.getByTestId('window')).toBeVisible();
  await page.getByRole('button', { name: 'Hide details' }).click();
  await expect(page.getByTestId('verdict')).toBeHidden();
});

test("the panel counts the window from the server's clock, whatever the phone's says", async ({ page }) => {
  // A phone whose clock is years ahead: the window is still the one Send
  // will store, counted from the server's day (and its closure days).
  await page.clock.setFixedTime(new Date('2031-06-02T10:00:00+09:00'));
  await openRequest(page);
  const today = (await page.locator('form[action="/request"]').getAttribute('data-today')) ?? '';
  expect(today).toMatch(/^20\d\d-\d\d-\d\d$/);
  await fillEnglishRequest(page);
  await expect(page.locator('.panel-bar')).toContainText('We can accept this request');
  await page.getByRole('button', { name: 'Show details' }).click();
  const window = page.getByTestId('window');
  await expect(window).toBeVisible();
  await expect(window).not.toContainText('2031');
  await expect(window).toContainText(/20\d\d/);
});

test('a question that applies is revealed under its answer, and what no longer applies is not sent', async ({ page }) => {
  await openRequest(page);
  const name = page.getByLabel('Your full name');
  await expect(name).toBeHidden();
  await page.getByLabel('A family member of an adult patient').check();
  await expect(name).toBeVisible();
  await expect(page.getByRole('group', { name: 'Does the patient consent to this request?' })).toBeVisible();
  await name.fill('Taro Yamada');
  await page.getByLabel('Your relationship to the patient').fill('Son');
  await page.getByLabel('Your phone number').fill('080-9876-5432');
  await expectNoAxeViolations(page, '/request at 390 px, a question revealed');

  // The patient asks after all: the questions go, their answers are kept in
  // the browser (they come back) but not sent.
  await fillEnglishRequest(page);
  await expect(name).toBeHidden();
  await page.getByLabel('A family member of an adult patient').check();
  await expect(name).toHaveValue('Taro Yamada');
  await page.getByLabel('I am the patient').check();
  await expect(name).toBeHidden();

  // What the browser posts leaves them out (the inputs are disabled).
  const checked = page.waitForRequest(
    (request) => request.method() === 'POST' && (request.postData() ?? '').includes('step=check'),
  );
  await page.getByRole('button', { name: 'Check your answers' }).click();
  expect((await checked).postData() ?? '').not.toContain('Taro');
  expect((await checked).postData() ?? '').not.toContain('080-9876-5432');
  await expect(page.getByRole('heading', { name: 'Check your answers' })).toBeVisible();
  await expect(page.getByText('Taro Yamada')).toHaveCount(0);

  // Back to change an answer: the left-out answers come back from the draft.
  await page.getByRole('button', { name: 'Change' }).first().click();
  await waitForHydration(page);
  await page.getByLabel('A family member of an adult patient').check();
  await expect(name).toHaveValue('Taro Yamada');
  await page.getByLabel('I am the patient').check();
  await page.getByRole('button', { name: 'Check your answers' }).click();
  await expect(page.getByRole('heading', { name: 'Check your answers' })).toBeVisible();
  const sent = page.waitForRequest(
    (request) => request.method() === 'POST' && (request.postData() ?? '').includes('step=send'),
  );
  await page.getByRole('button', { name: 'Send the request' }).click();
  expect((await sent).postData() ?? '').not.toContain('Taro');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Request received');
});

test('the date of birth in a Japanese era, with the wrong part named and nothing typed lost', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'ja-JP', viewport: PHONE });
  const page = await context.newPage();
  await openRequest(page);
  const born = page.getByRole('group', { name: '患者さんの生年月日' });
  await born.getByLabel('元号').selectOption('showa');
  await born.getByLabel('年', { exact: true }).fill('21');
  await born.getByLabel('月', { exact: true }).fill('13');
  await born.getByLabel('日', { exact: true }).fill('15');
  await page.getByRole('button', { name: '回答を確認する' }).click();
  await expect(page.getByRole('alert')).toContainText('月は1から12で入力してください。');
  await expect(born.getByLabel('月', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expect(born.getByLabel('年', { exact: true })).not.toHaveAttribute('aria-invalid', 'true');
  await expect(born.getByLabel('年', { exact: true })).toHaveValue('21');
  await expect(born.getByLabel('元号')).toHaveValue('showa');
  await expectNoAxeViolations(page, '/request at 390 px (ja), a wrong month');
  await born.getByLabel('月', { exact: true }).fill('3');
  await expect(page.locator('#patient_date_of_birth-error')).toHaveCount(0);
  await context.close();
});

test('every state of the form has no accessibility violation at 1280 px in both languages', async ({ browser }) => {
  for (const locale of ['en-US', 'ja-JP']) {
    const context = await browser.newContext({ locale, viewport: DESK });
    const page = await context.newPage();
    await openRequest(page);
    await expectNoAxeViolations(page, `/request at 1280 px (${locale}), empty`);
    await page.locator('#requester-family_member').check();
    await page.locator('#patient_agrees-no').check();
    await page.locator('#area-other').check();
    await expect(page.getByTestId('patient_agrees-decided')).toBeVisible();
    await expectNoAxeViolations(page, `/request at 1280 px (${locale}), revealed and refused`);
    await page.locator('#patient_agrees-yes').check();
    await page.locator('#purpose-other').check();
    await expectNoAxeViolations(page, `/request at 1280 px (${locale}), contact first`);
    await context.close();
  }
});

test('the Japanese form at 390 px has no accessibility violation, open and closed', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'ja-JP', viewport: PHONE });
  const page = await context.newPage();
  await openRequest(page);
  await expectNoAxeViolations(page, '/request at 390 px (ja)');
  await page.locator('#patient_agrees-no').check();
  await page.getByRole('button', { name: '詳しく見る' }).click();
  await expect(page.getByRole('heading', { name: '代わりにできること' })).toBeVisible();
  await expectNoAxeViolations(page, '/request at 390 px (ja), refused panel open');
  await context.close();
});

test('without JavaScript every question shows, each with when it applies', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: PHONE });
  const page = await context.newPage();
  await page.goto('/request');
  await expect(page.getByText('Only if you are not the patient:')).toBeVisible();
  await expect(page.getByLabel('Your full name')).toBeVisible();
  await expect(page.getByLabel("Interpreter's language")).toBeVisible();
  await expect(page.getByTestId('verdict')).toBeVisible();
  await fillBirthDate(page, '1946', '3', '15');
  // (axe needs JavaScript; the page's markup is the same as scanned above.)
  await context.close();
});
