// A crash between writing a temp file and renaming it over its target leaves `<target>.<pid>.<hex>.tmp`
// (secureFiles.tempPathFor) in the data dir: half a store, or a copy of the admin token or master key.
// Once the data-dir lock is held no live daemon writes here, so such files are leftovers and removed.
// Only exact temp names of files written atomically here, only regular files: a symbolic link or a
// folder with such a name was not made by us, and removing what is not ours is not our call.
import { lstat } from 'node:fs/promises';
import * as path from 'node:path';
import { DAEMON_FILE_NAME } from '../../../common/daemonJson';
import { MASTER_KEY_FILE } from '../../keys/masterKey';
import { LOCK_FILE_NAME } from '../dataDirLock';
import { isRunning } from '../../../common/processAlive';
import { errnoCode, type StoreFs } from '../storeFs';

/** Files of the data dir that the daemon itself (not the store) replaces atomically. */
const DAEMON_FILES = [DAEMON_FILE_NAME, MASTER_KEY_FILE];

// The random part is 12 hex digits today; any length is accepted so older names are recognised too.
const TEMP_SUFFIX = /^\.(\d{1,10})\.[0-9a-f]{1,64}\.tmp$/;

/** The pid in `name` when it is exactly a temp name of `target`, else undefined. */
export function tempFileWriterPid(target: string, name: string): number | undefined {
  if (!name.startsWith(target)) return undefined;
  const match = TEMP_SUFFIX.exec(name.slice(target.length));
  return match ? Number(match[1]) : undefined;
}

/**
 * Removes the crash leftovers of `storeFiles`, daemon.json and master.key, and lock temp files whose
 * writer is gone (a rival daemon starting right now may own a live one). Call only while holding the
 * data-dir lock. Resolves with the names removed.
 */
export async function removeCrashLeftovers(fs: StoreFs, dataDir: string, storeFiles: readonly string[]): Promise<string[]> {
  const targets = [...storeFiles, ...DAEMON_FILES];
  const removed: string[] = [];
  for (const name of await fs.readdir(dataDir)) {
    const lockWriter = tempFileWriterPid(LOCK_FILE_NAME, name);
    const leftover =
      targets.some((target) => tempFileWriterPid(target, name) !== undefined) || (lockWriter !== undefined && !isRunning(lockWriter));
    if (!leftover || !(await isRegularFile(path.join(dataDir, name)))) continue;
    try {
      await fs.unlink(path.join(dataDir, name));
      removed.push(name);
    } catch (error) {
      if (errnoCode(error) !== 'ENOENT') throw error;
    }
  }
  return removed;
}

/** lstat, not stat: a symbolic link is judged as itself, never by what it points at. A read only, so not through the fault-injecting facade. */
async function isRegularFile(file: string): Promise<boolean> {
  try {
    return (await lstat(file)).isFile();
  } catch {
    return false;
  }
}
