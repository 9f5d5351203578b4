// The lecture tour as a student meets it: every step asks its question,
// runs, and reveals this run's figures beside the pinned figures over many
// seeds, the theory and the guess, with the step's two charts beside the
// diagram on a 1280×720 projector.
import { test, expect, snap } from './fixtures.js';

/** A simulated time as the clock shows it: `t = 1:05.0`. */
function clock(seconds) {
  const m = Math.floor(seconds / 60);
  const s = (seconds - 60 * m).toFixed(1).padStart(4, '0');
  return `t = ${m}:${s}`;
}

/** Whether a locator's box lies wholly inside the viewport. */
async function inView(page, locator) {
  const box = await locator.boundingBox();
  const { width, height } = page.viewportSize();
  return box !== null && box.y >= 0 && box.x >= 0 && box.y + box.height <= height && box.x + box.width <= width;
}

test('every step asks, runs and reveals, with its charts beside the diagram at 1280×720', async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto('/?step=1');
  const total = Number((await page.locator('.tour-progress').textContent()).match(/of (\d+)/)[1]);
  expect(total).toBeGreaterThanOrEqual(14);
  for (let step = 1; step <= total; step++) {
    const tour = page.locator('.tour');
    await expect(page.locator('.tour-progress')).toHaveText(`Tour · step ${step} of ${total}`);
    // Asked before anything runs: the clock stands at 0.
    await expect(tour.locator('.question')).toBeVisible();
    await expect(page.locator('.clock')).toHaveText(clock(0));
    const run = tour.getByRole('button', { name: 'Run it' });
    await expect(run).toBeDisabled();
    const choices = tour.getByRole('group', { name: 'Your answer' });
    let guess;
    const isChoice = (await choices.count()) > 0;
    if (isChoice) {
      guess = (await choices.getByRole('button').first().textContent()).trim();
      await choices.getByRole('button').first().click();
    } else {
      // The top of the question's range, typed in.
      const input = tour.locator('.question input[type=number]');
      guess = await input.getAttribute('max');
      await input.fill(guess);
      await input.press('Enter');
    }
    if (step === 1) await snap(page, 'tour-step-1-ask-1280x720');
    await expect(run).toBeEnabled();
    await run.click();
    await expect(tour.locator('.running')).toBeVisible();
    await tour.getByRole('button', { name: 'Show the result now' }).click();
    const reveal = tour.locator('.reveal');
    await expect(reveal).toBeVisible({ timeout: 20_000 });
    // The run ended at the step's length, and each figure has this run's
    // value, the seeds' interval, and the guess on the first row.
    const length = (await reveal.locator('thead th').first().textContent()).match(/At (\d+) s/)[1];
    await expect(page.locator('.clock')).toHaveText(clock(Number(length)));
    const rows = reveal.locator('tbody tr');
    expect(await rows.count()).toBeGreaterThanOrEqual(1);
    for (const row of await rows.all()) {
      await expect(row.locator('td').nth(0)).toHaveText(/^-?\d/);
      await expect(row.locator('td').nth(1)).toHaveText(/^-?[\d.]+ ± [\d.]+$/);
    }
    if (!isChoice) {
      const said = (await reveal.locator('.verdict').textContent()).match(/^Your guess: ([\d.]+) for /);
      expect(Number(said?.[1]), `step ${step}: the guess shown`).toBe(Number(guess));
    } else {
      await expect(reveal.locator('.verdict')).toContainText(`You said: ${guess}.`);
      await expect(reveal.locator('.verdict strong')).toHaveText(/^ Over 20 seeds: .+\.$/);
    }
    // Failures 1 and 2 trace the first cart request that went wrong.
    if (step <= 2) {
      await expect(page.locator('.trace-panel')).toHaveAttribute('open', '');
      await expect(page.locator('.trace-panel select')).toHaveValue('add_to_cart');
      await expect(page.locator('.trace-status')).toHaveText(/^r-\d+: .+ after \d+ attempts?\.$/);
    }
    // Every prompt that names a control shows it, working.
    for (const control of await tour.locator('.try [id^="tour-"]').all()) await expect(control).toBeEnabled();
    // The proof beside the diagram, without scrolling.
    await page.evaluate(() => window.scrollTo(0, 0));
    await snap(page, `tour-step-${step}-revealed-1280x720`);
    const charts = page.locator('.focus-pair .chart');
    await expect(charts).toHaveCount(2);
    expect(await inView(page, page.locator('.diagram svg').first()), `step ${step}: the diagram`).toBe(true);
    for (const chart of await charts.all()) {
      expect(await inView(page, chart), `step ${step}: ${await chart.locator('figcaption').textContent()}`).toBe(true);
    }
    if (step < total) await tour.getByRole('button', { name: 'Next →' }).click();
  }
});

test('a student can skip the question; the reveal then shows no guess', async ({ page }) => {
  await page.goto('/?step=9');
  await page.getByRole('button', { name: 'Skip the question and run' }).click();
  await page.getByRole('button', { name: 'Show the result now' }).click();
  const reveal = page.locator('.tour .reveal');
  await expect(reveal).toBeVisible({ timeout: 20_000 });
  await expect(reveal.locator('tbody tr').first()).toBeVisible();
  await expect(reveal.locator('.verdict')).not.toContainText('Your guess');
  // "Ask again" goes back to the question, at time 0.
  await reveal.getByRole('button', { name: 'Ask again' }).click();
  await expect(page.locator('.tour .question')).toBeVisible();
  await expect(page.locator('.clock')).toHaveText(clock(0));
});

test('a step that plays to its end reveals by itself', async ({ page }) => {
  await page.goto('/?step=5');
  await page.getByRole('button', { name: 'Skip the question and run' }).click();
  // 60 simulated seconds at 5× take 12 s.
  await expect(page.locator('.tour .reveal')).toBeVisible({ timeout: 25_000 });
  await expect(page.locator('.clock')).toHaveText(clock(60));
});

test('on a phone a link to a tour step opens the drawer at its question', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/?step=1');
  await expect(page.locator('.tour .question')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Controls' })).toHaveAttribute('aria-expanded', 'true');
});
