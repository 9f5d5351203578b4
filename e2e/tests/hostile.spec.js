// Hostile links: a few hundred random and malicious query strings. The page
// must always come up (a notice for what it could not use is checked in
// url.spec.js), never blank, never a panic (the
// fixture fails on any console error), never with injected markup.
import { test, expect } from './fixtures.js';

const KEYS = ['scenario', 'speed', 'seed', 'rate', 'step', 'theme', 'controls', 'embed', 'large', 'autoplay',
  'jitter', 'backoff', 'idempotency', 'request_loss', 'services.browse.instances', 'traffic.shape',
  'client.retry.base_ms', '__proto__', 'constructor', '', '%', '💥', 'a.b.c.d.e'];
const VALUES = ['1e308', '-1e308', 'NaN', 'Infinity', '-0', '0x10', '18446744073709551616', '999999999999',
  '<script>window.__pwned=1</script>', '"><img src=x onerror="window.__pwned=1">', '%3Cscript%3Ewindow.__pwned%3D1%3C%2Fscript%3E',
  'ünïcødé', '名前', '🚀🚀🚀', '%', '%zz', '%E0%A4%A', '{"kind":"spike"}', '[1,2,3]', 'null', 'true', '',
  '{"kind":"step","at_s":1e300,"factor":-5}', 'x'.repeat(100_000), 'dark', 'exponential', '3'];

/** A deterministic pseudo-random generator, so a failure can be replayed. */
function rng(seed) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

test('200 hostile links: always a page, never a panic or injected markup', async ({ page }) => {
  test.setTimeout(240_000);
  const next = rng(20261126);
  const pick = (xs) => xs[Math.floor(next() * xs.length)];
  for (let i = 0; i < 200; i++) {
    const n = 1 + Math.floor(next() * 5);
    const query = Array.from({ length: n }, () => {
      const value = pick(VALUES);
      return `${encodeURIComponent(pick(KEYS))}=${next() < 0.5 ? encodeURIComponent(value) : value}`;
    }).join('&');
    await page.goto(`/?${query}`);
    await expect(page.getByRole('heading', { level: 1 }).or(page.locator('.embed-bar')).first()).toBeVisible();
    const state = await page.evaluate(() => ({
      pwned: window.__pwned === 1,
      injected: document.querySelectorAll('body script, img[onerror], [onerror]').length,
    }));
    expect(state, query.slice(0, 200)).toEqual({ pwned: false, injected: 0 });
  }
});
