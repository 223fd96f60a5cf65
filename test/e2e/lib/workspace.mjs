// A throwaway workspace folder, and its own data dir for the extension, so the daemon it starts (and the
// keys the tests create) never touch a real user's store or another suite's. `keysmith.dataDir` is a
// machine setting: VS Code ignores it in a workspace's settings (a cloned repository must not choose
// where the extension sends the admin token), so the real one goes into the profile's settings and the
// workspace gets a decoy pointing elsewhere, as a hostile repository would.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * `userDataDir` is the profile's VS Code user-data dir: the data dir is written to its User settings
 * (desktop) and Machine settings (what a remote extension host such as code-server's reads).
 * Suites run one after another, each opening its window after this call, so each gets its own data dir.
 */
export function createWorkspace(root, name, extraSettings = {}, { userDataDir } = {}) {
  if (!userDataDir) throw new Error("createWorkspace needs the profile's userDataDir: keysmith.dataDir is a machine setting");
  const folder = path.join(root, 'workspaces', name);
  const dataDir = path.join(root, 'data', name);
  const decoyDataDir = path.join(root, 'decoy-data', name);
  mkdirSync(path.join(folder, '.vscode'), { recursive: true });
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const settings = { 'keysmith.dataDir': decoyDataDir, ...extraSettings };
  writeFileSync(path.join(folder, '.vscode', 'settings.json'), JSON.stringify(settings, null, 2));
  for (const scope of ['User', 'Machine']) mergeSettings(path.join(userDataDir, scope, 'settings.json'), { 'keysmith.dataDir': dataDir });
  // Something for "inject into config" flows to find.
  writeFileSync(path.join(folder, '.env'), '# Keysmith e2e workspace\nAPP_NAME=demo\n');
  return { folder, dataDir, decoyDataDir };
}

function mergeSettings(file, values) {
  let current = {};
  try {
    current = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    // No settings yet (Machine/), or none written by the harness: start from an empty object.
  }
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({ ...current, ...values }, null, 2));
}

/**
 * Stops the daemon the extension started for this workspace, found through its calling card
 * (`<dataDir>/daemon.json`). run.mjs sweeps anything left under the run's root anyway.
 */
export function stopWorkspaceDaemon({ dataDir }) {
  let pid;
  try {
    pid = JSON.parse(readFileSync(path.join(dataDir, 'daemon.json'), 'utf8')).pid;
  } catch {
    return; // No daemon was started, or it already removed its card on the way out.
  }
  if (!Number.isInteger(pid) || pid <= 0) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // Already gone.
  }
}
