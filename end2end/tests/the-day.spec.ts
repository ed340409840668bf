// The second half of a case in Chromium, by role and label: an admin adds
// a specialist to the list and the IT admin's `user add --role specialist`
// links an account to them; reception assigns and books; on the day
// reception checks the patient in, records the fee and prints the receipt
// (one A4 page, and a reprint says 再発行); the specialist signs in, finds
// the case in "My cases", records the consultation, writes the report,
// saves it, signs it with a fresh code and prints it (A4, numbered pages,
// the verification code); reception records it sent by FAX; the patient's
// status shows each step with its day; /verify says the printed code is
// current, and superseded once an amendment is signed. axe on every page,
// at 390 px and 1280 px, in English and Japanese where the page has one.
import { expect, test, type Browser, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { expectNoAxeViolations, watchCsp } from './helpers';
import { addStaff, freshCode, sendRequest, signIn, statusPage } from './staff-helpers';

const run = Date.now().toString(36);
const PHONE = { width: 390, height: 844 };
const DESK = { width: 1280, height: 900 };
/** CSP violations on every page this journey opens; none is allowed. */
const violations: string[] = [];

// A step that cannot be found fails at once, not at the journey's end.
test.use({ actionTimeout: 20_000 });

test.afterEach(() => {
  expect(violations, 'Content-Security-Policy violations').toEqual([]);
});

/** Japan's date now, as the server sees it (the same clock, faked or not). */
function japanToday(): string {
  return new Date(Date.now() + 9 * 3600 * 1000).toISOString().slice(0, 10);
}

/**
 * Moves the case's appointment to today. The journey cannot wait for the
 * day it booked, and the day is checked at each step of the visit; this is
 * the one write the journeys make to the served database (DATABASE_URL is
 * shared with the server), done again before each step of the day in case
 * the journey runs across midnight.
 */
function appointmentToday(reference: string): void {
  const url = process.env.DATABASE_URL!;
  const [day, compact] = [japanToday(), reference.replace('-', '')];
  if (url.startsWith('postgres')) {
    const sql = "UPDATE appointments SET day = :'day' WHERE ended_at IS NULL AND case_id = "
      + "(SELECT id FROM cases WHERE reference = :'reference');";
    execFileSync('psql', [url, '-qX', '-v', 'ON_ERROR_STOP=1', '-v', `day=${day}`, '-v', `reference=${compact}`],
      { input: sql });
    return;
  }
  const file = url.replace(/^sqlite:\/\//, '').split('?')[0];
  const script = [
    'import sqlite3, sys',
    'db = sqlite3.connect(sys.argv[1], timeout=10)',
    'with db:',
    '    db.execute("UPDATE appointments SET day = ? WHERE ended_at IS NULL AND case_id = '
      + '(SELECT id FROM cases WHERE reference = ?)", (sys.argv[2], sys.argv[3]))',
  ].join('\n');
  execFileSync('python3', ['-c', script, file, day, compact]);
}

/** The number of pages of a PDF Chromium printed. */
function pageCount(pdf: Buffer): number {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
}

/** The page printed to A4 as its print styles lay it out. */
async function printed(page: Page): Promise<Buffer> {
  await page.emulateMedia({ media: 'print' });
  const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true, printBackground: true });
  await page.emulateMedia({ media: 'screen' });
  return pdf;
}

/** `/verify` with the code typed, at 390 px, in `locale`: its answer. */
async function verify(browser: Browser, code: string, locale: 'en-US' | 'ja-JP'): Promise<string> {
  const page = await (await browser.newContext({ viewport: PHONE, locale })).newPage();
  watchCsp(page, violations);
  await page.goto('/verify');
  await page.getByLabel(locale === 'en-US' ? 'Verification code' : '確認コード').fill(code);
  await page.getByRole('button', { name: locale === 'en-US' ? 'Check' : '確認する' }).click();
  const answer = (await page.getByTestId('verify-result').textContent()) ?? '';
  await expectNoAxeViolations(page, `/verify at 390 px (${locale})`);
  await page.context().close();
  return answer;
}

