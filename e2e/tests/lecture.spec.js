// Lecture mode, continued: reproducible links, big embeds, and hostile
// links (the tour's steps: tour.spec.js).
import { test, expect, snap } from './fixtures.js';

test('a link reproduces the same run: it opens at the same simulated time with the same counters', async ({ page, context }) => {
  await page.goto('/?scenario=lost-response&response_loss=0.2&seed=11&idempotency=per_instance');
  for (let i = 0; i < 5; i++) await page.getByRole('button', { name: 'Step 1 s' }).click();
  const read = async (p) => ({
    time: await p.getByRole('timer').textContent(),
    requests: await p.locator('[data-counter="requests"]').textContent(),
    duplicates: await p.locator('[data-counter="duplicates"]').textContent(),
    fingerprint: await p.locator('[data-fingerprint]').textContent(),
  });
  const first = await read(page);
  const link = page.url();
  expect(link).toMatch(/[?&]t=5(&|$)/);
  const again = await context.newPage();
  await again.goto(link);
  await expect(again.getByRole('timer')).toHaveText('t = 0:05.0');
  expect(await read(again)).toEqual(first);
  expect(Number(first.requests)).toBeGreaterThan(1000);
});

test('embed mode fills a 1920×1080 iframe', async ({ page }) => {
  await page.setViewportSize({ width: 1940, height: 1160 });
  await page.goto('http://127.0.0.1:4174/?src=/sahara-sim/%3Fscenario%3Dflash-sale-autoscaling%26embed%26controls%3Drate,policy%26autoplay%26speed%3D10&w=1920&h=1080');
  const app = page.frameLocator('#embed');
  await expect(app.locator('.diagram')).toBeVisible();
  await expect(app.locator('#rate')).toBeVisible();
  await expect(app.locator('#policy')).toBeVisible();
  await page.waitForTimeout(1500);
  await snap(page, 'embed-1920x1080');
});

test('a link to a tour step alone opens that step with its scenario', async ({ page }) => {
  await page.goto('/?step=2');
  await expect(page.locator('.tour-progress')).toHaveText(/step 2 of/);
  await expect(page.getByRole('combobox', { name: 'Scenario' })).toHaveValue('lost-response');
  await expect(page).toHaveURL(/scenario=lost-response/);
});

test('embed mode at 800×450: the diagram, the note and the totals do not overlap', async ({ page }) => {
  await page.setViewportSize({ width: 800, height: 450 });
  await page.goto('/?scenario=flash-sale-autoscaling&embed&controls=policy,max&large');
  const box = async (sel) => page.locator(sel).first().boundingBox();
  const note = await box('.flow-note');
  const counters = await box('.counters');
  const svg = await box('.diagram svg');
  expect(note.y + note.height).toBeLessThanOrEqual(counters.y + 1);
  expect(svg.y + svg.height).toBeLessThanOrEqual(note.y + 1);
  await snap(page, 'embed-800x450');
});
