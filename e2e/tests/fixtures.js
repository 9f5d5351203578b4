// A `page` that fails its test on any console error, uncaught exception
// (a wasm panic is both) or request that leaves 127.0.0.1.
import { test as base, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';

export const ARTIFACTS = resolve(import.meta.dirname, '..', 'artifacts');
mkdirSync(ARTIFACTS, { recursive: true });

const LOCAL = /^(https?:\/\/127\.0\.0\.1(:\d+)?\/|data:|blob:|about:)/;

export const test = base.extend({
  page: async ({ page }, use) => {
    const problems = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(`console.error: ${msg.text()} (${msg.location().url})`);
    });
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('request', (req) => {
      if (!LOCAL.test(req.url())) problems.push(`request left 127.0.0.1: ${req.url()}`);
    });
    await use(page);
    expect(problems, 'console errors, page errors or outside requests').toEqual([]);
  },
});

export { expect };

/** Saves a screenshot under e2e/artifacts/ for a person to look at. */
export async function snap(page, name) {
  await page.screenshot({ path: resolve(ARTIFACTS, `${name}.png`), fullPage: true });
}

/**
 * Runs the native command-line simulator (built by the global setup) with
 * `args` and returns what it prints.
 */
export function cli(...args) {
  return execFileSync('cargo', ['run', '-q', '-p', 'sahara-sim', '--bin', 'sahara-sim', '--', ...args], { cwd: '..', encoding: 'utf8' });
}
