#!/usr/bin/env node
// The extension-host tests in a desktop VS Code, for machines that have one (this project's machines
// do not: VS Code cannot be downloaded here, so CI runs run.mjs on code-server instead). Does what
// @vscode/test-electron does once it has an executable: start VS Code with the extension under
// development and its tests module, in a throwaway profile, and exit with the tests' exit code.
//
// Usage: VSCODE_EXECUTABLE_PATH=/path/to/code npm run test:electron   (build first: npm run build)
// On a Linux machine without a display, wrap it in xvfb-run.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './lib/paths.mjs';
import { createWorkspace, stopWorkspaceDaemon } from './lib/workspace.mjs';

const executable = process.env.VSCODE_EXECUTABLE_PATH;
const testsPath = path.join(REPO_ROOT, 'dist', 'test', 'index.js');
if (!executable || !existsSync(executable)) {
  console.error(`VSCODE_EXECUTABLE_PATH must name a VS Code executable (got "${executable ?? ''}").`);
  console.error('Without VS Code, run the same tests in code-server: npm run test:e2e -- exthost');
  process.exit(1);
}
if (!existsSync(testsPath)) {
  console.error(`${path.relative(REPO_ROOT, testsPath)} is missing: run \`npm run build\` first.`);
  process.exit(1);
}

const root = mkdtempSync(path.join(os.tmpdir(), 'keysmith-electron-'));
const workspace = createWorkspace(root, 'extension-host', {}, { userDataDir: path.join(root, 'user-data') });
const args = [
  workspace.folder,
  `--extensionDevelopmentPath=${REPO_ROOT}`,
  `--extensionTestsPath=${testsPath}`,
  `--user-data-dir=${path.join(root, 'user-data')}`,
  `--extensions-dir=${path.join(root, 'extensions')}`,
  '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes', '--disable-updates',
  '--no-sandbox', '--disable-gpu-sandbox',
];
const child = spawn(executable, args, { stdio: 'inherit', env: { ...process.env, ELECTRON_RUN_AS_NODE: undefined } });
child.on('exit', (code, signal) => {
  stopWorkspaceDaemon(workspace);
  rmSync(root, { recursive: true, force: true });
  console.log(`extension-host tests in ${path.basename(executable)}: ${signal ? `killed by ${signal}` : `exit code ${code}`}`);
  process.exit(code === 0 ? 0 : 1);
});
