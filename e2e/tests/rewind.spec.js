// Rewind: any earlier second shown again exactly as the native run has it
// at that second, from the track under the diagram, the keys and links.
import { test, expect, snap, cli } from './fixtures.js';

/** The native run of `scenario` to `secs` seconds: its summary. */
function native(scenario, secs) {
  return JSON.parse(cli('run', '--scenario', scenario, '--duration', `${secs}s`, '--json'));
}

const counter = (page, name) => page.locator(`[data-counter="${name}"]`);

test('rewinding to a second shows what the command-line run shows at that second', async ({ page }) => {
  test.setTimeout(60_000);
  const at12 = native('lost-response', 12);
  await page.goto('/?scenario=lost-response&autoplay&speed=10');
  await expect.poll(async () => page.evaluate(() => Number(document.getElementById('rewind').max)), { timeout: 20_000 }).toBeGreaterThanOrEqual(20);
  await page.locator('#rewind').fill('12');
  await expect(page.getByRole('button', { name: 'Play' }).first()).toBeVisible();
  await expect(page.getByRole('timer')).toHaveText('t = 0:12.0');
  await expect(page.locator('[data-fingerprint]')).toHaveText(at12.digest);
  await expect(counter(page, 'requests')).toHaveText(String(at12.requests));
  await expect(counter(page, 'duplicates')).toHaveText(String(at12.duplicates));
  await snap(page, 'rewound-to-12s');
  // A second back and forward with the keys.
  // The track keeps the focus: its own keys are the arrows, these are the page's.
  await page.locator('#rewind').press(',');
  await expect(page.getByRole('timer')).toHaveText('t = 0:11.0');
  await page.locator('#rewind').press('.');
  await expect(page.getByRole('timer')).toHaveText('t = 0:12.0');
  await expect(page.locator('[data-fingerprint]')).toHaveText(at12.digest);
  // Paused, the link says the moment, and opens at it.
  await expect(page).toHaveURL(/[?&]t=12(&|$)/);
  const again = await page.context().newPage();
  await again.goto(page.url());
  await expect(again.getByRole('timer')).toHaveText('t = 0:12.0');
  await expect(again.locator('[data-fingerprint]')).toHaveText(at12.digest);
});

test('after a rewind, play reaches the same future, changes made later included', async ({ page }) => {
  test.setTimeout(60_000);
  await page.goto('/?scenario=retry-storm');
  const step = page.getByRole('button', { name: 'Step 1 s' });
  for (let i = 0; i < 5; i++) await step.click();
  await page.locator('#jitter').selectOption('full');
  for (let i = 0; i < 5; i++) await step.click();
  await expect(page.getByRole('timer')).toHaveText('t = 0:10.0');
  const future = await page.locator('[data-fingerprint]').textContent();
  await page.locator('#rewind').fill('3');
  await expect(page.getByRole('timer')).toHaveText('t = 0:03.0');
  await expect(page.locator('#jitter')).toHaveValue('none');
  for (let i = 0; i < 7; i++) await step.click();
  await expect(page.locator('#jitter')).toHaveValue('full');
  await expect(page.locator('[data-fingerprint]')).toHaveText(future);
});
