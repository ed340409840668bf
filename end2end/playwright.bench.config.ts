// The browser measurements of `make bench` (scripts/panel-latency.sh starts
// the release server). Not part of `make test`: figures are recorded in
// docs/benchmarks.md, never asserted.
import { defineConfig } from '@playwright/test';
import base from './playwright.config';

export default defineConfig({
  ...base,
  testDir: './bench',
  timeout: 120_000,
});
