// The chart where the lesson is: each tour step's charts beside the
// diagram, visible together on a projector without scrolling; any other
// chart one click away; an embed link naming its charts.
import { test, expect, snap } from './fixtures.js';

/** Whether a locator's box lies wholly inside the viewport. */
async function inView(page, locator) {
  const box = await locator.boundingBox();
  const { width, height } = page.viewportSize();
  return box !== null && box.y >= 0 && box.x >= 0 && box.y + box.height <= height && box.x + box.width <= width;
}

test('each tour step shows its two charts beside the diagram, without scrolling, at 1280×720', async ({ page }) => {
  await page.goto('/?scenario=baseline');
  await page.getByRole('button', { name: /Start the lecture tour/ }).click();
  const total = Number((await page.locator('.tour-progress').textContent()).match(/of (\d+)/)[1]);
  for (let step = 1; step <= total; step++) {
    await expect(page.locator('.tour-progress')).toHaveText(`Tour · step ${step} of ${total}`);
    const charts = page.locator('.focus-pair .chart');
    await expect(charts).toHaveCount(2);
    expect(await inView(page, page.locator('.diagram svg')), `step ${step}: the diagram`).toBe(true);
    for (const chart of await charts.all()) {
      expect(await inView(page, chart), `step ${step}: ${await chart.locator('figcaption').textContent()}`).toBe(true);
    }
    if (step === 3) await snap(page, 'tour-step-3-charts-1280x720');
    if (step < total) await page.getByRole('button', { name: 'Next →' }).click();
  }
});

test('the shock when it comes back is read from the attempts chart; another chart is one click away and the link keeps it', async ({ page }) => {
  await page.goto('/?step=4');
  await expect(page.locator('.tour h2')).toHaveText('The shock when it comes back');
  await expect(page.locator('.focus-pair .chart').first()).toHaveAttribute('data-chart', 'attempts');
  await page.getByRole('group', { name: 'Charts beside the diagram' }).getByRole('button', { name: 'Utilisation' }).click();
  await expect(page.locator('.focus-pair .chart')).toHaveCount(2);
  await expect(page.locator('.focus-pair .chart').nth(1)).toHaveAttribute('data-chart', 'utilisation');
  await expect(page).toHaveURL(/charts=attempts,utilisation/);
  // The charts below no longer repeat the two beside the diagram.
  await expect(page.locator('.charts [data-chart="utilisation"]')).toHaveCount(0);
  await page.reload();
  await expect(page.locator('.focus-pair .chart').nth(1)).toHaveAttribute('data-chart', 'utilisation');
  // The next step brings its own charts.
  await page.getByRole('button', { name: 'Next →' }).click();
  await expect(page.locator('.focus-pair .chart').first()).toHaveAttribute('data-chart', 'latency');
});

test('an embed link names its charts, and a 960×540 slide shows them under the diagram', async ({ page }) => {
  await page.goto('http://127.0.0.1:4174/?src=/%3Fscenario%3Dretry-storm%26embed%26charts%3Dattempts,load%26autoplay%26speed%3D10&w=960&h=540');
  const frame = page.frameLocator('#embed');
  await expect(frame.locator('.focus-pair .chart')).toHaveCount(2);
  await expect(frame.locator('.focus-pair .chart').first()).toHaveAttribute('data-chart', 'attempts');
  await expect(frame.locator('.focus-pair .chart').nth(1)).toHaveAttribute('data-chart', 'load');
  // Inside the iframe's 540 px, under the diagram, with lines drawn.
  const iframe = await page.locator('#embed').boundingBox();
  const diagram = await frame.locator('.diagram svg').boundingBox();
  for (const chart of await frame.locator('.focus-pair .chart').all()) {
    const box = await chart.boundingBox();
    expect(box.y).toBeGreaterThanOrEqual(diagram.y + diagram.height - 1);
    expect(box.y + box.height).toBeLessThanOrEqual(iframe.y + iframe.height + 1);
  }
  await expect(frame.locator('.focus-pair [data-chart="attempts"] path.line').first()).toHaveAttribute('d', /L/, { timeout: 10_000 });
  await snap(page, 'embed-charts-960x540');
});

test('a link naming no such chart says so and shows the others', async ({ page }) => {
  await page.goto('/?scenario=baseline&charts=pie,latency');
  await expect(page.getByRole('alert').filter({ hasText: 'could not be used' })).toContainText('no chart called pie');
  await expect(page.locator('.focus-pair .chart')).toHaveCount(1);
  await expect(page.locator('.focus-pair .chart')).toHaveAttribute('data-chart', 'latency');
});

/**
 * The baseline running fast with its capacity chart below the fold, left
 * alone while the run goes 10 s on: the chart, the last second its x axis
 * reaches, the clock's second, and the second the chart had drawn to.
 */
async function chartLeftBelowTheFold(page) {
  await page.goto('/?scenario=baseline&speed=20&autoplay');
  const capacity = page.locator('.charts [data-chart="capacity"]');
  await expect(capacity).toBeVisible();
  expect(await capacity.boundingBox().then((b) => b.y)).toBeGreaterThan(720);
  const drawnTo = async () => Number((await capacity.locator('.axis text').last().textContent()).match(/\d+/)[0]);
  const clock = async () => {
    const [, m, s] = (await page.locator('.clock[role=timer]').textContent()).match(/t = (\d+):(\d+)/);
    return Number(m) * 60 + Number(s);
  };
  const before = await drawnTo();
  await expect.poll(clock, { timeout: 15_000 }).toBeGreaterThan(before + 10);
  // Off screen it keeps what it last drew.
  expect(await drawnTo()).toBe(before);
  return { capacity, drawnTo, clock, before };
}

test('a chart below the fold is left alone while off screen and drawn up to the moment once scrolled to', async ({ page }) => {
  const { capacity, drawnTo, before } = await chartLeftBelowTheFold(page);
  await capacity.scrollIntoViewIfNeeded();
  // Seen, it draws the run so far: up to the last whole second, the baseline's 7 instances.
  await expect.poll(drawnTo).toBeGreaterThan(before + 10);
  await expect(capacity.locator('.legend b').first()).toHaveText('7');
  await expect(capacity.locator('path.line').first()).toHaveAttribute('d', /L/);
  await snap(page, 'chart-below-the-fold-scrolled-to');
});

test('printing the page draws every chart up to the moment, and off screen they rest again after', async ({ page }) => {
  const { capacity, drawnTo, clock, before } = await chartLeftBelowTheFold(page);
  // What the browser tells the page when it prints or saves a PDF.
  await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
  await expect.poll(drawnTo).toBeGreaterThan(before + 10);
  await expect(capacity.locator('.legend b').first()).toHaveText('7');
  await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
  const printed = await drawnTo();
  await expect.poll(clock, { timeout: 15_000 }).toBeGreaterThan(printed + 5);
  expect(await drawnTo()).toBe(printed);
});
