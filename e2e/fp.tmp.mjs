import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
const server = spawn('node', ['serve-dist.mjs'], { stdio: 'ignore' });
await new Promise(r => setTimeout(r, 800));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
for (let round = 0; round < 6; round++) {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  await cdp.send('Network.enable'); await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await page.addInitScript(() => {
    new MutationObserver((_, o) => { if (document.querySelector('.tile, [data-instance]')) { window.__tile = performance.now(); o.disconnect(); } }).observe(document, { childList: true, subtree: true });
  });
  await page.goto('http://127.0.0.1:4173/');
  await page.waitForFunction(() => window.__tile && performance.getEntriesByName('first-contentful-paint').length);
  const r = await page.evaluate(() => {
    const res = 0 && performance.getEntriesByType('resource').map(e => [e.name.split('/').pop().slice(0, 20), Math.round(e.startTime), Math.round(e.responseEnd)]);
    const fcp = performance.getEntriesByName('first-contentful-paint')[0]; return { fcp: fcp && Math.round(fcp.startTime), tile: Math.round(window.__tile), dcl: Math.round(performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd), res };
  });
  console.log(JSON.stringify(r));
  await page.close();
}
await browser.close(); server.kill();
