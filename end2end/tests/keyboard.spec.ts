// The request can be made with the keyboard alone: Tab to move, Space and
// the arrow keys to choose, typing to answer, Enter to go on. No clicks.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { waitForHydration } from './helpers';

/** Presses Tab until `target` has the focus (at most 150 times). */
async function tabTo(page: Page, target: Locator): Promise<void> {
  for (let i = 0; i < 150; i++) {
    if (await target.evaluate((element) => element === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`could not reach ${target} with Tab`);
}

async function type(page: Page, label: string, text: string): Promise<void> {
  await tabTo(page, page.getByLabel(label, { exact: true }));
  await page.keyboard.type(text);
}

/** Tabs into a radio group (which focuses its first option) and moves down. */
async function choose(page: Page, group: string, option: string): Promise<void> {
  const radios = page.getByRole('group', { name: group }).getByRole('radio');
  await tabTo(page, radios.first());
  const labels = await radios.evaluateAll((inputs) => inputs.map((input) => (input as HTMLInputElement).labels?.[0]?.textContent ?? ''));
  const index = labels.indexOf(option);
  expect(index, `${option} in ${labels}`).toBeGreaterThanOrEqual(0);
  if (index === 0) await page.keyboard.press('Space');
  for (let i = 0; i < index; i++) await page.keyboard.press('ArrowDown');
  await expect(radios.nth(index)).toBeChecked();
}

async function tick(page: Page, label: string): Promise<void> {
  await tabTo(page, page.getByLabel(label, { exact: true }));
  await page.keyboard.press('Space');
  await expect(page.getByLabel(label, { exact: true })).toBeChecked();
}

test('the whole request can be made with the keyboard alone', async ({ page }) => {
  await page.goto('/request');
  await waitForHydration(page);
  await choose(page, 'Who is making this request?', 'I am the patient');
  await type(page, "Patient's full name", 'Keiko Tanaka');
  // The date of birth in its three parts, each reached with Tab.
  await type(page, 'Year', '1970');
  await type(page, 'Month', '4');
  await type(page, 'Day', '1');
  await expect(page.getByLabel('Year', { exact: true })).toHaveValue('1970');
  await type(page, 'Phone number', '090-1234-5678');
  await type(page, "Present doctor's name", 'Ichiro Sato');
  await type(page, 'Present hospital or clinic', 'Sakura Clinic');
  await choose(page, 'Does the patient agree to a second opinion?', 'Yes');
  await choose(page, 'Does the present doctor agree and write a referral letter?', 'Yes');
  await choose(page, "Do you agree that the specialist's written report is sent to the present doctor?", 'Yes');
  await choose(page, 'What is the second opinion for?', "To hear a specialist's view on the diagnosis or the treatment");
  await choose(page, 'Which area is the diagnosis in?', 'Cardiovascular (heart and blood vessels)');
  await type(page, 'The diagnosis, as you know it', 'Aortic stenosis');
  await type(page, 'What do you want to ask the specialist?', 'Is valve replacement needed now?');
  await choose(page, 'Who will come to the consultation?', 'The patient with family members');
  await tick(page, 'I understand that the consultation is in person only, at the hospital.');
  await tick(page, 'I understand that the fee is paid at the hospital on the day.');
  await tick(page, 'I understand that a second opinion is not covered by health insurance.');
  await expect(page.getByTestId('verdict')).toHaveText('You can send this request.');

  await tabTo(page, page.getByRole('button', { name: 'Check your answers' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Check your answers' })).toBeFocused();
  await tabTo(page, page.getByRole('button', { name: 'Send the request' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Request received');
});
