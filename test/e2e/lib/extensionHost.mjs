// Runs the extension's mocha tests inside VS Code's Node extension host, served by code-server: the
// workbench is opened with a payload naming the extension under development and its tests module,
// and VS Code reports the tests' outcome through `codeAutomationExit`.
import { mkdirSync } from 'node:fs';
import { format } from 'node:util';
import path from 'node:path';
import { launchBrowser } from './browser.mjs';

const TIMEOUT_MS = Number(process.env.KEYSMITH_E2E_EXTHOST_TIMEOUT_MS || 300_000);

export function extensionTestsUrl(server, { folder, extensionPath, testsPath }) {
  const authority = `127.0.0.1:${server.port}`;
  const payload = [
    ['extensionDevelopmentPath', `vscode-remote://${authority}${extensionPath}`],
    ['extensionTestsPath', `vscode-remote://${authority}${testsPath}`],
  ];
  return `${server.origin}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

/** Resolves to the tests' exit code (0 = all passed); screenshots the workbench as it ends. */
export async function runExtensionHostTests(server, { folder, extensionPath, testsPath, outDir, log = console.log }) {
  mkdirSync(outDir, { recursive: true });
  const browser = await launchBrowser({ root: server.profile.root, origin: server.origin });
  const { page } = browser;
  let finish;
  const exited = new Promise((resolve) => (finish = resolve));
  try {
    // VS Code forwards console calls as (type, args); args[0] may be a printf format, as mocha's are.
    await page.exposeFunction('codeAutomationLog', (type, args) => log(`[extension host ${type}] ${format(...args)}`));
    await page.exposeFunction('codeAutomationExit', (code) => finish(code));
    await page.goto(extensionTestsUrl(server, { folder, extensionPath, testsPath }));
    let timer;
    const timeout = new Promise((resolve) => (timer = setTimeout(resolve, TIMEOUT_MS, 'timeout')));
    const code = await Promise.race([exited, timeout]);
    clearTimeout(timer);
    await page.screenshot({ path: path.join(outDir, code === 0 ? 'finished.png' : 'failure.png') }).catch(() => {});
    if (code === 'timeout') {
      log(`extension-host tests did not report within ${TIMEOUT_MS / 1000}s`);
      return 1;
    }
    return code;
  } catch (error) {
    await page.screenshot({ path: path.join(outDir, 'failure.png') }).catch(() => {});
    throw error;
  } finally {
    await browser.close();
  }
}
