// Installs the harness's own packages (code-server, playwright-core, vsce, mocha) into test/e2e.
// code-server's install is the fragile part on a machine that reaches only the npm registry and
// Debian: its native modules must build as root against the local Node headers, and @vscode/ripgrep
// downloads a binary from GitHub unless its cache already holds one — so we seed that cache with
// Debian's `rg`.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { E2E_DIR } from './paths.mjs';
import { run } from './process.mjs';

// Must match the @vscode/ripgrep version code-server 4.100.3 pins and the asset it asks for on x64.
const RIPGREP_PACKAGE_VERSION = '1.15.11';
const RIPGREP_ASSET = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';

/** Environment for npm so code-server's postinstall builds offline as root. */
export function harnessInstallEnv() {
  return {
    ...process.env,
    npm_config_unsafe_perm: 'true',
    // ~/.npmrc may say yes=false, which makes node-pty's `npx node-gyp` refuse to run.
    npm_config_yes: 'true',
    // node-gyp must use the headers Debian's Node ships instead of downloading them.
    npm_config_nodedir: '/usr',
    TMPDIR: os.tmpdir(),
  };
}

// Written after a successful install; holds the hash of the lockfile it installed, so a changed
// lockfile (a version bump) reinstalls instead of testing with stale packages.
const STAMP = path.join(E2E_DIR, 'node_modules', '.keysmith-e2e-installed');

function lockfileHash() {
  return createHash('sha256')
    .update(readFileSync(path.join(E2E_DIR, 'package-lock.json')))
    .digest('hex');
}

export function isHarnessInstalled() {
  try {
    return readFileSync(STAMP, 'utf8').trim() === lockfileHash();
  } catch {
    return false;
  }
}

/** Puts Debian's rg where @vscode/ripgrep's postinstall looks before it tries to download. */
export function seedRipgrepCache(rgPath) {
  const cacheDir = path.join(os.tmpdir(), `vscode-ripgrep-cache-${RIPGREP_PACKAGE_VERSION}`);
  const archive = path.join(cacheDir, RIPGREP_ASSET);
  if (existsSync(archive)) return archive;
  mkdirSync(cacheDir, { recursive: true });
  const staging = mkdtempSync(path.join(os.tmpdir(), 'keysmith-rg-'));
  try {
    copyFileSync(rgPath, path.join(staging, 'rg'));
    // The archive must hold `rg` at its root: that is how the release asset is laid out.
    execFileSync('tar', ['-czf', archive, '-C', staging, 'rg']);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return archive;
}

/** `npm ci` in test/e2e when its packages are missing; returns the seconds it took (0 if skipped). */
export async function ensureHarnessInstalled({ rgPath, log }) {
  if (isHarnessInstalled()) return 0;
  seedRipgrepCache(rgPath);
  log(`installing the e2e harness into ${path.relative(process.cwd(), E2E_DIR) || '.'} (code-server is large; about a minute or two)`);
  const started = Date.now();
  await run('npm', ['ci', '--prefix', E2E_DIR, '--no-audit', '--no-fund'], { env: harnessInstallEnv(), label: 'npm ci (e2e harness)' });
  writeFileSync(STAMP, `${lockfileHash()}\n`);
  return (Date.now() - started) / 1000;
}
