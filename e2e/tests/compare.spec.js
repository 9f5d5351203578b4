// Compare mode: the run forked into A and B with the same seed and past,
// differing only in what B changes; both advance and rewind together.
import { test, expect, snap } from './fixtures.js';

/** A row of the figures table: [A, B, B − A] as shown. */
async function figure(page, name) {
  const row = page.locator('.compare-figures tr', { has: page.getByRole('rowheader', { name, exact: true }) });
  return row.locator('td').allTextContents();
}

test('a compare link opens both runs, and shared tokens leave B without duplicates', async ({ page }) => {
  await page.goto('/?scenario=lost-response&compare=idempotency:shared&t=30');
  await expect(page.getByRole('timer')).toHaveText('t = 0:30.0');
  await expect(page.locator('.compare-diagrams .diagram')).toHaveCount(2);
  await expect(page.locator('.run-label').nth(1)).toHaveText('B: idempotency = shared');
  const [a, b] = await figure(page, 'Duplicates');
  expect(Number(a)).toBeGreaterThan(0);
  expect(Number(b)).toBe(0);
  // Same seed, same past: the requests sent are the same.
  const [ra, rb] = await figure(page, 'Attempts per request');
  expect(Math.abs(Number(ra) - Number(rb))).toBeLessThan(0.1);
  // The charts overlay B, dashed.
  await expect(page.locator('.focus-pair .chart.compare').first()).toBeVisible();
  await expect(page.locator('.focus-pair path.line.compared').first()).toBeAttached();
  await snap(page, 'compare-lost-response-1280x720');
  // Rewind moves both.
  await page.locator('#rewind').fill('10');
  const [a10, b10] = await figure(page, 'Duplicates');
  expect(Number(a10)).toBeLessThan(Number(a));
  expect(Number(b10)).toBe(0);
});

test('“Compare with…” forks the run; a change made on B is B\'s alone, and the link carries it', async ({ page }) => {
  await page.goto('/?scenario=retry-storm');
  for (let i = 0; i < 3; i++) await page.getByRole('button', { name: 'Step 1 s' }).click();
  await page.getByRole('button', { name: 'Compare with…' }).click();
  await expect(page.getByRole('group', { name: 'Compare' }).getByRole('button', { name: 'B', exact: true })).toHaveAttribute('aria-pressed', 'true');
  await page.locator('#jitter').selectOption('full');
  await expect(page.locator('.run-label').nth(1)).toHaveText('B: jitter = full');
  await expect(page).toHaveURL(/compare=jitter%3Afull|compare=jitter:full/);
  // A keeps its own setting; a change made on A reaches B too.
  await page.getByRole('group', { name: 'Compare' }).getByRole('button', { name: 'A', exact: true }).click();
  await expect(page.locator('#jitter')).toHaveValue('none');
  const rate = page.getByRole('spinbutton', { name: /Request rate/ }).or(page.getByRole('textbox', { name: /Request rate/ }));
  await rate.fill('400');
  await rate.press('Enter');
  await expect(page).toHaveURL(/rate=400/);
  await expect(page.locator('.run-label').nth(1)).toHaveText('B: jitter = full');
  await page.getByRole('button', { name: 'End compare' }).click();
  await expect(page.locator('.compare-diagrams')).toHaveCount(0);
  await expect(page).not.toHaveURL(/compare=/);
});

test('a slide shows “without | with”: an embed link with compare and charts in a 960×540 iframe', async ({ page }) => {
  await page.goto('http://127.0.0.1:4174/?src=/%3Fscenario%3Dlost-response%26embed%26compare%3Didempotency:shared%26charts%3Dattempts%26t%3D20&w=960&h=540');
  const frame = page.frameLocator('#embed');
  await expect(frame.locator('.compare-diagrams .diagram')).toHaveCount(2);
  await expect(frame.locator('.focus-pair [data-chart="attempts"] .legend')).toContainText('duplicates (B): 0');
  const iframe = await page.locator('#embed').boundingBox();
  const chart = await frame.locator('.focus-pair .chart').boundingBox();
  expect(chart.y + chart.height).toBeLessThanOrEqual(iframe.y + iframe.height + 1);
  await snap(page, 'compare-embed-960x540');
});

test('a compare link with unusable parts says what was ignored and compares the rest', async ({ page }) => {
  await page.goto('/?scenario=lost-response&compare=idempotency:shared,jitter:sideways,nonsense,nosuch:1');
  const banner = page.getByRole('alert').filter({ hasText: 'could not be used' });
  await expect(banner).toContainText('“nonsense” is not setting:value');
  await expect(banner).toContainText('jitter');
  await expect(banner).toContainText('nosuch');
  await expect(page.locator('.compare-diagrams .diagram')).toHaveCount(2);
  await expect(page.locator('.run-label').nth(1)).toHaveText('B: idempotency = shared');
});
