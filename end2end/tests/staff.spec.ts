// Reception's journeys in Chromium, by role and label: accounts made with
// the real `user add`, sign-in with the password and then a code computed
// from the enrolment address; an admin adds a specialist; a patient sends a
// request; reception finds it, records the documents, assigns, schedules on
// a proposed day, and the patient's status shows the appointment; a
// decline; the CSV export; a member's sessions and password; axe on every
// staff page.
import { expect, test, type Browser } from '@playwright/test';
import fs from 'node:fs';
import { expectNoAxeViolations, fillEnglishRequest, waitForHydration, watchCsp } from './helpers';
import { PASSWORD, addStaff, freshCode, sendRequest as send, signIn as enter, statusOf as status } from './staff-helpers';

const run = Date.now().toString(36);
/** CSP violations on every page these journeys open; none is allowed. */
const violations: string[] = [];

test.afterEach(() => {
  expect(violations, 'Content-Security-Policy violations').toEqual([]);
});

const signIn = (browser: Browser, login: string) => enter(browser, login, violations);
const sendRequest = (browser: Browser) => send(browser, violations);
const statusOf = (browser: Browser, reference: string) => status(browser, reference, violations);

test('reception finds a new request, records documents, assigns, schedules, and the patient sees the appointment', async ({ browser }) => {
  addStaff(`admin-${run}`, 'admin', 'Admin Ito');
  addStaff(`rita-${run}`, 'reception', 'Rita Mori');

  const admin = await signIn(browser, `admin-${run}`);
  await admin.getByRole('link', { name: 'Specialists' }).click();
  await expectNoAxeViolations(admin, '/staff/specialists');
  await admin.getByLabel('Name', { exact: true }).fill(`Dr Tanaka ${run}`);
  await admin.getByLabel('Department').selectOption('cancer');
  await admin.getByRole('button', { name: 'Add a specialist' }).click();
  await expect(admin.getByLabel(`Name Dr Tanaka ${run}`)).toBeVisible();
  await admin.getByRole('link', { name: 'Closure days' }).click();
  await expectNoAxeViolations(admin, '/staff/calendar');
  await admin.getByRole('link', { name: 'Accounts' }).click();
  await expect(admin.getByRole('heading', { level: 2, name: `Rita Mori (rita-${run})` })).toBeVisible();
  await expectNoAxeViolations(admin, '/staff/accounts');

  const reference = await sendRequest(browser);
  const rita = await signIn(browser, `rita-${run}`);
  await expectNoAxeViolations(rita, '/staff');
  await rita.getByLabel('Reference or patient name (kana too)').fill(reference);
  await rita.getByRole('button', { name: 'Show' }).click();
  await expect(rita.getByTestId('matching')).toHaveText('1');
  await rita.getByRole('link', { name: reference }).click();
  await expect(rita.getByRole('heading', { level: 1 })).toHaveText(`Request ${reference}`);
  await expect(rita.getByTestId('case-status')).toHaveText('Received');
  await expect(rita.getByText('Stage II breast cancer')).toBeVisible();
  await expectNoAxeViolations(rita, '/staff/cases');

  await rita.getByLabel('Referral letter', { exact: false }).first().check();
  await rita.getByRole('button', { name: 'Save the documents' }).click();
  await expect(rita.getByText('Saved.')).toBeVisible();
  await expect(rita.getByLabel('Referral letter', { exact: false }).first()).toBeChecked();

  await rita.getByLabel('Specialist', { exact: true }).selectOption({ label: `Dr Tanaka ${run}` });
  await rita.getByRole('button', { name: 'Assign', exact: true }).click();
  await expect(rita.getByTestId('case-status')).toHaveText('Under review');

  const proposals = rita.getByRole('group', { name: /Proposed days/ }).getByRole('radio');
  await proposals.first().check();
  await rita.getByLabel('Start time').fill('10:30');
  await rita.getByRole('button', { name: 'Book the appointment' }).click();
  await expect(rita.getByTestId('case-status')).toHaveText('Appointment scheduled');
  await expect(rita.getByTestId('appointment')).toContainText('10:30');
  // The audit trail on the page (folded, opened with a click) says who
  // booked what.
  await rita.getByRole('heading', { level: 2, name: 'Audit trail' }).click();
  await expect(rita.getByRole('row').filter({ hasText: 'Appointment' }).filter({ hasText: '10:30' }).filter({ hasText: `rita-${run}` })).toHaveCount(1);

  expect(await statusOf(browser, reference)).toMatch(/Your appointment: .* at 10:30, Cancer/);

  await rita.getByRole('link', { name: 'Day sheet' }).click();
  await expectNoAxeViolations(rita, '/staff/day-sheet');
});

test('reception declines a request with a reason, and the CSV holds the row', async ({ browser }) => {
  addStaff(`rei-${run}`, 'reception', 'Rei Kato');
  const reference = await sendRequest(browser);
  const rei = await signIn(browser, `rei-${run}`);

  const [download] = await Promise.all([
    rei.waitForEvent('download'),
    rei.getByRole('button', { name: 'Download as CSV' }).click(),
  ]);
  const csv = fs.readFileSync(await download.path(), 'utf8');
  expect(csv.startsWith('\ufeff')).toBe(true);
  expect(csv).toContain(`"${reference}"`);

  await rei.goto(`/staff/cases/${reference.replace('-', '')}`);
  await rei.getByLabel('Reason', { exact: true }).selectOption('other');
  await rei.getByRole('button', { name: 'Decline', exact: true }).click();
  // "Other" needs the reason written: refused, with the choice kept.
  await expect(rei.getByRole('alert')).toContainText('needs the reason written');
  await expect(rei.getByLabel('Reason', { exact: true })).toHaveValue('other');
  await rei.getByLabel('Reason', { exact: true }).selectOption('outside_specialties');
  await rei.getByRole('button', { name: 'Decline', exact: true }).click();
  await expect(rei.getByTestId('case-status')).toHaveText('Declined');

  expect(await statusOf(browser, reference)).toContain('Outside our specialties');
});

