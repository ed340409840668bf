// The patient's journeys through /request, the confirmation and /status,
// by role and label, with and without JavaScript, in English and Japanese.
import { expect, test, type Page } from '@playwright/test';
import { expectNoAxeViolations, fillEnglishRequest, waitForHydration } from './helpers';

/** Console errors and uncaught exceptions, which must stay empty. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    // A form posted with errors comes back as 422 by design; the browser
    // logs the status, which is no fault of the page.
    if (message.type() === 'error' && !message.text().includes('status of 422')) errors.push(message.text());
  });
  return errors;
}

test('the eligible journey: the panel follows the answers, check, send, confirmation, status', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto('/request');
  await waitForHydration(page);
  await expectNoAxeViolations(page, '/request (en)');
  const verdict = page.getByTestId('verdict');
  await expect(verdict).toHaveText(/Answer the remaining questions/);
  await expect(page.getByTestId('documents').getByRole('listitem')).toHaveCount(3);
  await expect(page.getByTestId('window')).toHaveText(/^If you send the request today, it is received on \w{3} \d{1,2} \w{3} \d{4}/);

  await fillEnglishRequest(page, { purpose: 'For a dispute or a lawsuit (medical fees, a medical accident)' });
  await expect(verdict).toHaveText(/We cannot accept this request\..*We do not accept a second opinion for a dispute or a lawsuit\./);
  await page.getByLabel("To hear a specialist's view on the diagnosis or the treatment").check();
  await expect(verdict).toHaveText('You can send this request.');
  await page.getByLabel('Another area').check();
  await expect(verdict).toHaveText(/Answer the remaining questions/);
  await page.getByLabel('Which disease or area?').fill('Kidney disease');
  await expect(verdict).toHaveText(/please contact reception counter 1 first.*outside our main areas/);
  await page.getByLabel('Cancer', { exact: true }).check();
  await page.getByLabel('Family members without the patient').check();
  await expect(page.getByTestId('documents').getByRole('listitem')).toHaveCount(5);
  await page.getByLabel('The patient alone').check();
  await expect(page.getByTestId('documents').getByRole('listitem')).toHaveCount(3);
  await expect(verdict).toHaveText('You can send this request.');

  // A wrong phone number: the summary takes the focus and links to the field.
  await page.getByLabel('Phone number', { exact: true }).fill('call me');
  await page.getByRole('button', { name: 'Check your answers' }).click();
  const summary = page.getByRole('alert');
  await expect(summary).toBeFocused();
  await expect(summary.getByRole('link', { name: /Phone number: Please enter a phone number/ })).toBeVisible();
  await expect(page.getByLabel('Phone number', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel("Patient's full name")).toHaveValue('Hanako Yamada');
  await page.getByLabel('Phone number', { exact: true }).fill('090-1234-5678');
  await expect(page.getByLabel('Phone number', { exact: true })).not.toHaveAttribute('aria-invalid', 'true');

  await page.getByRole('button', { name: 'Check your answers' }).click();
  await expect(page.getByRole('heading', { name: 'Check your answers' })).toBeFocused();
  await expect(page.getByText('Hanako Yamada')).toBeVisible();
  await expectNoAxeViolations(page, 'check answers (en)');
  await page.getByRole('button', { name: 'Change Phone number' }).click();
  await expect(page.getByLabel('Phone number', { exact: true })).toBeFocused();
  await page.getByLabel('Phone number', { exact: true }).fill('03-1234-5678');
  await page.getByRole('button', { name: 'Check your answers' }).click();
  await expect(page.getByText('03-1234-5678')).toBeVisible();

  await page.getByRole('button', { name: 'Send the request' }).click();
  await expect(page).toHaveURL(/\/request\/sent\/[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Request received');
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
  const reference = (await page.getByTestId('reference').textContent()) ?? '';
  expect(page.url()).toContain(reference);
  await expect(page.getByText('The second-opinion request form')).toBeVisible();
  await expect(page.getByText(/33,000 yen including tax/)).toBeVisible();
  await expect.poll(() => page.evaluate(() => window.localStorage.length)).toBe(0);
  await page.reload();
  await expect(page.getByTestId('reference')).toHaveText(reference);
  await expectNoAxeViolations(page, 'confirmation (en)');

  // /status is plain HTML from the server: no island, no waiting.
  await page.getByRole('link', { name: 'Check the status' }).click();
  await page.getByLabel('Reference').fill(reference.toLowerCase());
  await page.getByLabel("Patient's date of birth").fill('1970-04-01');
  await page.getByRole('button', { name: 'Check the status' }).click();
  await expect(page.getByTestId('status')).toHaveText(/^Received on .* expected between /);
  // The answer is a new page; its heading takes the focus.
  await expect(page.getByRole('heading', { level: 2, name: 'Status' })).toBeFocused();
  await expect(page.getByLabel('Reference')).toHaveValue(reference.toLowerCase());
  await expectNoAxeViolations(page, '/status (en)');
  expect(errors).toEqual([]);
  // A wrong date of birth gets the same answer as a wrong reference.
  await page.getByLabel("Patient's date of birth").fill('1970-04-02');
  await page.getByRole('button', { name: 'Check the status' }).click();
  await expect(page.getByTestId('status')).toHaveText(/We found no request with this reference and date of birth/);
});

test('the litigation journey: the panel says why, and the request cannot be sent', async ({ page }) => {
  await page.goto('/request');
  await waitForHydration(page);
  await fillEnglishRequest(page, { purpose: 'For a dispute or a lawsuit (medical fees, a medical accident)' });
  const verdict = page.getByTestId('verdict');
  await expect(verdict).toContainText('We cannot accept this request.');
  await expect(verdict).toContainText('We do not accept a second opinion for a dispute or a lawsuit.');
  await page.getByRole('button', { name: 'Check your answers' }).click();
  const summary = page.getByRole('alert');
  await expect(summary).toBeFocused();
  await expect(summary).toContainText('This request cannot be sent yet');
  await expect(summary).toContainText('We do not accept a second opinion for a dispute or a lawsuit.');
  await expect(page.getByRole('button', { name: 'Send the request' })).toHaveCount(0);

  // The server refuses it too, whatever the browser does.
  const response = await page.request.post('/request', {
    headers: { 'Accept-Language': 'en' },
    form: {
      submission_id: 'litigation-0001',
      language: 'en',
      step: 'send',
      requester: 'patient',
      patient_name: 'Hanako Yamada',
      patient_date_of_birth: '1970-04-01',
      patient_phone: '090-1234-5678',
      present_doctor_name: 'Ichiro Sato',
      present_institution: 'Sakura Clinic',
      patient_agrees: 'yes',
      present_doctor_refers: 'yes',
      report_shared_with_present_doctor: 'yes',
      purpose: 'litigation',
      area: 'cancer',
      diagnosis: 'Stage II breast cancer',
      questions: 'Who is at fault?',
      attendance: 'patient_alone',
      acknowledges_in_person_only: 'true',
      acknowledges_fee_paid_on_the_day: 'true',
      acknowledges_not_covered_by_insurance: 'true',
    },
  });
  expect(response.status()).toBe(422);
  expect(await response.text()).toContain('We do not accept a second opinion for a dispute or a lawsuit.');
});

test('questions left open are marked at their inputs, and the marks follow the answers', async ({ page }) => {
  await page.goto('/request');
  await waitForHydration(page);
  await page.getByRole('button', { name: 'Check your answers' }).click();
  await expect(page.getByRole('alert')).toBeFocused();
  const who = page.getByRole('group', { name: 'Who is making this request?' });
  await expect(who).toContainText('Please answer this question.');
  const inPerson = page.getByLabel('I understand that the consultation is in person only, at the hospital.');
  await expect(inPerson).toHaveAttribute('aria-invalid', 'true');
  await expect(inPerson).toHaveAccessibleDescription('Please answer this question.');
  await page.getByLabel('I am the patient').check();
  await expect(who).not.toContainText('Please answer this question.');
  await inPerson.check();
  await expect(inPerson).not.toHaveAttribute('aria-invalid', 'true');
  await expectNoAxeViolations(page, '/request with open questions marked (en)');
});

test('the draft is kept across a reload and cleared by Start again', async ({ page }) => {
  await page.goto('/request');
  await waitForHydration(page);
  await page.getByLabel("Patient's full name").fill('Taro Suzuki');
  await page.getByLabel('Cardiovascular (heart and blood vessels)').check();
  await page.getByLabel('Thursday').check();
  await page.reload();
  await waitForHydration(page);
  await expect(page.getByLabel("Patient's full name")).toHaveValue('Taro Suzuki');
  await expect(page.getByLabel('Cardiovascular (heart and blood vessels)')).toBeChecked();
  await expect(page.getByLabel('Thursday')).toBeChecked();

  // Switching the language loads the page again: the answers come back.
  await page.getByRole('link', { name: '日本語' }).click();
  await waitForHydration(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('セカンドオピニオンの申込み');
  await expect(page.getByLabel('患者さんのお名前', { exact: true })).toHaveValue('Taro Suzuki');
  await page.getByRole('link', { name: 'English' }).click();
  await waitForHydration(page);

  await page.getByRole('button', { name: 'Start again' }).click();
  await expect(page.getByLabel("Patient's full name")).toHaveValue('');
  await page.reload();
  await waitForHydration(page);
  await expect(page.getByLabel("Patient's full name")).toHaveValue('');
  await expect(page.getByLabel('Thursday')).not.toBeChecked();
});

test('on a shared computer nothing is kept, through the check step and back', async ({ page }) => {
  await page.goto('/request');
  await waitForHydration(page);
  await expect(page.getByText('kept on this device only, until you send them or for a week')).toBeVisible();
  await page.getByLabel("Patient's full name").fill('Shared Machine');
  await expect.poll(() => page.evaluate(() => window.localStorage.length)).toBe(1);
  const shared = page.getByLabel('This is a shared computer — do not keep my answers');
  await shared.check();
  // What was kept is gone, and nothing typed from now on is kept.
  await expect.poll(() => page.evaluate(() => window.localStorage.length)).toBe(0);
  await page.getByLabel('Phone number', { exact: true }).fill('090-1234-5678');
  await fillEnglishRequest(page);
  expect(await page.evaluate(() => window.localStorage.length)).toBe(0);
  // The choice stays through the check step and "Change".
  await page.getByRole('button', { name: 'Check your answers' }).click();
  await expect(page.getByRole('heading', { name: 'Check your answers' })).toBeVisible();
  await page.getByRole('button', { name: 'Change' }).first().click();
  await waitForHydration(page);
  await expect(shared).toBeChecked();
  await page.getByLabel('Phone number', { exact: true }).fill('03-1234-5678');
  expect(await page.evaluate(() => window.localStorage.length)).toBe(0);
});

test('a draft older than a week is removed on any page of the site', async ({ page }) => {
  await page.goto('/');
  await page.evaluate(() => {
    const old = Date.now() - 8 * 24 * 60 * 60 * 1000;
    localStorage.setItem(
      'second-opinion.request-draft',
      `patient_name=Old+Draft&submission_id=0123456789abcdef&saved_at=${old}`,
    );
  });
  await page.goto('/status');
  await expect.poll(() => page.evaluate(() => window.localStorage.length)).toBe(0);
  // A fresh one stays until the form is opened.
  await page.evaluate(() => {
    localStorage.setItem(
      'second-opinion.request-draft',
      `patient_name=New+Draft&submission_id=0123456789abcdef&saved_at=${Date.now()}`,
    );
  });
  await page.goto('/');
  await page.waitForLoadState('networkidle');
  expect(await page.evaluate(() => window.localStorage.length)).toBe(1);
  await page.goto('/request');
  await waitForHydration(page);
  await expect(page.getByLabel("Patient's full name")).toHaveValue('New Draft');
});

test('answers typed while the page is still loading are kept when it becomes interactive', async ({ page }) => {
  // A draft from an earlier visit…
  await page.goto('/request');
  await waitForHydration(page);
  await page.getByLabel('Phone number', { exact: true }).fill('090-1111-2222');
  await page.getByLabel('Thursday').check();
  await expect.poll(() => page.evaluate(() => window.localStorage.length)).toBe(1);
  // …then the WebAssembly held back, as a slow phone network would.
  let release: () => void = () => {};
  const typed = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/pkg/*.wasm', async (route) => {
    await typed;
    await route.continue();
  });
  await page.goto('/request');
  await page.getByLabel("Patient's full name").fill('Early Typist');
  await page.getByLabel('Cancer', { exact: true }).check();
  release();
  await waitForHydration(page);
  await expect(page.getByLabel("Patient's full name")).toHaveValue('Early Typist');
  await expect(page.getByLabel('Cancer', { exact: true })).toBeChecked();
  // The state has them too: the panel no longer asks for the area.
  await expect(page.getByRole('link', { name: 'the area of the diagnosis' })).toHaveCount(0);
  // And the draft's answers are still there, under the ones just typed.
  await expect(page.getByLabel('Phone number', { exact: true })).toHaveValue('090-1111-2222');
  await expect(page.getByLabel('Thursday')).toBeChecked();
});

test('with the script blocked the form still works through the server', async ({ page }) => {
  await page.route('**/pkg/*.wasm', (route) => route.abort());
  await page.goto('/request');
  await page.getByLabel('A family member of an adult patient').check();
  await page.getByRole('button', { name: 'Check your answers' }).click();
  // The question that now applies is shown, named as missing, and reachable.
  const summary = page.getByRole('alert');
  await expect(summary).toContainText('Please correct these answers');
  const name = page.getByLabel('Your full name');
  await expect(name).toBeVisible();
  await summary.getByRole('link', { name: /Your full name/ }).click();
  await expect(name).toBeFocused();
  await expect(page.getByLabel('A family member of an adult patient')).toBeChecked();
});

test('without JavaScript the form posts, keeps the answers on error, and sends', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto('/request');
  await fillEnglishRequest(page, { phone: 'call me' });
  await page.getByRole('button', { name: 'Check your answers' }).click();

  await expect(page.getByRole('alert')).toContainText('Please correct these answers');
  await expect(page.getByRole('alert').getByRole('link', { name: /Phone number:/ })).toBeVisible();
  await expect(page.getByLabel("Patient's full name")).toHaveValue('Hanako Yamada');
  await expect(page.getByLabel('Tuesday')).toBeChecked();
  await expect(page.getByLabel('The diagnosis, as you know it')).toHaveValue('Stage II breast cancer');
  await page.getByLabel('Phone number', { exact: true }).fill('090-1234-5678');
  await page.getByRole('button', { name: 'Check your answers' }).click();

  await expect(page.getByRole('heading', { name: 'Check your answers' })).toBeVisible();
  await page.getByRole('button', { name: "Change Patient's full name" }).click();
  await expect(page.getByLabel("Patient's full name")).toHaveValue('Hanako Yamada');
  await page.getByLabel("Patient's full name").fill('Hanako Yamada-Ito');
  await page.getByRole('button', { name: 'Check your answers' }).click();
  await expect(page.getByText('Hanako Yamada-Ito')).toBeVisible();
  await page.getByRole('button', { name: 'Send the request' }).click();

  await expect(page).toHaveURL(/\/request\/sent\/[2-9A-Z]{4}-[2-9A-Z]{4}$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Request received');
  const reference = (await page.getByTestId('reference').textContent()) ?? '';

  await page.goto('/status');
  await page.getByLabel('Reference').fill(reference);
  await page.getByLabel("Patient's date of birth").fill('1970-04-01');
  await page.getByRole('button', { name: 'Check the status' }).click();
  await expect(page.getByTestId('status')).toHaveText(/^Received on /);
  await expect(page.getByLabel('Reference')).toHaveValue(reference);
  await context.close();
});

test('the journey in Japanese, with the axe scans in Japanese', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'ja-JP' });
  const page = await context.newPage();
  await page.goto('/');
  await expectNoAxeViolations(page, '/ (ja)');
  await page.getByRole('link', { name: '申込みを始める' }).first().click();
  await waitForHydration(page);
  await expectNoAxeViolations(page, '/request (ja)');
  await expect(page.getByTestId('verdict')).toHaveText(/残りの質問にお答えいただくと/);

  await page.getByLabel('患者本人', { exact: true }).check();
  await page.getByLabel('患者さんのお名前', { exact: true }).fill('山田 花子');
  await page.getByLabel(/患者さんのお名前のフリガナ/).fill('ヤマダ ハナコ');
  // 1970 is 昭和45年.
  const born = page.getByRole('group', { name: '患者さんの生年月日' });
  await born.getByLabel('元号').selectOption('showa');
  await born.getByLabel('年', { exact: true }).fill('45');
  await born.getByLabel('月', { exact: true }).fill('4');
  await born.getByLabel('日', { exact: true }).fill('1');
  await page.getByLabel('電話番号', { exact: true }).fill('０９０-１２３４-５６７８');
  await page.getByLabel('現在の主治医のお名前').fill('佐藤 一郎');
  await page.getByLabel('現在受診中の病院・診療所').fill('さくらクリニック');
  for (const question of [
    '患者さんはセカンドオピニオンを受けることに同意していますか',
    '主治医は了承し、診療情報提供書(紹介状)を書いてくれますか',
    '担当医師の報告書を主治医へお送りすることに同意しますか',
  ]) {
    await page.getByRole('group', { name: question }).getByLabel('はい').check();
  }
  await page.getByLabel('係争・訴訟のため', { exact: false }).check();
  await expect(page.getByTestId('verdict')).toContainText('係争・訴訟を目的とするセカンドオピニオンはお受けできません。');
  await page.getByLabel('診断や治療方針について専門医の意見を聞くため').check();
  await page.getByLabel('がん', { exact: true }).check();
  await page.getByLabel('ご存じの範囲での診断名').fill('乳がん ステージII');
  await page.getByLabel('担当医師に相談したいこと').fill('手術と化学療法のどちらを先にすべきか');
  await page.getByLabel('患者本人のみ').check();
  await page.getByLabel('相談は病院での対面のみであることを了承します。').check();
  await page.getByLabel('料金は当日病院でお支払いいただくことを了承します。').check();
  await page.getByLabel('セカンドオピニオンは健康保険の対象外であることを了承します。').check();
  await expect(page.getByTestId('verdict')).toHaveText('このお申込みは送信できます。');
  await expect(page.getByTestId('window')).toHaveText(/受付日は\d{4}年\d{1,2}月\d{1,2}日\([月火水木金]\)/);

  await page.getByRole('button', { name: '回答を確認する' }).click();
  await expect(page.getByRole('heading', { name: '回答の確認' })).toBeVisible();
  await expect(page.getByText('1970年(昭和45年)4月1日')).toBeVisible();
  await expectNoAxeViolations(page, 'check answers (ja)');
  await page.getByRole('button', { name: '申込みを送信する' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('お申込みを受け付けました');
  await expect(page.getByText('33,000円(税込、60分まで)')).toBeVisible();
  await expectNoAxeViolations(page, 'confirmation (ja)');
  const reference = (await page.getByTestId('reference').textContent()) ?? '';

  await page.getByRole('link', { name: '状況を確認する' }).click();
  await page.getByLabel('受付番号').fill(reference);
  await page.getByLabel('患者さんの生年月日').fill('1970-04-01');
  await page.getByRole('button', { name: '状況を確認する' }).click();
  await expect(page.getByTestId('status')).toHaveText(/に受け付けました。/);
  await expectNoAxeViolations(page, '/status (ja)');
  await context.close();
});

test('the home page has no accessibility violations in English', async ({ page }) => {
  await page.goto('/');
  await expectNoAxeViolations(page, '/ (en)');
});
