import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
const server = spawn('node', ['serve-dist.mjs'], { stdio: 'ignore' });
await new Promise(r => setTimeout(r, 800));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const shots = JSON.parse(process.argv[2]);
for (const [name, url, w, h] of shots) {
  const page = await browser.newPage({ viewport: { width: w, height: h } });
  page.on('console', m => { if (m.type() === 'error') console.log('console error', m.text()); });
  await page.goto('http://127.0.0.1:4173/' + url);
  await page.waitForTimeout(2500);
  await page.screenshot({ path: `/tmp/look/${name}.png` });
  await page.close();
}
await browser.close(); server.kill();
