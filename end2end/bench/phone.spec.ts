// The first load of /request as a phone on a mobile network gets it:
// Chromium throttled through the DevTools protocol to 1.6 Mbit/s down,
// 750 kbit/s up, 150 ms round trip, and the CPU slowed 4 times. For a first
// visit (empty cache) and a repeat visit (the same browser later), five of
// each, it reports the median of: the bytes on the wire, the time until
// the form is visible, and the time until the panel first reacts to an
// answer (the answer is given as soon as the form shows; the panel reacts
// once the page is interactive). Figures go to docs/benchmarks.md, never
// asserted.
import { test, type BrowserContext, type CDPSession, type Page } from '@playwright/test';

const RUNS = 5;

async function throttled(context: BrowserContext, page: Page): Promise<CDPSession> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 150,
    downloadThroughput: (1.6 * 1_000_000) / 8,
    uploadThroughput: (750 * 1_000) / 8,
  });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  return cdp;
}

type Visit = { bytes: number; form: number; reacts: number };

/** One load of /request: bytes, form visible, first reaction (ms from navigation start). */
async function visit(context: BrowserContext): Promise<Visit> {
  const page = await context.newPage();
  const cdp = await throttled(context, page);
  let bytes = 0;
  cdp.on('Network.loadingFinished', (event) => {
    bytes += event.encodedDataLength;
  });
  await page.goto('/request', { waitUntil: 'commit' });
  const patient = page.locator('#requester-patient');
  await patient.waitFor({ state: 'visible' });
  const form = await page.evaluate(() => performance.now());
  const before = await page.getByTestId('verdict-announcement').textContent();
  await patient.check();
  const reacts = await page.evaluate(async (initial) => {
    const region = document.querySelector('[data-testid="verdict-announcement"]');
    while (region?.textContent === initial) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return performance.now();
  }, before);
  // Let the page settle so that every byte it asked for is counted.
  await page.waitForLoadState('networkidle');
  // The next visit starts from an empty form, as a new one would.
  await page.evaluate(() => localStorage.clear());
  await page.close();
  return { bytes, form, reacts };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function report(name: string, visits: Visit[]): void {
  const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  console.log(
    `${name} (median of ${visits.length}): ${kb(median(visits.map((v) => v.bytes)))} on the wire, ` +
      `form visible ${s(median(visits.map((v) => v.form)))}, ` +
      `panel reacts ${s(median(visits.map((v) => v.reacts)))} ` +
      `[runs: ${visits.map((v) => `${kb(v.bytes)}/${s(v.form)}/${s(v.reacts)}`).join(', ')}]`,
  );
}

test('the first load of /request on a throttled phone, first and repeat visits', async ({ browser }) => {
  test.setTimeout(600_000);
  const first: Visit[] = [];
  const repeat: Visit[] = [];
  for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'en-US' });
    first.push(await visit(context));
    repeat.push(await visit(context));
    await context.close();
  }
  report('first visit', first);
  report('repeat visit', repeat);
});
