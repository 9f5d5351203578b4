// Charts as pictures for slides: each chart downloads as a standalone SVG
// (title, lines and legend, in the colours shown) and as a PNG; in compare
// mode the picture has both runs.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { test, expect } from './fixtures.js';

/** Clicks a chart's picture button and returns the saved file. */
async function save(page, chart, kind) {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator(`[data-chart="${chart}"] .picture`).getByRole('button', { name: kind }).click(),
  ]);
  return { name: download.suggestedFilename(), bytes: readFileSync(await download.path()) };
}

test('a chart downloads as a standalone SVG with its title, lines and legend, and as a PNG', async ({ page }) => {
  await page.goto('/?scenario=retry-storm&t=20&charts=attempts,load');
  const svg = await save(page, 'attempts', 'SVG');
  expect(svg.name).toBe('attempts-vs-requests.svg');
  const text = svg.bytes.toString('utf8');
  expect(text).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  expect(text).toContain('Attempts vs requests');
  expect(text).toContain('retries:');
  // The page's colours are copied onto the lines: no stylesheet needed.
  expect(text).toMatch(/<path[^>]*style="[^"]*stroke:\s*rgb\(/);
  const png = await save(page, 'attempts', 'PNG');
  expect(png.name).toBe('attempts-vs-requests.png');
  expect(png.bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  // It decodes, at twice the size of the chart on screen (plus margins).
  const [width, height] = await page.evaluate(async (b64) => {
    const image = new Image();
    image.src = `data:image/png;base64,${b64}`;
    await image.decode();
    return [image.naturalWidth, image.naturalHeight];
  }, png.bytes.toString('base64'));
  const shown = await page.locator('[data-chart="attempts"] svg').boundingBox();
  expect(width).toBeGreaterThan(2 * shown.width);
  expect(height).toBeGreaterThan(2 * shown.height);
  mkdirSync('artifacts', { recursive: true });
  writeFileSync('artifacts/chart-picture-attempts.png', png.bytes);
});

test('in compare mode a chart picture carries both runs, B dashed', async ({ page }) => {
  await page.goto('/?scenario=lost-response&compare=idempotency:shared&t=30&charts=attempts,failures');
  const text = (await save(page, 'attempts', 'SVG')).bytes.toString('utf8');
  expect(text).toContain('duplicates (B):');
  expect(text).toMatch(/stroke-dasharray="6 3"/);
});