test('the day and the written opinion: check-in, fee, receipt, consultation, report signed and sent, verified', async ({ browser, baseURL }) => {
  test.setTimeout(240_000);
  const admin = `boss-${run}`;
  const reception = `rika-${run}`;
  const specialist = `ito-${run}`;
  const doctor = `Dr Ito ${run}`;
  addStaff(admin, 'admin', 'Admin Sato');
  addStaff(reception, 'reception', 'Rika Mori');

  // The admin adds the specialist to the list; its number links the account.
  const boss = await signIn(browser, admin, violations);
  await boss.getByRole('link', { name: 'Specialists' }).click();
  await boss.getByLabel('Name', { exact: true }).fill(doctor);
  await boss.getByLabel('Department').selectOption('cancer');
  await boss.getByRole('button', { name: 'Add a specialist' }).click();
  const id = (await boss.getByRole('row').filter({ has: boss.getByLabel(`Name ${doctor}`) }).getByTestId('specialist-id').textContent())!.trim();
  addStaff(specialist, 'specialist', doctor, id);
  await boss.getByRole('link', { name: 'Accounts' }).click();
  const member = boss.locator('.member').filter({ has: boss.getByRole('heading', { name: `${doctor} (${specialist})` }) });
  await expect(member.getByTestId('linked-specialist')).toContainText(`${doctor} — Cancer`);
  await expectNoAxeViolations(boss, '/staff/accounts with a specialist');
  await boss.context().close();

  // Reception assigns the specialist and books.
  const reference = await sendRequest(browser, violations);
  const casePath = `/staff/cases/${reference.replace('-', '')}`;
  const rika = await signIn(browser, reception, violations);
  await rika.goto(casePath);
  await rika.getByLabel('Specialist', { exact: true }).selectOption({ label: doctor });
  await rika.getByRole('button', { name: 'Assign', exact: true }).click();
  await expect(rika.getByTestId('case-status')).toHaveText('Under review');
  await rika.getByRole('group', { name: /Proposed days/ }).getByRole('radio').first().check();
  await rika.getByLabel('Start time').fill('10:30');
  await rika.getByRole('button', { name: 'Book the appointment' }).click();
  await expect(rika.getByTestId('case-status')).toHaveText('Appointment scheduled');

  // The day: check-in, the fee, the receipt.
  appointmentToday(reference);
  await rika.reload();
  await expect(rika.getByTestId('next-step')).toContainText('check the patient in');
  await expectNoAxeViolations(rika, '/staff/cases on the day (1280 px)');
  await rika.screenshot({ path: test.info().outputPath('case-on-the-day-1280.png'), fullPage: true });
  // At 1440 px, scrolled to the audit trail, the case at a glance (its next
  // step and clock) is still in view beside the sections.
  await rika.setViewportSize({ width: 1440, height: 900 });
  await rika.getByText('Audit trail', { exact: true }).scrollIntoViewIfNeeded();
  await expect(rika.getByTestId('next-step')).toBeInViewport();
  await rika.screenshot({ path: test.info().outputPath('case-on-the-day-1440-scrolled.png') });
  await rika.setViewportSize(DESK);
  await rika.getByRole('button', { name: 'Check in' }).click();
  await expect(rika.getByRole('alert')).toContainText('Choose who came');
  await rika.getByLabel('The patient (with family or not)').check();
  await rika.getByLabel('Identification').check();
  await rika.getByRole('button', { name: 'Check in' }).click();
  await expect(rika.getByTestId('checked-in')).toContainText('The patient');
  await rika.getByLabel('Cash').check();
  await rika.getByRole('button', { name: 'Record the payment' }).click();
  const receiptNumber = (await rika.getByTestId('receipt-number').textContent())!.match(/\d{4}-\d{6}/)![0];
  await rika.getByRole('button', { name: 'Print the receipt' }).click();
  await expect(rika.getByTestId('receipt-title')).toHaveText('Receipt');
  await expect(rika.getByTestId('receipt-amount')).toContainText('33,000');
  await expect(rika.getByText(`No. ${receiptNumber}`)).toBeVisible();
  await expectNoAxeViolations(rika, 'the receipt');
  expect(pageCount(await printed(rika)), 'the receipt is one A4 page').toBe(1);
  // A reprint, in Japanese, says it is one.
  await rika.context().addCookies([{ name: 'i18n_pref_locale', value: 'ja', url: baseURL! }]);
  await rika.goto(casePath);
  await rika.getByRole('button', { name: '領収書を再発行' }).click();
  await expect(rika.getByTestId('receipt-title')).toHaveText('領収書（再発行）');
  await expect(rika.getByText('セカンドオピニオン外来 相談料（自費）')).toBeVisible();
  const receiptPdf = await printed(rika);
  expect(pageCount(receiptPdf), 'the reprinted receipt is one A4 page').toBe(1);
  fs.writeFileSync(test.info().outputPath('receipt.pdf'), receiptPdf);
  await rika.context().addCookies([{ name: 'i18n_pref_locale', value: 'en', url: baseURL! }]);

  // The specialist: My cases, the consultation, the report.
  const ito = await signIn(browser, specialist, violations, 'My cases');
  const card = ito.getByTestId('my-case').filter({ hasText: reference });
  await expect(card).toContainText('Is surgery or chemotherapy first better?');
  await expectNoAxeViolations(ito, '/staff/my-cases (1280 px)');
  await card.getByRole('link', { name: new RegExp(reference) }).click();
  appointmentToday(reference);
  await ito.getByLabel('Start', { exact: true }).fill('10:35');
  await ito.getByLabel('End', { exact: true }).fill('11:20');
  await ito.getByRole('button', { name: 'Record the consultation' }).click();
  await expect(ito.getByTestId('case-status')).toHaveText('Seen, report to send');
  await expect(ito.getByTestId('report-clock')).toContainText(/Report due (in \d+ consultation days|on the next consultation day)/);
  await ito.screenshot({ path: test.info().outputPath('case-seen-specialist-1280.png'), fullPage: true });
  await ito.getByTestId('next-step').getByRole('link', { name: 'Write the report' }).click();
  await expect(ito.getByLabel(/^Present doctor/)).toHaveValue('Ichiro Sato');
  await ito.getByLabel('Opinion on the diagnosis').fill('The diagnosis of stage II breast cancer is consistent with the records.');
  await ito.getByLabel('Opinion on the treatment plan and the options').fill('Neoadjuvant chemotherapy followed by surgery is a reasonable plan.\nSurgery first is an option.');
  await ito.getByLabel('What was explained to the patient and the family').fill('The options above, their risks and benefits.');
  await ito.getByRole('button', { name: 'Save the draft' }).click();
  await expect(ito.getByText('Saved.', { exact: true })).toBeVisible();
  await expect(ito.getByText('This tab kept text you typed')).toBeHidden();
  await expectNoAxeViolations(ito, 'the report editor (1280 px)');
  // Signing needs every part a signed report has, and a fresh code: the
  // draft is kept either way.
  await ito.getByLabel('Code').fill('000000');
  await ito.getByRole('button', { name: 'Sign with the code' }).click();
  await expect(ito.getByRole('alert')).toContainText('The draft is saved, but not signed');
  await expect(ito.getByRole('alert')).toContainText('Records reviewed');
  await ito.getByLabel(/^Records reviewed/).fill('Referral letter, CT images (CD-R), pathology report.');
  await ito.getByLabel('Code').fill('000000');
  await ito.getByRole('button', { name: 'Sign with the code' }).click();
  await expect(ito.getByRole('alert')).toContainText('The code is wrong or was used already');
  await expect(ito.getByLabel(/^Records reviewed/)).toHaveValue('Referral letter, CT images (CD-R), pathology report.');
  await ito.getByLabel('Code').fill(await freshCode(specialist));
  await ito.getByRole('button', { name: 'Sign with the code' }).click();
  await expect(ito.getByTestId('versions')).toContainText(`by ${doctor}`);
  await ito.getByTestId('versions').getByRole('link', { name: 'Open to print' }).click();
  const firstCode = (await ito.getByTestId('verification-code').textContent())!.trim();
  await expect(ito.getByText('セカンドオピニオン回答書')).toBeVisible();
  const reportPdf = await printed(ito);
  const reportPages = pageCount(reportPdf);
  expect(reportPages).toBeGreaterThanOrEqual(1);
  fs.writeFileSync(test.info().outputPath(`report-${reportPages}-pages.pdf`), reportPdf);

  // Reception sends it to the present doctor by FAX.
  await rika.goto(casePath);
  await rika.getByLabel('FAX', { exact: true }).check();
  await rika.getByRole('button', { name: 'Record the sending' }).click();
  await expect(rika.getByTestId('case-status')).toHaveText('Report sent');
  await expect(rika.getByTestId('sendings')).toContainText('FAX');
  await expectNoAxeViolations(rika, '/staff/cases reported (1280 px)');
  await rika.setViewportSize(PHONE);
  await expectNoAxeViolations(rika, '/staff/cases reported (390 px)');

  // The patient follows it on /status, in English and in Japanese.
  const status = await statusPage(browser, reference, violations);
  await expect(status.getByTestId('status')).toContainText('was sent to your present doctor (Ichiro Sato)');
  await expect(status.getByTestId('course').getByRole('listitem')).toHaveCount(5);
  await expect(status.getByTestId('course')).toContainText('Report sent to your doctor');
  await expectNoAxeViolations(status, '/status reported (390 px, English)');
  await status.context().addCookies([{ name: 'i18n_pref_locale', value: 'ja', url: baseURL! }]);
  await status.goto('/status');
  await status.getByLabel('受付番号').fill(reference);
  await status.getByLabel('患者さんの生年月日').fill('1970-04-01');
  await status.getByRole('button', { name: '状況を確認する' }).click();
  await expect(status.getByTestId('course')).toContainText('主治医へ回答書送付');
  await expectNoAxeViolations(status, '/status reported (390 px, Japanese)');
  await status.setViewportSize(DESK);
  await expectNoAxeViolations(status, '/status reported (1280 px, Japanese)');
  await status.context().close();

  // The doctor who holds the paper checks it.
  expect(await verify(browser, firstCode, 'en-US')).toContain('It is the current version');
  expect(await verify(browser, firstCode.replace(/-/g, '').toLowerCase(), 'ja-JP')).toContain('これが最新の版です');
  expect(await verify(browser, 'ABCD-EFGH-JKMN-PQRS', 'en-US')).toContain('No report has this code');

  // An amendment, signed: the first paper now says superseded.
  await ito.goto(`${casePath}/report`);
  await ito.getByLabel('Reason for the amendment').fill('The pathology report arrived after signing.');
  await ito.getByRole('button', { name: 'Begin a new version' }).click();
  await ito.getByLabel('Remarks').fill('Pathology confirms HER2 negative.');
  await ito.getByLabel('Code').fill(await freshCode(specialist));
  await ito.getByRole('button', { name: 'Sign with the code' }).click();
  await expect(ito.getByTestId('versions').getByRole('listitem')).toHaveCount(2);
  expect(await verify(browser, firstCode, 'en-US')).toMatch(/superseded on .* by version 2/);
  await rika.setViewportSize(DESK);
  await rika.goto(casePath);
  await expect(rika.getByTestId('resend-needed')).toBeVisible();
  await expect(rika.getByTestId('next-step')).toContainText('Send the amended version');
});
