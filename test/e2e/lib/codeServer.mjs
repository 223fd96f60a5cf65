// An isolated code-server: its own HOME and XDG dirs, user-data-dir and extensions-dir under one temp
// root, so nothing lands in the real home and every run starts from the same clean profile.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CODE_SERVER_BIN } from './paths.mjs';
import { freePort, run, waitFor } from './process.mjs';

// E2E.md: no welcome page, no telemetry, no update or trust prompts in the way of the tests.
const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'telemetry.telemetryLevel': 'off',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'update.mode': 'none',
  'security.workspace.trust.enabled': false,
  'workbench.tips.enabled': false,
  'chat.commandCenter.enabled': false,
  // VS Code's own git extension watches the throwaway repositories the editor tests make and delete; its
  // `git check-ignore` then dies with EPIPE inside the extension host the tests share, and mocha blames
  // whichever test runs. Keysmith asks git itself (extension/editor/gitPlace.ts), never that extension.
  'git.enabled': false,
};

/**
 * Lays out a profile under `root`. `locale` (e.g. "fr") goes into argv.json, which is where VS Code
 * reads the display language from; it only takes effect once a language pack for it is installed.
 */
export function createProfile(root, { name = 'default', locale } = {}) {
  const profile = {
    root,
    name,
    locale,
    home: path.join(root, 'home'),
    userDataDir: path.join(root, `user-data-${name}`),
    extensionsDir: path.join(root, 'extensions'),
    logFile: path.join(root, `code-server-${name}.log`),
  };
  for (const dir of [profile.home, profile.extensionsDir, path.join(profile.userDataDir, 'User')]) {
    mkdirSync(dir, { recursive: true });
  }
  writeFileSync(path.join(profile.userDataDir, 'User', 'settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
  if (locale) writeFileSync(path.join(profile.userDataDir, 'User', 'argv.json'), JSON.stringify({ locale }, null, 2));
  return profile;
}

/** HOME and XDG dirs inside the run's temp root, for code-server, its extension host and Chromium. */
export function isolatedEnv(root) {
  const home = path.join(root, 'home');
  return {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    XDG_RUNTIME_DIR: path.join(root, 'runtime'),
    // code-server would otherwise print a password banner and read ~/.config/code-server/config.yaml.
    PASSWORD: '',
    // A daemon the extension starts without a configured dataDir still lands in the temp root.
    KEYSMITH_DATA_DIR: path.join(root, 'default-data'),
  };
}

function baseArgs(profile) {
  return ['--user-data-dir', profile.userDataDir, '--extensions-dir', profile.extensionsDir];
}

/** Installs a vsix or an extension folder into the profile's extensions dir. */
export async function installExtension(profile, vsixOrFolder) {
  await run(CODE_SERVER_BIN, [...baseArgs(profile), '--install-extension', vsixOrFolder, '--force'], {
    env: isolatedEnv(profile.root),
    label: `code-server --install-extension ${path.basename(vsixOrFolder)}`,
  });
}

/**
 * Starts code-server in its own process group (Node's `detached` is setsid(2)) so stopping it can
 * signal the whole group: it has an extension host and file watchers as children.
 */
export async function startCodeServer(profile, { workspace, port } = {}) {
  port ??= await freePort();
  const args = [
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    ...baseArgs(profile),
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
  ];
  if (profile.locale) args.push('--locale', profile.locale);
  if (workspace) args.push(workspace);
  const log = createWriteStream(profile.logFile, { flags: 'a' });
  const child = spawn(CODE_SERVER_BIN, args, {
    detached: true,
    env: isolatedEnv(profile.root),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  let exited;
  child.on('exit', (code, signal) => (exited = signal ? `signal ${signal}` : `exit code ${code}`));
  const server = {
    port,
    origin: `http://127.0.0.1:${port}`,
    pid: child.pid,
    profile,
    urlFor: (folder) => `http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}`,
    stop: () => stopProcessGroup(child),
    logTail: (lines = 30) => tail(profile.logFile, lines),
  };
  try {
    await waitFor(
      async () => {
        if (exited) throw new Error(`code-server exited (${exited}); see ${profile.logFile}`);
        const res = await fetch(`${server.origin}/healthz`);
        return res.ok;
      },
      { what: `code-server /healthz on port ${port}`, timeoutMs: 60_000 },
    );
  } catch (error) {
    await server.stop();
    throw new Error(`${error.message}\n${server.logTail()}`, { cause: error });
  }
  return server;
}

/** SIGTERM to the group, SIGKILL to whatever is left after a grace period. */
async function stopProcessGroup(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  signalGroup(child.pid, 'SIGTERM');
  const timer = new Promise((resolve) => setTimeout(resolve, 5_000, 'timeout'));
  if ((await Promise.race([gone, timer])) === 'timeout') {
    signalGroup(child.pid, 'SIGKILL');
    await gone;
  }
  // Children that outlived the leader are still in the group.
  signalGroup(child.pid, 'SIGKILL');
}

function signalGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
  } catch (error) {
    if (error.code !== 'ESRCH') throw error;
  }
}

function tail(file, lines) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
