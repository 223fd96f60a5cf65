// Whether a process id names a live process: the data-dir lock asks it of the lock's owner, the
// extension of the daemon it started.
import { readFileSync } from 'node:fs';

/**
 * Signal 0 checks existence only. EPERM means it exists but belongs to another user: still running.
 * A zombie (exited, not yet reaped by its parent) still answers signal 0, but it will never release a
 * lock; in a container without an init process nobody reaps it, so it would block every restart.
 */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return !isZombie(pid);
}

/** Linux only (/proc/<pid>/stat: `pid (comm) state ...`); elsewhere nothing tells, so not a zombie. */
function isZombie(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false;
  }
  // The command name may itself hold spaces or parentheses: the state follows the last ')'.
  return stat
    .slice(stat.lastIndexOf(')') + 1)
    .trimStart()
    .startsWith('Z');
}
