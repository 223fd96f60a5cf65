// Stops whatever a run started that is still alive: code-server instances whose stop was never
// reached, Chromium, and above all the Keysmith daemons, which the extension starts detached (their
// own session) so killing code-server's process group does not reach them. Every such process names
// the run's temp root on its command line (--user-data-dir, --data-dir, the Chromium profile), and
// nothing outside the run does, so matching on it only ever touches our own processes.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

function processGroupOf(pid) {
  // /proc/<pid>/stat: "pid (comm) state ppid pgrp ..."; comm may hold spaces, so split after ')'.
  const stat = readFileSync(path.join('/proc', String(pid), 'stat'), 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}

function processesMentioning(root) {
  const ownGroup = processGroupOf(process.pid);
  const found = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const cmdline = readFileSync(path.join('/proc', entry, 'cmdline'), 'utf8').replaceAll('\0', ' ');
      if (!cmdline.includes(root)) continue;
      const group = processGroupOf(pid);
      found.push({ pid, group: group === ownGroup ? undefined : group, cmdline: cmdline.slice(0, 120) });
    } catch {
      // It ended while we looked.
    }
  }
  return found;
}

/** SIGTERM, then SIGKILL after a grace period; returns what was found, for the run's log. */
export async function stopLeftoversUnder(root) {
  const found = processesMentioning(root);
  const send = (signal) => {
    for (const { pid, group } of found) {
      for (const target of group ? [-group, pid] : [pid]) {
        try {
          process.kill(target, signal);
        } catch {
          // Already gone.
        }
      }
    }
  };
  send('SIGTERM');
  const deadline = Date.now() + 5_000;
  while (found.some(({ pid }) => isAlive(pid)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  send('SIGKILL');
  return found;
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
