// One daemon per data directory: two daemons writing the same store would silently lose each other's
// changes. The lock file holds the owner's pid; a lock whose pid is no longer running is left over from
// a crash and is taken over.
import * as path from 'node:path';
import { StoreLockedError } from './errors';
import { tempPathFor } from './secureFiles';
import { errnoCode, type StoreFs } from './storeFs';

export const LOCK_FILE_NAME = 'daemon.lock';

export interface DataDirLock {
  readonly file: string;
  release(): Promise<void>;
}

export async function acquireDataDirLock(fs: StoreFs, dataDir: string): Promise<DataDirLock> {
  const file = path.join(dataDir, LOCK_FILE_NAME);
  // A few rounds: each round either creates the lock, refuses because it is held, or removes a stale one.
  for (let round = 0; round < 5; round++) {
    if (await createWithPid(fs, file)) return { file, release: () => releaseIfOurs(fs, file) };
    const holder = await readPid(fs, file);
    if (holder === 'gone') continue;
    if (holder !== 'unreadable' && isRunning(holder)) throw new StoreLockedError(holder, file);
    await fs.unlink(file).catch((error: unknown) => {
      if (errnoCode(error) !== 'ENOENT') throw error;
    });
  }
  throw new Error(`Could not take the lock ${file}: other processes keep creating it. Is another daemon starting?`);
}

/**
 * Writes the pid to a private temp file, then hard-links it to the lock name: link fails if the lock
 * exists, so the lock appears atomically and always complete (never an empty file a rival could misread).
 */
async function createWithPid(fs: StoreFs, file: string): Promise<boolean> {
  const temp = tempPathFor(file);
  const handle = await fs.open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(`${process.pid}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.link(temp, file);
    return true;
  } catch (error) {
    if (errnoCode(error) === 'EEXIST') return false;
    throw error;
  } finally {
    await fs.unlink(temp).catch(() => undefined);
  }
}

async function readPid(fs: StoreFs, file: string): Promise<number | 'gone' | 'unreadable'> {
  let text: string;
  try {
    text = (await fs.readFile(file)).toString('utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return 'gone';
    throw error;
  }
  const pid = Number(text.trim());
  return Number.isSafeInteger(pid) && pid > 0 ? pid : 'unreadable';
}

/** Signal 0 checks existence only. EPERM means it exists but belongs to another user: still running. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoCode(error) === 'EPERM';
  }
}

async function releaseIfOurs(fs: StoreFs, file: string): Promise<void> {
  if ((await readPid(fs, file)) === process.pid) {
    await fs.unlink(file).catch(() => undefined);
  }
}
