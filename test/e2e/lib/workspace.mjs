// A throwaway workspace folder whose settings point the extension at its own data dir, so the daemon
// it starts (and the keys the tests create) never touch a real user's store or another suite's.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export function createWorkspace(root, name, extraSettings = {}) {
  const folder = path.join(root, 'workspaces', name);
  const dataDir = path.join(root, 'data', name);
  mkdirSync(path.join(folder, '.vscode'), { recursive: true });
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const settings = { 'keysmith.dataDir': dataDir, ...extraSettings };
  writeFileSync(path.join(folder, '.vscode', 'settings.json'), JSON.stringify(settings, null, 2));
  // Something for "inject into config" flows to find.
  writeFileSync(path.join(folder, '.env'), '# Keysmith e2e workspace\nAPP_NAME=demo\n');
  return { folder, dataDir };
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
