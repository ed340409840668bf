// Playwright drives Debian's Chromium (/usr/bin/chromium); it never downloads
// a browser of its own. cargo-leptos starts the server before these tests.
import { defineConfig } from '@playwright/test';

const baseURL = process.env.BASE_URL ?? `http://${process.env.LEPTOS_SITE_ADDR ?? '127.0.0.1:3000'}`;

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  use: {
    baseURL,
    trace: 'off',
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
        '--no-first-run',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
});
