import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
const server = spawn('node', ['serve-dist.mjs'], { stdio: 'ignore' });
await new Promise(r => setTimeout(r, 800));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
async function one(css) {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  await page.addInitScript((css) => { document.addEventListener('DOMContentLoaded', () => { const s = document.createElement('style'); s.textContent = css; document.head.append(s); }); }, css);
  await browser.startTracing(page, { categories: ['devtools.timeline'] });
  await page.goto('http://127.0.0.1:4173/');
  await page.waitForFunction(() => performance.getEntriesByName('first-contentful-paint').length);
  const ev = JSON.parse((await browser.stopTracing()).toString()).traceEvents;
  const lay = ev.filter(e => e.name === 'Layout' && e.ph === 'X').reduce((a, e) => a + e.dur, 0) / 1000;
  const sty = ev.filter(e => e.name === 'UpdateLayoutTree' && e.ph === 'X').reduce((a, e) => a + e.dur, 0) / 1000;
  const fcp = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0].startTime);
  await page.close();
  return [lay, sty, fcp];
}
for (const [name, css] of [['none', ''], ['no side', '.side{display:none}'], ['no charts', '.charts,.focus-charts{display:none}'], ['no ticker/about', '.ticker,.about{display:none}'], ['no diagram', '.diagram{display:none}'], ['none', '']]) {
  const rs = []; for (let i = 0; i < 3; i++) rs.push(await one(css));
  const med = k => rs.map(r => r[k]).sort((a, b) => a - b)[1].toFixed(0);
  console.log(name.padEnd(16), 'layout', med(0), 'style', med(1), 'fcp', med(2));
}
await browser.close(); server.kill();
