// The wasm build computes the same runs as the native core: every preset's
// fingerprint after 60 and after 200 simulated seconds equals the digest
// pinned in sim/tests/golden.rs (read from that file, so there is one table).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test, expect } from './fixtures.js';

const golden = readFileSync(resolve(import.meta.dirname, '..', '..', 'sim', 'tests', 'golden.rs'), 'utf8');
const PINS = [...golden.matchAll(/\("([a-z0-9-]+)", (\d+), 0x([0-9a-f_]+)\)/g)]
  .map(([, name, secs, hex]) => ({ name, secs: Number(secs), digest: hex.replaceAll('_', '') }));
const PRESETS = [...new Set(PINS.map((p) => p.name))];

test('the pinned table covers every preset at 60 s and 200 s', () => {
  expect(PRESETS.length).toBeGreaterThanOrEqual(20);
  for (const name of PRESETS) {
    expect(PINS.filter((p) => p.name === name).map((p) => p.secs)).toEqual([60, 200]);
  }
});

for (const name of PRESETS) {
  test(`${name}: the browser's run equals the native run at 60 s and 200 s`, async ({ page }) => {
    // The app embedded in a slide on another origin, driven by postMessage:
    // `run` jumps ahead and answers with the run's fingerprint.
    await page.goto(`http://127.0.0.1:4174/?src=/%3Fscenario%3D${name}%26embed`);
    await expect(page.frameLocator('#embed').locator('.diagram')).toBeVisible();
    const run = (seconds) => page.evaluate((s) => new Promise((done) => {
      const onReply = (e) => {
        if (e.data && e.data.sahara === 'state') { window.removeEventListener('message', onReply); done(e.data); }
      };
      window.addEventListener('message', onReply);
      document.getElementById('embed').contentWindow.postMessage({ sahara: 'run', seconds: s }, '*');
    }), seconds);
    let now = 0;
    for (const pin of PINS.filter((p) => p.name === name)) {
      const state = await run(pin.secs - now);
      now = pin.secs;
      expect(state.time_s).toBe(pin.secs);
      expect(state.fingerprint, `${name} after ${pin.secs} s`).toBe(pin.digest);
    }
  });
}
