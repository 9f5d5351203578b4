import { chromium } from '@playwright/test';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { writeFileSync } from 'node:fs';
const DIR = process.argv[2];
const T = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css', '.svg': 'image/svg+xml' };
const server = createServer(async (req, res) => {
  let p = new URL(req.url, 'http://x').pathname; if (p.endsWith('/')) p += 'index.html';
  try { const b = await readFile(DIR + p); res.writeHead(200, { 'content-type': T[p.slice(p.lastIndexOf('.'))] ?? 'application/octet-stream' }); res.end(b); } catch { res.writeHead(404); res.end(); }
}).listen(4199, '127.0.0.1');
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
const cdp = await page.context().newCDPSession(page);
await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
await cdp.send('Profiler.start');
await page.goto('http://127.0.0.1:4199/' + (process.argv[3] ?? ''));
await page.waitForSelector('.diagram svg .tile');
const { profile } = await cdp.send('Profiler.stop');
writeFileSync('/tmp/startup.cpuprofile', JSON.stringify(profile));
// self time per function, and inclusive time of the wasm `main`
const byId = new Map(profile.nodes.map(n => [n.id, n]));
const self = new Map();
const dt = profile.timeDeltas; let total = 0;
const counts = new Map();
profile.samples.forEach((id, i) => counts.set(id, (counts.get(id) ?? 0) + (dt[i] ?? 0)));
for (const [id, t] of counts) { const n = byId.get(id); const k = n.callFrame.functionName || '(' + n.callFrame.url.split('/').pop() + ')'; self.set(k, (self.get(k) ?? 0) + t); total += t; }
console.log('total sampled ms', Math.round(total / 1000));
[...self].sort((a, b) => b[1] - a[1]).slice(0, 40).forEach(([k, t]) => console.log(String(Math.round(t / 1000)).padStart(6), k.slice(0, 120)));
// inclusive per function
const parent = new Map(); profile.nodes.forEach(n => (n.children ?? []).forEach(c => parent.set(c, n.id)));
const incl = new Map();
for (const [id, t] of counts) { const seen = new Set(); for (let x = id; x; x = parent.get(x)) { const k = byId.get(x).callFrame.functionName; if (!seen.has(k)) { seen.add(k); incl.set(k, (incl.get(k) ?? 0) + t); } } }
console.log('--- inclusive');
[...incl].sort((a, b) => b[1] - a[1]).slice(0, 200).forEach(([k, t]) => console.log(String(Math.round(t / 1000)).padStart(6), k.slice(0, 140)));
await browser.close(); server.close();
