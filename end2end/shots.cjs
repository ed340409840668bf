// Screenshots for a look by eye (not a test): node end2end/shots.cjs
const { chromium } = require('@playwright/test');
const { createHmac } = require('node:crypto');
const fs = require('node:fs');
const base = 'http://127.0.0.1:3100';
const uri = fs.readFileSync('/tmp/shots/uri.txt', 'utf8').trim();
function base32(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of text.replace(/=+$/, '')) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  return Buffer.from((bits.match(/.{8}/g) ?? []).map((b) => parseInt(b, 2)));
}
const secret = base32(new URL(uri).searchParams.get('secret'));
function totp(step) {
  const counter = Buffer.alloc(8); counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', secret).update(counter).digest();
  const o = mac[mac.length - 1] & 0xf;
  return ((mac.readUInt32BE(o) & 0x7fffffff) % 1000000).toString().padStart(6, '0');
}
(async () => {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  const ctx = await browser.newContext({ locale: 'en', extraHTTPHeaders: { 'Accept-Language': 'en' } });
  const p = await ctx.newPage();
  await p.goto(base + '/request');
  await p.waitForSelector('form[data-hydrated="true"]');
  await p.getByLabel('I am the patient').check();
  await p.getByLabel("Patient's full name").fill('Hanako Yamada');
  const born = p.getByRole('group', { name: "Patient's date of birth" });
  await born.getByLabel('Year', { exact: true }).fill('1970');
  await born.getByLabel('Month', { exact: true }).fill('4');
  await born.getByLabel('Day', { exact: true }).fill('1');
  await p.getByLabel('Phone number').fill('090-1234-5678');
  await p.getByLabel('E-mail address').fill('hanako@example.jp');
  await p.getByLabel('Send me updates about this request by e-mail').check();
  for (const w of [390, 1280]) {
    await p.setViewportSize({ width: w, height: 900 });
    await p.getByLabel('E-mail address').scrollIntoViewIfNeeded();
    await p.screenshot({ path: `/tmp/shots/out/form-email-${w}.png` });
  }
  await p.getByLabel("Present doctor's name").fill('Ichiro Sato');
  await p.getByLabel('Present hospital or clinic').fill('Sakura Clinic');
  for (const q of ['Does the patient agree to a second opinion?', 'Does the present doctor agree and write a referral letter?', "Do you agree that the specialist's written report is sent to the present doctor?"]) {
    await p.getByRole('group', { name: q }).getByLabel('Yes').check();
  }
  await p.getByLabel("To hear a specialist's view on the diagnosis or the treatment").check();
  await p.getByLabel('Cancer', { exact: true }).check();
  await p.getByLabel('The diagnosis, as you know it').fill('Stage II breast cancer');
  await p.getByLabel('What do you want to ask the specialist?').fill('Surgery first?');
  await p.getByLabel('The patient alone').check();
  for (const d of ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday']) await p.getByLabel(d).check();
  await p.getByLabel('I understand that the consultation is in person only, at the hospital.').check();
  await p.getByLabel('I understand that the fee is paid at the hospital on the day.').check();
  await p.getByLabel('I understand that a second opinion is not covered by health insurance.').check();
  await p.getByRole('button', { name: 'Check your answers' }).click();
  await p.getByRole('button', { name: 'Send the request' }).click();
  const reference = (await p.getByTestId('reference').textContent()).trim();
  console.log('reference', reference);

  const s = await (await browser.newContext({ extraHTTPHeaders: { 'Accept-Language': 'en' } })).newPage();
  await s.goto(base + '/staff/login');
  await s.getByLabel('Login').fill('admin');
  await s.getByLabel('Password').fill('lantern maple harbour quiet');
  await s.getByRole('button', { name: 'Continue' }).click();
  await s.getByLabel('Code').fill(totp(Math.floor(Date.now() / 30000)));
  await s.getByRole('button', { name: 'Sign in' }).click();
  await s.goto(base + '/staff/specialists');
  await s.getByLabel('Name', { exact: true }).fill('Dr Tanaka');
  await s.getByLabel('Department').selectOption('cancer');
  await s.getByRole('button', { name: 'Add a specialist' }).click();
  const casePath = base + '/staff/cases/' + reference.replace('-', '');
  await s.goto(casePath);
  await s.getByLabel('No answer').check();
  await s.getByLabel('Note (optional)').fill('rang the mobile twice');
  await s.getByRole('button', { name: 'Record the call' }).click();
  await s.getByLabel('Specialist', { exact: true }).selectOption({ label: 'Dr Tanaka' });
  await s.getByRole('button', { name: 'Assign', exact: true }).click();
  await s.getByRole('group', { name: /Proposed days/ }).getByRole('radio').first().check();
  await s.getByLabel('Start time').fill('10:30');
  await s.getByRole('button', { name: 'Book the appointment' }).click();
  await new Promise((r) => setTimeout(r, 2500));
  await s.goto(casePath);
  for (const w of [390, 1280]) {
    await s.setViewportSize({ width: w, height: 900 });
    await s.getByRole('heading', { name: 'Calls to the patient' }).scrollIntoViewIfNeeded();
    await s.screenshot({ path: `/tmp/shots/out/case-calls-${w}.png` });
    await s.getByRole('heading', { name: 'E-mails to the patient' }).scrollIntoViewIfNeeded();
    await s.screenshot({ path: `/tmp/shots/out/case-messages-${w}.png` });
    await s.goto(base + '/staff');
    await s.screenshot({ path: `/tmp/shots/out/queue-${w}.png` });
    await s.goto(casePath);
  }
  // The booking e-mail's answer link.
  const files = fs.readdirSync('/tmp/shots/mail/new').map((f) => fs.readFileSync('/tmp/shots/mail/new/' + f, 'utf8'));
  const booked = files.find((t) => t.includes('respond'));
  const flat = booked.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
  const link = flat.match(/http:\/\/127\.0\.0\.1:3100\/respond\/[0-9a-f]{64}/g)[1];
  console.log('link', link);
  for (const w of [390, 1280]) {
    await p.setViewportSize({ width: w, height: 800 });
    await p.goto(link);
    await p.screenshot({ path: `/tmp/shots/out/respond-${w}.png` });
  }
  await p.getByRole('button').filter({ hasText: 'Confirm' }).click();
  await p.screenshot({ path: `/tmp/shots/out/respond-done.png` });
  await p.goto(base + '/status');
  await p.getByLabel('Reference').fill(reference);
  await p.getByLabel("Patient's date of birth").fill('1970-04-01');
  await p.getByRole('button', { name: 'Check the status' }).click();
  await p.setViewportSize({ width: 390, height: 800 });
  await p.screenshot({ path: `/tmp/shots/out/status-390.png`, fullPage: true });
  await browser.close();
})();
