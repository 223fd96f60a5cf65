// One daemon per data directory: two daemons writing the same store would silently lose each other's
// changes. The lock file holds the owner's pid (and, on Linux, the boot id); a lock whose owner is no
// longer running is left over from a crash and is taken over.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { StoreLockedError, StoreWriteError } from './errors';
import { tempPathFor } from './secureFiles';
import { isRunning } from '../../common/processAlive';
import { errnoCode, readTextIfExists, type StoreFileHandle, type StoreFs } from './storeFs';

export const LOCK_FILE_NAME = 'daemon.lock';

export interface DataDirLock {
  readonly file: string;
  release(): Promise<void>;
}

interface LockOwner {
  pid: number;
  bootId?: string;
}

/** Locks this process holds: a lock naming our own pid that is not in here is a previous life's. */
const heldByThisProcess = new Set<string>();

export async function acquireDataDirLock(fs: StoreFs, dataDir: string): Promise<DataDirLock> {
  const file = path.join(dataDir, LOCK_FILE_NAME);
  // A few rounds: each round either creates the lock, refuses because it is held, or removes a stale one.
  for (let round = 0; round < 8; round++) {
    // A disk that refuses the lock (full, read-only, not ours) gets the same advice as a refused write.
    const created = await createLockFile(fs, file).catch((error: unknown) => {
      throw new StoreWriteError(file, error, 'the daemon did not start');
    });
    if (created) {
      heldByThisProcess.add(file);
      return { file, release: () => releaseIfOurs(fs, file) };
    }
    const text = await readTextIfExists(fs, file);
    if (text === null) continue;
    if (text === '' && round < 4) {
      // Created but not yet written (only possible on the no-hard-link fallback): give its owner a moment.
      await new Promise((resolve) => setTimeout(resolve, 50));
      continue;
    }
    const owner = parseOwner(text);
    if (owner && ownerIsAlive(owner, file)) throw new StoreLockedError(owner.pid, file);
    // Stale. Another starting daemon may have replaced it meanwhile: remove only what we judged.
    if ((await readTextIfExists(fs, file)) !== text) continue;
    await fs.unlink(file).catch((error: unknown) => {
      if (errnoCode(error) !== 'ENOENT') throw error;
    });
  }
  throw new Error(`Could not take the lock ${file}: other processes keep creating it. Is another daemon starting?`);
}

/**
 * Writes the owner to a private temp file, then hard-links it to the lock name: link fails if the lock
 * exists, so the lock appears atomically and always complete (never an empty file a rival could misread).
 */
async function createLockFile(fs: StoreFs, file: string): Promise<boolean> {
  const temp = tempPathFor(file);
  await writeOwner(await fs.open(temp, 'wx', 0o600));
  try {
    await fs.link(temp, file);
    return true;
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'EEXIST') return false;
    if (code && LINK_UNSUPPORTED.has(code)) return createDirectly(fs, file);
    throw error;
  } finally {
    await fs.unlink(temp).catch(() => undefined);
  }
}

/** File systems without hard links (FAT, some network mounts) report one of these for link(). */
const LINK_UNSUPPORTED = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);

/** Fallback: exclusive create, then write. A rival may see it empty for an instant, and then waits. */
async function createDirectly(fs: StoreFs, file: string): Promise<boolean> {
  let handle;
  try {
    handle = await fs.open(file, 'wx', 0o600);
  } catch (error) {
    if (errnoCode(error) === 'EEXIST') return false;
    throw error;
  }
  await writeOwner(handle);
  return true;
}

/** Our pid (and boot id), written durably, then the handle closed. */
async function writeOwner(handle: StoreFileHandle): Promise<void> {
  const bootId = currentBootId();
  try {
    await handle.writeFile(`${process.pid}\n${bootId ? `boot ${bootId}\n` : ''}`);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** undefined when the content names no pid (damaged): such a lock protects nothing. */
function parseOwner(text: string): LockOwner | undefined {
  const [pidLine = '', ...rest] = text.split('\n');
  const pid = Number(pidLine.trim());
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  const bootId = rest
    .find((line) => line.startsWith('boot '))
    ?.slice('boot '.length)
    .trim();
  return bootId ? { pid, bootId } : { pid };
}

/**
 * After a crash and a reboot the old pid may belong to an unrelated process, or even to us: a lock from
 * another boot, or naming our pid without our having taken it, is stale whatever the pid says.
 */
function ownerIsAlive(owner: LockOwner, file: string): boolean {
  const bootId = currentBootId();
  if (owner.bootId && bootId && owner.bootId !== bootId) return false;
  if (owner.pid === process.pid) return heldByThisProcess.has(file);
  return isRunning(owner.pid);
}

let bootIdCache: string | null | undefined;

/** Linux names each boot with a random id; elsewhere there is none and the pid check alone decides. */
function currentBootId(): string | undefined {
  if (bootIdCache === undefined) {
    try {
      bootIdCache = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
    } catch {
      bootIdCache = null;
    }
  }
  return bootIdCache ?? undefined;
}

async function releaseIfOurs(fs: StoreFs, file: string): Promise<void> {
  heldByThisProcess.delete(file);
  const text = await readTextIfExists(fs, file);
  if (text !== null && parseOwner(text)?.pid === process.pid) {
    await fs.unlink(file).catch(() => undefined);
  }
}
