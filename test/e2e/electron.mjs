#!/usr/bin/env node
// The extension-host tests (test/extension, bundled to dist/test/index.js) in a desktop VS Code, through
// @vscode/test-electron's runTests. Not part of `npm test`: CI runs the same tests in code-server
// (run.mjs), because this project's machines cannot download VS Code.
//
//   npm run build && npm run test:electron                                   # downloads VS Code into .vscode-test/
//   VSCODE_EXECUTABLE_PATH=/path/to/code npm run test:electron               # uses that VS Code
//
// The download is bounded: without network it fails with a message instead of waiting. On a Linux
// machine without a display, wrap the command in xvfb-run.
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './lib/paths.mjs';
import { createWorkspace, stopWorkspaceDaemon } from './lib/workspace.mjs';

const DOWNLOAD_LIMIT_MS = Number(process.env.KEYSMITH_VSCODE_DOWNLOAD_TIMEOUT_MS ?? 120_000);
// test-electron's own timeout is per silence on the socket; a server that trickles bytes never trips it.
const IDLE_LIMIT_MS = Math.min(15_000, DOWNLOAD_LIMIT_MS);

const testsPath = path.join(REPO_ROOT, 'dist', 'test', 'index.js');
if (!existsSync(testsPath)) fail(`${path.relative(REPO_ROOT, testsPath)} is missing: run \`npm run build\` first.`);

const executable = process.env.VSCODE_EXECUTABLE_PATH || (await downloadVsCode());
if (!existsSync(executable)) fail(`VSCODE_EXECUTABLE_PATH names no file: "${executable}".`);

const root = mkdtempSync(path.join(os.tmpdir(), 'keysmith-electron-'));
const workspace = createWorkspace(root, 'extension-host', {}, { userDataDir: path.join(root, 'user-data') });
let code;
try {
  code = await runTests({
    vscodeExecutablePath: executable,
    extensionDevelopmentPath: REPO_ROOT,
    extensionTestsPath: testsPath,
    // A throwaway profile and extensions dir, and the workspace whose settings give the extension its
    // own data dir: the run never touches the user's VS Code profile or key store.
    launchArgs: [
      workspace.folder,
      `--user-data-dir=${path.join(root, 'user-data')}`,
      `--extensions-dir=${path.join(root, 'extensions')}`,
      '--disable-extensions',
      '--disable-workspace-trust',
    ],
    // Set when this script itself runs from a VS Code terminal or task; the child must be VS Code, not node.
    extensionTestsEnv: { ELECTRON_RUN_AS_NODE: undefined },
  });
} catch (error) {
  // runTests rejects with TestRunFailedError (carrying VS Code's exit code) when tests fail or VS Code crashes.
  code = typeof error?.code === 'number' ? error.code : 1;
  console.error(`extension-host tests: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  stopWorkspaceDaemon(workspace);
  rmSync(root, { recursive: true, force: true });
}
console.log(`extension-host tests in ${path.basename(executable)}: exit code ${code}`);
process.exit(code === 0 ? 0 : 1);

/** VS Code for this extension's `engines.vscode` (or KEYSMITH_VSCODE_VERSION), cached in .vscode-test/. */
async function downloadVsCode() {
  const version = process.env.KEYSMITH_VSCODE_VERSION || undefined;
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no VS Code after ${DOWNLOAD_LIMIT_MS / 1000} s`)), DOWNLOAD_LIMIT_MS);
  });
  try {
    return await Promise.race([
      downloadAndUnzipVSCode({
        version,
        extensionDevelopmentPath: REPO_ROOT,
        cachePath: path.join(REPO_ROOT, '.vscode-test'),
        timeout: IDLE_LIMIT_MS,
      }),
      limit,
    ]);
  } catch (error) {
    fail(
      [
        `Could not download VS Code (${error instanceof Error ? error.message : String(error)}).`,
        'Without network, give a local VS Code: VSCODE_EXECUTABLE_PATH=/path/to/code npm run test:electron',
        'or run the same tests in code-server: npm run test:e2e -- exthost',
      ].join('\n'),
    );
  } finally {
    clearTimeout(timer);
  }
}

function fail(message) {
  console.error(message);
  process.exit(1);
}
