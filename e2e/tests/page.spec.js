import { test, expect, snap } from './fixtures.js';

for (const [where, path] of [['site root', '/'], ['GitHub Pages sub-path', '/sahara-sim/']]) {
  test(`loads at the ${where}, plays at once, and Play/Pause toggles`, async ({ page }) => {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sahara Sim');
    // A first visit starts playing: the deployment comes alive by itself.
    await expect.poll(async () => Number(await page.locator('[data-counter="requests"]').textContent())).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Pause' }).click();
    await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();
    await page.getByRole('button', { name: 'Play' }).click();
    await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
    await snap(page, where === 'site root' ? 'page-root' : 'page-subpath');
  });
}

test('works inside an iframe on another origin', async ({ page }) => {
  await page.goto('http://127.0.0.1:4174/?src=/sahara-sim/%3Fscenario%3Dbaseline');
  const app = page.frameLocator('#embed');
  await expect(app.getByRole('heading', { level: 1 })).toHaveText('Sahara Sim');
  await app.getByRole('button', { name: 'Play' }).click();
  await expect(app.getByRole('button', { name: 'Pause' })).toBeVisible();
  await snap(page, 'embedded-iframe');
});
