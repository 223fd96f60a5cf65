// Headless Debian Chromium driven by playwright-core, with a throwaway profile (E2E.md's flags).
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

import { CHROMIUM_PATH } from './paths.mjs';

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/**
 * Launches Chromium with clipboard access granted for `origin`, so tests can read what a command
 * copied the way a user would paste it. `locale` sets navigator.language (VS Code web reads it too).
 */
export async function launchBrowser({ root, origin, locale = 'en-US' }) {
  mkdirSync(root, { recursive: true });
  const profileDir = mkdtempSync(path.join(root, 'chromium-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    locale,
    viewport: { width: 1400, height: 900 },
    args: ARGS,
    env: { ...process.env, HOME: path.join(root, 'home') },
    // run.mjs owns interruption: it stops code-server, the daemons and Chromium, then exits. Left on,
    // Playwright's own handlers would exit the process before that clean-up is done.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  if (origin) await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close().catch(() => {});
      rmSync(profileDir, { recursive: true, force: true });
    },
  };
}
