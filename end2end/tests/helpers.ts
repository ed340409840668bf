// Shared steps of the patient's journeys: filling the form by its labels,
// waiting for hydration, and the axe-core accessibility scan.
import { expect, type Page } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';

const axeSource = fs.readFileSync(path.join(__dirname, '..', 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

/**
 * Runs axe-core on the page and expects no violation. axe is evaluated
 * through the DevTools protocol rather than added as a `<script>`, which
 * the page's Content-Security-Policy rightly refuses.
 */
export async function expectNoAxeViolations(page: Page, what: string): Promise<void> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const result = await (window as any).axe.run(document, { resultTypes: ['violations'] });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return result.violations.map((v: any) => `${v.id}: ${v.help} (${v.nodes.map((n: any) => n.target.join(' ')).join(', ')})`);
  });
  expect(violations, `axe violations on ${what}`).toEqual([]);
}

/**
 * Collects every Content-Security-Policy violation the page reports (the
 * browser logs each one as a console error), across navigations.
 */
export function watchCsp(page: Page, violations: string[]): void {
  page.on('console', (message) => {
    const text = message.text();
    if (/Content Security Policy|Refused to (execute|load|apply|connect|compile)/.test(text)) {
      violations.push(`${page.url()}: ${text}`);
    }
  });
}

/** Waits until the form answers to the browser's script. */
export async function waitForHydration(page: Page): Promise<void> {
  await expect(page.locator('form[data-hydrated="true"]')).toHaveCount(1);
}

export type Answers = {
  purpose?: string;
  attendance?: string;
  phone?: string;
};

/** Fills an eligible English request; `answers` changes single choices. */
export async function fillEnglishRequest(page: Page, answers: Answers = {}): Promise<void> {
  await page.getByLabel('I am the patient').check();
  await page.getByLabel("Patient's full name").fill('Hanako Yamada');
  await page.getByLabel(/Reading of the patient's name/).fill('ヤマダ ハナコ');
  await fillBirthDate(page, '1970', '4', '1');
  await page.getByLabel('Phone number', { exact: true }).fill(answers.phone ?? '090-1234-5678');
  await page.getByLabel("Present doctor's name").fill('Ichiro Sato');
  await page.getByLabel('Present hospital or clinic').fill('Sakura Clinic');
  await yes(page, 'Does the patient agree to a second opinion?');
  await yes(page, 'Does the present doctor agree and write a referral letter?');
  await yes(page, "Do you agree that the specialist's written report is sent to the present doctor?");
  await page.getByLabel(answers.purpose ?? "To hear a specialist's view on the diagnosis or the treatment").check();
  await page.getByLabel('Cancer', { exact: true }).check();
  await page.getByLabel('The diagnosis, as you know it').fill('Stage II breast cancer');
  await page.getByLabel('What do you want to ask the specialist?').fill('Is surgery or chemotherapy first better?');
  await page.getByLabel(answers.attendance ?? 'The patient alone').check();
  await page.getByLabel('Tuesday').check();
  await page.getByLabel('I understand that the consultation is in person only, at the hospital.').check();
  await page.getByLabel('I understand that the fee is paid at the hospital on the day.').check();
  await page.getByLabel('I understand that a second opinion is not covered by health insurance.').check();
}

/** Types the date of birth in its three parts (English labels). */
export async function fillBirthDate(page: Page, year: string, month: string, day: string): Promise<void> {
  const born = page.getByRole('group', { name: "Patient's date of birth" });
  await born.getByLabel('Year', { exact: true }).fill(year);
  await born.getByLabel('Month', { exact: true }).fill(month);
  await born.getByLabel('Day', { exact: true }).fill(day);
}

async function yes(page: Page, question: string): Promise<void> {
  await page.getByRole('group', { name: question }).getByLabel('Yes', { exact: true }).check();
}
