// The live view: the simulation runs in the page and every control changes it.
import { test, expect, snap, cli } from './fixtures.js';

const counter = (page, name) => page.locator(`[data-counter="${name}"]`);
const count = async (page, name) => Number(await counter(page, name).textContent());
/** The offered load in a Load chart's description ("offered 1.2k req/s" → 1200). */
const offered = (label) => {
  const [, n, k] = label.match(/offered ([\d.]+)(k?)/) ?? [, '0', ''];
  return Number(n) * (k ? 1000 : 1);
};

test('playing runs the simulation: requests rise and succeed', async ({ page }) => {
  await page.goto('/?scenario=baseline');
  await expect(counter(page, 'requests')).toHaveText('0');
  await page.getByRole('button', { name: 'Play' }).click();
  await expect.poll(() => count(page, 'requests')).toBeGreaterThan(100);
  await expect.poll(() => count(page, 'success')).toBeGreaterThan(50);
  await expect(page.getByRole('img', { name: /^Goodput vs offered load, at \d+ s: offered \d+/ })).toBeVisible();
  await snap(page, 'live-playing');
});

test('pausing stops simulated time', async ({ page }) => {
  await page.goto('/?scenario=baseline');
  await page.getByRole('button', { name: 'Play' }).click();
  await expect.poll(() => count(page, 'requests')).toBeGreaterThan(0);
  await page.getByRole('button', { name: 'Pause' }).click();
  const clock = await page.getByRole('timer').textContent();
  await page.waitForTimeout(500);
  await expect(page.getByRole('timer')).toHaveText(clock);
});

test('request loss shows up as failures by cause', async ({ page }) => {
  await page.goto('/?scenario=baseline');
  const loss = page.getByRole('textbox', { name: /Request loss/ }).or(page.getByRole('spinbutton', { name: /Request loss/ }));
  await loss.fill('0.5');
  await loss.press('Enter');
  await page.getByRole('spinbutton', { name: 'Speed (×)' }).fill('5');
  await page.getByRole('spinbutton', { name: 'Speed (×)' }).press('Enter');
  await page.getByRole('button', { name: 'Play' }).click();
  await expect.poll(() => count(page, 'failed'), { timeout: 15_000 }).toBeGreaterThan(20);
  await expect(page.locator('.ticker li', { hasText: /lost on the way/ }).first()).toBeVisible();
  await snap(page, 'live-request-loss');
});

test('typing an invalid value explains why and changes nothing', async ({ page }) => {
  await page.goto('/?scenario=baseline');
  const rate = page.getByRole('spinbutton', { name: 'Request rate (req/s)' });
  await rate.fill('-5');
  await rate.press('Enter');
  await expect(page.getByRole('alert').filter({ hasText: 'must be between 1 and 20000' })).toBeVisible();
  await expect(page.getByRole('img', { name: /^Goodput vs offered load/ })).toBeVisible();
  await expect(page.locator('.node.clients')).toHaveAttribute('aria-label', 'Clients: 300 req/s, that is 300 requests per second');
});

test('the rate slider changes the load the clients send', async ({ page }) => {
  await page.goto('/?scenario=baseline');
  const rate = page.getByRole('spinbutton', { name: 'Request rate (req/s)' });
  await rate.fill('1200');
  await rate.press('Enter');
  await expect(page.locator('.node.clients')).toHaveAttribute('aria-label', 'Clients: 1200 req/s, that is 1200 requests per second');
  await page.getByRole('button', { name: 'Play' }).click();
  await expect
    .poll(async () => offered(await page.getByRole('img', { name: /^Goodput vs offered load/ }).getAttribute('aria-label')), { timeout: 10_000 })
    .toBeGreaterThan(900);
});

test('killing an instance from the inspector crashes it', async ({ page }) => {
  await page.goto('/?scenario=baseline');
  await page.getByRole('button', { name: /^Instance i-1 / }).click();
  await page.getByRole('button', { name: 'Kill' }).click();
  await expect(page.getByRole('button', { name: /^Instance i-1 .*crashed/ })).toBeVisible();
  await expect(page.locator('.ticker li', { hasText: "i-1's process crashed" })).toBeVisible();
  await snap(page, 'live-killed-instance');
});

test('the load balancer algorithm can be changed from the diagram', async ({ page }) => {
  await page.goto('/?scenario=baseline');
  await page.getByRole('button', { name: /^Load balancer of cart/ }).click();
  await page.locator('.inspector').getByRole('combobox', { name: 'Algorithm' }).selectOption('least_outstanding');
  await expect(page.getByRole('button', { name: /^Load balancer of cart: LB least outstanding/ })).toBeVisible();
});

