#!/usr/bin/env node
// Runs Keysmith's tests in a real VS Code: code-server serves VS Code 1.100, headless Chromium drives
// it. Steps: check system packages -> install the harness -> build -> package the vsix -> install it
// into isolated profiles -> start code-server (English and French) -> extension-host tests -> UI tests
// -> stop everything, even on failure -> summary. Exit code 0 only when every test passed.
//
// Usage: node test/e2e/run.mjs [exthost] [ui] [ui/<file>.test.mjs ...] [activation]   (default: every test)
// `activation` times activation to a populated tree with 10,000 keys (a bench, not a test; see README).
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCodeServer } from './lib/codeServer.mjs';
import { ensureHarnessInstalled } from './lib/install.mjs';
import { stopLeftoversUnder } from './lib/leftovers.mjs';
import { OUT_DIR, REPO_ROOT } from './lib/paths.mjs';
import { missingPrerequisites, prerequisiteVerdict, RG_PATH } from './lib/prerequisites.mjs';
import { run } from './lib/process.mjs';
import { RUN_CONTEXT_ENV } from './lib/runContext.mjs';
import { prepareProfiles } from './lib/profiles.mjs';
import { selectUiTests } from './lib/selection.mjs';
import { packageExtension } from './lib/vsix.mjs';
import { createWorkspace, stopWorkspaceDaemon } from './lib/workspace.mjs';

const log = (message) => console.log(`[e2e] ${message}`);
const results = [];
const servers = [];
let root;

async function main() {
  const selection = selectUiTests(process.argv.slice(2));
  const verdict = prerequisiteVerdict(missingPrerequisites({ exthost: selection.exthost }));
  if (verdict.action !== 'run') {
    console.error(verdict.message);
    if (verdict.action === 'skip') return 0;
    results.push({ suite: 'prerequisites', passed: 0, failed: 1, note: 'system packages missing, see above' });
    return 1;
  }
  const installSeconds = await ensureHarnessInstalled({ rgPath: RG_PATH, log });
  if (installSeconds) log(`harness installed in ${installSeconds.toFixed(0)} s`);

  rmSync(OUT_DIR, { recursive: true, force: true });
  mkdirSync(OUT_DIR, { recursive: true });
  const hasExtension = existsSync(path.join(REPO_ROOT, 'extension', 'extension.ts'));
  if (process.env.KEYSMITH_E2E_SKIP_BUILD === '1') {
    log('KEYSMITH_E2E_SKIP_BUILD=1: using dist/ as it is');
  } else {
    log('building (npm run build)');
    await run('npm', ['run', '--silent', 'build'], { cwd: REPO_ROOT, label: 'npm run build' });
  }

  root = mkdtempSync(path.join(os.tmpdir(), 'keysmith-e2e-'));
  let keysmithVsix;
  if (hasExtension) {
    log('packaging the extension (vsce package --no-dependencies)');
    keysmithVsix = await packageExtension(REPO_ROOT, path.join(root, 'keysmith.vsix'));
  } else {
    log('NOTE: extension/extension.ts does not exist yet: only the harness smoke test runs.');
  }
  const profiles = await prepareProfiles(root, { keysmithVsix });

  const en = await startCodeServer(profiles.en);
  servers.push(en);
  log(`code-server (en) ready at ${en.origin}`);

  if (selection.exthost) await extensionHostSuite(en, hasExtension);
  if (selection.ui.length) {
    const fr = await startCodeServer(profiles.fr);
    servers.push(fr);
    log(`code-server (fr) ready at ${fr.origin}`);
    process.env[RUN_CONTEXT_ENV] = JSON.stringify({ root, servers: { en: serverInfo(en), fr: serverInfo(fr) } });
    await uiSuite(selection.ui.filter((file) => hasExtension || path.basename(file) === 'smoke.test.mjs'));
  }
  // Last: it points the English profile's keysmith.dataDir at its own seeded data dir.
  if (selection.activation && hasExtension) await activationSuite(en);
  return results.every((r) => r.failed === 0) && results.length > 0 ? 0 : 1;
}

function serverInfo(server) {
  return { origin: server.origin, port: server.port, userDataDir: server.profile.userDataDir };
}

async function extensionHostSuite(server, hasExtension) {
  const testsPath = path.join(REPO_ROOT, 'dist', 'test', 'index.js');
  if (!existsSync(testsPath)) {
    if (hasExtension) {
      results.push({
        suite: 'extension host',
        passed: 0,
        failed: 1,
        note: `${path.relative(REPO_ROOT, testsPath)} was not built (test/extension/index.ts missing?)`,
      });
    } else {
      log('NOTE: no extension yet, so no extension-host tests to run.');
    }
    return;
  }
  const workspace = createWorkspace(root, 'extension-host', {}, { userDataDir: server.profile.userDataDir });
  log('running the extension-host tests inside VS Code');
  // Imported only now: it needs playwright-core, which the harness install has just provided.
  const { runExtensionHostTests } = await import('./lib/extensionHost.mjs');
  const lines = [];
  const code = await runExtensionHostTests(server, {
    folder: workspace.folder,
    extensionPath: REPO_ROOT,
    testsPath,
    outDir: path.join(OUT_DIR, 'extension-host'),
    log: (line) => {
      lines.push(line);
      console.log(line);
    },
  });
  stopWorkspaceDaemon(workspace);
  const text = lines.join('\n');
  const passing = Number(/(\d+) passing/.exec(text)?.[1] ?? (code === 0 ? 1 : 0));
  const failing = Number(/(\d+) failing/.exec(text)?.[1] ?? (code === 0 ? 0 : 1));
  results.push({
    suite: 'extension host',
    passed: passing,
    failed: code === 0 ? failing : Math.max(failing, 1),
    note: `exit code ${code}`,
  });
}

