// One UI suite's world: its own workspace and data dir (so its own daemon and keys), a fresh
// Chromium on the code-server for its language, numbered screenshots at each milestone into
// test/e2e/out/<suite>/, one on failure, and everything closed after the suite.
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { launchBrowser } from './browser.mjs';
import { OUT_DIR } from './paths.mjs';
import { runContext } from './runContext.mjs';
import { Workbench } from './workbench.mjs';
import { createWorkspace, stopWorkspaceDaemon } from './workspace.mjs';

/**
 * Call inside a mocha `describe`: registers the hooks and returns a handle whose fields are filled
 * in by the `before` hook. `name` names the workspace, the data dir and the screenshot folder;
 * `journey` makes each test a step that needs the previous ones to have passed.
 */
export function useWorkbench({ name, locale = 'en', settings = {}, journey = false }) {
  const session = { name, locale, outDir: path.join(OUT_DIR, name), shots: 0 };

  before(async function () {
    this.timeout(180_000);
    const context = runContext();
    const server = context.servers[locale];
    if (!server) throw new Error(`run.mjs started no code-server for locale "${locale}"`);
    mkdirSync(session.outDir, { recursive: true });
    session.workspace = createWorkspace(context.root, name, settings, { userDataDir: server.userDataDir });
    session.browser = await launchBrowser({ root: context.root, origin: server.origin, locale: locale === 'fr' ? 'fr-FR' : 'en-US' });
    session.page = session.browser.page;
    // The workbench's console explains most UI failures (a webview error, a refused clipboard write).
    const consoleLog = path.join(session.outDir, 'console.log');
    session.page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') appendFileSync(consoleLog, `[${m.type()}] ${m.text()}\n`);
    });
    session.workbench = new Workbench(session.page);
    await session.page.goto(`${server.origin}/?folder=${encodeURIComponent(session.workspace.folder)}`);
    await session.workbench.waitUntilReady();
  });

  // A journey's steps build on each other as a user's session does: after a broken step the later
  // ones fail fast, naming it, instead of timing out on a state that never came. (Mocha's own
  // suite-level bail also silently drops later suites once anything failed, so it is not used.)
  beforeEach(function () {
    if (journey && session.brokenStep) throw new Error(`an earlier step failed: "${session.brokenStep}"`);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') session.brokenStep ??= this.currentTest.title;
    if (this.currentTest?.state === 'failed' && session.page) {
      await session.page.screenshot({ path: path.join(session.outDir, `failure-${slug(this.currentTest.title)}.png`) }).catch(() => {});
    }
  });

  after(async function () {
    this.timeout(60_000);
    await session.browser?.close();
    if (session.workspace) stopWorkspaceDaemon(session.workspace);
  });

  /** A milestone screenshot: out/<suite>/<NN>-<label>.png, numbered in the order taken. */
  session.shot = async (label) => {
    session.shots += 1;
    const file = path.join(session.outDir, `${String(session.shots).padStart(2, '0')}-${slug(label)}.png`);
    await session.page.screenshot({ path: file });
    return file;
  };

  return session;
}

function slug(text) {
  return String(text)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
}
