// The deck a lecturer uses: a real reveal.js deck on another origin with two
// slides embedding Sahara Sim. The deck keeps its arrow keys until a view is
// clicked; then the keys drive the view; the deck drives a view by postMessage.
import { test, expect, snap } from './fixtures.js';

/** The state a view answers with, asked for by the deck. */
const state = (page, id) =>
  page.evaluate(
    (id) =>
      new Promise((done) => {
        const seen = window.answers.length;
        document.getElementById(id).contentWindow.postMessage({ sahara: 'state' }, '*');
        const poll = () => (window.answers.length > seen ? done(window.answers.at(-1)) : setTimeout(poll, 20));
        poll();
      }),
    id,
  );

const slide = (page) => page.evaluate(() => window.Reveal.getIndices().h);

test('a reveal.js deck keeps its arrow keys until a view is clicked, then the keys drive the view', async ({ page }) => {
  await page.goto('http://127.0.0.1:4174/deck/');
  await page.waitForFunction(() => window.Reveal && window.Reveal.isReady());
  await page.keyboard.press('ArrowRight');
  expect(await slide(page)).toBe(1);
  const storm = page.frameLocator('#storm');
  await expect(storm.locator('.diagram')).toBeVisible();
  // The arrows moved the deck and not the view.
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowLeft');
  expect(await slide(page)).toBe(1);
  expect(await state(page, 'storm')).toMatchObject({ scenario: 'retry-storm', playing: false, time_s: 0 });
  await snap(page, 'deck-retry-storm');
  // Clicked, the view has the keys: space plays it, the deck stays.
  await storm.locator('.diagram').click({ position: { x: 4, y: 4 } });
  await page.keyboard.press(' ');
  expect(await state(page, 'storm')).toMatchObject({ playing: true });
  await page.keyboard.press(' ');
  const paused = await state(page, 'storm');
  expect(paused.playing).toBe(false);
  // "." steps the view one simulated second, not the deck.
  await page.keyboard.press('.');
  expect((await state(page, 'storm')).time_s).toBeCloseTo(paused.time_s + 1, 6);
  expect(await slide(page)).toBe(1);
  // A click on the slide gives the deck its keys back.
  await page.locator('.reveal .present h3').click();
  await page.keyboard.press('ArrowRight');
  expect(await slide(page)).toBe(2);
});

test('the deck drives an embedded view by postMessage and hears its fingerprint', async ({ page }) => {
  await page.goto('http://127.0.0.1:4174/deck/');
  await page.waitForFunction(() => window.Reveal && window.Reveal.isReady());
  await page.evaluate(() => window.Reveal.slide(2));
  await expect(page.frameLocator('#sale').locator('.diagram')).toBeVisible();
  await page.evaluate(() => document.getElementById('sale').contentWindow.postMessage({ sahara: 'run', seconds: 120 }, '*'));
  await expect.poll(() => page.evaluate(() => window.answers.at(-1)?.time_s)).toBe(120);
  const answer = await page.evaluate(() => window.answers.at(-1));
  expect(answer).toMatchObject({ scenario: 'flash-sale-autoscaling', playing: false });
  expect(answer.fingerprint).toMatch(/^[0-9a-f]{16}$/);
  await expect(page.frameLocator('#sale').locator('[data-chart="capacity"]')).toBeVisible();
  await snap(page, 'deck-flash-sale');
});