async function uiSuite(files) {
  const { default: Mocha } = await import('mocha');
  const mocha = new Mocha({ timeout: 120_000, reporter: 'spec', slow: 20_000 });
  for (const file of files) mocha.addFile(file);
  await mocha.loadFilesAsync();
  log(`running ${files.length} UI test file(s) in Chromium`);
  const stats = await new Promise((resolve) => {
    const runner = mocha.run(() => resolve(runner.stats));
  });
  results.push({ suite: 'UI', passed: stats.passes, failed: stats.failures, note: `${files.map((f) => path.basename(f)).join(', ')}` });
}

async function activationSuite(server) {
  // Imported only now: it needs playwright-core, which the harness install has just provided.
  const { describeActivation, measureActivation } = await import('./lib/activationBench.mjs');
  const keyCount = Number(process.env.KEYSMITH_E2E_ACTIVATION_KEYS || 10_000);
  const runs = Number(process.env.KEYSMITH_E2E_ACTIVATION_RUNS || 4);
  const outDir = path.join(OUT_DIR, 'activation');
  log(
    `timing activation to a populated tree: 10 keys (baseline), then ${keyCount}; each ${runs} reloads with the daemon stopped and ${runs} with it running`,
  );
  try {
    const result = await measureActivation(server, { root, outDir, keyCount, runs, log });
    const json = JSON.stringify(result, null, 2);
    writeFileSync(path.join(outDir, 'result.json'), json);
    // `npm run bench` reads the figures from here (bench/activation.ts).
    if (process.env.KEYSMITH_E2E_ACTIVATION_RESULT) writeFileSync(process.env.KEYSMITH_E2E_ACTIVATION_RESULT, json);
    const lines = describeActivation(result);
    for (const line of lines) log(line);
    results.push({
      suite: 'activation (bench)',
      passed: 1,
      failed: 0,
      note: `figures above and in ${path.relative(REPO_ROOT, outDir)}/result.json`,
    });
  } catch (error) {
    console.error(`[e2e] ${error.stack ?? error}`);
    results.push({ suite: 'activation (bench)', passed: 0, failed: 1, note: error.message.split('\n')[0] });
  }
}

// Shared by the normal exit and a signal handler, which can both be under way: clean up once.
let cleaning;
function cleanUp() {
  cleaning ??= stopAndClean();
  return cleaning;
}

async function stopAndClean() {
  for (const server of servers) await server.stop().catch((e) => log(`stopping code-server: ${e.message}`));
  if (!root) return;
  const leftovers = await stopLeftoversUnder(root);
  if (leftovers.length)
    log(`stopped ${leftovers.length} leftover process(es):\n${leftovers.map((p) => `  ${p.pid} ${p.cmdline}`).join('\n')}`);
  // Keep the server and daemon logs beside the screenshots: they explain most failures.
  const logs = path.join(OUT_DIR, 'logs');
  mkdirSync(logs, { recursive: true });
  for (const file of readdirSync(root).filter((f) => f.endsWith('.log'))) copyFileSync(path.join(root, file), path.join(logs, file));
  const dataRoot = path.join(root, 'data');
  for (const name of existsSync(dataRoot) ? readdirSync(dataRoot) : []) {
    const daemonLog = path.join(dataRoot, name, 'daemon.log');
    if (existsSync(daemonLog)) copyFileSync(daemonLog, path.join(logs, `daemon-${name}.log`));
  }
  if (process.env.KEYSMITH_E2E_KEEP === '1') log(`kept ${root} (KEYSMITH_E2E_KEEP=1)`);
  // Retries: a Chromium that is still exiting may write to its profile while we delete it.
  else rmSync(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
}

function printSummary(code) {
  const passed = results.reduce((n, r) => n + r.passed, 0);
  const failed = results.reduce((n, r) => n + r.failed, 0);
  console.log('\n=== Keysmith end-to-end summary ===');
  for (const r of results) console.log(`${r.failed ? 'FAIL' : 'ok  '} ${r.suite}: ${r.passed} passed, ${r.failed} failed (${r.note})`);
  if (results.length === 0) console.log('no suite ran');
  console.log(`screenshots and logs: ${path.relative(process.cwd(), OUT_DIR) || OUT_DIR}`);
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  return code;
}

// Interrupted (Ctrl-C, a CI timeout): code-server and the daemons run detached, so they would outlive
// us unless we stop them here (lib/browser.mjs turns Playwright's own signal handlers off).
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    console.error(`[e2e] ${signal}: stopping code-server and the daemons before exiting`);
    cleanUp().finally(() => process.exit(130));
  });
}

let exitCode;
try {
  process.chdir(REPO_ROOT);
  exitCode = await main();
} catch (error) {
  console.error(`[e2e] ${error.stack ?? error}`);
  results.push({ suite: 'harness', passed: 0, failed: 1, note: error.message.split('\n')[0] });
  exitCode = 1;
} finally {
  await cleanUp().catch((e) => console.error(`[e2e] clean-up failed: ${e.message}`));
}
if (results.length || exitCode !== 0) printSummary(exitCode);
process.exit(exitCode);
