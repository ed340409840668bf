// `/staff/figures` as reception opens it on a PC (1280 px) and on a phone
// (390 px): every picture has a title and a description, every bar's
// number is the number in the table under it (matched by series and
// category), axe finds nothing, the CSV downloads, and the queue's next
// step is shown and filtered.
import { expect, test, type Page } from '@playwright/test';
import { expectNoAxeViolations } from './helpers';
import { addStaff, sendRequest, signIn } from './staff-helpers';

const run = Date.now().toString(36);
const violations: string[] = [];

test.afterEach(() => {
  expect(violations, 'Content-Security-Policy violations').toEqual([]);
});

/** Every bar's (series, category, value) against the table cells of its section. */
async function barsMatchTables(page: Page): Promise<number> {
  const mismatches = await page.evaluate(() => {
    const problems: string[] = [];
    let compared = 0;
    for (const svg of Array.from(document.querySelectorAll('svg[data-chart]'))) {
      const chart = svg.getAttribute('data-chart')!;
      // The table that follows the picture in its part of the page.
      const scope = svg.closest('.stage-figure') ?? svg.closest('section')!;
      for (const bar of Array.from(svg.querySelectorAll('rect[data-series]'))) {
        const series = bar.getAttribute('data-series');
        const category = bar.getAttribute('data-category');
        const cells = Array.from(
          scope.querySelectorAll(`td[data-series="${series}"][data-category="${category}"]`),
        );
        if (cells.length !== 1) {
          problems.push(`${chart}: ${series} ${category}: ${cells.length} cells`);
          continue;
        }
        compared += 1;
        const shown = cells[0].textContent?.trim();
        if (shown !== bar.getAttribute('data-value')) {
          problems.push(`${chart}: ${series} ${category}: bar ${bar.getAttribute('data-value')}, table ${shown}`);
        }
      }
    }
    return { problems, compared };
  });
  expect(mismatches.problems).toEqual([]);
  return mismatches.compared;
}

test('reception reads the service in figures, on a PC and on a phone, and filters the queue by due day', async ({ browser }) => {
  addStaff(`fig-${run}`, 'reception', 'Figure Reader');
  // A request of today, so that this week and the open cases count one.
  const reference = await sendRequest(browser, violations);
  const page = await signIn(browser, `fig-${run}`, violations);

  // The queue: the new request's next step (its review) and due day.
  await page.getByLabel('Reference or patient name (kana too)').fill(reference);
  await page.getByRole('button', { name: 'Show' }).click();
  const next = page.getByTestId('next-step');
  await expect(next).toHaveCount(1);
  await expect(next).toContainText('Review');
  expect(['on_time', 'due_soon']).toContain(await next.getAttribute('data-timeliness'));
  // The filter of the late, from a fresh queue.
  await page.goto('/staff');
  await page.getByLabel('Needs').selectOption('step_due_soon');
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page).toHaveURL(/needs=step_due_soon/);
  await expectNoAxeViolations(page, '/staff?needs=step_due_soon');

  await page.getByRole('link', { name: 'Figures' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'The service in figures' })).toBeVisible();
  const charts = page.locator('svg[data-chart]');
  expect(await charts.count()).toBe(9);
  for (const chart of await charts.all()) {
    const id = await chart.getAttribute('data-chart');
    await expect(chart.locator(`title#${id}-title`)).not.toBeEmpty();
    await expect(chart.locator(`desc#${id}-desc`)).not.toBeEmpty();
    expect(await chart.getAttribute('aria-labelledby')).toBe(`${id}-title ${id}-desc`);
  }
  const compared = await barsMatchTables(page);
  expect(compared, 'bars compared with their tables').toBeGreaterThan(20);
  // This week's requests are in its row and in the open cases.
  const open = page.locator('table[data-table="open"] tbody tr').first();
  await expect(open.locator('td').last()).not.toHaveText('0');
  await expectNoAxeViolations(page, '/staff/figures (1280 px)');
  await page.screenshot({ path: 'test-results/figures-1280.png', fullPage: true });

  // The CSV of the same range.
  const download = page.waitForEvent('download');
  await page.getByTestId('figures-csv').click();
  const csv = await (await download).path();
  expect(csv).toBeTruthy();

  // A range typed in: the page shows it and keeps it in the form.
  const from = await page.getByLabel('From').inputValue();
  await page.getByLabel('From').fill(from);
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page).toHaveURL(/from=/);
  await expect(page.getByLabel('From')).toHaveValue(from);

  // The phone: the same page, nothing wider than the screen but the
  // tables' own scroll.
  await page.setViewportSize({ width: 390, height: 844 });
  await expectNoAxeViolations(page, '/staff/figures (390 px)');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, 'no sideways scroll of the page').toBeLessThanOrEqual(0);
  await page.screenshot({ path: 'test-results/figures-390.png', fullPage: true });
  await barsMatchTables(page);
  await page.context().close();
});