test('keyboard only: play/pause with the keyboard and a slider with the arrow keys', async ({ page }) => {
  await page.goto('/?scenario=baseline');
  const play = page.getByRole('button', { name: 'Play' });
  await play.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: 'Pause' })).toBeFocused();
  const slider = page.getByRole('slider', { name: 'Request rate' });
  await slider.focus();
  for (let i = 0; i < 20; i++) await page.keyboard.press('ArrowRight');
  const shown = Number(await page.getByRole('spinbutton', { name: 'Request rate (req/s)' }).inputValue());
  expect(shown).toBeGreaterThan(300);
  await snap(page, 'live-keyboard');
});

test('dark theme', async ({ page }) => {
  await page.goto('/?scenario=baseline');
  await page.getByRole('button', { name: 'Dark theme' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.getByRole('button', { name: 'Play' }).click();
  await expect.poll(() => count(page, 'requests')).toBeGreaterThan(100);
  await snap(page, 'live-dark');
});

test('large type for projectors', async ({ page }) => {
  await page.goto('/?scenario=baseline');
  await page.getByRole('button', { name: 'Large type' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-large', 'true');
  const size = await page.evaluate(() => getComputedStyle(document.documentElement).fontSize);
  expect(parseFloat(size)).toBeGreaterThanOrEqual(20);
  await expect(page).toHaveURL(/[?&]large(&|$)/);
  await snap(page, 'live-large-type');
});

test('reduced motion: requests are counted on the edges instead of moving', async ({ page }) => {
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.goto('/?scenario=latency-home-us-east-1&autoplay');
  await expect.poll(async () => Number(await page.locator('[data-counter="requests"]').textContent())).toBeGreaterThan(10);
  await expect(page.locator('canvas.flow')).toHaveAttribute('data-messages', /^[1-9]/);
  await snap(page, 'live-reduced-motion');
});

test('fits a 1024×576 iframe-sized viewport', async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 576 });
  await page.goto('/?scenario=baseline');
  await page.getByRole('button', { name: 'Play' }).click();
  await expect.poll(() => count(page, 'requests')).toBeGreaterThan(50);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await snap(page, 'live-1024x576');
});

test('a phone in portrait gets the controls in a drawer', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/?scenario=baseline');
  await expect(page.getByRole('slider', { name: 'Request rate' })).toBeHidden();
  await page.getByRole('button', { name: 'Controls' }).click();
  await expect(page.getByRole('slider', { name: 'Request rate' })).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await snap(page, 'live-phone');
});

test('a run in the browser reproduces the native run bit for bit', async ({ page }) => {
  // The CLI is the native build of the same core; its digest after 10 s of
  // the baseline must equal the page's fingerprint after ten 1-second steps.
  const native = JSON.parse(cli('run', '--scenario', 'baseline', '--duration', '10s', '--json'));
  await page.goto('/?scenario=baseline');
  for (let i = 0; i < 10; i++) await page.getByRole('button', { name: 'Step 1 s' }).click();
  await expect(page.getByRole('timer')).toHaveText('t = 0:10.0');
  await expect(page.locator('[data-fingerprint]')).toHaveText(native.digest);
});

test('the in-browser benchmark reports the wasm core speed', async ({ page }) => {
  await page.goto('/?scenario=baseline');
  await page.getByText("About this simulator and this browser's speed").click();
  await page.getByRole('button', { name: 'Measure this browser' }).click();
  const out = page.locator('[data-benchmark]');
  await expect(out).toContainText('M events/s', { timeout: 20_000 });
  const text = await out.textContent();
  console.log(`wasm in Chromium: ${text}`);
  expect(Number(text.match(/([\d.]+) M events\/s/)[1])).toBeGreaterThan(0.1);
});

test('the per-second data downloads as CSV, the same file the CLI writes', async ({ page }) => {
  // Same core, same seed: ten seconds stepped in the page give the CLI's
  // `--csv` of a 10 s run, byte for byte.
  const { readFileSync } = await import('node:fs');
  const native = cli('run', '--scenario', 'baseline', '--duration', '10s', '--csv');
  await page.goto('/?scenario=baseline');
  for (let i = 0; i < 10; i++) await page.getByRole('button', { name: 'Step 1 s' }).click();
  await expect(page.getByRole('timer')).toHaveText('t = 0:10.0');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download the per-second data (CSV)' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('baseline-seed-42.csv');
  const csv = readFileSync(await download.path(), 'utf8');
  expect(csv.split('\n').length).toBe(12);
  expect(csv).toBe(native);
});
