// The time from a changed answer to the updated live panel, in Chromium:
// 50 changes that each flip the verdict (the purpose between "diagnosis"
// and "litigation"), each timed in the page from the click to the panel's
// DOM change (MutationObserver) and to the next painted frame.
import { test } from '@playwright/test';
import { fillEnglishRequest, waitForHydration } from '../tests/helpers';

test('panel update latency over 50 changes', async ({ page }) => {
  await page.goto('/request');
  await waitForHydration(page);
  await fillEnglishRequest(page);
  const result = await page.evaluate(async () => {
    const panel = document.querySelector('[data-testid="verdict"]');
    if (!panel) throw new Error('no panel');
    const updated: number[] = [];
    const painted: number[] = [];
    for (let i = 0; i < 50; i++) {
      const id = i % 2 === 0 ? 'purpose-litigation' : 'purpose-diagnosis_or_treatment';
      const radio = document.getElementById(id) as HTMLInputElement;
      const changed = new Promise<number>((resolve) => {
        const observer = new MutationObserver(() => {
          observer.disconnect();
          resolve(performance.now());
        });
        observer.observe(panel, { subtree: true, childList: true, characterData: true });
      });
      const start = performance.now();
      radio.click();
      const atChange = await changed;
      const atPaint = await new Promise<number>((resolve) => requestAnimationFrame(() => resolve(performance.now())));
      updated.push(atChange - start);
      painted.push(atPaint - start);
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    const summary = (values: number[]) => {
      const sorted = [...values].sort((a, b) => a - b);
      return { median: sorted[Math.floor(sorted.length / 2)], worst: sorted[sorted.length - 1] };
    };
    return { dom: summary(updated), paint: summary(painted) };
  });
  console.log(
    `panel update over 50 changes: DOM median ${result.dom.median.toFixed(2)} ms, worst ${result.dom.worst.toFixed(2)} ms; ` +
      `next frame median ${result.paint.median.toFixed(2)} ms, worst ${result.paint.worst.toFixed(2)} ms`,
  );
});
