// The papers the patient prints, in Chromium: each prints to exactly one
// A4 page (page.pdf) in English and in Japanese, and has no accessibility
// violation. The request is sent as the form posts without JavaScript, by
// family members coming without the patient, so that every paper applies.
import { expect, test, type BrowserContext } from '@playwright/test';
import { expectNoAxeViolations, watchCsp } from './helpers';

const FAMILY: Record<string, string> = {
  requester: 'family_member',
  requester_name: 'Taro Yamada',
  requester_relationship: 'Son',
  patient_consents_to_family_request: 'yes',
  patient_name: 'Hanako Yamada',
  patient_name_reading: 'ヤマダ ハナコ',
  patient_birth_year: '1970',
  patient_birth_month: '4',
  patient_birth_day: '1',
  patient_phone: '090-1234-5678',
  patient_email: 'hanako@example.jp',
  present_doctor_name: 'Ichiro Sato',
  present_institution: 'Sakura Clinic',
  patient_agrees: 'yes',
  present_doctor_refers: 'yes',
  report_shared_with_present_doctor: 'yes',
  purpose: 'diagnosis_or_treatment',
  area: 'cancer',
  // A long answer, as patients write them: it wraps, and the form still
  // fits its page.
  diagnosis:
    'Stage II breast cancer, found at a screening in the spring. ' +
    'The present doctor proposes surgery first and then chemotherapy; another hospital proposed chemotherapy first. '.repeat(3),
  questions: 'Which order of surgery and chemotherapy suits the patient better, and why? '.repeat(3),
  attendance: 'family_without_patient',
  weekday_tue: 'true',
  weekday_thu: 'true',
  acknowledges_in_person_only: 'true',
  acknowledges_fee_paid_on_the_day: 'true',
  acknowledges_not_covered_by_insurance: 'true',
  step: 'send',
  language: 'en',
};

/** Sends the family's request in `context`; returns the confirmation's path. */
async function send(context: BrowserContext, id: string): Promise<string> {
  const answer = await context.request.post('/request', {
    form: { ...FAMILY, submission_id: id },
    maxRedirects: 0,
  });
  expect(answer.status()).toBe(303);
  return answer.headers()['location'];
}

/** The number of pages of a PDF Chromium printed. */
function pages(pdf: Buffer): number {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
}

for (const language of ['en', 'ja'] as const) {
  test(`every paper prints on one A4 page, in ${language === 'en' ? 'English' : 'Japanese'}`, async ({ browser, baseURL }) => {
    const context = await browser.newContext();
    await context.addCookies([{ name: 'i18n_pref_locale', value: language, url: baseURL! }]);
    const page = await context.newPage();
    const violations: string[] = [];
    watchCsp(page, violations);
    const location = await send(context, `paper-${language}-${Date.now().toString(36)}`);
    const reference = location.split('/').pop() ?? '';
    const printed: Record<string, number> = {};
    for (const paper of ['', '/consent', '/letter', '/fax']) {
      await page.goto(location + paper);
      await expect(page.getByTestId('paper-reference').first()).toHaveText(reference);
      await expectNoAxeViolations(page, `${location}${paper} (${language})`);
      await page.emulateMedia({ media: 'print' });
      const pdf = await page.pdf({ format: 'A4', printBackground: true });
      await page.emulateMedia({ media: 'screen' });
      printed[paper || '/form'] = pages(pdf);
    }
    expect(printed).toEqual({ '/form': 1, '/consent': 1, '/letter': 1, '/fax': 1 });
    // The status answer lists the documents and offers the same papers.
    await page.goto('/status');
    await page.locator('#reference').fill(reference);
    await page.locator('#date_of_birth').fill('1970-04-01');
    await page.locator('form[action="/status"] button[type="submit"]').click();
    await expect(page.getByTestId('documents').getByRole('listitem')).toHaveCount(5);
    await expectNoAxeViolations(page, `/status with documents and papers (${language})`);
    await page.locator('button[name="paper"][value="letter"]').click();
    await expect(page.getByTestId('paper-reference')).toHaveText(reference);
    expect(violations).toEqual([]);
    await context.close();
  });
}
