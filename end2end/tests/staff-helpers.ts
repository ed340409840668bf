// Shared steps of the staff journeys: accounts made with the real
// `user add`, sign-in with the password then a code computed from the
// enrolment address (RFC 6238), a patient's request sent through the form,
// and the patient's status page.
import { expect, type Browser, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import path from 'node:path';
import { expectNoAxeViolations, fillEnglishRequest, waitForHydration, watchCsp } from './helpers';

export const PASSWORD = 'lantern maple harbour quiet';
export const binary =
  process.env.SECOND_OPINION_BIN ?? path.join(__dirname, '..', '..', 'target', 'debug', 'second-opinion');

/** Each login's TOTP secret, from the address `user add` printed. */
const secrets = new Map<string, Buffer>();
/** Each login's last time step used: the server takes a code once. */
const lastSteps = new Map<string, number>();

/**
 * `second-opinion user add` on the served database (DATABASE_URL is
 * shared); a specialist's account is linked to the specialist `specialist`
 * of the list.
 */
export function addStaff(
  login: string,
  role: 'reception' | 'admin' | 'specialist',
  name: string,
  specialist?: string,
): void {
  const args = ['user', 'add', login, '--role', role, '--name', name];
  if (specialist !== undefined) args.push('--specialist', specialist);
  const printed = execFileSync(binary, args, { input: `${PASSWORD}\n`, env: process.env }).toString();
  const uri = printed.split('\n').find((line) => line.startsWith('otpauth://totp/'));
  expect(uri, 'the enrolment address').toBeTruthy();
  secrets.set(login, base32(new URL(uri!).searchParams.get('secret')!));
}

function base32(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of text.replace(/=+$/, '')) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const bytes = bits.match(/.{8}/g) ?? [];
  return Buffer.from(bytes.map((b) => parseInt(b, 2)));
}

/** The six-digit code of RFC 6238 (HMAC-SHA-1, 30-second steps) at `step`. */
function totp(secret: Buffer, step: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', secret).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const number = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return number.toString().padStart(6, '0');
}

/** A code the server has not taken yet for `login`, as the app would show it. */
export async function freshCode(login: string): Promise<string> {
  for (;;) {
    const seconds = Date.now() / 1000;
    const step = Math.floor(seconds / 30);
    const into = seconds % 30;
    const last = lastSteps.get(login) ?? -1;
    const candidate = [step - 1, step, step + 1].find((s) => s > last);
    if (into >= 3 && into <= 26 && candidate !== undefined) {
      lastSteps.set(login, candidate);
      return totp(secrets.get(login)!, candidate);
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

/**
 * Signs `login` in from a new browser context (of `width` pixels, a PC's
 * by default); the page lands on `landing` (reception's queue, or a
 * specialist's cases).
 */
export async function signIn(
  browser: Browser,
  login: string,
  violations: string[],
  landing = 'Requests',
  width = 1280,
): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width, height: 900 } })).newPage();
  watchCsp(page, violations);
  await page.goto('/staff');
  await expect(page).toHaveURL(/\/staff\/login\?next=/);
  await expectNoAxeViolations(page, '/staff/login');
  await page.getByLabel('Login').fill(login);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Staff sign-in: code' })).toBeVisible();
  await expectNoAxeViolations(page, '/staff/login/code');
  await page.getByLabel('Code').fill(await freshCode(login));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { level: 1, name: landing })).toBeVisible();
  return page;
}

/** A patient sends an eligible request through the form; returns its reference. */
export async function sendRequest(browser: Browser, violations: string[]): Promise<string> {
  const page = await (await browser.newContext()).newPage();
  watchCsp(page, violations);
  await page.goto('/request');
  await waitForHydration(page);
  await fillEnglishRequest(page);
  for (const day of ['Monday', 'Wednesday', 'Thursday', 'Friday']) {
    await page.getByLabel(day).check();
  }
  await page.getByRole('button', { name: 'Check your answers' }).click();
  await page.getByRole('button', { name: 'Send the request' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Request received');
  const reference = (await page.getByTestId('reference').textContent()) ?? '';
  await page.context().close();
  return reference;
}

/**
 * The patient's status page for `reference`, answered (English), from a
 * phone of their own: the e2e server believes X-Forwarded-For from
 * 127.0.0.1 as it does from nginx, so that the journeys' look-ups are not
 * all counted against one address's limit.
 */
export async function statusPage(browser: Browser, reference: string, violations: string[], width = 390): Promise<Page> {
  const address = `203.0.113.${1 + Math.floor(Math.random() * 254)}`;
  const context = await browser.newContext({
    viewport: { width, height: 844 },
    extraHTTPHeaders: { 'X-Forwarded-For': address },
  });
  const page = await context.newPage();
  watchCsp(page, violations);
  await page.goto('/status');
  await page.getByLabel('Reference').fill(reference);
  await page.getByLabel("Patient's date of birth").fill('1970-04-01');
  await page.getByRole('button', { name: 'Check the status' }).click();
  await expect(page.getByTestId('status')).toBeVisible();
  return page;
}

/** The status answer's words for `reference`. */
export async function statusOf(browser: Browser, reference: string, violations: string[]): Promise<string> {
  const page = await statusPage(browser, reference, violations);
  const text = (await page.getByTestId('status').textContent()) ?? '';
  await page.context().close();
  return text;
}
