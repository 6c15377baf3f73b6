// Real-browser test of the reminder settings in `anklepump serve` (run by
// run.sh after e2e.mjs, against the same server and database): reminder
// times are changed, added and removed and are still there after a reload;
// quiet hours are changed and kept; Today's "Next session" is never "now"
// during quiet hours; the test notification asks the browser's Notification
// API (stubbed in the page, so nothing reaches the desktop) to show one.

import { chromium } from 'playwright-core';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const APP_URL = process.env.APP_URL ?? 'http://127.0.0.1:8787/';
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

let failures = 0;
function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures += 1;
}

async function nav(page, label) {
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: label, exact: true }).click();
  await page.getByRole('heading', { level: 1 }).first().waitFor();
}

async function reminderTimes(page) {
  const labels = await page.locator('input[type="time"][aria-label^="Reminder at "]').evaluateAll((els) => els.map((e) => e.value));
  return labels.map((v) => v.slice(0, 5));
}

const userDir = mkdtempSync(join(tmpdir(), 'anklepump-settings-'));
const ctx = await chromium.launchPersistentContext(userDir, {
  executablePath: CHROMIUM,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  viewport: { width: 1280, height: 900 },
});
ctx.setDefaultTimeout(15000);
// A stand-in for the browser's Notification API that records what it is asked to show.
await ctx.addInitScript(() => {
  window.__notifications = [];
  class StandInNotification {
    constructor(title, options) {
      window.__notifications.push({ title, body: options?.body ?? '' });
    }
    static permission = 'default';
    static requestPermission() {
      StandInNotification.permission = 'granted';
      return Promise.resolve('granted');
    }
  }
  window.Notification = StandInNotification;
});
try {
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  await page.goto(APP_URL);
  await page.getByRole('heading', { name: 'Today', level: 1 }).waitFor();
  await nav(page, 'Settings');
  await page.getByRole('group', { name: 'Reminder times' }).waitFor();
  const initial = await reminderTimes(page);
  console.log(`     reminder times at the start: ${initial.join(', ')}`);
  check(initial.length > 0, 'Settings shows the plan\'s reminder times');

  // Add 13:00, move it to 13:30, remove the first of the original ones.
  await page.getByLabel('New reminder', { exact: true }).fill('13:00');
  await page.getByRole('button', { name: 'Add reminder' }).click();
  await page.getByLabel('Reminder at 13:00').waitFor();
  check(true, 'a 13:00 reminder was added');
  await page.getByLabel('Reminder at 13:00').fill('13:30');
  await page.getByLabel('Reminder at 13:30').waitFor();
  check(!(await reminderTimes(page)).includes('13:00'), 'the 13:00 reminder moved to 13:30');
  const gone = initial[0];
  await page.getByRole('button', { name: `Remove the ${gone} reminder` }).click();
  await page.getByLabel(`Reminder at ${gone}`).waitFor({ state: 'detached' });
  const expected = [...initial.slice(1), '13:30'].sort();

  // Quiet hours: from 21:00.
  const quiet = page.getByRole('checkbox', { name: 'No reminders during quiet hours' });
  if (!(await quiet.isChecked())) await quiet.check();
  await page.getByLabel('From', { exact: true }).fill('21:00');
  await page.waitForTimeout(700); // the change event's round trip to the server

  // Everything is kept: a reload reads it back from the database.
  await page.reload();
  await page.getByRole('heading', { name: 'Today', level: 1 }).waitFor();
  const next = await page.getByText(/^Next session: /).innerText();
  const hour = new Date().getHours();
  console.log(`     Today says "${next}" at ${new Date().toTimeString().slice(0, 5)}`);
  check(/^Next session: (now|at \d\d:\d\d|tomorrow)$/.test(next), 'Today names the next reminder');
  if (hour >= 21 || hour < 7) check(next !== 'Next session: now', 'never "now" during quiet hours');
  await nav(page, 'Settings');
  await page.getByRole('group', { name: 'Reminder times' }).waitFor();
  const kept = await reminderTimes(page);
  check(JSON.stringify(kept) === JSON.stringify(expected), `reminder times kept after a reload: ${kept.join(', ')} (expected ${expected.join(', ')})`);
  check((await page.getByLabel('From', { exact: true }).inputValue()).startsWith('21:00'), 'quiet hours kept after a reload');

  // The test notification asks the browser to show one.
  await page.getByRole('button', { name: 'Send a test notification' }).click();
  await page.waitForFunction(() => window.__notifications.length > 0);
  const shown = await page.evaluate(() => window.__notifications);
  check(shown.length === 1 && shown[0].title === 'AnklePump test notification', `the browser was asked to notify: ${JSON.stringify(shown)}`);

  await page.addScriptTag({ content: AXE });
  const res = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 3) })));
  const bad = res.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  for (const v of bad) console.log(`     ${v.impact} ${v.id} at ${v.nodes.join(' | ')}`);
  check(bad.length === 0, `axe: no serious/critical violations on the reminder settings (${res.length} minor)`);
} catch (e) {
  console.log(`FAIL ${e.stack ?? e}`);
  failures += 1;
} finally {
  await ctx.close();
  rmSync(userDir, { recursive: true, force: true });
}
console.log(failures === 0 ? 'settings e2e: all checks passed' : `settings e2e: ${failures} check(s) failed`);
process.exit(failures === 0 ? 0 : 1);