test('a member sees where they are signed in, ends another session, and changes their password', async ({ browser }) => {
  const login = `mika-${run}`;
  addStaff(login, 'reception', 'Mika Abe');
  const office = await signIn(browser, login);
  const desk = await signIn(browser, login);
  await expect(desk.getByText(/Signed out after 30 minutes without use: at \d\d:\d\d/)).toBeVisible();

  await desk.getByRole('link', { name: 'Mika Abe' }).click();
  await expect(desk.getByRole('heading', { level: 1, name: 'Your account' })).toBeVisible();
  await expectNoAxeViolations(desk, '/staff/account');
  const sessions = desk.getByRole('table').first().getByRole('row');
  await expect(sessions).toHaveCount(3);
  await expect(desk.getByText('This session', { exact: true })).toBeVisible();
  await desk.getByRole('button', { name: 'End this session' }).click();
  await expect(desk.getByText('The session has ended.')).toBeVisible();
  await office.reload();
  await expect(office).toHaveURL(/\/staff\/login/);

  // A weak new password is refused with the reason, then a good one is taken.
  await desk.getByLabel('Current password').fill(PASSWORD);
  // The new password's rules come first: this code is never checked.
  await desk.getByLabel('Code').fill('000000');
  await desk.getByLabel('New password', { exact: true }).fill('password1234');
  await desk.getByLabel('New password again').fill('password1234');
  await desk.getByRole('button', { name: 'Change your password' }).click();
  await expect(desk.getByRole('alert')).toContainText('commonly used passwords');
  await expectNoAxeViolations(desk, '/staff/account with a refused password');
  await desk.getByLabel('Current password').fill(PASSWORD);
  await desk.getByLabel('Code').fill(await freshCode(login));
  await desk.getByLabel('New password', { exact: true }).fill('willow copper meadow lamp');
  await desk.getByLabel('New password again').fill('willow copper meadow lamp');
  await desk.getByRole('button', { name: 'Change your password' }).click();
  await expect(desk.getByText('Your password has been changed.')).toBeVisible();
});

test('a patient asks for news by e-mail; reception sees the message waiting, calls, and the queue shows who is still to call', async ({ browser }) => {
  addStaff(`kei-${run}`, 'reception', 'Kei Ono');
  const patient = await (await browser.newContext()).newPage();
  watchCsp(patient, violations);
  await patient.goto('/request');
  await waitForHydration(patient);
  await fillEnglishRequest(patient);
  await patient.getByLabel('E-mail address').fill('hanako@example.jp');
  await patient.getByLabel('Send me updates about this request by e-mail').check();
  await patient.getByRole('button', { name: 'Check your answers' }).click();
  await expect(
    patient.getByRole('term').filter({ hasText: 'Send me updates about this request by e-mail' }),
  ).toBeVisible();
  await patient.getByRole('button', { name: 'Send the request' }).click();
  await expect(patient.getByRole('heading', { level: 1 })).toHaveText('Request received');
  // The first message only asks to confirm the address; the page says so.
  await expect(patient.getByTestId('address')).toContainText('Open its link within 24 hours');
  const reference = (await patient.getByTestId('reference').textContent()) ?? '';
  await patient.context().close();

  const kei = await signIn(browser, `kei-${run}`);
  await kei.goto(`/staff/cases/${reference.replace('-', '')}`);
  await expect(kei.getByRole('link', { name: '090-1234-5678' })).toHaveAttribute('href', 'tel:09012345678');
  const messages = kei.getByTestId('messages');
  const received = messages.getByRole('listitem').filter({ hasText: 'Request received' });
  await expect(received).toContainText('hanako@example.jp');
  await expect(received.getByTestId('message-status')).toContainText('Queued');
  // Before it, the message that asks the patient to confirm the address.
  await expect(messages.getByRole('listitem').filter({ hasText: 'Address confirmation' })).toContainText('hanako@example.jp');
  // The e2e server has no mail server: reception is told the message waits.
  await expect(kei.getByTestId('mail-not-configured')).toBeVisible();

  await kei.getByLabel('No answer').check();
  await kei.getByLabel('Note (optional)').fill('rang the mobile twice');
  await kei.getByRole('button', { name: 'Record the call' }).click();
  await expect(kei.getByText('Saved.')).toBeVisible();
  await expect(kei.getByTestId('calls')).toContainText('No answer: rang the mobile twice');
  await expectNoAxeViolations(kei, '/staff/cases with calls and messages');

  await kei.getByRole('link', { name: 'Requests' }).click();
  await kei.getByLabel('Reference or patient name (kana too)').fill(reference);
  await kei.getByRole('button', { name: 'Show' }).click();
  const row = kei.getByRole('row').filter({ hasText: reference });
  await expect(row.getByTestId('to-call')).toBeVisible();
  await expect(row.getByTestId('calls-made')).toContainText('Calls: 1 · last: No answer');
});
