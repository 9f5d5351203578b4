// The page's speed as a person meets it, measured in Debian's Chromium:
// frame intervals with the CPU throttled 4× (a cheap laptop, a lecture
// theatre's PC), compare mode's frames, a rewind's jump, and the time to
// the first drawn diagram on loopback and on a 4 Mbit/s, 40 ms link, side
// by side with a reference build. A script, not a test: it prints medians.
//
//   node e2e/bench/page.mjs                       (the build in dist/)
//   REF_DIST=/path/to/old/dist node e2e/bench/page.mjs   (also first paint against it)
//
// Machines are noisy: quote the medians of one run, and compare builds only
// within one run (they alternate).
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { chromium } from '@playwright/test';

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };

/** Serves `dir` on a free port; resolves to its base URL. */
function serve(dir) {
  const server = createServer(async (req, res) => {
    let file = join(dir, decodeURIComponent(new URL(req.url, 'http://x').pathname));
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(await readFile(file));
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(`http://127.0.0.1:${server.address().port}/`)));
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const fmt = (x) => x.toFixed(1);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic'],
});

async function page(viewport = { width: 1440, height: 900 }) {
  const context = await browser.newContext({ viewport });
  const p = await context.newPage();
  const cdp = await context.newCDPSession(p);
  return { p, cdp, close: () => context.close() };
}

/** p50 and p95 of the intervals between animation frames over 8 s,
 *  after 2 s of warm-up, with the CPU slowed `throttle` times. */
async function frames(base, query, throttle) {
  const { p, cdp, close } = await page();
  await p.goto(base + query);
  await p.waitForSelector('.diagram svg .tile');
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
  const deltas = await p.evaluate(
    () =>
      new Promise((done) => {
        const out = [];
        let last = 0;
        const start = performance.now();
        const tick = (t) => {
          if (t - start > 2000 && last) out.push(t - last);
          last = t;
          if (t - start < 10_000) requestAnimationFrame(tick);
          else done(out);
        };
        requestAnimationFrame(tick);
      }),
  );
  await close();
  return [quantile(deltas, 0.5), quantile(deltas, 0.95)];
}

/** Milliseconds from moving the rewind track to `to` until the clock shows it. */
async function rewindJumps(base) {
  const { p, close } = await page();
  await p.goto(base + '?scenario=bench&t=610');
  await p.waitForSelector('.diagram svg .tile');
  const times = [];
  for (let r = 0; r < ROUNDS; r++) {
    for (const [to, shown] of [[10, 't = 0:10.0'], [610, 't = 10:10.0']]) {
      const ms = await p.evaluate(
        ([to, shown]) =>
          new Promise((done) => {
            const track = document.querySelector('#rewind');
            const timer = document.querySelector('[role=timer]');
            const start = performance.now();
            track.value = String(to);
            track.dispatchEvent(new Event('input', { bubbles: true }));
            const poll = () => (timer.textContent === shown ? done(performance.now() - start) : requestAnimationFrame(poll));
            requestAnimationFrame(poll);
          }),
        [to, shown],
      );
      if (to === 10) times.push(ms);
    }
  }
  await close();
  return times;
}

/** Milliseconds from navigation to the diagram's first instance tile, with
 *  the CPU slowed 4× and, if given, the link's speed and latency. */
async function firstPaint(base, link) {
  const { p, cdp, close } = await page();
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  if (link) await cdp.send('Network.emulateNetworkConditions', { offline: false, ...link });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  await p.addInitScript(() => {
    new MutationObserver((_, observer) => {
      if (document.querySelector('.diagram svg .tile')) {
        window.__drawn = performance.now();
        observer.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
  });
  await p.goto(base + '?scenario=baseline');
  await p.waitForFunction(() => window.__drawn !== undefined, null, { timeout: 60_000 });
  const ms = await p.evaluate(() => window.__drawn);
  await close();
  return ms;
}

const now = await serve(resolve(import.meta.dirname, '..', '..', 'dist'));
const ref = process.env.REF_DIST ? await serve(resolve(process.env.REF_DIST)) : null;

console.log('Frame intervals (ms), CPU throttled 4x unless said, 1440x900: median of rounds of p50 / p95');
for (const [what, query, throttle] of [
  ['baseline at 1x', '?scenario=baseline&speed=1&autoplay', 4],
  ['flash sale at 10x', '?scenario=flash-sale&speed=10&autoplay', 4],
  ['bench at 10x', '?scenario=bench&speed=10&autoplay', 4],
  ['compare: two flash sales at 10x, unthrottled', '?scenario=flash-sale&speed=10&autoplay&compare=idempotency:shared', 1],
]) {
  const runs = [];
  for (let r = 0; r < ROUNDS; r++) runs.push(await frames(now, query, throttle));
  console.log(`  ${what}: p50 ${fmt(median(runs.map((x) => x[0])))} / p95 ${fmt(median(runs.map((x) => x[1])))}`);
}

const jumps = await rewindJumps(now);
console.log(`Rewind, bench preset, 610 s -> 10 s, unthrottled: median ${fmt(median(jumps))} ms (${jumps.map(fmt).join(', ')})`);

const slow = { latency: 40, downloadThroughput: 4e6 / 8, uploadThroughput: 4e6 / 8 };
for (const [what, link] of [['loopback', null], ['4 Mbit/s, 40 ms', slow]]) {
  const runs = { now: [], ref: [] };
  for (let r = 0; r < ROUNDS; r++) {
    if (ref) runs.ref.push(await firstPaint(ref, link));
    runs.now.push(await firstPaint(now, link));
  }
  const line = `First paint, CPU 4x, ${what}: median ${fmt(median(runs.now))} ms`;
  console.log(ref ? `${line}; reference ${fmt(median(runs.ref))} ms; ratio ${(median(runs.now) / median(runs.ref)).toFixed(2)}` : line);
}
await browser.close();
process.exit(0);
