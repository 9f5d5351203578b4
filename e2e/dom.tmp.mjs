import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
const server = spawn('node', ['serve-dist.mjs'], { stdio: 'ignore' });
await new Promise(r => setTimeout(r, 800));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
await page.goto('http://127.0.0.1:4173/');
await page.waitForSelector('.diagram svg .tile');
console.log(await page.evaluate(() => {
  const out = { all: document.querySelectorAll('*').length };
  const walk = (el, depth) => { for (const c of el.children) { const n = c.querySelectorAll('*').length + 1; if (n > 60) { out['  '.repeat(depth) + c.tagName.toLowerCase() + '.' + (c.className?.baseVal ?? c.className).toString().split(' ')[0] + (c.id ? '#' + c.id : '')] = n; if (depth < 4) walk(c, depth + 1); } } };
  walk(document.body, 0);
  return JSON.stringify(out, null, 1);
}));
await browser.close(); server.kill();
