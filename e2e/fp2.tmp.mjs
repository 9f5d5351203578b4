import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
const server = spawn('node', ['serve-dist.mjs'], { stdio: 'ignore' });
await new Promise(r => setTimeout(r, 800));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage();
await page.goto('http://127.0.0.1:4173/favicon-56312501fdd40ff1.svg');
const cdp = await page.context().newCDPSession(page);
await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
const wasm = process.argv[2];
for (let i = 0; i < 4; i++) {
  const t = await page.evaluate(async (w) => {
    const bytes = await (await fetch(w, { cache: 'no-store' })).arrayBuffer();
    const t0 = performance.now();
    await WebAssembly.compile(bytes);
    return performance.now() - t0;
  }, wasm);
  console.log('compile ms', Math.round(t));
}
await browser.close(); server.kill();
