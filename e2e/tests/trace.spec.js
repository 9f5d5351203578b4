// Trace one request: the sequence diagram of every attempt of one logical
// request, for the lecture's two failures, and its SVG download.
import { readFileSync } from 'node:fs';
import { test, expect, snap } from './fixtures.js';

/** The ✕ where a message was lost. */
const lostMark = (page) => page.locator('.trace-diagram svg text', { hasText: '✕' });

/** The x of a lifeline, from its name at the top. */
const lifelineX = (page, name) =>
  page.locator('.trace-diagram svg text', { hasText: new RegExp(`^${name}$`) }).getAttribute('x');

/** Opens `query`, traces the next checkout that goes wrong, and plays
 *  until it has finished; returns the diagram's words. */
async function traceTroubledCheckout(page, query) {
  await page.goto(`/?${query}&t=20&speed=10`);
  await page.getByText('Trace one request').click();
  await expect(page.locator('.trace-tools select')).toHaveValue('checkout');
  await page.getByRole('button', { name: 'Trace the next that goes wrong' }).click();
  await expect(page.locator('.trace-status')).toContainText('checkouts in flight until one goes wrong');
  await page.getByRole('button', { name: 'Play' }).click();
  await expect(page.locator('.trace-status')).toContainText(/after \d attempts/, { timeout: 30_000 });
  await page.getByRole('button', { name: 'Pause' }).click();
  return page.locator('.trace-diagram svg').textContent();
}

test('a lost response without tokens: the client resends and the checkout executes twice', async ({ page }) => {
  const words = await traceTroubledCheckout(page, 'scenario=lost-response');
  await expect(page.locator('.trace-status')).toContainText('success after 2 attempts');
  expect(words).toContain('no idempotency token');
  expect(words).toContain('response of attempt 1 lost on the internet');
  expect(words).toContain('client saw its timeout; really: the work was done, the response was lost (Failure 2)');
  expect(words).toMatch(/backs off [\d.]+ ms before resending \(jitter drew it from 0.0 ms–200 ms\)/);
  expect(words.match(/executed: the card is charged/g)).toHaveLength(1);
  expect(words).toContain('executed AGAIN: the card is charged a second time (duplicate)');
  // The lost response's arrow ends on the internet's lifeline, with a ✕.
  await expect(lostMark(page)).toHaveCount(1);
  await expect(lostMark(page)).toHaveAttribute('x', await lifelineX(page, 'Internet'));
  await page.locator('.trace-panel').scrollIntoViewIfNeeded();
  await snap(page, 'trace-lost-response');
  // The download is the diagram as drawn.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download SVG' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^trace-r-\d+\.svg$/);
  const svg = readFileSync(await download.path(), 'utf8');
  expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  expect(svg).toContain('executed AGAIN');
});

test('a lost response with shared tokens: the resend is replayed, the card charged once', async ({ page }) => {
  const words = await traceTroubledCheckout(page, 'scenario=lost-response&idempotency=shared');
  expect(words).toContain('idempotency token r-');
  expect(words).toContain('response of attempt 1 lost on the internet');
  expect(words).toContain('token already executed: replay the stored answer, execute nothing');
  expect(words.match(/executed: the card is charged/g)).toHaveLength(1);
  expect(words).not.toContain('executed AGAIN');
});

test('a lost request shows where it was lost: on the internet, before any instance saw it', async ({ page }) => {
  const words = await traceTroubledCheckout(page, 'scenario=lost-request');
  expect(words).toContain('request of attempt 1 lost on the internet');
  expect(words).toContain('client saw its timeout; really: the request was lost on the way (Failure 1)');
  expect(words).not.toContain('executed AGAIN');
  // Its arrow ends on the internet's lifeline, half-way to the load balancer.
  await expect(lostMark(page)).toHaveAttribute('x', await lifelineX(page, 'Internet'));
  await snap(page, 'trace-lost-request');
});

test('clicking a message in flight traces its request from its start', async ({ page }) => {
  await page.goto('/?scenario=lost-response&t=30');
  // Where messages are drawn: the centres of painted spots on the canvas.
  const spots = await page.locator('canvas.flow').evaluate((canvas) => {
    const g = canvas.getContext('2d');
    const { data, width, height } = g.getImageData(0, 0, canvas.width, canvas.height);
    const k = canvas.width / canvas.clientWidth;
    const found = [];
    for (let y = 0; y < height; y += 2) {
      for (let x = 0; x < width; x += 2) {
        if (data[(y * width + x) * 4 + 3] > 200 && !found.some((p) => Math.hypot(p.x - x / k, p.y - y / k) < 12)) {
          found.push({ x: x / k, y: y / k });
        }
      }
    }
    return found;
  });
  expect(spots.length).toBeGreaterThan(0);
  const canvas = await page.locator('canvas.flow').boundingBox();
  for (const s of spots) {
    await page.mouse.click(canvas.x + s.x, canvas.y + s.y);
    if (await page.locator('.trace-diagram svg').count()) break;
  }
  await expect(page.locator('.trace-panel')).toHaveAttribute('open', '');
  await expect(page.locator('.trace-status')).toContainText(/^r-\d+/);
  // Traced from its start, though it was created before the click: the
  // first row is its creation, and the clock did not move.
  await expect(page.locator('.trace-diagram svg')).toContainText(/created: no idempotency token/);
  await expect(page.getByRole('timer')).toHaveText('t = 0:30.0');
});
