// `<dataDir>/daemon.json`: how clients find the running daemon (port, pid, admin token). Private and
// written atomically, so a reader never sees half a token and no other user sees any of it.
import { readFile, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import * as path from 'node:path';
import type { DaemonInfo } from './protocol';
import { assertPrivateFile, writePrivateFileAtomic } from './store/secureFiles';

export const DAEMON_FILE_NAME = 'daemon.json';

export function daemonFilePath(dataDir: string): string {
  return path.join(dataDir, DAEMON_FILE_NAME);
}

/** `--data-dir`, else KEYSMITH_DATA_DIR, else `$XDG_DATA_HOME/keysmith`, else `~/.local/share/keysmith`. */
export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = flag ?? env.KEYSMITH_DATA_DIR;
  if (chosen) return path.resolve(chosen);
  const xdg = env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : path.join(homedir(), '.local', 'share');
  return path.join(xdg, 'keysmith');
}

export async function writeDaemonFile(dataDir: string, info: DaemonInfo): Promise<void> {
  await writePrivateFileAtomic(daemonFilePath(dataDir), `${JSON.stringify(info, null, 2)}\n`);
}

export async function readDaemonFile(dataDir: string): Promise<DaemonInfo> {
  const file = daemonFilePath(dataDir);
  await assertPrivateFile(file);
  const info = JSON.parse(await readFile(file, 'utf8')) as Partial<DaemonInfo>;
  if (typeof info.port !== 'number' || typeof info.token !== 'string') throw new Error(`${file} is not a Keysmith daemon file`);
  return info as DaemonInfo;
}

export async function removeDaemonFile(dataDir: string): Promise<void> {
  await rm(daemonFilePath(dataDir), { force: true });
}

/** Refuses a daemon.json or master.key that other users could read (a leaked admin token or master key). */
export async function assertPrivateIfPresent(file: string): Promise<void> {
  try {
    await assertPrivateFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
}
