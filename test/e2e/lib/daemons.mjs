// Stops every Keysmith daemon the extension started during a run. The extension starts its daemon
// detached (its own session), so killing code-server's process group does not reach it.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Pids of live processes whose command line mentions `root` (the run's temp dir). */
function processesMentioning(root) {
  const pids = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(path.join('/proc', entry, 'cmdline'), 'utf8');
      if (cmdline.includes(root) && cmdline.includes('daemon')) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

/**
 * Terminates daemons started with a data dir under `root`: the daemon receives `--data-dir <dir>`, so
 * its command line names our temp root and nothing outside this run matches.
 */
export async function stopDaemonsUnder(root) {
  const pids = processesMentioning(root);
  for (const pid of pids) signal(pid, 'SIGTERM');
  const deadline = Date.now() + 5_000;
  while (pids.some(isAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  for (const pid of pids.filter(isAlive)) signal(pid, 'SIGKILL');
  return pids;
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signal(pid, name) {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}
