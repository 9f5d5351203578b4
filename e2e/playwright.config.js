// Playwright drives Debian's Chromium (/usr/bin/chromium): its own browser
// download cannot work on machines without access to the wider internet.
import { defineConfig } from '@playwright/test';

const APP_PORT = 4173;

export default defineConfig({
  testDir: './tests',
  globalSetup: './build-cli.mjs',
  outputDir: './test-results',
  timeout: 30_000,
  fullyParallel: false,
  workers: 1,
  forbidOnly: true,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${APP_PORT}`,
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-sync',
        '--disable-quic',
      ],
    },
    viewport: { width: 1280, height: 720 },
  },
  webServer: {
    command: 'node serve-dist.mjs',
    url: `http://127.0.0.1:${APP_PORT}/index.html`,
    reuseExistingServer: false,
    timeout: 10_000,
  },
});
