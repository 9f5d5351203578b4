// The lecture's answers to faults, switched on and off in the live view.
import { test, expect, snap } from './fixtures.js';

const count = async (page, name) => Number(await page.locator(`[data-counter="${name}"]`).textContent());
const setSpeed = async (page, v) => {
  const speed = page.getByRole('spinbutton', { name: 'Speed (×)' });
  await speed.fill(String(v));
  await speed.press('Enter');
};
/** The latest value of one line of a chart, from its screen-reader description. */
const latest = async (page, chart, line) => {
  const label = await page.getByRole('img', { name: new RegExp(`^${chart}`) }).getAttribute('aria-label');
  const [, n, k] = label.match(new RegExp(`${line} ([\\d.]+)(k?)`)) ?? [, 'NaN', ''];
  return Number(n) * (k ? 1000 : 1);
};

test('lost responses without tokens duplicate orders; shared tokens stop it', async ({ page }) => {
  await page.goto('/?scenario=lost-response&speed=10');
  await expect(page.locator('#idempotency')).toHaveValue('off');
  await page.getByRole('button', { name: 'Play' }).click();
  await expect.poll(() => count(page, 'duplicates'), { timeout: 20_000 }).toBeGreaterThan(3);
  await expect(page.locator('.ticker li', { hasText: /double charge|duplicate cart item/ }).first()).toBeVisible();
  await snap(page, 'resilience-duplicates');
  await page.locator('#idempotency').selectOption('shared');
  // Attempts already under way may still land; after that, none.
  await page.waitForTimeout(1500);
  const settled = await count(page, 'duplicates');
  await page.waitForTimeout(3000);
  expect(await count(page, 'duplicates')).toBe(settled);
  expect(await count(page, 'retries')).toBeGreaterThan(0);
});

test('a killed instance is replaced by the auto-scaling group', async ({ page }) => {
  await page.goto('/?scenario=health-check-replacement&speed=20');
  const tiles = page.locator('.group').first().locator('.node.instance:not(.terminated)');
  const before = await tiles.count();
  await page.getByRole('button', { name: /^Instance i-1 / }).click();
  await page.getByRole('button', { name: 'Kill' }).click();
  await page.getByRole('button', { name: 'Play' }).click();
  await expect(page.locator('.ticker li', { hasText: /i-\d+ launched/ }).first()).toBeVisible({ timeout: 20_000 });
  await expect(page.locator('.ticker li', { hasText: 'i-1 terminated' })).toBeVisible({ timeout: 20_000 });
  await expect.poll(() => page.locator('.group').first().locator('.node.instance.in-service').count(), { timeout: 20_000 }).toBe(before);
  await snap(page, 'resilience-replaced');
});

test('raising the load makes the auto-scaling group scale out on the capacity chart', async ({ page }) => {
  await page.goto('/?scenario=flash-sale-autoscaling&speed=20');
  await page.getByRole('button', { name: 'Play' }).click();
  await expect.poll(() => latest(page, 'Capacity', 'desired'), { timeout: 10_000 }).toBeGreaterThan(0);
  const initial = await latest(page, 'Capacity', 'desired');
  const rate = page.getByRole('spinbutton', { name: 'Request rate (req/s)' });
  await rate.fill('1500');
  await rate.press('Enter');
  await expect.poll(() => latest(page, 'Capacity', 'desired'), { timeout: 25_000 }).toBeGreaterThan(initial);
  await expect(page.locator('.ticker li.scaling').first()).toContainText('desired');
  await snap(page, 'resilience-autoscaling');
});

test('retries through an outage: retries show on the attempts chart and exponential backoff can be chosen', async ({ page }) => {
  await page.goto('/?scenario=backoff-jitter&speed=20');
  await page.getByRole('button', { name: 'Play' }).click();
  await expect.poll(() => count(page, 'retries'), { timeout: 25_000 }).toBeGreaterThan(100);
  await page.locator('#backoff').selectOption('exponential');
  await page.locator('#jitter').selectOption('full');
  await expect(page).toHaveURL(/backoff=exponential/);
  await expect(page).toHaveURL(/jitter=full/);
  await snap(page, 'resilience-retry-storm');
});

