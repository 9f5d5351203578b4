// A/B of first paint (FCP) and tile-in-DOM between two dist dirs, CPU 4x, loopback or slow link
import { chromium } from '@playwright/test';
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { join, extname } from 'node:path';
import { gzipSync } from 'node:zlib';
const T = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };
function serve(dir) {
  const gz = new Map();
  const s = createServer(async (req, res) => {
    let f = join(dir, new URL(req.url, 'http://x').pathname);
    try { if ((await stat(f)).isDirectory()) f = join(f, 'index.html'); const b = await readFile(f);
      if (!gz.has(f)) gz.set(f, gzipSync(b, { level: 9 }));
      res.writeHead(200, { 'content-type': T[extname(f)] ?? 'application/octet-stream', 'content-encoding': 'gzip' }).end(gz.get(f)); } catch { res.writeHead(404).end(); }
  });
  return new Promise(ok => s.listen(0, '127.0.0.1', () => ok(`http://127.0.0.1:${s.address().port}/`)));
}
const [A, B] = [await serve(process.argv[2]), await serve(process.argv[3])];
const rounds = Number(process.argv[4] ?? 7), slow = process.argv[5] === 'slow';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
async function one(base) {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable'); await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  if (slow) await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 40, downloadThroughput: 5e5, uploadThroughput: 5e5 });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  await page.addInitScript(() => { new MutationObserver((_, o) => { if (document.querySelector('.diagram svg .tile')) { window.__tile = performance.now(); o.disconnect(); } }).observe(document, { childList: true, subtree: true }); });
  await page.goto(base + '?scenario=baseline');
  await page.waitForFunction(() => window.__tile && performance.getEntriesByName('first-contentful-paint').length, null, { timeout: 60000 });
  const r = await page.evaluate(() => [performance.getEntriesByName('first-contentful-paint')[0].startTime, window.__tile]);
  await page.close(); return r;
}
await one(A); await one(B);
const a = [], b = [];
for (let i = 0; i < rounds; i++) { a.push(await one(A)); b.push(await one(B)); }
const med = xs => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
for (const [n, xs] of [['A', a], ['B', b]]) console.log(n, 'fcp', med(xs.map(x => x[0])).toFixed(0), 'tile', med(xs.map(x => x[1])).toFixed(0), xs.map(x => x[0].toFixed(0)).join(' '));
console.log('B/A fcp', (med(b.map(x => x[0])) / med(a.map(x => x[0]))).toFixed(3));
await browser.close(); process.exit(0);
