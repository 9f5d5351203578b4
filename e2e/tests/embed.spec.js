// Lecture mode: embedding in slides, keyboard, share dialog, postMessage, tour.
import { test, expect, snap } from './fixtures.js';

test('embed mode shows the diagram first and only the named controls', async ({ page }) => {
  await page.setViewportSize({ width: 960, height: 540 });
  await page.goto('/?scenario=retry-storm&embed&controls=jitter,backoff&autoplay');
  await expect(page.locator('.masthead')).toHaveCount(0);
  await expect(page.locator('.diagram')).toBeVisible();
  await expect(page.locator('#jitter')).toBeVisible();
  await expect(page.locator('#backoff')).toBeVisible();
  await expect(page.getByRole('slider')).toHaveCount(0);
  await expect.poll(async () => Number(await page.locator('[data-counter="requests"]').textContent())).toBeGreaterThan(0);
  await snap(page, 'embed-960x540');
});

test('embed mode fits a 480×270 iframe in a slide on another origin', async ({ page }) => {
  await page.goto('http://127.0.0.1:4174/?src=/sahara-sim/%3Fscenario%3Dbaseline%26embed%26large%26autoplay&w=480&h=270');
  const app = page.frameLocator('#embed');
  await expect(app.locator('.diagram')).toBeVisible();
  const inner = page.frames().find((f) => f.url().startsWith('http://127.0.0.1:4173/'));
  const overflow = await inner.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await snap(page, 'embed-480x270');
});

test('keyboard: space plays and pauses, ? lists the shortcuts, r resets, arrows walk the tour', async ({ page }) => {
  await page.goto('/?scenario=baseline');
  await page.locator('body').press('Space');
  await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
  await page.locator('body').press('Space');
  await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();
  await page.getByRole('button', { name: 'Step 1 s' }).click();
  await page.locator('body').press('r');
  await expect(page.getByRole('timer')).toHaveText('t = 0:00.0');
  await page.locator('body').press('?');
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await page.locator('body').press('ArrowRight');
  await expect(page.locator('.tour-progress')).toHaveText(/step 1 of/);
  await expect(page).toHaveURL(/step=1/);
});

test('the share dialog gives this view’s link and an iframe snippet', async ({ page }) => {
  await page.goto('/?scenario=lost-response&idempotency=shared');
  await page.getByRole('button', { name: 'Share / Embed' }).click();
  const link = await page.locator('[data-share-link]').inputValue();
  expect(link).toContain('scenario=lost-response');
  expect(link).toContain('idempotency=shared');
  const snippet = await page.locator('[data-embed-snippet]').inputValue();
  expect(snippet).toMatch(/^<iframe src="http:\/\/127\.0\.0\.1:4173\/\?scenario=lost-response&amp;idempotency=shared.*&amp;embed"/);
  await snap(page, 'share-dialog');
});

test('a slide deck drives an embedded view with postMessage and hears its state', async ({ page }) => {
  await page.goto('http://127.0.0.1:4174/?src=/%3Fscenario%3Dbaseline%26embed');
  const frame = page.frameLocator('#embed');
  await expect(frame.locator('.diagram')).toBeVisible();
  const send = (msg) => page.evaluate((m) => new Promise((resolve) => {
    const onReply = (e) => { if (e.data && e.data.sahara === 'state') { window.removeEventListener('message', onReply); resolve(e.data); } };
    window.addEventListener('message', onReply);
    document.getElementById('embed').contentWindow.postMessage(m, '*');
    setTimeout(() => resolve(null), 2000);
  }), msg);
  expect(await send({ sahara: 'play' })).toMatchObject({ sahara: 'state', playing: true, scenario: 'baseline' });
  expect(await send({ sahara: 'set', key: 'rate', value: '900' })).toMatchObject({ error: null });
  await expect(frame.locator('.node.clients')).toHaveAttribute('aria-label', 'Clients: 900 req/s, that is 900 requests per second');
  expect(await send({ sahara: 'step', step: 1 })).toMatchObject({ step: 1, playing: false });
  expect(await send({ sahara: 'pause' })).toMatchObject({ playing: false });
  // Malformed and unknown messages are ignored with a warning, and answered with nothing.
  const warnings = [];
  page.on('console', (m) => { if (m.type() === 'warning') warnings.push(m.text()); });
  expect(await send({ sahara: 'explode' })).toBeNull();
  expect(await send({ sahara: 'step', step: 99 })).toBeNull();
  expect(await send({ sahara: 'run', seconds: -5 })).toBeNull();
  expect(await send('play')).toBeNull();
  await expect.poll(() => warnings.filter((w) => w.includes('Sahara Sim ignored a message')).length).toBe(3);
  // `run` jumps ahead, paused, and the reply carries the run's fingerprint.
  expect(await send({ sahara: 'run', seconds: 30 })).toMatchObject({ playing: false, fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/) });
});