test('a zone outage from the page takes every instance in the zone at once', async ({ page }) => {
  await page.goto('/?scenario=correlated-risk');
  await page.locator('summary', { hasText: 'Zones and prices' }).click();
  const group = page.locator('.group').first();
  await expect(group.locator('.node.instance.crashed')).toHaveCount(0);
  await page.getByRole('button', { name: /^Zone b outage/ }).click();
  await expect(page.locator('.ticker li', { hasText: 'zone b is down for 120 s' })).toBeVisible();
  // Six instances over zones a, b, c: both of zone b's fail together.
  await expect(group.locator('.node.instance.crashed')).toHaveCount(2);
  await expect(group.getByRole('button', { name: /in zone b: .*host failed/ })).toHaveCount(2);
  await expect(page.locator('[data-counter="cost-breakdown"]')).toContainText('across zones $');
  await snap(page, 'resilience-zone-outage');
});

test('the database fails from its inspector and every call to it fails', async ({ page }) => {
  await page.goto('/?scenario=baseline&speed=5');
  await page.getByRole('button', { name: /^Database: / }).click();
  await page.getByRole('button', { name: 'Fail it for 60 s' }).click();
  await expect(page.locator('.ticker li', { hasText: 'the database failed: every call to it fails for 60 s' })).toBeVisible();
  await expect(page.getByRole('button', { name: /^Database: .*\(down: every call to it fails\)$/ })).toBeVisible();
  await page.getByRole('button', { name: 'Play' }).click();
  await expect.poll(() => count(page, 'failed'), { timeout: 10_000 }).toBeGreaterThan(100);
  expect(await count(page, 'success')).toBe(0);
});

test('a metastable collapse: capacity comes back above the offered load, goodput does not, and the work is wasted', async ({ page }) => {
  await page.goto('/?scenario=metastable&speed=20');
  await page.getByRole('button', { name: 'Play' }).click();
  // The trigger ends at 90 s; 30 s later capacity is back and goodput is not.
  await expect(page.locator('.timebar')).toContainText(/t = [23]:/, { timeout: 30_000 });
  await page.getByRole('button', { name: 'Pause' }).click();
  const chart = 'Goodput vs offered load';
  expect(await latest(page, chart, 'capacity')).toBe(800);
  expect(await latest(page, chart, 'offered')).toBeGreaterThan(400);
  expect(await latest(page, chart, 'goodput')).toBeLessThan(30);
  expect(await count(page, 'wasted')).toBeGreaterThan(1000);
  await expect(page.getByRole('button', { name: /^Instance i-1 .*busy \([1-9]\d* for clients that gave up\)/ })).toBeVisible();
  await snap(page, 'resilience-metastable');
});

test('the database inspector draws its throughput curve and says where more connections slow it', async ({ page }) => {
  await page.goto('/?scenario=database-bottleneck&database.contention=0.05&database.coherency=0.001');
  await page.getByRole('button', { name: /^Database: / }).click();
  await expect(page.locator('[data-capacity]')).toContainText('the most');
  await expect(page.locator('[data-capacity]')).toContainText('with 31: beyond that, more connections make it slower');
  await expect(page.getByRole('img', { name: /^Throughput with every connection busy, at \d+ connections/ })).toBeVisible();
  await snap(page, 'resilience-database-curve');
});

test('Fallacy 6: a change by another team shows on the diagram and the ticker as theirs', async ({ page }) => {
  await page.goto('/?scenario=other-administrators&speed=20');
  await page.getByRole('button', { name: 'Play' }).click();
  await expect(page.locator('.group .others').first()).toContainText('the platform team: rate limit 200 req/s', { timeout: 30_000 });
  await expect(page.locator('.ticker li', { hasText: 'the platform team set a 200 req/s rate limit' }).first()).toBeVisible();
  await expect.poll(() => latest(page, 'Failures by cause', '429 throttled'), { timeout: 10_000 }).toBeGreaterThan(0);
  await snap(page, 'resilience-other-administrators');
});

test('Fallacy 6 from the inspector: another team slows a service, and the ticker says who', async ({ page }) => {
  await page.goto('/?scenario=baseline&speed=5');
  await page.getByRole('button', { name: /^Load balancer of browse/ }).click();
  await page.getByRole('button', { name: 'A deploy: 3× slower' }).click();
  await expect(page.locator('.ticker li', { hasText: /^[\d.]+ s another team/ }).first()).toBeVisible();
  await expect(page.locator('.group .others').first()).toContainText('another team: a deploy 3× slower');
  await page.getByRole('button', { name: 'AWS retires an instance' }).click();
  await expect(page.locator('.ticker li', { hasText: /AWS/ }).first()).toBeVisible();
});
