// The page's speed as a person meets it, measured in Debian's Chromium:
// frame intervals with the CPU throttled 4× (a cheap laptop, a lecture
// theatre's PC), compare mode's frames, a rewind's jump, and the time to
// the first paint with the diagram on loopback and on a 4 Mbit/s, 40 ms
// link, side by side with a reference build. A script, not a test: it prints medians.
//
//   node e2e/bench/page.mjs                       (the build in dist/)
//   REF_DIST=/path/to/old/dist node e2e/bench/page.mjs   (also first paint against it)
//
// Machines are noisy: quote the medians of one run, and compare builds only
// within one run (they alternate). The load average is printed before and
// after, to be quoted with the figures.
//
// A frame interval says nothing if the page is idle, broken or falling
// behind: each frame measurement also prints the simulated seconds per real
// second the page reached (the speed asked for, or less when a frame's work
// budget runs out and the clock says "running as fast as it can"), and any
// page error, console error or missing compared diagram stops the script.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { loadavg } from 'node:os';
import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };

/** Serves `dir` on a free port, gzipped when the browser accepts it (as a
 *  static host such as GitHub Pages does, so the emulated slow link carries
 *  the bytes a person's browser would); resolves to its base URL. */
function serve(dir) {
  const gzipped = new Map(); // compressed once, so compressing costs no run its time
  const server = createServer(async (req, res) => {
    let file = join(dir, decodeURIComponent(new URL(req.url, 'http://x').pathname));
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      const headers = { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' };
      if (!/\bgzip\b/.test(req.headers['accept-encoding'] ?? '')) return res.writeHead(200, headers).end(body);
      if (!gzipped.has(file)) gzipped.set(file, gzipSync(body, { level: 9 }));
      res.writeHead(200, { ...headers, 'content-encoding': 'gzip' }).end(gzipped.get(file));
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

/** A fresh page at 1440×900 whose close fails on any page or console error. */
async function page(viewport = { width: 1440, height: 900 }) {
  const context = await browser.newContext({ viewport });
  const p = await context.newPage();
  const cdp = await context.newCDPSession(p);
  const problems = [];
  p.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  p.on('console', (msg) => msg.type() === 'error' && problems.push(`console error: ${msg.text()}`));
  const close = async () => {
    await context.close();
    if (problems.length) throw new Error(`${p.url()}: ${problems.join('; ')}`);
  };
  return { p, cdp, close };
}

/** p50 and p95 of the intervals between animation frames over 8 s, after
 *  2 s of warm-up, with the CPU slowed `throttle` times; the simulated
 *  seconds per real second reached meanwhile, and whether the page said it
 *  lagged. `diagrams`: how many the page must show (2 in compare mode). */
async function frames(base, query, throttle, diagrams) {
  const { p, cdp, close } = await page();
  await p.goto(base + query);
  await p.waitForSelector('.diagram svg .tile');
  const shown = await p.locator('.diagram').count();
  if (shown !== diagrams) throw new Error(`${query}: ${shown} diagrams shown, expected ${diagrams}`);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
  const { deltas, speed, lagging } = await p.evaluate(
    () =>
      new Promise((done) => {
        // The simulated seconds the main clock shows ("t = 1:05.0"), and whether it says it lags.
        const clock = () => {
          const text = document.querySelector('.clock[role=timer]').textContent;
          const [, m, s] = text.match(/t = (\d+):(\d+(?:\.\d)?)/);
          return { t: Number(m) * 60 + Number(s), lagging: text.includes('as fast as it can') };
        };
        const out = [];
        let last = 0;
        let from = null;
        let lagging = false;
        const start = performance.now();
        const tick = (t) => {
          if (t - start > 2000) {
            if (last) out.push(t - last);
            from ??= { t, sim: clock().t };
            lagging ||= clock().lagging;
          }
          last = t;
          if (t - start < 10_000) requestAnimationFrame(tick);
          else done({ deltas: out, speed: ((clock().t - from.sim) * 1000) / (t - from.t), lagging });
        };
        requestAnimationFrame(tick);
      }),
  );
  await close();
  return [quantile(deltas, 0.5), quantile(deltas, 0.95), speed, lagging];
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

/** Milliseconds from navigation to the first paint with the diagram on it,
 *  with the CPU slowed 4× and, if given, the link's speed and latency: the
 *  browser's first contentful paint, which must come after the diagram's
 *  first instance tile is in the DOM (the page mounts at once, so its first
 *  paint is the whole page; if a paint ever came before the diagram, this
 *  would not measure the diagram and the script stops). */
async function firstPaint(base, link) {
  const { p, cdp, close } = await page();
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  if (link) await cdp.send('Network.emulateNetworkConditions', { offline: false, ...link });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  await p.addInitScript(() => {
    new MutationObserver((_, observer) => {
      if (document.querySelector('.diagram svg .tile')) {
        window.__inDom = performance.now();
        observer.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
  });
  await p.goto(base + '?scenario=baseline');
  const fcp = () => performance.getEntriesByName('first-contentful-paint')[0]?.startTime;
  await p.waitForFunction(`window.__inDom !== undefined && (${fcp})() !== undefined`, null, { timeout: 60_000 });
  const [inDom, paint] = await p.evaluate(`[window.__inDom, (${fcp})()]`);
  if (paint < inDom) throw new Error(`first paint at ${paint} ms came before the diagram was in the page (${inDom} ms)`);
  await close();
  return paint;
}

const now = await serve(resolve(import.meta.dirname, '..', '..', 'dist'));
const ref = process.env.REF_DIST ? await serve(resolve(process.env.REF_DIST)) : null;

const load = () => `load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`;
console.log(`${new Date().toISOString()}, ${load()}`);
console.log('Frame intervals (ms), CPU throttled 4x unless said, 1440x900: median of rounds of p50 / p95; simulated s per real s');
for (const [what, query, throttle, diagrams] of [
  ['baseline at 1x', '?scenario=baseline&speed=1&autoplay', 4, 1],
  ['flash sale at 10x', '?scenario=flash-sale&speed=10&autoplay', 4, 1],
  ['bench at 10x', '?scenario=bench&speed=10&autoplay', 4, 1],
  ['compare: two flash sales at 10x, unthrottled', '?scenario=flash-sale&speed=10&autoplay&compare=idempotency:shared', 1, 2],
]) {
  const runs = [];
  for (let r = 0; r < ROUNDS; r++) runs.push(await frames(now, query, throttle, diagrams));
  const lagged = runs.filter((x) => x[3]).length;
  console.log(
    `  ${what}: p50 ${fmt(median(runs.map((x) => x[0])))} / p95 ${fmt(median(runs.map((x) => x[1])))}; ` +
      `${fmt(median(runs.map((x) => x[2])))}x reached${lagged ? ` (said it lagged in ${lagged} of ${ROUNDS})` : ''}`,
  );
}

const jumps = await rewindJumps(now);
console.log(`Rewind, bench preset, 610 s -> 10 s, unthrottled: median ${fmt(median(jumps))} ms (${jumps.map(fmt).join(', ')})`);

const slow = { latency: 40, downloadThroughput: 4e6 / 8, uploadThroughput: 4e6 / 8 };
// One unmeasured load of each build first: the servers' gzipped copies and
// the files' pages in the OS cache are then there for every measured run.
for (const base of ref ? [ref, now] : [now]) await firstPaint(base, null);
for (const [what, link] of [['loopback', null], ['4 Mbit/s, 40 ms', slow]]) {
  const runs = { now: [], ref: [] };
  for (let r = 0; r < ROUNDS; r++) {
    if (ref) runs.ref.push(await firstPaint(ref, link));
    runs.now.push(await firstPaint(now, link));
  }
  const all = (xs) => `${fmt(median(xs))} ms (${xs.map(fmt).join(', ')})`;
  const line = `First paint, CPU 4x, ${what}: median ${all(runs.now)}`;
  console.log(ref ? `${line}; reference ${all(runs.ref)}; ratio ${(median(runs.now) / median(runs.ref)).toFixed(2)}` : line);
}
console.log(load());
await browser.close();
process.exit(0);