test('the tour walks the lecture with previous/next and contents', async ({ page }) => {
  await page.goto('/?scenario=baseline');
  await page.getByRole('button', { name: /Start the lecture tour/ }).click();
  await expect(page.locator('.tour h2')).toBeVisible();
  const first = await page.locator('.tour h2').textContent();
  await expect(page.getByRole('combobox', { name: 'Scenario' })).not.toHaveValue('baseline');
  await snap(page, 'tour-step-1');
  const next = page.getByRole('button', { name: 'Next →' });
  if (await next.isEnabled()) {
    await next.click();
    await expect(page.locator('.tour h2')).not.toHaveText(first);
    await page.getByRole('button', { name: '← Previous' }).click();
  }
  await expect(page.locator('.tour h2')).toHaveText(first);
  await page.reload();
  await expect(page.locator('.tour h2')).toHaveText(first);
});

test('auto-scaling terms are shown on the diagram one by one', async ({ page }) => {
  await page.goto('/?scenario=baseline');
  await page.getByRole('button', { name: /Start the lecture tour/ }).click();
  await page.getByText('Contents').click();
  await page.getByRole('button', { name: 'Auto-scaling: desired capacity is healthy instances' }).click();
  await expect(page.locator('.tour h2')).toHaveText('Auto-scaling: desired capacity is healthy instances');
  await page.locator('.tour .terms').getByRole('button', { name: 'Desired capacity' }).click();
  await expect(page.locator('.diagram')).toHaveAttribute('data-highlight', 'header');
  await page.locator('.tour .terms').getByRole('button', { name: 'Health check' }).click();
  await expect(page.locator('.diagram')).toHaveAttribute('data-highlight', 'balancer instances');
  await snap(page, 'tour-terms');
});

test('Fallacy 4: a compromised instance reaches everything in a flat network, little when segmented', async ({ page }) => {
  await page.goto('/?scenario=baseline');
  await page.getByRole('button', { name: /^Instance i-1 / }).click();
  await page.getByRole('button', { name: 'Compromise this node' }).click();
  await expect(page.locator('.node.instance.compromised')).toHaveCount(1);
  const flat = await page.locator('.node.exposed').count();
  await expect(page.locator('[data-breach]')).toContainText('in a flat network');
  await page.getByRole('checkbox', { name: 'Segmented network' }).check();
  await expect(page.locator('[data-breach]')).toContainText('in the segmented network');
  const segmented = await page.locator('.node.exposed').count();
  // Baseline: 3 browse, 2 cart, 2 checkout instances, 3 load balancers, 1 database.
  // Flat: from browse i-1, the 6 other instances, 3 load balancers and the database.
  expect(flat).toBe(10);
  // Segmented: only its 2 browse peers, the browse load balancer and the database.
  expect(segmented).toBe(4);
  await expect(page.locator('.node.database.exposed')).toHaveCount(1);
  await snap(page, 'security-breach');
});
